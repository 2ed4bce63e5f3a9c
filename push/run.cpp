// Running a program with backend pushes.
#include "push/run.hpp"

#include "push/amqp_push.hpp"
#include "push/cluster_publisher.hpp"
#include "push/node_registry.hpp"
#include "push/redis_push.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace imedge::push {
namespace {
cluster_request_kind kind_of(server::socket_change_kind k) {
    switch (k) {
    case server::socket_change_kind::join:
        return cluster_request_kind::join;
    case server::socket_change_kind::leave:
        return cluster_request_kind::leave;
    case server::socket_change_kind::disconnect:
        break;
    }
    return cluster_request_kind::disconnect;
}
} // namespace

parsed_args parse_args(int argc, char** argv, server::server_options defaults) {
    auto split = take_push_options(argc, argv);
    if (auto* err = std::get_if<std::string>(&split)) {
        fmt::print(stderr, "{}: {}\n", argv[0], *err);
        std::exit(2);
    }
    auto& s = std::get<split_args>(split);
    auto app = server::app::from_args(static_cast<int>(s.rest.size()) - 1, s.rest.data(),
                                      std::move(defaults));
    return {std::move(app), std::move(s.push)};
}

int run_with_push(server::app& app, const push_options& o, std::function<void()> drain) {
    namespace asio = boost::asio;
    asio::io_context signals_context(1);
    asio::signal_set signals(signals_context, SIGINT, SIGTERM);
    // Before the shards start: the emit observer is part of the configuration they read.
    std::unique_ptr<cluster_publisher> cluster;
    std::shared_ptr<node_registry> nodes;
    if (o.cluster) {
        nodes = std::make_shared<node_registry>(*o.redis, o.redis_key);
        app.join_cluster(nodes);
        cluster = std::make_unique<cluster_publisher>(*o.redis, o.redis_key, o.node_id,
                                                      o.cluster_queue_bytes);
        app.on_emit([link = cluster.get()](std::string_view nsp, std::string_view event,
                                           const server::payload& data,
                                           const server::emit_options& e) {
            link->publish({std::string(nsp), std::string(event), data, e.to, e.skip});
        });
        app.on_room_change([link = cluster.get()](std::string_view nsp,
                                                  const server::socket_change& c) {
            link->publish(cluster_request{std::string(nsp), kind_of(c.kind), c.who, {}, c.rooms});
        });
        app.add_health_fields([link = cluster.get()] {
            return "\"cluster\":" + cluster_counts_json(link->counters());
        });
    }
    std::unique_ptr<server::running_server> server;
    try {
        server = app.start();
    } catch (const std::exception& e) {
        fmt::print(stderr, "imedge: cannot listen on {}:{}: {}\n", app.options().host,
                   app.options().port, e.what());
        return 1;
    }
    fmt::print("imedge: listening on {}:{} with {} shards\n", app.options().host, server->port(),
               server->shard_count());
    std::fflush(stdout);
    if (nodes)
        nodes->start(o.advertise.empty() ? fmt::format("127.0.0.1:{}", server->port())
                                         : o.advertise);
    std::unique_ptr<redis_push> redis;
    if (o.redis)
        redis = std::make_unique<redis_push>(*server, o);
    std::unique_ptr<amqp_push> amqp;
    if (o.amqp)
        amqp = std::make_unique<amqp_push>(*server, o);
    signals.async_wait([&](boost::system::error_code, int) {
        if (redis) {
            redis->stop();
            fmt::print("imedge: push: {}\n", redis->summary());
        }
        if (amqp) {
            amqp->stop();
            fmt::print("imedge: push: {}\n", amqp->summary());
        }
        if (drain)
            drain();
        if (nodes)
            nodes->stop(); // first: its answers go to the shards
        if (cluster) {
            cluster->stop();
            fmt::print("imedge: {}\n", cluster->summary());
        }
        std::fflush(stdout);
        server->stop();
    });
    signals_context.run();
    return 0;
}

} // namespace imedge::push
