// Backend pushes through RabbitMQ: python-socketio KombuManager's pickle bodies from the
// consumer, decoded and handed to the intake.
#pragma once

#include "push/amqp_consumer.hpp"
#include "push/intake.hpp"
#include "push/push_options.hpp"

#include <memory>

namespace imedge::push {

class amqp_push {
public:
    /// Starts consuming at once. `server` must outlive this object.
    amqp_push(server::running_server& server, const push_options& o);
    ~amqp_push() { stop(); }

    void stop() { consumer_.reset(); }
    std::string summary() const { return intake_.summary(); }
    const push_counters& counters() const { return intake_.counters(); }

private:
    push_options options_;
    intake intake_;
    std::unique_ptr<amqp_consumer> consumer_;
};

} // namespace imedge::push
