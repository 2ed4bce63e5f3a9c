// Encoders and the recogniser for the load generator's wire text (see wire.hpp).
#include "wire.hpp"

#include <fmt/format.h>

#include <charconv>

namespace imedge::bench::wire {

std::optional<std::uint64_t> find_stamp(std::string_view text) {
    constexpr std::string_view key = "\"t\":";
    const auto at = text.find(key);
    if (at == std::string_view::npos)
        return std::nullopt;
    const char* first = text.data() + at + key.size();
    const char* last = text.data() + text.size();
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || end == first)
        return std::nullopt;
    return value;
}

message classify_sio(std::string_view text) {
    message m;
    if (text.empty())
        return m;
    switch (text[0]) {
    case '0':
        m.what = kind::eio_open;
        return m;
    case '1':
        m.what = kind::eio_close;
        return m;
    case '2':
        m.what = kind::eio_ping;
        return m;
    case '4':
        break;
    default:
        return m;
    }
    const std::string_view sio = text.substr(1);
    if (sio.empty())
        return m;
    switch (sio[0]) {
    case '0':
        m.what = kind::sio_connected;
        return m;
    case '1':
        m.what = kind::sio_disconnect;
        return m;
    case '4':
        m.what = kind::sio_refused;
        return m;
    case '2': {
        m.what = kind::event;
        // 2["name",...]: the name is the first JSON string; names in the contract need no escapes.
        const auto open = sio.find("[\"");
        if (open != std::string_view::npos) {
            const auto close = sio.find('"', open + 2);
            if (close != std::string_view::npos)
                m.event_name = sio.substr(open + 2, close - open - 2);
        }
        m.stamp = find_stamp(sio);
        return m;
    }
    case '3': {
        m.what = kind::ack;
        const char* first = sio.data() + 1;
        std::from_chars(first, sio.data() + sio.size(), m.ack_id);
        m.stamp = find_stamp(sio);
        return m;
    }
    default:
        return m;
    }
}

message classify_raw(std::string_view text) {
    message m;
    // The join reply; matched loosely (any JSON spacing), bench payloads never contain the word.
    if (text.find("\"joined\"") != std::string_view::npos) {
        m.what = kind::ack;
        m.joined = true;
        return m;
    }
    m.what = text.find("\"op\":\"echo\"") != std::string_view::npos ? kind::ack : kind::event;
    m.stamp = find_stamp(text);
    return m;
}

std::string data_object(std::uint64_t stamp_ns, std::uint64_t seq, std::size_t padding) {
    std::string out = fmt::format(R"({{"t":{},"s":{},"p":")", stamp_ns, seq);
    out.append(padding, 'x');
    out.append("\"}");
    return out;
}

std::string sio_event(std::string_view name, std::string_view args_json, std::uint32_t ack_id) {
    std::string out =
        ack_id ? fmt::format("42{}[\"{}\"", ack_id, name) : fmt::format("42[\"{}\"", name);
    if (!args_json.empty()) {
        out.push_back(',');
        out.append(args_json);
    }
    out.push_back(']');
    return out;
}

std::string room_json(unsigned room) {
    return fmt::format("\"room-{}\"", room);
}

std::string raw_echo(std::uint64_t stamp_ns, std::uint64_t seq, std::size_t padding) {
    std::string out = fmt::format(R"({{"op":"echo","t":{},"s":{},"p":")", stamp_ns, seq);
    out.append(padding, 'x');
    out.append("\"}");
    return out;
}

std::string raw_join(unsigned room) {
    return fmt::format(R"({{"op":"join","room":"room-{}"}})", room);
}

std::string raw_send(std::string_view op, unsigned room, std::string_view data_json) {
    return fmt::format(R"({{"op":"{}","room":"room-{}","data":{}}})", op, room, data_json);
}

} // namespace imedge::bench::wire
