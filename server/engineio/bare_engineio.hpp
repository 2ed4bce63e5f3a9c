// A bare Engine.IO endpoint: hands every message packet to the program's handler.
#pragma once

#include "server/api/app.hpp"
#include "server/engineio/session_handler.hpp"

namespace imedge::server {

class bare_engineio_handler final : public session_handler {
public:
    explicit bare_engineio_handler(const engineio_message_handler& h) : handler_(h) {}
    void on_open(eio_session&) override {}
    void on_message(eio_session& s, protocol::engineio::packet&& p) override {
        engineio_peer peer(s);
        handler_(peer, p);
    }
    void on_close(eio_session&, std::string_view) override {}

private:
    const engineio_message_handler& handler_;
};

} // namespace imedge::server
