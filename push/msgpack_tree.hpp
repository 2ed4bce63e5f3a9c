// A bounded msgpack decoder for the subset @socket.io/redis-emitter (notepack.io) writes: nil,
// bools, ints, floats, str, bin, arrays, maps (and notepack's `undefined` ext, read as nil).
// Tokens come from Debian's libmpack, a tokenizer that allocates nothing, so every bound
// (input size, value count, nesting, string sizes) is ours and checked before allocating.
// Format: https://github.com/msgpack/msgpack/blob/master/spec.md
#pragma once

#include "push/drop_reason.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace imedge::push::msgpack {

struct limits {
    std::size_t max_input = 1 << 20;
    std::size_t max_values = 100000;
    std::size_t max_depth = 32;
};

enum class kind : std::uint8_t { nil, boolean, uint, sint, real, str, bin, array, map };

/// One value; arrays hold their items' indexes, maps key, value, key, value...
struct node {
    kind type = kind::nil;
    bool boolean = false;
    std::uint64_t uint = 0;
    std::int64_t sint = 0;
    double real = 0;
    std::string text; // str or bin
    std::vector<std::uint32_t> items;
};

/// A decoded message; node 0 is the root.
struct document {
    std::vector<node> nodes;
    const node& root() const { return nodes.front(); }
    const node& at(std::uint32_t i) const { return nodes[i]; }
    /// The value under str key `key` of map `m`, if any.
    const node* find(const node& m, std::string_view key) const;
};

/// Decodes exactly one value covering all of `bytes`; a drop reason otherwise.
std::variant<document, drop_reason> decode(std::string_view bytes, const limits& l = {});

} // namespace imedge::push::msgpack
