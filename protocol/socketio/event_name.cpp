// Event name rules.
#include "event_name.hpp"

#include <array>

namespace imedge::protocol::socketio {

bool is_reserved_event(std::string_view name) {
    static constexpr std::array<std::string_view, 6> reserved = {
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
    for (auto r : reserved)
        if (r == name)
            return true;
    return false;
}

bool may_emit_event(std::string_view name) {
    return !name.empty() && !is_reserved_event(name);
}

result<void> check_event_name(std::string_view name) {
    if (!may_emit_event(name))
        return errc::bad_event_name;
    return {};
}

} // namespace imedge::protocol::socketio
