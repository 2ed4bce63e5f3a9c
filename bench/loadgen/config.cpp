// Command-line parsing for the load generator.
#include "config.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace imedge::bench {

namespace {

constexpr const char* usage = R"(usage: loadgen SCENARIO [options]
scenarios: connect | echo | broadcast | chat
  --server-label NAME    name of the server in the reports (default "server")
  --host A --port P      server address (loopback only, default 127.0.0.1:3000)
  --raw                  raw-WebSocket variant on --raw-path (default /ws) instead of Socket.IO
  --sio-path P           Socket.IO path (default /socket.io/)
  -c, --connections N    clients (broadcast: subscribers; the publisher is one more)
  --rooms N              rooms; clients are spread round-robin (default 1)
  --payload BYTES        padding bytes in each data object (default 64)
  --rate R               messages/s offered in total; 0 = closed loop (echo) / saturation (broadcast)
  -d, --duration S       seconds of measurement; connect: seconds to hold (default 10)
  --connect-rate R       new connections/s (default: as fast as --connect-concurrency allows)
  --connect-concurrency N  handshakes in flight (default 512)
  --window N             echo: outstanding acks per client; broadcast saturation: messages in flight
  --drain S              seconds to wait for late deliveries (default 3)
  --setup-timeout S      seconds allowed to connect and join everyone (default 120)
  -t, --threads N        threads per process (default 1)
  -p, --procs N          processes (default 1; each may hold < 20,000 descriptors)
  --source-ips N         distinct 127.64.x.y source addresses (default 64)
  --server-pid PID       report the server's RSS and CPU time from /proc/PID
  --json FILE            append the JSON result line to FILE (it is always printed on stdout)
  --md FILE              append a Markdown table row to FILE
  --no-progress          no progress line on stderr
  --echo-event, --join-event, --publish-event, --chat-event, --msg-event NAME
                         event names (defaults: echo, join, publish, chat, msg)
)";

bool parse_number(std::string_view text, double& out) {
    char* end = nullptr;
    const std::string copy(text);
    out = std::strtod(copy.c_str(), &end);
    return end && *end == '\0' && !copy.empty();
}

} // namespace

const char* scenario_name(scenario_kind s) {
    switch (s) {
    case scenario_kind::connect:
        return "connect";
    case scenario_kind::echo:
        return "echo";
    case scenario_kind::broadcast:
        return "broadcast";
    case scenario_kind::chat:
        return "chat";
    }
    return "?";
}

const char* transport_name(transport_kind t) {
    return t == transport_kind::raw ? "raw" : "sio";
}

std::optional<config> parse_args(int argc, char** argv) {
    config cfg;
    if (argc < 2) {
        std::fputs(usage, stderr);
        return std::nullopt;
    }
    const std::string_view scenario = argv[1];
    if (scenario == "-h" || scenario == "--help") {
        std::fputs(usage, stdout);
        return std::nullopt;
    }
    if (scenario == "connect")
        cfg.scenario = scenario_kind::connect;
    else if (scenario == "echo")
        cfg.scenario = scenario_kind::echo;
    else if (scenario == "broadcast")
        cfg.scenario = scenario_kind::broadcast;
    else if (scenario == "chat")
        cfg.scenario = scenario_kind::chat;
    else {
        fmt::print(stderr, "loadgen: unknown scenario '{}'\n{}", scenario, usage);
        return std::nullopt;
    }

    for (int i = 2; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&]() -> std::optional<std::string_view> {
            if (i + 1 >= argc)
                return std::nullopt;
            return std::string_view(argv[++i]);
        };
        auto number = [&](double& out, double low, double high) {
            const auto text = value();
            double v = 0;
            if (!text || !parse_number(*text, v) || v < low || v > high) {
                fmt::print(stderr, "loadgen: {} needs a number in [{}, {}]\n", arg, low, high);
                return false;
            }
            out = v;
            return true;
        };
        auto whole = [&](unsigned& out, double low, double high) {
            double v = 0;
            if (!number(v, low, high))
                return false;
            out = static_cast<unsigned>(v);
            return true;
        };
        auto text = [&](std::string& out) {
            const auto v = value();
            if (!v) {
                fmt::print(stderr, "loadgen: {} needs a value\n", arg);
                return false;
            }
            out = std::string(*v);
            return true;
        };
        double port = 0, pid = 0;
        bool ok = true;
        if (arg == "--server-label")
            ok = text(cfg.label);
        else if (arg == "--host")
            ok = text(cfg.host);
        else if (arg == "--port") {
            ok = number(port, 1, 65535);
            cfg.port = static_cast<std::uint16_t>(port);
        } else if (arg == "--raw")
            cfg.transport = transport_kind::raw;
        else if (arg == "--raw-path")
            ok = text(cfg.raw_path);
        else if (arg == "--sio-path")
            ok = text(cfg.sio_path);
        else if (arg == "-c" || arg == "--connections")
            ok = whole(cfg.connections, 1, 1e7);
        else if (arg == "--rooms")
            ok = whole(cfg.rooms, 1, 1e6);
        else if (arg == "--payload")
            ok = whole(cfg.payload, 0, 1e6);
        else if (arg == "--rate")
            ok = number(cfg.rate, 0, 1e9);
        else if (arg == "-d" || arg == "--duration")
            ok = number(cfg.duration, 0.1, 86400);
        else if (arg == "--connect-rate")
            ok = number(cfg.connect_rate, 0, 1e7);
        else if (arg == "--connect-concurrency")
            ok = whole(cfg.connect_concurrency, 1, 1e6);
        else if (arg == "--window")
            ok = whole(cfg.window, 1, 1e6);
        else if (arg == "--drain")
            ok = number(cfg.drain, 0, 600);
        else if (arg == "--setup-timeout")
            ok = number(cfg.setup_timeout, 1, 3600);
        else if (arg == "-t" || arg == "--threads")
            ok = whole(cfg.threads, 1, 16);
        else if (arg == "-p" || arg == "--procs")
            ok = whole(cfg.procs, 1, 16);
        else if (arg == "--source-ips")
            ok = whole(cfg.source_ips, 1, 60000);
        else if (arg == "--server-pid") {
            ok = number(pid, 1, 1e9);
            cfg.server_pid = static_cast<int>(pid);
        } else if (arg == "--json")
            ok = text(cfg.json_out);
        else if (arg == "--md")
            ok = text(cfg.md_out);
        else if (arg == "--no-progress")
            cfg.progress = false;
        else if (arg == "--echo-event")
            ok = text(cfg.echo_event);
        else if (arg == "--join-event")
            ok = text(cfg.join_event);
        else if (arg == "--publish-event")
            ok = text(cfg.publish_event);
        else if (arg == "--chat-event")
            ok = text(cfg.chat_event);
        else if (arg == "--msg-event")
            ok = text(cfg.msg_event);
        else {
            fmt::print(stderr, "loadgen: unknown option '{}'\n", arg);
            ok = false;
        }
        if (!ok)
            return std::nullopt;
    }
    if (cfg.host.rfind("127.", 0) != 0) {
        fmt::print(stderr, "loadgen: only loopback targets (127.0.0.0/8) are allowed\n");
        return std::nullopt;
    }
    if (cfg.procs > cfg.connections)
        cfg.procs = cfg.connections;
    return cfg;
}

} // namespace imedge::bench
