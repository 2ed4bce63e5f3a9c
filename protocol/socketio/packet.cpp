// Socket.IO v5 packet header codec.
#include "packet.hpp"

#include <cassert>
#include <limits>

namespace imedge::protocol::socketio {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads a run of decimal digits into `value`; false on overflow.
bool read_number(std::string_view& text, std::uint64_t& value) {
    value = 0;
    while (!text.empty() && is_digit(text.front())) {
        auto digit = static_cast<std::uint64_t>(text.front() - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
            return false;
        value = value * 10 + digit;
        text.remove_prefix(1);
    }
    return true;
}

} // namespace

result<packet_header> decode_header(std::string_view text, std::size_t max_attachments) {
    if (text.empty())
        return errc::empty_packet;
    packet_header h;
    char type = text.front();
    if (type < '0' || type > '6')
        return errc::bad_packet_type;
    h.type = static_cast<packet_type>(type);
    text.remove_prefix(1);

    if (is_binary(h.type)) {
        std::uint64_t n = 0;
        if (text.empty() || !is_digit(text.front()) || !read_number(text, n))
            return errc::bad_attachment_count;
        if (text.empty() || text.front() != '-')
            return errc::bad_attachment_count;
        // socket.io-parser >= 4.2.6: fewer than one is "Illegal attachments" (a binary packet
        // exists only because something binary is in it).
        if (n == 0)
            return errc::bad_attachment_count;
        if (n > max_attachments)
            return errc::too_many_attachments;
        text.remove_prefix(1);
        h.attachments = static_cast<std::size_t>(n);
    }

    if (!text.empty() && text.front() == '/') {
        auto comma = text.find(',');
        std::string_view nsp = text.substr(0, comma);
        // a legacy query string ("/nsp?x=1") is not part of the namespace name
        nsp = nsp.substr(0, nsp.find('?'));
        h.nsp = std::string(nsp);
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    }

    if (!text.empty() && is_digit(text.front())) {
        std::uint64_t id = 0;
        if (!read_number(text, id))
            return errc::bad_ack_id;
        h.ack_id = id;
    }
    h.data = text;
    return h;
}

void append_header(std::string& out, packet_type type, std::string_view nsp,
                   std::optional<std::uint64_t> ack_id, std::size_t attachments) {
    assert(nsp.empty() || (nsp.front() == '/' && nsp.find(',') == std::string_view::npos));
    out += static_cast<char>(type);
    if (is_binary(type)) {
        out += std::to_string(attachments);
        out += '-';
    }
    if (!nsp.empty() && nsp != "/") {
        out += nsp;
        out += ',';
    }
    if (ack_id)
        out += std::to_string(*ack_id);
}

std::string encode_packet(packet_type type, std::string_view nsp,
                          std::optional<std::uint64_t> ack_id, std::string_view json,
                          std::size_t attachments) {
    std::string out;
    out.reserve(json.size() + nsp.size() + 24);
    append_header(out, type, nsp, ack_id, attachments);
    out += json;
    return out;
}

} // namespace imedge::protocol::socketio
