// The part the broker URLs share: `scheme://[user[:password]@]host[:port][/path]` (RFC 3986
// authority; a host may be an IPv6 literal in brackets), user info %-unescaped. The redis and
// amqp parsers read the path and the defaults their own way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace imedge::push {

struct url_authority {
    std::optional<std::string_view> path; // what follows the first '/', when there is one
    bool has_user_info = false;           // an '@' names a user, a password or both
    bool has_password = false;            // the user info holds a ':'
    std::string user;                     // before the ':' (all of it without one)
    std::string password;                 // after the ':'
    std::string host;                     // empty when the URL names none (the caller's default)
    std::optional<std::uint16_t> port;
};

/// Splits `rest`, the part of `url` after its scheme's "://"; `url` is only for the messages.
/// An error names what is wrong: a bad %-escape, an unclosed '[', a bad port, a port but no host.
std::variant<url_authority, std::string> split_authority(std::string_view url,
                                                         std::string_view rest);

/// %XX escapes (passwords and vhosts often hold reserved characters); nullopt for a bad one.
std::optional<std::string> percent_decode(std::string_view s);

} // namespace imedge::push
