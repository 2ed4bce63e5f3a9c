// A shard: one thread, one io_context, one SO_REUSEPORT listener, and everything its
// connections own (sessions, rooms, deadlines). Shards talk only through the mesh.
#pragma once

#include "server/api/app.hpp"
#include "server/core/admission.hpp"
#include "server/core/deadline_scheduler.hpp"
#include "server/core/ids.hpp"
#include "server/core/metrics.hpp"
#include "server/core/net.hpp"
#include "server/core/shard_requests.hpp"
#include "server/engineio/engineio_host.hpp"
#include "server/http/router.hpp"
#include "server/plainws/plain_rooms.hpp"
#include "server/socketio/socketio_host.hpp"

#include "rooms/mesh.hpp"
#include "rooms/shard_message.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <optional>
#include <string_view>
#include <unordered_map>

namespace imedge::server {

using shard_mesh = rooms::mesh<rooms::shard_message>;
class shard;

/// Created and bound on the main thread; after start() only its own thread touches it, except
/// post_* and request_stop, which are thread-safe.
class shard {
public:
    /// `board` outlives the shard; slot `index` is this shard's own metrics.
    shard(std::size_t index, const app_config& config, shard_mesh& mesh, metrics_board& board);
    shard(const shard&) = delete;
    shard& operator=(const shard&) = delete;

    /// Binds the listener (SO_REUSEADDR + SO_REUSEPORT) and returns the bound port.
    std::uint16_t listen(const tcp::endpoint& endpoint);
    /// Runs the shard's loop on the calling thread until it stops.
    void run();
    /// Thread-safe: begin a graceful stop (stop accepting, close sessions, exit within the bound).
    void request_stop();

    std::size_t index() const { return index_; }
    std::size_t shard_count() const { return mesh_.shards(); }
    asio::io_context& context() { return context_; }
    executor get_executor() { return context_.get_executor(); }
    const server_options& options() const { return config_.options; }
    const server_limits& limits() const { return config_.options.limits; }
    const app_config& config() const { return config_; }
    id_generator& ids() { return ids_; }
    deadline_scheduler& deadlines() { return deadlines_; }
    engineio_host& engineio() { return engineio_; }
    socketio_host& socketio() { return socketio_; }
    plain_rooms& plain() { return plain_; }
    bool stopping() const { return stopping_; }
    /// Written only on this shard; read from anywhere (running_server::counters()).
    shard_metrics& metrics() { return metrics_; }
    const shard_metrics& metrics() const { return metrics_; }
    /// Every shard's metrics, for sums over the server (read-only from here).
    const metrics_board& all_metrics() const { return board_; }
    void count_slow_reader() { ++metrics_.slow_readers; }
    handshake_admission& admission() { return admission_; }
    const router& routes() const { return router_; }
    /// The instance of a per_shard service on this shard, or nullptr.
    void* service(std::type_index type) const { return services_.find(type); }

    /// Sends a message to shard `to` through the mesh (to itself: handled at once). A
    /// droppable message is refused (and counted) while its lane is over its byte bound.
    rooms::send_status send_to(std::size_t to, rooms::shard_message message);
    /// Fan-out: one copy of `m` to every other shard (one message each, sharing its payload),
    /// then `deliver_here(m)` on this one.
    template <class Message, class F> void fan_out(const Message& m, F&& deliver_here) {
        for (std::size_t i = 0; i < shard_count(); ++i)
            if (i != index_)
                send_to(i, m);
        deliver_here(m);
    }
    /// The shard of this server that owns `id` (a session or socket id), if it names one.
    std::optional<std::size_t> owner_of(std::string_view id) const {
        auto shard = id_generator::shard_of(id);
        if (!shard || *shard >= shard_count())
            return std::nullopt;
        return shard;
    }
    /// Mesh wake-up target: handles everything waiting in this shard's rings.
    void drain_mesh();
    void flush_mesh_overflow();
    /// Requests this shard has sent to others and is waiting on (cross-shard request/reply).
    shard_requests& requests() { return requests_; }
    /// Answers a request that `header` names (to the asking shard, maybe this one).
    void reply_to(rooms::request_header header, rooms::reply_body body) {
        send_to(header.origin, rooms::reply{header.id, std::move(body)});
    }

    /// Connections register their socket here so a stop can close them: idle keep-alive ones
    /// at once, busy ones when the stop's time bound has passed.
    enum class activity : std::uint8_t { idle, busy };
    void track(tcp::socket* s, activity a) { open_sockets_[s] = a; }
    void untrack(tcp::socket* s) { open_sockets_.erase(s); }
    /// Every served connection counts itself, so a stop ends as soon as the last one has gone.
    void connection_opened() { ++open_connections_; }
    void connection_closed();

private:
    asio::awaitable<void> accept_loop();
    void pin_to_cpu();
    void handle(std::size_t from, rooms::shard_message&& m);
    void stop_now();

    std::size_t index_;
    const app_config& config_;
    shard_mesh& mesh_;
    // In the board, which outlives the shard: coroutine frames the io_context still holds when
    // it is destroyed may update counters.
    const metrics_board& board_;
    shard_metrics& metrics_;
    // Declared before the io_context: coroutine frames it still holds when it is destroyed
    // may release admission tickets and refer to services.
    handshake_admission admission_;
    service_table services_;
    router router_;
    asio::io_context context_{1};
    tcp::acceptor acceptor_;
    id_generator ids_;
    deadline_scheduler deadlines_;
    engineio_host engineio_;
    socketio_host socketio_;
    plain_rooms plain_;
    std::unordered_map<tcp::socket*, activity> open_sockets_;
    std::size_t open_connections_ = 0;
    bool stopping_ = false;
    // Last: destroyed first, while what a waiting completion refers to still exists.
    shard_requests requests_;
};

/// Keeps a busy connection's socket registered with its shard for as long as it lives.
class socket_registration {
public:
    socket_registration(shard& owner, tcp::socket& socket) : owner_(owner), socket_(&socket) {
        owner_.track(socket_, shard::activity::busy);
    }
    ~socket_registration() { owner_.untrack(socket_); }
    socket_registration(const socket_registration&) = delete;
    socket_registration& operator=(const socket_registration&) = delete;

private:
    shard& owner_;
    tcp::socket* socket_;
};

} // namespace imedge::server
