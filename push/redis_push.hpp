// Backend pushes through Redis: one subscriber (python-socketio's channel plus the emitter's
// broadcast and request channels), each message decoded by its channel's format and handed to
// the intake (applied, or dropped and counted under its reason).
#pragma once

#include "push/intake.hpp"
#include "push/push_options.hpp"
#include "push/redis_subscriber.hpp"

#include <memory>

namespace imedge::push {

class redis_push {
public:
    /// Starts subscribing at once. `server` must outlive this object.
    redis_push(server::running_server& server, const push_options& o);
    ~redis_push();

    /// Stops the subscriber (joins its thread); idempotent.
    void stop();

    const push_counters& counters() const { return intake_.counters(); }
    std::string summary() const { return intake_.summary(); }

    /// Decodes and applies one message (the subscriber's sink; public for tests).
    void on_message(std::string_view channel, std::string_view body);

private:
    push_options options_;
    intake intake_;
    std::unique_ptr<redis_subscriber> subscriber_;
};

} // namespace imedge::push
