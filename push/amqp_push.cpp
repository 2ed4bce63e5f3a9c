// Body -> pickle decoder -> intake.
#include "push/amqp_push.hpp"

#include "push/pickle_message.hpp"

namespace imedge::push {

amqp_push::amqp_push(server::running_server& server, const push_options& o)
    : options_(o), intake_(server, "amqp") {
    consumer_ =
        std::make_unique<amqp_consumer>(*o.amqp, o.amqp_exchange, [this](std::string_view b) {
            if (b.size() > options_.max_message)
                return intake_.take(outcome::drop(drop_reason::too_large), options_.amqp_exchange);
            protocol::pickle::limits l;
            l.max_input = options_.max_message;
            intake_.take(from_pickle(b, l), options_.amqp_exchange);
        });
}

} // namespace imedge::push
