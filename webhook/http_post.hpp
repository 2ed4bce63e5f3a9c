// One keep-alive HTTP/1.1 connection to the webhook URL, and a POST over it. The only file of
// webhook/ that instantiates Beast (behind a pimpl, so its templates stay in http_post.cpp).
// Used by one attempt at a time, on the webhook thread.
#pragma once

#include "webhook/webhook_options.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace imedge::webhook {

using header_list = std::vector<std::pair<std::string, std::string>>;

/// How a POST ended. `status` is 0 when no answer came (connect refused, timeout, reset).
struct post_result {
    unsigned status = 0;
    std::optional<std::chrono::milliseconds> retry_after; // a Retry-After in seconds
    std::string error;                                    // why there was no answer
};

class http_poster {
public:
    http_poster(boost::asio::any_io_executor ex, const webhook_url& url,
                std::chrono::milliseconds timeout);
    ~http_poster();
    http_poster(const http_poster&) = delete;
    http_poster& operator=(const http_poster&) = delete;

    /// Sends `body` (application/json) with `headers`, reusing the connection when the last
    /// answer kept it alive. Connect, write and read share one deadline (the timeout). A reused
    /// connection that the receiver had closed meanwhile is replaced once, within the attempt.
    boost::asio::awaitable<post_result> post(std::string body, header_list headers);
    /// Cancels what is in flight and closes the connection (shutdown).
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace imedge::webhook
