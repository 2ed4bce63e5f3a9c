// Socket.IO packet encoders.
#include "encode.hpp"

#include "../json_text.hpp"
#include "packet.hpp"

namespace imedge::protocol::socketio {
namespace {

void append_data_packet(std::string& out, packet_type plain, packet_type binary,
                        std::string_view nsp, std::optional<std::uint64_t> id, const payload& data,
                        std::optional<std::string_view> event) {
    std::size_t n = data.attachments().size();
    append_header(out, n > 0 ? binary : plain, nsp, id, n);
    data.append_json_array(out, event);
}

} // namespace

void append_event(std::string& out, std::string_view nsp, std::string_view event,
                  const payload& data, std::optional<std::uint64_t> ack_id) {
    append_data_packet(out, packet_type::event, packet_type::binary_event, nsp, ack_id, data,
                       event);
}

void append_ack(std::string& out, std::string_view nsp, std::uint64_t ack_id, const payload& data) {
    append_data_packet(out, packet_type::ack, packet_type::binary_ack, nsp, ack_id, data,
                       std::nullopt);
}

void append_connect(std::string& out, std::string_view nsp, std::string_view sid) {
    append_header(out, packet_type::connect, nsp, std::nullopt);
    out += R"({"sid":)";
    append_json_string(out, sid);
    out += '}';
}

void append_connect_error(std::string& out, std::string_view nsp, std::string_view message,
                          std::string_view data_json) {
    append_header(out, packet_type::connect_error, nsp, std::nullopt);
    out += R"({"message":)";
    append_json_string(out, message);
    if (!data_json.empty()) {
        out += R"(,"data":)";
        out += data_json;
    }
    out += '}';
}

void append_disconnect(std::string& out, std::string_view nsp) {
    append_header(out, packet_type::disconnect, nsp, std::nullopt);
}

} // namespace imedge::protocol::socketio
