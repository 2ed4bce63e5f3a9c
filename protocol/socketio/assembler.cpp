// Socket.IO packet assembly.
#include "assembler.hpp"

namespace imedge::protocol::socketio {

result<std::optional<inbound_packet>> packet_assembler::feed_text(std::string_view text) {
    if (partial_) return errc::bad_attachment_count; // a new packet while attachments are due
    auto header = decode_header(text, max_attachments_);
    if (!header) return header.error();
    inbound_packet packet{header->type, std::move(header->nsp), header->ack_id, std::string(header->data), {}};
    if (header->attachments == 0) return std::optional<inbound_packet>(std::move(packet));
    expected_ = header->attachments;
    packet.attachments.reserve(expected_);
    partial_ = std::move(packet);
    return std::optional<inbound_packet>{};
}

result<std::optional<inbound_packet>> packet_assembler::feed_binary(std::string bytes) {
    if (!partial_) return errc::unexpected_binary;
    partial_->attachments.push_back(std::move(bytes));
    if (partial_->attachments.size() < expected_) return std::optional<inbound_packet>{};
    auto complete = std::move(partial_);
    partial_.reset();
    return complete;
}

} // namespace imedge::protocol::socketio
