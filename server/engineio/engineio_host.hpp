// The Engine.IO server of one shard: its session table and the HTTP requests for its paths.
#pragma once

#include "server/core/admission.hpp"
#include "server/core/net.hpp"
#include "server/engineio/node_relay.hpp"
#include "server/http/exchange.hpp"

#include "protocol/engineio/session.hpp"

#include <memory>
#include <string>
#include <unordered_map>

namespace imedge::server {

class eio_session;
class shard;
class session_handler;

/// Shard-local.
class engineio_host {
public:
    explicit engineio_host(shard& owner) : owner_(owner), relay_(owner) {}

    /// Serves a request for the Engine.IO endpoint at `path`.
    asio::awaitable<connection_next> serve(http_exchange& ex, std::string_view path);

    std::shared_ptr<eio_session> find(std::string_view sid) const;
    void forget(const std::string& sid);
    std::size_t size() const { return sessions_.size(); }
    void close_all(protocol::engineio::close_reason reason);

private:
    asio::awaitable<connection_next> handshake(http_exchange& ex, std::string_view path,
                                               bool websocket);
    asio::awaitable<connection_next> hand_over(http_exchange& ex, std::size_t to);
    std::unique_ptr<session_handler> make_handler(std::string_view path, admission_ticket ticket);
    std::shared_ptr<eio_session> create(std::string_view path, bool websocket,
                                        const http_exchange& ex, admission_ticket ticket);

    shard& owner_;
    node_relay relay_;
    std::unordered_map<std::string, std::shared_ptr<eio_session>> sessions_;
};

} // namespace imedge::server
