// The error category behind imedge::protocol::errc.
#include "error.hpp"

namespace imedge::protocol {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "imedge.protocol"; }

    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::empty_packet:
            return "empty packet";
        case errc::bad_packet_type:
            return "unknown packet type";
        case errc::bad_base64:
            return "invalid base64 in binary packet";
        case errc::payload_too_large:
            return "payload exceeds maxPayload";
        case errc::bad_json:
            return "invalid JSON";
        case errc::bad_namespace:
            return "invalid namespace";
        case errc::bad_ack_id:
            return "invalid ack id";
        case errc::bad_attachment_count:
            return "invalid attachment count";
        case errc::bad_placeholder:
            return "binary placeholder does not match an attachment";
        case errc::event_name_not_string:
            return "event name is not a string";
        case errc::bad_event_payload:
            return "event payload is not a non-empty array";
        case errc::too_many_attachments:
            return "too many binary attachments";
        case errc::unexpected_binary:
            return "binary data where none was announced";
        case errc::packet_too_large:
            return "packet with its attachments exceeds the byte limit";
        case errc::bad_event_name:
            return "event name is empty or reserved";
        }
        return "unknown protocol error";
    }
};

} // namespace

const boost::system::error_category& protocol_category() noexcept {
    static const category instance; // immutable after construction: safe to share
    return instance;
}

} // namespace imedge::protocol
