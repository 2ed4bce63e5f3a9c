// One AMQP 0-9-1 consumer per process on a thread of its own (librabbitmq's blocking calls
// never run on a shard thread), speaking python-socketio's KombuManager layout: a fanout
// exchange named after the channel (declared as kombu does: not durable, not auto-deleted),
// and a queue of our own (server-named, exclusive, auto-deleted) bound to it, consumed with
// no-ack. Broker down or restarting: says so on stderr, retries with backoff (100 ms doubling
// to 5 s), declares and binds again. After each (re)subscription it prints
// `imedge: push: amqp consuming from <url> exchange <name>` on stdout.
#pragma once

#include "push/amqp_url.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace imedge::push {

class amqp_consumer {
public:
    /// Called on the consumer thread with each message body.
    using sink = std::function<void(std::string_view body)>;

    amqp_consumer(amqp_endpoint endpoint, std::string exchange, sink on_message);
    ~amqp_consumer(); // stops and joins
    amqp_consumer(const amqp_consumer&) = delete;
    amqp_consumer& operator=(const amqp_consumer&) = delete;

    /// Thread-safe; idempotent. Interrupts a blocking read by shutting the socket down.
    void stop();

private:
    void run();
    std::string session(bool& consumed);

    amqp_endpoint endpoint_;
    std::string exchange_;
    sink sink_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_; // guards fd_ against stop()
    std::condition_variable wake_;
    int fd_ = -1;
    std::thread thread_;
};

} // namespace imedge::push
