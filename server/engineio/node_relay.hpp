// Requests for a session of another cluster node (its sid names the node, id_generator): relayed
// to that node over TCP, so a load balancer in front of the cluster needs no sticky sessions.
// A polling GET or POST is written to the owner as it came (plus relay_header) and its one
// response is written back; a WebSocket upgrade is written to the owner, and then the bytes
// are piped both ways until either side closes. The owner serves a relayed request as any other
// (moving it to the shard that owns the sid), and never relays it again: a relayed request for a
// session it does not have gets 400, so there are no loops.
#pragma once

#include "server/core/net.hpp"
#include "server/http/exchange.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

namespace imedge::server {

class shard;

/// The header a relayed request carries (its value: the relaying node's tag). A request with it
/// is served by the node it reaches, whatever its sid names.
inline constexpr std::string_view relay_header = "x-imedge-relayed-by";

/// Per shard (engineio_host owns one), on that shard's thread only. Holds where the other nodes
/// are (asked of app_config::nodes and kept for a while) and how many relays are open.
class node_relay {
public:
    explicit node_relay(shard& owner) : owner_(owner) {}

    /// Whether `ex` must be relayed to another node: this node is in a cluster, `sid` names
    /// another node, and the request has not been relayed already.
    bool is_for_other_node(const http_exchange& ex, std::string_view sid) const;

    /// Serves `ex` by relaying it to the node that owns `sid`. Answers 503 (the owner is unknown,
    /// or this shard has limits.node_relays open) or 502 (the owner cannot be reached, or
    /// did not answer) with a reason in the body, so the client starts again elsewhere.
    asio::awaitable<connection_next> relay(http_exchange& ex, std::string_view sid);

    std::size_t open() const { return open_; }

private:
    struct known_address {
        tcp::endpoint endpoint;
        std::chrono::steady_clock::time_point until;
    };
    asio::awaitable<std::optional<tcp::endpoint>> address_of(const std::string& tag);
    asio::awaitable<connection_next> fail(http_exchange& ex, http::status status,
                                          std::string reason);
    asio::awaitable<connection_next> relay_poll(http_exchange& ex, tcp::socket upstream);
    asio::awaitable<connection_next> relay_upgrade(http_exchange& ex, tcp::socket upstream);

    shard& owner_;
    std::unordered_map<std::string, known_address> addresses_;
    std::size_t open_ = 0;
};

} // namespace imedge::server
