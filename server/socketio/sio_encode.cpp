// Socket.IO packets (protocol/socketio/encode) wrapped into shared Engine.IO frames.
#include "server/socketio/sio_encode.hpp"

#include "protocol/socketio/encode.hpp"

namespace imedge::server {
namespace {

// The Engine.IO message prefix, written first so the packet text is built in place once.
std::string engineio_message() {
    return std::string(1, '4');
}

std::shared_ptr<const encoded_packet> share(std::string text,
                                            const protocol::socketio::payload& data) {
    auto out = std::make_shared<encoded_packet>();
    out->text = make_bytes(std::move(text));
    out->attachments.reserve(data.attachments().size());
    for (const auto& a : data.attachments())
        out->attachments.push_back(make_bytes(a));
    return out;
}

} // namespace

std::shared_ptr<const encoded_packet> encode_event(std::string_view nsp, std::string_view event,
                                                   const protocol::socketio::payload& data,
                                                   std::optional<std::uint64_t> ack_id) {
    std::string text = engineio_message();
    protocol::socketio::append_event(text, nsp, event, data, ack_id);
    return share(std::move(text), data);
}

std::shared_ptr<const encoded_packet> encode_ack(std::string_view nsp, std::uint64_t ack_id,
                                                 const protocol::socketio::payload& data) {
    std::string text = engineio_message();
    protocol::socketio::append_ack(text, nsp, ack_id, data);
    return share(std::move(text), data);
}

std::string encode_connect(std::string_view nsp, std::string_view sid) {
    std::string text = engineio_message();
    protocol::socketio::append_connect(text, nsp, sid);
    return text;
}

std::string encode_connect_error(std::string_view nsp, std::string_view message,
                                 std::string_view data_json) {
    std::string text = engineio_message();
    protocol::socketio::append_connect_error(text, nsp, message, data_json);
    return text;
}

std::string encode_disconnect(std::string_view nsp) {
    std::string text = engineio_message();
    protocol::socketio::append_disconnect(text, nsp);
    return text;
}

} // namespace imedge::server
