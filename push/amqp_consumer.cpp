// The AMQP consumer thread: connect, login, declare, bind, consume, reconnect.
#include "push/amqp_consumer.hpp"

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>

#include <sys/socket.h>

#include <cstdio>

namespace imedge::push {

namespace {

std::string describe_reply(const amqp_rpc_reply_t& r, std::string_view what) {
    switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return {};
    case AMQP_RESPONSE_NONE:
        return fmt::format("{}: no reply", what);
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        return fmt::format("{}: {}", what, amqp_error_string2(r.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (r.reply.id == AMQP_CONNECTION_CLOSE_METHOD || r.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            // Both close methods start with reply_code and reply_text.
            auto* m = static_cast<amqp_connection_close_t*>(r.reply.decoded);
            return fmt::format(
                "{}: broker closed: {} {}", what, m->reply_code,
                std::string_view(static_cast<const char*>(m->reply_text.bytes), m->reply_text.len));
        }
        return fmt::format("{}: broker error (method {:#x})", what, r.reply.id);
    }
    return fmt::format("{}: unknown reply", what);
}

amqp_bytes_t bytes_of(const std::string& s) {
    return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

} // namespace

amqp_consumer::amqp_consumer(amqp_endpoint endpoint, std::string exchange, sink on_message)
    : endpoint_(std::move(endpoint)), exchange_(std::move(exchange)), sink_(std::move(on_message)),
      thread_([this] { run(); }) {}

amqp_consumer::~amqp_consumer() {
    stop();
    thread_.join();
}

void amqp_consumer::stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (fd_ >= 0)
        ::shutdown(fd_, SHUT_RDWR);
    wake_.notify_all();
}

void amqp_consumer::run() {
    using namespace std::chrono_literals;
    auto backoff = 100ms;
    while (!stopping_) {
        bool consumed = false;
        auto why = session(consumed);
        if (stopping_)
            break;
        if (consumed)
            backoff = 100ms;
        fmt::print(stderr, "imedge: push: amqp {} unavailable ({}); retrying in {} ms\n",
                   describe(endpoint_), why, backoff.count());
        std::fflush(stderr);
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, backoff, [&] { return stopping_.load(); });
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 5s);
    }
}

std::string amqp_consumer::session(bool& consumed) {
    amqp_connection_state_t conn = amqp_new_connection();
    if (!conn)
        return "out of memory";
    struct closer {
        amqp_connection_state_t c;
        amqp_consumer* self;
        ~closer() {
            {
                std::lock_guard lock(self->mutex_);
                self->fd_ = -1;
            }
            amqp_destroy_connection(c);
        }
    } close_on_exit{conn, this};
    amqp_socket_t* socket = amqp_tcp_socket_new(conn);
    if (!socket)
        return "cannot create a socket";
    timeval connect_timeout{2, 0};
    if (int rc = amqp_socket_open_noblock(socket, endpoint_.host.c_str(), endpoint_.port,
                                          &connect_timeout);
        rc != AMQP_STATUS_OK)
        return fmt::format("connect: {}", amqp_error_string2(rc));
    {
        std::lock_guard lock(mutex_);
        fd_ = amqp_get_sockfd(conn);
        if (stopping_)
            ::shutdown(fd_, SHUT_RDWR);
    }
    // Heartbeats every 30 s let a dead broker be noticed; librabbitmq answers them while it
    // waits for frames in amqp_consume_message.
    auto login = amqp_login(conn, endpoint_.vhost.c_str(), 0, 131072, 30, AMQP_SASL_METHOD_PLAIN,
                            endpoint_.user.c_str(), endpoint_.password.c_str());
    if (auto why = describe_reply(login, "login"); !why.empty())
        return why;
    constexpr amqp_channel_t channel = 1;
    amqp_channel_open(conn, channel);
    if (auto why = describe_reply(amqp_get_rpc_reply(conn), "channel"); !why.empty())
        return why;
    amqp_exchange_declare(conn, channel, bytes_of(exchange_), amqp_cstring_bytes("fanout"), 0, 0, 0,
                          0, amqp_empty_table);
    if (auto why = describe_reply(amqp_get_rpc_reply(conn), "exchange.declare"); !why.empty())
        return why;
    auto* declared =
        amqp_queue_declare(conn, channel, amqp_empty_bytes, 0, 0, 1, 1, amqp_empty_table);
    if (auto why = describe_reply(amqp_get_rpc_reply(conn), "queue.declare"); !why.empty())
        return why;
    std::string queue(static_cast<const char*>(declared->queue.bytes), declared->queue.len);
    amqp_queue_bind(conn, channel, bytes_of(queue), bytes_of(exchange_), amqp_empty_bytes,
                    amqp_empty_table);
    if (auto why = describe_reply(amqp_get_rpc_reply(conn), "queue.bind"); !why.empty())
        return why;
    amqp_basic_consume(conn, channel, bytes_of(queue), amqp_empty_bytes, 0, 1, 1, amqp_empty_table);
    if (auto why = describe_reply(amqp_get_rpc_reply(conn), "basic.consume"); !why.empty())
        return why;
    consumed = true;
    fmt::print("imedge: push: amqp consuming from {} exchange {} queue {}\n", describe(endpoint_),
               exchange_, queue);
    std::fflush(stdout);
    while (!stopping_) {
        amqp_maybe_release_buffers(conn);
        amqp_envelope_t envelope;
        auto r = amqp_consume_message(conn, &envelope, nullptr, 0);
        if (r.reply_type != AMQP_RESPONSE_NORMAL)
            return describe_reply(r, "consume");
        sink_(std::string_view(static_cast<const char*>(envelope.message.body.bytes),
                               envelope.message.body.len));
        amqp_destroy_envelope(&envelope);
    }
    return {};
}

} // namespace imedge::push
