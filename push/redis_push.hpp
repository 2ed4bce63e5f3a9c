// Backend pushes through Redis: one subscriber (python-socketio's channel plus the emitter's
// broadcast and request channels), each message decoded by its channel's format and carried
// out by the applier; a message that does not decode is dropped and counted under its reason,
// and logged (the first of each reason, then at every power of two, so a flood cannot flood
// the log).
#pragma once

#include "push/applier.hpp"
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

    const push_counters& counters() const { return counters_; }
    /// One line: received, applied, ignored, dropped by reason.
    std::string summary() const;

    /// Decodes and applies one message (the subscriber's sink; public for tests).
    void on_message(std::string_view channel, std::string_view body);

private:
    void count_drop(drop_reason r, std::string_view channel);

    push_options options_;
    push_counters counters_;
    applier applier_;
    std::unique_ptr<redis_subscriber> subscriber_;
};

} // namespace imedge::push
