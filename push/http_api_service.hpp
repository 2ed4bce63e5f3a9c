// The push HTTP API's glue: /api/v1/ routes, bearer keys, the body bound, Idempotency-Key, and
// JSON answers. Registered with app::http() (the server's router), served on the shard that
// read the request; the operations themselves are http_api_apply's.
#pragma once

#include "push/http_api_apply.hpp"
#include "push/http_api_idempotency.hpp"
#include "push/http_api_options.hpp"

#include "server/api/app.hpp"

#include <memory>
#include <vector>

namespace imedge::push {

/// One per process; must outlive the running server. serve() is called on every shard at once:
/// what it keeps per shard (a JSON parser) is indexed by shard, the idempotency keys lock.
class http_api {
public:
    http_api(api_options options, apply_context context, std::size_t shards);

    /// Registers the routes under "/api/" on `server` (only call it when keys are configured).
    void register_routes(server::app& server);

    boost::asio::awaitable<server::http_answer> serve(server::server_ref io, server::http_call c);

private:
    boost::asio::awaitable<server::http_answer> route(server::server_ref io, server::http_call c);
    boost::asio::awaitable<server::http_answer> apply(server::server_ref io, parsed_body parsed);
    boost::asio::awaitable<server::http_answer> apply_batch(server::server_ref io, api_batch b);

    api_options options_;
    apply_context context_;
    std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_; // [shard], used there only
    idempotency_cache idempotency_;
};

} // namespace imedge::push
