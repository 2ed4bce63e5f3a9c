// The JSON envelopes of the IM service's plain WebSocket endpoint /ws (docs/im-protocol.md,
// "Plain WebSocket"): decoding a client's request and encoding the answers. Sans-IO.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace imedge::im {

/// Requests longer than this are answered `too_large` unread (the transport's own bound,
/// --max-payload, closes the connection with 1009 past that).
constexpr std::size_t max_plain_request = 64 * 1024;
constexpr std::size_t max_request_id = 128; // bytes of a string id

/// One request: {"type":EVENT,"id":ID,"data":{...}}, or seed 004's direct message
/// {"sender":S,"receiver":R,"data":BODY}, read as "send" {"to":R,"body":BODY}.
struct plain_request {
    std::string type;
    std::string id_json;                  // the client's id as JSON text; empty when none
    std::optional<std::string> data_json; // minified; nullopt when absent
    simdjson::dom::element_type data_type = simdjson::dom::element_type::NULL_VALUE;
    std::optional<std::string> seed_sender; // set for the seed 004 shape only
};

/// A request refused before any IM handler saw it: the error code, and the id when one was read.
struct plain_refusal {
    std::string_view code;
    std::string id_json;
};

/// Decodes one text message. `parser` is the shard's, reused.
std::variant<plain_request, plain_refusal> decode_plain_request(std::string_view text,
                                                                simdjson::dom::parser& parser);

/// {"type":"ack","id":ID,"data":DATA} (no "id" when `id_json` is empty).
std::string ack_envelope(std::string_view id_json, std::string_view data_json);
/// {"type":"error","id":ID,"error":CODE} (no "id" when `id_json` is empty).
std::string error_envelope(std::string_view id_json, std::string_view code);

} // namespace imedge::im
