// sio_socket: sending, holding packets until connected, and server-to-client acks.
#include "server/socketio/sio_socket.hpp"

#include "server/core/shard.hpp"
#include "server/engineio/eio_session.hpp"
#include "server/socketio/sio_connection.hpp"
#include "server/socketio/socketio_host.hpp"

#include <boost/asio/post.hpp>

namespace imedge::server {

sio_socket::sio_socket(eio_session& session, namespace_state& ns, std::string sid)
    : session_(&session), ns_(&ns), sid_(std::move(sid)),
      acks_gauge_(&session.owner().metrics().acks_awaited) {}

sio_socket::~sio_socket() {
    // Whoever still waits for an ack learns that none will come.
    auto acks = std::move(acks_);
    acks_gauge_->sub(acks.size());
    for (auto& [id, pending] : acks) {
        pending.timer->cancel();
        if (pending.done)
            pending.done(std::nullopt);
    }
}

const std::string& sio_socket::nsp() const {
    return ns_->name;
}

void sio_socket::send(const encoded_packet& p) {
    if (state_ == state::disconnected)
        return;
    if (state_ == state::connecting) {
        if (held_overflow_)
            return;
        std::size_t bytes = p.text->size();
        for (const auto& a : p.attachments)
            bytes += a->size();
        if (bytes > session_->owner().options().outbox_limit - held_bytes_) {
            // Emits to a socket whose connect handler never finishes: the same bound as the
            // outbox, closed from the event loop (send runs inside broadcasts).
            held_overflow_ = true;
            held_.clear();
            held_bytes_ = 0;
            asio::post(session_->owner().get_executor(), [weak = session_->weak_from_this()] {
                if (auto s = weak.lock())
                    s->close(protocol::engineio::close_reason::connect_backlog_full);
            });
            return;
        }
        held_bytes_ += bytes;
        held_.push_back({p.text, frame_kind::text});
        for (const auto& a : p.attachments)
            held_.push_back({a, frame_kind::binary});
        return;
    }
    session_->send({p.text, frame_kind::text});
    for (const auto& a : p.attachments)
        session_->send({a, frame_kind::binary});
}

void sio_socket::send_now(std::string text) {
    session_->send_text(std::move(text));
}

void sio_socket::mark_connected() {
    state_ = state::connected;
    held_bytes_ = 0;
    auto held = std::move(held_);
    for (auto& f : held)
        session_->send(std::move(f));
}

std::uint64_t sio_socket::expect_ack(ack_callback done, std::chrono::milliseconds timeout) {
    std::uint64_t id = next_ack_id_++;
    auto timer = std::make_unique<wake_timer>(session_->owner().get_executor(), timeout);
    timer->async_wait([weak = weak_from_this(), id](boost::system::error_code ec) {
        if (ec)
            return; // cancelled: the ack came, or the socket went away
        if (auto self = weak.lock())
            self->expire_ack(id);
    });
    acks_.emplace(id, pending_ack{std::move(done), std::move(timer)});
    acks_gauge_->add();
    return id;
}

void sio_socket::resolve_ack(std::uint64_t id, args a) {
    auto it = acks_.find(id);
    if (it == acks_.end())
        return; // late or unknown: the timeout already answered
    auto pending = std::move(it->second);
    acks_.erase(it);
    acks_gauge_->sub();
    pending.timer->cancel();
    if (pending.done)
        pending.done(std::move(a));
}

void sio_socket::expire_ack(std::uint64_t id) {
    auto it = acks_.find(id);
    if (it == acks_.end())
        return;
    auto pending = std::move(it->second);
    acks_.erase(it);
    acks_gauge_->sub();
    if (pending.done)
        pending.done(std::nullopt);
}

} // namespace imedge::server
