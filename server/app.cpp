// app: option parsing, shard start-up, signals and graceful stop.
#include "app.hpp"

#include "eio_session.hpp"
#include "shard.hpp"

#include <boost/asio/signal_set.hpp>

#include <fmt/format.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace imedge::server {

const namespace_handlers::event_entry* namespace_handlers::find(std::string_view name) const {
    if (auto it = events_.find(name); it != events_.end()) return &it->second;
    return any_ ? &any_ : nullptr;
}

void engineio_peer::send(const protocol::engineio::packet& p) {
    if (p.kind == protocol::engineio::frame_kind::binary)
        session_->send(binary_frame(p.data));
    else
        session_->send_text(protocol::engineio::encode_text_packet(p.type, p.data));
}

const std::string& engineio_peer::sid() const { return session_->sid(); }
void engineio_peer::close() { session_->close("forced close"); }

app app::from_args(int argc, char** argv, server_options defaults) {
    auto parsed = parse_options(argc, argv, std::move(defaults));
    if (auto* error = std::get_if<std::string>(&parsed)) {
        bool help = argc > 1 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h");
        fmt::print(help ? stdout : stderr, "{}", *error);
        std::exit(help ? 0 : 2);
    }
    return app(std::get<server_options>(std::move(parsed)));
}

namespace {

// Each connection is a descriptor: take all the kernel allows.
void raise_descriptor_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int app::run() {
    raise_descriptor_limit();
    const auto& o = config_.options;
    shard_mesh mesh(o.shards, o.ring_capacity);
    std::vector<std::unique_ptr<shard>> shards;
    for (std::size_t i = 0; i < o.shards; ++i) shards.push_back(std::make_unique<shard>(i, config_, mesh));
    mesh.set_callbacks([&](std::size_t to) { asio::post(shards[to]->context(), [s = shards[to].get()] { s->drain_mesh(); }); },
                       [&](std::size_t from) {
                           asio::post(shards[from]->context(), [s = shards[from].get()] { s->flush_mesh_overflow(); });
                       });

    std::uint16_t port = o.port;
    try {
        auto address = asio::ip::make_address(o.host);
        for (auto& s : shards) port = s->listen(tcp::endpoint(address, port));
    } catch (const std::exception& e) {
        fmt::print(stderr, "imedge: cannot listen on {}:{}: {}\n", o.host, o.port, e.what());
        return 1;
    }

    std::vector<std::thread> threads;
    for (auto& s : shards) threads.emplace_back([&s] { s->run(); });
    fmt::print("imedge: listening on {}:{} with {} shards\n", o.host, port, o.shards);
    std::fflush(stdout);

    asio::io_context signals_context(1);
    asio::signal_set signals(signals_context, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        for (auto& s : shards) s->request_stop();
    });
    std::signal(SIGPIPE, SIG_IGN);
    std::thread signal_thread([&] { signals_context.run(); });
    for (auto& t : threads) t.join();
    signals_context.stop();
    signal_thread.join();
    return 0;
}

} // namespace imedge::server
