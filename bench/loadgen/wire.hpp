// Sans-IO text of what the load generator sends and recognises: Engine.IO v4 / Socket.IO v5
// packets over WebSocket (one packet per message) and the raw-WebSocket JSON variant, both as
// defined by the scenario contract in bench/README.md. No sockets, no clocks: time comes in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imedge::bench::wire {

// What an incoming WebSocket message is, as far as the generator cares.
enum class kind {
    eio_open,       // "0{...}"
    eio_ping,       // "2"
    eio_close,      // "1"
    sio_connected,  // "40{...}" on the main namespace
    sio_refused,    // "44..." CONNECT_ERROR
    sio_disconnect, // "41"
    event,          // "42[...]" (Socket.IO) or any other raw JSON message
    ack,            // "43<id>[...]" (Socket.IO) or a raw {"op":"echo"|"joined"} reply
    other,
};

struct message {
    kind what = kind::other;
    std::uint32_t ack_id = 0;           // for kind::ack on Socket.IO
    std::string_view event_name;        // for kind::event on Socket.IO
    std::optional<std::uint64_t> stamp; // the "t" field of a bench payload, if present
    bool joined = false;                // raw WebSocket: the join reply
};

message classify_sio(std::string_view text);
message classify_raw(std::string_view text);

// The bench data object: {"t":<ns>,"s":<seq>,"p":"<padding>"} with padding bytes of 'x'.
std::string data_object(std::uint64_t stamp_ns, std::uint64_t seq, std::size_t padding);

// 42[<id>]["name",args...] with args already JSON text joined by commas; id 0 means no ack.
std::string sio_event(std::string_view name, std::string_view args_json, std::uint32_t ack_id);
// "room-<n>" as a JSON string.
std::string room_json(unsigned room);

// Raw WebSocket: {"op":"<op>","room":"room-n","data":<data>}, {"op":"echo",...data fields}.
std::string raw_echo(std::uint64_t stamp_ns, std::uint64_t seq, std::size_t padding);
std::string raw_join(unsigned room);
std::string raw_send(std::string_view op, unsigned room, std::string_view data_json);

// First `"t":<digits>` in text; a scan of our own payload format, not a JSON parser.
std::optional<std::uint64_t> find_stamp(std::string_view text);

} // namespace imedge::bench::wire
