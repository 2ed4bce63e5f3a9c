// Engine.IO handshake helpers.
#include "handshake.hpp"

#include "../json_text.hpp"

#include <fmt/format.h>

namespace imedge::protocol::engineio {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// '+' means a space only in application/x-www-form-urlencoded text (the query); in a path it
// is a literal plus (RFC 3986 section 3.3).
enum class plus_sign { literal, space };

std::string percent_decode(std::string_view text, plus_sign plus) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus == plus_sign::space) {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += c; // a stray '%' is kept literally, as browsers do
        }
    }
    return out;
}

} // namespace

std::optional<std::string_view> target::param(std::string_view name) const {
    for (const auto& [key, value] : query)
        if (key == name)
            return std::string_view(value);
    return std::nullopt;
}

std::string url_decode(std::string_view text) {
    return percent_decode(text, plus_sign::space);
}

target parse_target(std::string_view raw) {
    target t;
    auto question = raw.find('?');
    t.path = percent_decode(raw.substr(0, question), plus_sign::literal);
    if (question == std::string_view::npos)
        return t;
    std::string_view query = raw.substr(question + 1);
    if (auto hash = query.find('#'); hash != std::string_view::npos)
        query = query.substr(0, hash);
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        if (!pair.empty()) {
            auto eq = pair.find('=');
            std::string key = url_decode(pair.substr(0, eq));
            std::string value =
                eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
            t.query.emplace_back(std::move(key), std::move(value));
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return t;
}

std::optional<transport> parse_transport(std::string_view name) {
    if (name == "polling")
        return transport::polling;
    if (name == "websocket")
        return transport::websocket;
    return std::nullopt;
}

std::string_view error_message(http_error e) {
    switch (e) {
    case http_error::unknown_transport:
        return "Transport unknown";
    case http_error::unknown_sid:
        return "Session ID unknown";
    case http_error::bad_handshake_method:
        return "Bad handshake method";
    case http_error::bad_request:
        return "Bad request";
    case http_error::forbidden:
        return "Forbidden";
    case http_error::unsupported_protocol_version:
        return "Unsupported protocol version";
    }
    return "Bad request";
}

std::string error_body(http_error e) {
    return fmt::format(R"({{"code":{},"message":{}}})", static_cast<int>(e),
                       json_string(error_message(e)));
}

unsigned error_status(http_error e) {
    return e == http_error::forbidden ? 403 : 400;
}

std::string open_packet_json(const open_parameters& p) {
    return fmt::format(
        R"({{"sid":{},"upgrades":[{}],"pingInterval":{},"pingTimeout":{},"maxPayload":{}}})",
        json_string(p.sid), p.can_upgrade ? R"("websocket")" : "", p.ping_interval_ms,
        p.ping_timeout_ms, p.max_payload);
}

} // namespace imedge::protocol::engineio
