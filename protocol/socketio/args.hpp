// Event arguments as they arrive (args) and as they are sent (payload). Arguments are kept as
// minified JSON text, so forwarding them costs no re-serialisation; binary attachments stay
// referenced by `{"_placeholder":true,"num":n}` (socket.io-protocol v5, "Binary").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::protocol::socketio {

enum class json_kind { string, number, boolean, null, object, array, binary };

/// One top-level argument. `json` is its minified JSON text; for strings `text` holds the
/// unescaped value; for a top-level binary placeholder `attachment` is its index.
struct arg {
    json_kind kind = json_kind::null;
    std::string json;
    std::string text;
    std::size_t attachment = 0;
};

/// Received arguments plus the binary attachments their placeholders refer to.
/// Owned data: safe to keep across a coroutine suspension.
struct args {
    std::vector<arg> items;
    std::vector<std::string> attachments;

    std::size_t size() const { return items.size(); }
    bool empty() const { return items.empty(); }
    const arg& operator[](std::size_t i) const { return items[i]; }

    /// The string value of argument i, or "" when it is missing or not a string.
    std::string_view string_at(std::size_t i) const;
    /// The bytes of argument i when it is a top-level binary placeholder, else "".
    std::string_view binary_at(std::size_t i) const;
};

/// Arguments to send. Built with the add_* calls or copied from received args (placeholders
/// and attachments are kept in order, so echoing binary data is exact).
class payload {
public:
    payload() = default;
    explicit payload(const args& received);
    /// JSON args and the attachments their placeholders number (as carried between shards).
    payload(std::vector<std::string> items, std::vector<std::string> attachments)
        : items_(std::move(items)), attachments_(std::move(attachments)) {}

    payload& add_json(std::string json_text);
    payload& add_string(std::string_view text);
    payload& add_int(std::int64_t value);
    payload& add_bool(bool value);
    payload& add_null();
    payload& add_binary(std::string bytes);

    const std::vector<std::string>& items() const { return items_; }
    const std::vector<std::string>& attachments() const { return attachments_; }

    /// Appends `[a1,a2,...]`, or `["name",a1,...]` when `event` is given (an empty name is
    /// written as "", never dropped: `[]` would make the arguments' first item the name).
    void append_json_array(std::string& out,
                           std::optional<std::string_view> event = std::nullopt) const;
    /// The same as a new string: `[a1,...]`.
    std::string json_array() const;
    /// The same as a new string: `["name",a1,...]`.
    std::string json_array(std::string_view event) const;

private:
    std::vector<std::string> items_;
    std::vector<std::string> attachments_;
};

} // namespace imedge::protocol::socketio
