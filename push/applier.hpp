// Carries actions out on a running server from any thread, through the public handler API only:
// emits are posted to shard 0 (whose emit fans out to every shard through the rings, so the
// pushes of one publisher stay in order); room changes and disconnects by room go through
// shard 0 too, which posts them to every shard, each acting on its own sockets, so they keep
// their order with the emits. Bounded: past `max_in_flight` posts not yet run,
// apply() blocks its caller (the subscriber thread, never a shard) until the shards catch up,
// and the broker buffers meanwhile.
#pragma once

#include "push/action.hpp"

#include "server/api/app.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>

namespace imedge::push {

class applier {
public:
    explicit applier(server::running_server& server, std::size_t max_in_flight = 65536);

    /// Thread-safe. Returns once the action is posted (maybe after waiting for room).
    void apply(action a);

    std::uint64_t in_flight() const;

private:
    struct flow;
    void post(std::size_t shard, std::string nsp, std::function<void(server::server_ref)> f);

    server::running_server& server_;
    std::shared_ptr<flow> flow_;
};

} // namespace imedge::push
