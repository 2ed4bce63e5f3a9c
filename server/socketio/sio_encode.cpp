// Socket.IO packet encoding into shared frames.
#include "server/socketio/sio_encode.hpp"

#include "protocol/socketio/packet.hpp"

namespace imedge::server {
namespace {

using protocol::socketio::packet_type;

std::shared_ptr<const encoded_packet> encode(packet_type plain, packet_type binary,
                                             std::string_view nsp, std::optional<std::uint64_t> id,
                                             std::string json,
                                             const protocol::socketio::payload& data) {
    auto out = std::make_shared<encoded_packet>();
    bool has_binary = !data.attachments().empty();
    out->text =
        make_bytes("4" + protocol::socketio::encode_packet(has_binary ? binary : plain, nsp, id,
                                                           json, data.attachments().size()));
    out->attachments.reserve(data.attachments().size());
    for (const auto& a : data.attachments())
        out->attachments.push_back(make_bytes(a));
    return out;
}

} // namespace

std::shared_ptr<const encoded_packet> encode_event(std::string_view nsp, std::string_view event,
                                                   const protocol::socketio::payload& data,
                                                   std::optional<std::uint64_t> ack_id) {
    return encode(packet_type::event, packet_type::binary_event, nsp, ack_id,
                  data.json_array(event), data);
}

std::shared_ptr<const encoded_packet> encode_ack(std::string_view nsp, std::uint64_t ack_id,
                                                 const protocol::socketio::payload& data) {
    return encode(packet_type::ack, packet_type::binary_ack, nsp, ack_id, data.json_array(), data);
}

std::string encode_control(packet_type type, std::string_view nsp, std::string_view json) {
    return "4" + protocol::socketio::encode_packet(type, nsp, std::nullopt, json);
}

} // namespace imedge::server
