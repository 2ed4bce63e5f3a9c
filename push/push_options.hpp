// The backend-push flags, taken out of argv before the server's own options are parsed:
// `--redis URL` (none = no Redis push), `--redis-channel C` (python-socketio's channel, default
// `socketio`), `--redis-key K` (the redis-emitter's key prefix, default `socket.io`),
// `--amqp URL` (none = no RabbitMQ push), `--amqp-exchange X` (KombuManager's channel, default
// `socketio`), `--push-max-message B` (larger messages are dropped, default 1 MiB),
// `--cluster` (this node also publishes its programs' emits on the --redis server for the other
// nodes, and ignores its own), `--node-id ID` (its uid there; default: random), `--advertise
// IP:PORT` (where the other nodes relay requests for this node's sessions; default
// 127.0.0.1:<the port it listens on>).
#pragma once

#include "push/amqp_url.hpp"
#include "push/redis_url.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace imedge::push {

struct push_options {
    std::optional<redis_endpoint> redis;
    std::string redis_channel = "socketio";
    std::string redis_key = "socket.io";
    std::optional<amqp_endpoint> amqp;
    std::string amqp_exchange = "socketio";
    std::size_t max_message = 1 << 20;
    bool cluster = false;
    std::string node_id;   // empty until take_push_options draws one for a cluster node
    std::string advertise; // empty: 127.0.0.1:<port>
    std::size_t cluster_queue_bytes = 64u << 20;
};

struct split_args {
    push_options push;
    std::vector<char*> rest; // argv without the push flags (argv[0] kept), for app::from_args
};

/// The push flags and the other arguments, or an error message.
std::variant<split_args, std::string> take_push_options(int argc, char** argv);

/// The flags above, for a program's --help.
std::string push_usage();

} // namespace imedge::push
