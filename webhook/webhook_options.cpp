// Splitting the webhook flags out of argv, and the webhook URL.
#include "webhook/webhook_options.hpp"

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <charconv>

namespace imedge::webhook {
namespace {

template <class T> bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_ms(std::string_view text, std::chrono::milliseconds& out) {
    std::int64_t ms = 0;
    if (!parse_number(text, ms) || ms < 0)
        return false;
    out = std::chrono::milliseconds(ms);
    return true;
}

} // namespace

std::variant<webhook_url, std::string> parse_webhook_url(std::string_view url) {
    auto parsed = boost::urls::parse_absolute_uri(url);
    if (!parsed)
        return fmt::format("{}: not a URL ({})", url, parsed.error().message());
    const auto& u = *parsed;
    if (u.scheme_id() == boost::urls::scheme::https)
        return fmt::format("{}: https:// is not supported yet (plain http:// only; put a TLS "
                           "proxy on the loopback in front of the gateway)",
                           url);
    if (u.scheme_id() != boost::urls::scheme::http)
        return fmt::format("{}: the webhook URL must start with http://", url);
    if (u.has_userinfo())
        return fmt::format("{}: user info is not supported (the webhook is signed instead)", url);
    if (u.has_fragment())
        return fmt::format("{}: a #fragment is never sent", url);
    webhook_url out;
    out.host = u.host_address();
    if (out.host.empty())
        return fmt::format("{}: no host", url);
    if (u.has_port() && !u.port().empty()) {
        // Not port_number(): it wraps a port above 65535 instead of refusing it.
        unsigned port = 0;
        if (!parse_number(std::string_view(u.port()), port) || port == 0 || port > 65535)
            return fmt::format("{}: bad port", url);
        out.port = static_cast<std::uint16_t>(port);
    }
    out.target = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
    if (u.has_query())
        out.target += "?" + std::string(u.encoded_query());
    out.host_header = std::string(u.encoded_authority());
    return out;
}

std::string webhook_usage() {
    return "Push webhook options: [--push-webhook http://HOST[:PORT]/PATH --push-webhook-secret "
           "S]\n"
           "          [--push-webhook-queue N] [--push-webhook-retries N]\n"
           "          [--push-webhook-backoff-ms MS] [--push-webhook-max-backoff-ms MS]\n"
           "          [--push-webhook-timeout-ms MS] [--push-webhook-concurrency N]\n"
           "          [--push-webhook-preview BYTES]\n";
}

std::variant<split_args, std::string> take_webhook_options(int argc, const char* const* argv) {
    split_args out;
    auto& o = out.options;
    out.rest.emplace_back(argc > 0 ? argv[0] : "imedge");
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        if (!name.starts_with("--push-webhook")) {
            out.rest.emplace_back(name);
            continue;
        }
        if (i + 1 >= argc)
            return fmt::format("option {} needs a value\n{}", name, webhook_usage());
        std::string_view value = argv[++i];
        bool ok = true;
        if (name == "--push-webhook") {
            auto url = parse_webhook_url(value);
            if (auto* err = std::get_if<std::string>(&url))
                return fmt::format("--push-webhook {}\n", *err);
            o.url = std::get<webhook_url>(std::move(url));
        } else if (name == "--push-webhook-secret") {
            ok = !(o.secret = std::string(value)).empty();
        } else if (name == "--push-webhook-queue") {
            ok = parse_number(value, o.queue) && o.queue > 0;
        } else if (name == "--push-webhook-retries") {
            ok = parse_number(value, o.retries) && o.retries <= 30;
        } else if (name == "--push-webhook-backoff-ms") {
            ok = parse_ms(value, o.backoff);
        } else if (name == "--push-webhook-max-backoff-ms") {
            ok = parse_ms(value, o.max_backoff);
        } else if (name == "--push-webhook-timeout-ms") {
            ok = parse_ms(value, o.timeout) && o.timeout.count() > 0;
        } else if (name == "--push-webhook-concurrency") {
            ok = parse_number(value, o.concurrency) && o.concurrency > 0 && o.concurrency <= 256;
        } else if (name == "--push-webhook-preview") {
            ok = parse_number(value, o.preview_bytes) && o.preview_bytes <= 4096;
        } else {
            return fmt::format("unknown option {}\n{}", name, webhook_usage());
        }
        if (!ok)
            return fmt::format("bad value for {}: {}\n{}", name, value, webhook_usage());
    }
    if (o.url && o.secret.empty())
        return "--push-webhook needs --push-webhook-secret (every webhook is signed)\n";
    if (o.max_backoff < o.backoff)
        o.max_backoff = o.backoff;
    return out;
}

} // namespace imedge::webhook
