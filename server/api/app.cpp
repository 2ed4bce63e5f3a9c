// app: option parsing, shard start-up, signals and graceful stop.
#include "server/api/app.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"

#include "server/http/static_files.hpp"

#include <boost/asio/signal_set.hpp>

#include <fmt/format.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace imedge::server {

const namespace_handlers::event_entry* namespace_handlers::find(std::string_view name) const {
    if (auto it = events_.find(name); it != events_.end())
        return &it->second;
    return any_ ? &any_ : nullptr;
}

void engineio_peer::send(const protocol::engineio::packet& p) {
    if (p.kind == protocol::engineio::frame_kind::binary)
        session_->send(binary_frame(p.data));
    else
        session_->send_text(protocol::engineio::encode_text_packet(p.type, p.data));
}

const std::string& engineio_peer::sid() const {
    return session_->sid();
}
void engineio_peer::close() {
    session_->close(close_reason::forced_close);
}

app app::from_args(int argc, char** argv, server_options defaults) {
    auto parsed = parse_options(argc, argv, std::move(defaults));
    if (auto* error = std::get_if<std::string>(&parsed)) {
        bool help = argc > 1 &&
                    (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h");
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

class shards_server final : public running_server {
public:
    explicit shards_server(const app_config& config)
        : mesh_(config.options.shards, config.options.limits.ring_capacity,
                config.options.limits.ring_bytes),
          metrics_(config.options.shards) {
        for (std::size_t i = 0; i < config.options.shards; ++i)
            shards_.push_back(std::make_unique<shard>(i, config, mesh_, metrics_));
        mesh_.set_callbacks(
            [this](std::size_t to) {
                asio::post(shards_[to]->context(), [s = shards_[to].get()] { s->drain_mesh(); });
            },
            [this](std::size_t from) {
                asio::post(shards_[from]->context(),
                           [s = shards_[from].get()] { s->flush_mesh_overflow(); });
            });
        auto address = asio::ip::make_address(config.options.host);
        port_ = config.options.port;
        for (auto& s : shards_)
            port_ = s->listen(tcp::endpoint(address, port_));
        for (auto& s : shards_)
            threads_.emplace_back([s = s.get()] { s->run(); });
    }
    ~shards_server() override { stop(); }

    std::uint16_t port() const override { return port_; }
    std::size_t shard_count() const override { return shards_.size(); }

    void post(std::size_t index, std::string nsp, std::function<void(server_ref)> f) override {
        auto* s = shards_.at(index).get();
        asio::post(s->context(),
                   [s, nsp = std::move(nsp), f = std::move(f)] { f(server_ref(*s, nsp)); });
    }

    shard_counters counters(std::size_t index) const override { return metrics_[index].snapshot(); }

    void stop() override {
        if (stopped_)
            return;
        stopped_ = true;
        for (auto& s : shards_)
            s->request_stop();
        for (auto& t : threads_)
            t.join();
    }

private:
    shard_mesh mesh_;
    metrics_board metrics_; // before the shards: they write into it until they are gone
    std::vector<std::unique_ptr<shard>> shards_;
    std::vector<std::thread> threads_;
    std::uint16_t port_ = 0;
    bool stopped_ = false;
};

} // namespace

std::unique_ptr<running_server> app::start() {
    std::signal(SIGPIPE, SIG_IGN);
    raise_descriptor_limit();
    config_.web = load_web_root(config_.options);
    return std::make_unique<shards_server>(config_);
}

int app::run() {
    const auto& o = config_.options;
    // Installed before the shards start, so a signal during start-up is not lost.
    asio::io_context signals_context(1);
    asio::signal_set signals(signals_context, SIGINT, SIGTERM);
    std::unique_ptr<running_server> server;
    try {
        server = start();
    } catch (const std::exception& e) {
        fmt::print(stderr, "imedge: cannot listen on {}:{}: {}\n", o.host, o.port, e.what());
        return 1;
    }
    fmt::print("imedge: listening on {}:{} with {} shards\n", o.host, server->port(),
               server->shard_count());
    std::fflush(stdout);
    signals.async_wait([&](boost::system::error_code, int) { server->stop(); });
    signals_context.run();
    return 0;
}

} // namespace imedge::server
