// Turns the Engine.IO messages of one connection into complete Socket.IO packets: a BINARY_EVENT
// or BINARY_ACK header is held until its announced attachments (binary messages) have arrived
// (socket.io-protocol v5, "Binary"). Sans-IO; one per connection, on its shard.
#pragma once

#include "../error.hpp"
#include "packet.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace imedge::protocol::socketio {

/// A complete packet from the client, owning its data.
struct inbound_packet {
    packet_type type = packet_type::event;
    std::string nsp = "/";
    std::optional<std::uint64_t> ack_id;
    std::string json;
    std::vector<std::string> attachments;
};

/// Bounds on one pending binary packet, checked before anything past them is buffered.
struct assembler_limits {
    /// Attachments one packet may announce: socket.io-parser >= 4.2.6 refuses more than its
    /// `maxAttachments` (default 10) with "too many attachments", so a client never sends more.
    std::size_t max_attachments = 10;
    /// Bytes of one pending packet, its header text and all attachments together. The reference
    /// bounds each message by maxHttpBufferSize (1e6) but not their sum; we bound the sum, by
    /// default by the Engine.IO maxPayload default.
    std::size_t max_bytes = 1'000'000;
};

class packet_assembler {
public:
    using clock = std::chrono::steady_clock;

    explicit packet_assembler(assembler_limits limits = {}) : limits_(limits) {}

    /// A text message: a packet header. Returns the packet when it needs no attachments, nullopt
    /// while attachments are due (from `now` on: see incomplete_since), or an error: malformed
    /// header, a binary type announcing 0 or more than max_attachments, a header over max_bytes,
    /// or text while attachments are due. After an error nothing is pending; the caller is
    /// expected to close the connection.
    result<std::optional<inbound_packet>> feed_text(std::string_view text, clock::time_point now);

    /// A binary message: the next attachment. Returns the packet once the last one arrived, or an
    /// error: errc::unexpected_binary when no attachment is due, errc::packet_too_large when it
    /// would take the pending packet past max_bytes (it is not buffered).
    result<std::optional<inbound_packet>> feed_binary(std::string bytes);

    bool waiting_for_attachments() const { return partial_.has_value(); }

    /// When the pending packet's header arrived, or nullopt when nothing is pending. The server
    /// arms its deadline from this; a timer that finds a later time (or none) is stale.
    std::optional<clock::time_point> incomplete_since() const {
        return partial_ ? std::optional<clock::time_point>(since_) : std::nullopt;
    }

    /// Bytes held by the pending packet (0 when none); never more than max_bytes.
    std::size_t pending_bytes() const { return pending_bytes_; }

    const assembler_limits& limits() const { return limits_; }

private:
    void reset();

    assembler_limits limits_;
    std::optional<inbound_packet> partial_;
    std::size_t expected_ = 0;
    std::size_t pending_bytes_ = 0;
    clock::time_point since_{};
};

} // namespace imedge::protocol::socketio
