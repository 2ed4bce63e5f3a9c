#include "push/redis_calls.hpp"

#include <fmt/format.h>

namespace imedge::push {

std::string_view text_of(const redisReply* r) {
    return r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS ||
                 r->type == REDIS_REPLY_ERROR)
               ? std::string_view(r->str, r->len)
               : std::string_view{};
}

std::optional<std::string> redis_auth(redisContext* c, const redis_endpoint& endpoint) {
    if (endpoint.password.empty())
        return std::nullopt;
    redis_reply_ptr r(static_cast<redisReply*>(
        endpoint.user.empty()
            ? redisCommand(c, "AUTH %s", endpoint.password.c_str())
            : redisCommand(c, "AUTH %s %s", endpoint.user.c_str(), endpoint.password.c_str())));
    if (!r)
        return std::string(c->errstr);
    if (r->type == REDIS_REPLY_ERROR)
        return fmt::format("AUTH: {}", text_of(r.get()));
    return std::nullopt;
}

} // namespace imedge::push
