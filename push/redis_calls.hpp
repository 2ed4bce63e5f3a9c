// What the Redis subscriber and the cluster publisher both do on a hiredis connection: own a
// reply, read its text, and AUTH with the URL's credentials.
#pragma once

#include "push/redis_url.hpp"

#include <hiredis/hiredis.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::push {

struct redis_reply_deleter {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using redis_reply_ptr = std::unique_ptr<redisReply, redis_reply_deleter>;

/// The text of a string, status or error reply; empty for anything else.
std::string_view text_of(const redisReply* r);

/// AUTH with the endpoint's user and password, if it has a password. Returns why it failed.
std::optional<std::string> redis_auth(redisContext* c, const redis_endpoint& endpoint);

} // namespace imedge::push
