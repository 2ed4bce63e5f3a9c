// The push HTTP API's routes and the rules around every request: key, route, method, bound,
// idempotency, then the operation.
#include "push/http_api_service.hpp"

#include "protocol/engineio/handshake.hpp"

#include <fmt/format.h>

#include <array>

namespace imedge::push {
namespace {

namespace asio = boost::asio;
using server::http_answer;

enum class verb : std::uint8_t { get, post };

struct api_route {
    std::string_view path;
    verb method;
    std::optional<body_kind> kind; // POST routes: what the body carries
};

constexpr std::array<api_route, 8> routes = {{
    {"/api/v1/emit", verb::post, body_kind::emit},
    {"/api/v1/rooms/join", verb::post, body_kind::join},
    {"/api/v1/rooms/leave", verb::post, body_kind::leave},
    {"/api/v1/disconnect", verb::post, body_kind::disconnect},
    {"/api/v1/messages", verb::post, body_kind::message},
    {"/api/v1/batch", verb::post, body_kind::batch},
    {"/api/v1/presence", verb::get, std::nullopt},
    {"/api/v1/members", verb::get, std::nullopt},
}};

http_answer error_answer(const api_error& e) {
    http_answer a;
    a.status = e.status;
    a.body = error_body(e);
    if (e.status == 401)
        a.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="imedge")");
    return a;
}

http_answer ok_answer(std::string body) {
    http_answer a;
    a.body = std::move(body);
    return a;
}

api_error prefixed(api_error e, std::size_t index) {
    e.message = fmt::format("operations[{}]: {}", index, e.message);
    return e;
}

constexpr std::size_t max_idempotency_key = 255;

bool valid_idempotency_key(std::string_view k) {
    if (k.empty() || k.size() > max_idempotency_key)
        return false;
    for (char c : k)
        if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
            return false;
    return true;
}

} // namespace

http_api::http_api(api_options options, apply_context context, std::size_t shards)
    : options_(std::move(options)), context_(std::move(context)),
      idempotency_(options_.idempotency_keys, options_.idempotency_window) {
    for (std::size_t i = 0; i < shards; ++i)
        parsers_.push_back(std::make_unique<simdjson::dom::parser>());
}

void http_api::register_routes(server::app& server) {
    server.http("/api/", [this](server::server_ref io, server::http_call c) {
        return serve(std::move(io), std::move(c));
    });
}

asio::awaitable<http_answer> http_api::serve(server::server_ref io, server::http_call c) {
    if (!authorized(c.header("authorization").value_or(""), options_.keys))
        co_return error_answer({401, "unauthorized",
                                "a valid 'Authorization: Bearer <key>'"
                                " header is required"});
    co_return co_await route(std::move(io), std::move(c));
}

asio::awaitable<http_answer> http_api::route(server::server_ref io, server::http_call c) {
    auto target = protocol::engineio::parse_target(c.target);
    const api_route* found = nullptr;
    for (const auto& r : routes)
        if (r.path == target.path)
            found = &r;
    if (!found)
        co_return error_answer({404, "not_found", fmt::format("no route {}", target.path)});
    bool wanted = c.method == (found->method == verb::get ? "GET" : "POST");
    if (!wanted) {
        auto a = error_answer(
            {405, "method_not_allowed",
             fmt::format("{} takes {}", found->path, found->method == verb::get ? "GET" : "POST")});
        a.headers.emplace_back("Allow", found->method == verb::get ? "GET" : "POST");
        co_return a;
    }
    if (found->method == verb::get) {
        auto nsp = std::string(target.param("namespace").value_or("/"));
        if (nsp.empty() || nsp.front() != '/')
            co_return error_answer({400, "bad_request", "namespace: must start with '/'"});
        auto ns = io.of(nsp);
        auto key = found->path == "/api/v1/presence" ? "user" : "room";
        auto value = target.param(key);
        if (!value || value->empty() || value->size() > options_.limits.max_name)
            co_return error_answer(
                {400, "bad_request",
                 fmt::format("{}: required, 1 to {} bytes", key, options_.limits.max_name)});
        std::string name(*value);
        op_answer answer;
        if (found->path == "/api/v1/presence")
            answer = co_await user_presence(ns, name, context_.user_room_prefix + name);
        else
            answer = co_await room_members(ns, name);
        co_return answer.error ? error_answer(*answer.error) : ok_answer(std::move(answer.body));
    }
    if (c.body.size() > options_.limits.max_body)
        co_return error_answer(
            {413, "payload_too_large",
             fmt::format("the body is over {} bytes", options_.limits.max_body)});

    auto idempotency = c.header("idempotency-key");
    if (!idempotency) {
        auto parsed =
            parse_body(*found->kind, c.body, options_.limits, *parsers_.at(io.shard_index()));
        co_return co_await apply(std::move(io), std::move(parsed));
    }
    if (!valid_idempotency_key(*idempotency))
        co_return error_answer({400, "bad_request",
                                fmt::format("Idempotency-Key: 1 to {} visible ASCII characters",
                                            max_idempotency_key)});
    // Keys are per API key: two backends never see each other's answers.
    auto key = fmt::format("{}\n{}", c.header("authorization").value_or(""), *idempotency);
    auto seen = idempotency_.begin(key, fingerprint_of(found->path, c.body),
                                   idempotency_cache::clock::now());
    switch (seen.v) {
    case idempotency_cache::verdict::replay: {
        http_answer a;
        a.status = seen.answer.status;
        a.body = std::move(seen.answer.body);
        a.headers.emplace_back("Idempotent-Replayed", "true");
        co_return a;
    }
    case idempotency_cache::verdict::in_progress:
        co_return error_answer({409, "idempotency_in_progress",
                                "a request with this Idempotency-Key is still being applied"});
    case idempotency_cache::verdict::mismatch:
        co_return error_answer(
            {422, "idempotency_mismatch", "this Idempotency-Key was used for another request"});
    case idempotency_cache::verdict::fresh:
        break;
    }
    auto parsed = parse_body(*found->kind, c.body, options_.limits, *parsers_.at(io.shard_index()));
    auto answer = co_await apply(std::move(io), std::move(parsed));
    // A 5xx applied nothing (a shard or the store was unavailable): a retry may apply it.
    if (answer.status >= 500)
        idempotency_.forget(key);
    else
        idempotency_.finish(key, {answer.status, answer.body});
    co_return answer;
}

asio::awaitable<http_answer> http_api::apply(server::server_ref io, parsed_body parsed) {
    if (auto* e = std::get_if<api_error>(&parsed))
        co_return error_answer(*e);
    if (auto* b = std::get_if<api_batch>(&parsed))
        co_return co_await apply_batch(std::move(io), std::move(*b));
    // One operation: a batch of one, answered with its own result.
    api_batch one;
    one.operations.push_back(std::move(std::get<api_operation>(parsed)));
    auto answer = co_await apply_batch(std::move(io), std::move(one));
    if (answer.status == 200) {
        // {"ok":true,"results":[X]} -> X
        constexpr std::string_view head = R"({"ok":true,"results":[)";
        answer.body = answer.body.substr(head.size(), answer.body.size() - head.size() - 2);
    }
    co_return answer;
}

asio::awaitable<http_answer> http_api::apply_batch(server::server_ref io, api_batch b) {
    const auto n = b.operations.size();
    const bool single = n == 1;
    auto fail = [single](api_error e, std::size_t i) {
        return error_answer(single ? std::move(e) : prefixed(std::move(e), i));
    };
    // 1. Find every socket each operation acts on; nothing has changed yet.
    std::vector<std::vector<std::string>> sids(n);
    std::optional<std::size_t> message;
    for (std::size_t i = 0; i < n; ++i) {
        const auto& op = b.operations[i];
        if (std::holds_alternative<api_message>(op)) {
            message = i;
            if (!context_.conversations)
                co_return fail({404, "not_found", "this server has no conversation store"}, i);
        }
        if (auto q = query_of(op, context_)) {
            auto r = co_await resolve(io, std::move(*q), context_.max_sockets_per_shard);
            if (r.error)
                co_return fail(std::move(*r.error), i);
            sids[i] = std::move(r.sids);
        }
    }
    // 2. The one step that may still be refused: the message, first.
    std::vector<std::string> results(n);
    if (message) {
        auto stored = co_await store_message(
            io, std::move(std::get<api_message>(b.operations[*message])), context_.conversations);
        if (stored.error)
            co_return fail(std::move(*stored.error), *message);
        results[*message] = std::move(stored.body);
    }
    // 3. The rest, in order; none can fail.
    for (std::size_t i = 0; i < n; ++i)
        if (!message || i != *message)
            results[i] = carry_out(io, b.operations[i], sids[i], context_);
    std::string body = R"({"ok":true,"results":[)";
    for (std::size_t i = 0; i < n; ++i) {
        if (i)
            body += ',';
        body += results[i];
    }
    co_return ok_answer(body + "]}");
}

} // namespace imedge::push
