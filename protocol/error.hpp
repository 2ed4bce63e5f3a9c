// Error codes for everything a peer can get wrong on the wire (Engine.IO, Socket.IO, JSON).
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

namespace imedge::protocol {

/// Every way a peer's bytes can be rejected by the sans-IO codecs. A session that meets
/// one of these is closed; the server keeps serving everyone else.
enum class errc {
    empty_packet = 1,
    bad_packet_type,
    bad_base64,
    payload_too_large,
    bad_json,
    bad_namespace,
    bad_ack_id,
    bad_attachment_count,
    bad_placeholder,
    event_name_not_string,
    bad_event_payload,
    too_many_attachments,
    unexpected_binary,
    packet_too_large,
    bad_event_name,
};

const boost::system::error_category& protocol_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), protocol_category()};
}

template <class T> using result = boost::system::result<T>;

} // namespace imedge::protocol

template <> struct boost::system::is_error_code_enum<imedge::protocol::errc> : std::true_type {};
