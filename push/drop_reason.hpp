// Why a published message was dropped. Every drop is counted under its reason; a dropped
// message never affects the messages before or after it.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace imedge::push {

enum class drop_reason : std::uint8_t {
    bad_pickle,          // the pickle decoder refused the bytes (globals, reduce, truncated...)
    bad_msgpack,         // not msgpack, or msgpack outside the subset the emitter writes
    bad_json,            // a request channel message that is not the emitter's JSON
    too_large,           // message, value count or nesting past the limits
    wrong_type,          // a field of the wrong type (an event that is not a str, ...)
    missing_field,       // a required field is absent
    unknown_method,      // python: a method other than emit/disconnect/close_room/callback
    unsupported_request, // emitter: serverSideEmit and the fetch/rooms requests of a peer node
    reserved_event,      // an event name Socket.IO reserves (connect, disconnect, ...)
    non_finite_number,   // NaN or infinity, which JSON cannot carry
    bad_channel,         // a channel name outside the layouts we subscribe to
    count_,
};

constexpr std::string_view name(drop_reason r) {
    constexpr std::array<std::string_view, static_cast<std::size_t>(drop_reason::count_)> names{
        "bad_pickle",     "bad_msgpack",       "bad_json",       "too_large",
        "wrong_type",     "missing_field",     "unknown_method", "unsupported_request",
        "reserved_event", "non_finite_number", "bad_channel"};
    return names[static_cast<std::size_t>(r)];
}

/// Counters read by other threads (status, tests): relaxed atomics, written by one thread.
struct push_counters {
    std::atomic<std::uint64_t> received{0}; // messages taken from the broker
    std::atomic<std::uint64_t> applied{0};  // messages turned into an action and posted
    std::atomic<std::uint64_t> ignored{0};  // messages meant for other servers (python callback)
    std::atomic<std::uint64_t> connects{0}; // successful (re)subscriptions
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(drop_reason::count_)> dropped{};

    void drop(drop_reason r) {
        dropped[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed);
    }
    std::uint64_t dropped_total() const {
        std::uint64_t n = 0;
        for (const auto& d : dropped)
            n += d.load(std::memory_order_relaxed);
        return n;
    }
};

} // namespace imedge::push
