// The weight and delivery class of each cross-shard message.
#include "shard_message.hpp"

#include <type_traits>

namespace imedge::rooms {
namespace {

// Every message costs at least its node; strings and vectors add what they hold.
constexpr std::size_t node_bytes = 64;

std::size_t bytes_of(const std::vector<std::string>& v) {
    std::size_t n = 0;
    for (const auto& s : v)
        n += s.size() + sizeof(std::string);
    return n;
}

std::size_t bytes_of(const broadcast& m) {
    std::size_t n = m.nsp.size() + bytes_of(m.filter.rooms) + bytes_of(m.filter.except);
    if (m.packet) {
        n += m.packet->text ? m.packet->text->size() : 0;
        for (const auto& a : m.packet->attachments)
            n += a ? a->size() : 0;
    }
    return n;
}
std::size_t bytes_of(const room_change& m) {
    return m.nsp.size() + m.sid.size() + m.room.size();
}
std::size_t bytes_of(const disconnect_socket& m) {
    return m.nsp.size() + m.sid.size();
}
std::size_t bytes_of(const ack_request& m) {
    return m.nsp.size() + m.sid.size() + m.event.size() + bytes_of(m.items) +
           bytes_of(m.attachments);
}
std::size_t bytes_of(const rooms_request& m) {
    return m.nsp.size() + m.sid.size();
}
std::size_t bytes_of(const session_request& m) {
    return m.nsp.size() + m.sid.size() + (m.set ? m.set->first.size() + m.set->second.size() : 0);
}
std::size_t bytes_of(const sids_request& m) {
    return m.nsp.size() + bytes_of(m.filter.rooms) + bytes_of(m.filter.except);
}
std::size_t bytes_of(const reply& m) {
    return std::visit(
        [](const auto& body) -> std::size_t {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, ack_reply>) {
                std::size_t n = 0;
                if (body.ack) {
                    for (const auto& item : body.ack->items)
                        n += item.json.size() + item.text.size() + sizeof(item);
                    n += bytes_of(body.ack->attachments);
                }
                return n;
            } else if constexpr (std::is_same_v<T, rooms_reply>) {
                return bytes_of(body.rooms);
            } else if constexpr (std::is_same_v<T, sids_reply>) {
                return bytes_of(body.sids);
            } else if constexpr (std::is_same_v<T, forwarded_response>) {
                return body.bytes.size();
            } else {
                std::size_t n = 0;
                if (body.data)
                    for (const auto& [k, v] : *body.data)
                        n += k.size() + v.size() + 2 * sizeof(std::string);
                return n;
            }
        },
        m.body);
}
std::size_t bytes_of(const close_session& m) {
    return m.sid.size();
}
std::size_t bytes_of(const plain_broadcast& m) {
    std::size_t n = m.skip.size() + (m.data ? m.data->size() : 0);
    for (const auto& room : m.rooms)
        n += room.size();
    return n;
}
std::size_t bytes_of(const adopt_connection& m) {
    return m.buffered.size();
}
std::size_t bytes_of(const forwarded_request& m) {
    return m.request.size() + m.peer.size() + m.path.size();
}
std::size_t bytes_of(const adapter_message& m) {
    return std::visit([](const auto& v) { return bytes_of(v); }, m);
}

template <class T>
constexpr bool droppable_v = std::is_same_v<T, broadcast> || std::is_same_v<T, plain_broadcast> ||
                             std::is_same_v<T, ack_request> || std::is_same_v<T, rooms_request> ||
                             std::is_same_v<T, session_request> ||
                             std::is_same_v<T, sids_request> || std::is_same_v<T, reply>;

} // namespace

std::size_t approximate_bytes(const shard_message& m) {
    return node_bytes + std::visit([](const auto& v) { return bytes_of(v); }, m);
}

delivery delivery_of(const shard_message& m) {
    // Broadcasts may be lost under overload like a volatile emit; a request or a reply is
    // answered by its deadline on the asking shard. The rest change state someone relies on
    // (a descriptor changing hands, a join or a disconnect a handler was told about).
    auto of = [](const auto& v) {
        return droppable_v<std::decay_t<decltype(v)>> ? delivery::droppable : delivery::required;
    };
    if (const auto* a = std::get_if<adapter_message>(&m))
        return std::visit(of, *a);
    // A forwarded HTTP response may carry packets already taken from a session's queue.
    if (const auto* r = std::get_if<reply>(&m);
        r && std::holds_alternative<forwarded_response>(r->body))
        return delivery::required;
    return std::visit(of, m);
}

} // namespace imedge::rooms
