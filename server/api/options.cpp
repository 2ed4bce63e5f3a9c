// Command-line parsing for server_options.
#include "server/api/options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <string_view>
#include <thread>

namespace imedge::server {
namespace {

template <class T> bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

} // namespace

std::string usage(const char* program) {
    return fmt::format(
        "usage: {} [--port P] [--host H] [--shards N] [--ping-interval MS] [--ping-timeout MS]\n"
        "          [--max-payload BYTES] [--connect-timeout MS] [--outbox-limit BYTES]\n"
        "          [--cors-origin ORIGIN]... [--path /socket.io/] [--web-root DIR]\n",
        program);
}

std::variant<server_options, std::string> parse_options(int argc, const char* const* argv,
                                                        server_options o) {
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (name == "--help" || name == "-h")
            return usage(argv[0]);
        if (i + 1 >= argc)
            return fmt::format("option {} needs a value\n{}", name, usage(argv[0]));
        std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--port")
            ok = parse_number(value, o.port);
        else if (name == "--host")
            o.host = std::string(value);
        else if (name == "--shards")
            ok = parse_number(value, o.shards) && o.shards <= 64;
        else if (name == "--ping-interval")
            ok = parse_number(value, o.ping_interval_ms) && o.ping_interval_ms > 0;
        else if (name == "--ping-timeout")
            ok = parse_number(value, o.ping_timeout_ms) && o.ping_timeout_ms > 0;
        else if (name == "--max-payload")
            ok = parse_number(value, o.max_payload) && o.max_payload > 0;
        else if (name == "--connect-timeout")
            ok = parse_number(value, o.connect_timeout_ms) && o.connect_timeout_ms > 0;
        else if (name == "--outbox-limit")
            ok = parse_number(value, o.outbox_limit) && o.outbox_limit > 0;
        else if (name == "--cors-origin")
            o.cors_origins.emplace_back(value);
        else if (name == "--web-root")
            o.web_root = std::string(value);
        else if (name == "--path") {
            o.socketio_path = std::string(value);
            ok = !value.empty() && value.front() == '/';
            if (ok && o.socketio_path.back() != '/')
                o.socketio_path += '/';
        } else
            return fmt::format("unknown option {}\n{}", name, usage(argv[0]));
        if (!ok)
            return fmt::format("bad value for {}: {}\n{}", name, value, usage(argv[0]));
    }
    if (o.shards == 0)
        o.shards = std::max(1u, std::thread::hardware_concurrency());
    return o;
}

} // namespace imedge::server
