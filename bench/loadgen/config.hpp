// Parameters of one load-generator run, parsed from the command line (see usage_text()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace imedge::bench {

enum class scenario_kind { connect, echo, broadcast, chat };
enum class transport_kind { socketio, raw };

struct config {
    scenario_kind scenario = scenario_kind::echo;
    transport_kind transport = transport_kind::socketio;
    std::string label = "server"; // name of the server under test, for the reports
    std::string host = "127.0.0.1";
    std::uint16_t port = 3000;
    std::string sio_path = "/socket.io/";
    std::string raw_path = "/ws";

    unsigned connections = 100; // clients (subscribers for broadcast; the publisher is extra)
    unsigned rooms = 1;
    unsigned payload = 64;              // bytes of padding in each data object
    double rate = 0;                    // messages/s offered in total; 0 = closed loop / saturation
    double duration = 10;               // seconds of measurement (hold time for connect)
    double connect_rate = 0;            // new connections/s in total; 0 = as fast as allowed
    unsigned connect_concurrency = 512; // handshakes in flight at once, in total
    unsigned window = 1;        // echo: acks outstanding per client; broadcast: messages in flight
    double drain = 3;           // seconds to wait for stragglers after the measurement
    double setup_timeout = 120; // seconds allowed for all clients to connect and join

    unsigned threads = 1;     // worker threads per process (one io_context each)
    unsigned procs = 1;       // worker processes (each holds < 20,000 descriptors)
    unsigned source_ips = 64; // distinct 127.64.x.y source addresses

    int server_pid = 0;   // for RSS and CPU figures from /proc
    std::string json_out; // append the JSON line here too
    std::string md_out;   // append the Markdown row here too
    bool progress = true;

    // Event names of the contract, overridable to drive other servers (e.g. examples/sio_demo).
    std::string echo_event = "echo";
    std::string join_event = "join";
    std::string publish_event = "publish";
    std::string chat_event = "chat";
    std::string msg_event = "msg";
};

// Parses argv; on error or --help returns nullopt after printing to stderr or stdout.
std::optional<config> parse_args(int argc, char** argv);
const char* scenario_name(scenario_kind s);
const char* transport_name(transport_kind t);

} // namespace imedge::bench
