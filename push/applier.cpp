// applier: actions -> running_server::post, with a bound on what is queued to the shards.
#include "push/applier.hpp"

#include <atomic>

namespace imedge::push {

// Shared with the posted closures, which may run (or be destroyed) after the applier is gone.
struct applier::flow {
    std::size_t limit;
    std::atomic<std::uint64_t> in_flight{0};
    std::atomic<bool> waiting{false};
    std::mutex mutex;
    std::condition_variable resumed;

    void done() {
        if (in_flight.fetch_sub(1) <= limit / 2 + 1 && waiting.load()) {
            std::lock_guard lock(mutex);
            resumed.notify_all();
        }
    }
};

applier::applier(server::running_server& server, std::size_t max_in_flight)
    : server_(server), flow_(std::make_shared<flow>()) {
    flow_->limit = max_in_flight;
}

std::uint64_t applier::in_flight() const {
    return flow_->in_flight.load(std::memory_order_relaxed);
}

void applier::post(std::size_t shard, std::string nsp, std::function<void(server::server_ref)> f) {
    auto& fl = *flow_;
    if (fl.in_flight.load() >= fl.limit) {
        std::unique_lock lock(fl.mutex);
        fl.waiting.store(true);
        fl.resumed.wait(lock, [&] { return fl.in_flight.load() <= fl.limit / 2; });
        fl.waiting.store(false);
    }
    fl.in_flight.fetch_add(1);
    // The guard counts the post done whether it runs or is destroyed unrun at shutdown.
    auto guard = std::shared_ptr<void>(nullptr, [keep = flow_](void*) { keep->done(); });
    server_.post(
        shard, std::move(nsp),
        [f = std::move(f), guard = std::move(guard)](server::server_ref io) { f(std::move(io)); });
}

void applier::apply(action a) {
    std::visit(
        [&](auto& act) {
            using T = std::decay_t<decltype(act)>;
            auto shared = std::make_shared<const T>(std::move(act));
            if constexpr (std::is_same_v<T, emit_action>) {
                post(0, shared->nsp, [shared](const server::server_ref& io) {
                    io.emit(shared->event, shared->data,
                            {shared->to.rooms, shared->to.except, /*this_node_only=*/true});
                });
            } else {
                // Each shard acts on its own sockets (found here, so nothing is told to the
                // cluster again).
                auto act_here = [shared](const server::server_ref& io) {
                    for (const auto& sid : io.local_sids({shared->who.rooms, shared->who.except})) {
                        if constexpr (std::is_same_v<T, disconnect_action>) {
                            io.disconnect(sid);
                        } else {
                            for (const auto& room : shared->rooms) {
                                if constexpr (std::is_same_v<T, join_action>)
                                    io.enter_room(sid, room);
                                else
                                    io.leave_room(sid, room);
                            }
                        }
                    }
                };
                // Through shard 0, like the emits: shard 0 posts to shard k after it sent k the
                // fan-out of every emit applied before, and k runs its queue in order, so an
                // emit then a leave (or a disconnect) reaches a socket on k before it leaves,
                // and a join then an emit reaches it after it joined. The posts from shard 0
                // never wait for room (a shard must not block): they are not counted, at most
                // shard_count - 1 per counted post. (A full ring defers a fan-out to the ring's
                // overflow queue, which such a post may overtake.)
                auto* server = &server_;
                post(0, shared->nsp, [server, shared, act_here](const server::server_ref& io) {
                    for (std::size_t i = 1; i < server->shard_count(); ++i)
                        server->post(i, shared->nsp, act_here);
                    act_here(io);
                });
            }
        },
        a);
}

} // namespace imedge::push
