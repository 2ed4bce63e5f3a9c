// `amqp://[user[:password]@]host[:port][/vhost]`, the URL kombu and python-socketio's
// KombuManager take (https://www.rabbitmq.com/uri-spec.html): defaults guest/guest, port 5672,
// vhost "/" (kombu's "amqp://h//" also names vhost "/").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace imedge::push {

struct amqp_endpoint {
    std::string host = "127.0.0.1";
    std::uint16_t port = 5672;
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";
};

std::variant<amqp_endpoint, std::string> parse_amqp_url(std::string_view url);

/// The URL again, without the password (for logs).
std::string describe(const amqp_endpoint& e);

} // namespace imedge::push
