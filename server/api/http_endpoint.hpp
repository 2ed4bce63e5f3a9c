// A program's own HTTP endpoints on the handler API (a backend's control API, say): the request
// as plain values in, the answer as plain values out; the server does the HTTP around them.
#pragma once

#include "server/api/handlers.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imedge::server {

/// One request to a program's endpoint, owned by the handler. Its body has been read whole
/// (bounded by server_options::max_payload: a longer one is answered 413 before any handler).
struct http_call {
    std::string method;                                       // as sent, e.g. "POST"
    std::string target;                                       // path and query
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
    std::string body;

    std::optional<std::string_view> header(std::string_view lower_name) const {
        for (const auto& [name, value] : headers)
            if (name == lower_name)
                return std::string_view(value);
        return std::nullopt;
    }
};

/// What the handler answers. The server adds Content-Length, keep-alive and the CORS headers.
struct http_answer {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// Serves one request on the shard that read it, with a handle on that shard's namespace "/".
/// Called on any shard thread, several at once: it must be safe to call concurrently. It does
/// not throw: an exception reaching the server closes the connection without an answer.
using http_handler = std::function<boost::asio::awaitable<http_answer>(server_ref io, http_call)>;

} // namespace imedge::server
