// Splitting the push flags out of argv.
#include "push/push_options.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <charconv>
#include <random>
#include <string_view>

namespace imedge::push {

namespace {

// Like the socket.io redis-adapter's uid: random, six bytes of hex, different at each start.
std::string random_node_id() {
    std::random_device rd;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    std::string id;
    for (int i = 0; i < 6; ++i)
        id += fmt::format("{:02x}", byte(rd));
    return id;
}

// IP:PORT (IPv6 in brackets): the other nodes connect to it from their shard threads, which
// resolve no names.
bool valid_advertise(std::string_view v) {
    auto colon = v.rfind(':');
    if (colon == std::string_view::npos)
        return false;
    auto host = v.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    std::uint16_t port = 0;
    auto digits = v.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    std::string ip(host);
    unsigned char parsed[16];
    bool is_ip =
        inet_pton(AF_INET, ip.c_str(), parsed) == 1 || inet_pton(AF_INET6, ip.c_str(), parsed) == 1;
    return ec == std::errc{} && end == digits.data() + digits.size() && port != 0 && is_ip;
}

} // namespace

std::variant<split_args, std::string> take_push_options(int argc, char** argv) {
    split_args out;
    for (int i = 0; i < argc; ++i) {
        std::string_view a = argv[i];
        if (i > 0 && a == "--cluster") {
            out.push.cluster = true;
            continue;
        }
        bool ours = i > 0 && (a == "--redis" || a == "--redis-channel" || a == "--redis-key" ||
                              a == "--push-max-message" || a == "--amqp" ||
                              a == "--amqp-exchange" || a == "--node-id" || a == "--advertise");
        if (!ours) {
            out.rest.push_back(argv[i]);
            continue;
        }
        if (i + 1 >= argc)
            return fmt::format("{} needs a value", a);
        std::string_view v = argv[++i];
        if (a == "--redis") {
            auto e = parse_redis_url(v);
            if (auto* err = std::get_if<std::string>(&e))
                return *err;
            out.push.redis = std::get<redis_endpoint>(e);
        } else if (a == "--amqp") {
            auto e = parse_amqp_url(v);
            if (auto* err = std::get_if<std::string>(&e))
                return *err;
            out.push.amqp = std::get<amqp_endpoint>(e);
        } else if (a == "--push-max-message") {
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out.push.max_message);
            if (ec != std::errc{} || end != v.data() + v.size() || out.push.max_message == 0)
                return fmt::format("bad --push-max-message '{}'", v);
        } else if (v.empty()) {
            return fmt::format("{} must not be empty", a);
        } else if (a == "--node-id") {
            out.push.node_id = v;
        } else if (a == "--advertise") {
            if (!valid_advertise(v))
                return fmt::format("bad --advertise '{}' (IP:PORT, e.g. 10.0.0.5:3000)", v);
            out.push.advertise = v;
        } else {
            (a == "--redis-channel" ? out.push.redis_channel
             : a == "--redis-key"   ? out.push.redis_key
                                    : out.push.amqp_exchange) = v;
        }
    }
    if (out.push.cluster && !out.push.redis)
        return std::string("--cluster needs --redis URL (the nodes meet on that Redis)");
    if (!out.push.advertise.empty() && !out.push.cluster)
        return std::string("--advertise needs --cluster");
    if (out.push.cluster && out.push.node_id.empty())
        out.push.node_id = random_node_id();
    out.rest.push_back(nullptr);
    return out;
}

std::string push_usage() {
    return "backend pushes and clusters (docs/cluster.md, push/README.md):\n"
           "  --redis URL             subscribe to python-socketio's RedisManager and\n"
           "                          @socket.io/redis-emitter publications (none: no Redis)\n"
           "  --redis-channel C       RedisManager's channel (socketio)\n"
           "  --redis-key K           the redis-emitter's key prefix (socket.io)\n"
           "  --amqp URL              consume KombuManager's exchange on RabbitMQ (none: no AMQP)\n"
           "  --amqp-exchange X       KombuManager's channel (socketio)\n"
           "  --push-max-message B    larger pushes are dropped (1 MiB)\n"
           "  --cluster               also publish this node's emits on --redis for the other\n"
           "                          nodes, and apply theirs\n"
           "  --node-id ID            this node's id in the cluster (random)\n"
           "  --advertise IP:PORT     where the other nodes reach this one, to relay requests\n"
           "                          for its sessions (127.0.0.1:<its port>)\n";
}

} // namespace imedge::push
