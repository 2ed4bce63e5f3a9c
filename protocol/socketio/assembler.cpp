// Socket.IO packet assembly.
#include "assembler.hpp"

namespace imedge::protocol::socketio {

void packet_assembler::reset() {
    partial_.reset();
    expected_ = 0;
    pending_bytes_ = 0;
}

result<std::optional<inbound_packet>> packet_assembler::feed_text(std::string_view text,
                                                                  clock::time_point now) {
    if (partial_) { // a new packet while attachments are due (socket.io-parser throws too)
        reset();
        return errc::bad_attachment_count;
    }
    auto header = decode_header(text, limits_.max_attachments);
    if (!header)
        return header.error();
    inbound_packet packet{
        header->type, std::move(header->nsp), header->ack_id, std::string(header->data), {}};
    if (!is_binary(header->type))
        return std::optional<inbound_packet>(std::move(packet));
    if (text.size() > limits_.max_bytes)
        return errc::packet_too_large;
    expected_ = header->attachments;
    pending_bytes_ = text.size();
    since_ = now;
    packet.attachments.reserve(expected_);
    partial_ = std::move(packet);
    return std::optional<inbound_packet>{};
}

result<std::optional<inbound_packet>> packet_assembler::feed_binary(std::string bytes) {
    if (!partial_)
        return errc::unexpected_binary;
    if (bytes.size() > limits_.max_bytes - pending_bytes_) {
        reset();
        return errc::packet_too_large;
    }
    pending_bytes_ += bytes.size();
    partial_->attachments.push_back(std::move(bytes));
    if (partial_->attachments.size() < expected_)
        return std::optional<inbound_packet>{};
    auto complete = std::move(partial_);
    reset();
    return complete;
}

} // namespace imedge::protocol::socketio
