// A decoder for the subset of Python's pickle format that python-socketio's RedisManager and
// KombuManager publish (pickle.dumps of dicts of str, bytes, numbers, bools, None, lists and
// tuples; protocols 2 to 5). It is a data decoder, not an unpickler: no opcode that names a
// class or calls anything (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ, PERSID, EXT*)
// is accepted, so hostile bytes can never run code; every bound is checked before allocating.
// Opcodes and their encodings: CPython Lib/pickletools.py ("opcodes" table) and PEP 3154, 574.
#pragma once

#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imedge::protocol::pickle {

/// Why a pickle was refused; each is counted by the consumer that drops the message.
enum class errc {
    truncated = 1,        // the bytes end inside an opcode or before STOP
    unsupported_opcode,   // an opcode outside the data subset (globals, calls, sets, protocol 0/1
                          // text)
    unsupported_protocol, // PROTO above 5
    stack_error,          // an opcode found the wrong things on the stack, or no MARK
    bad_memo,             // a memo get of an index never put
    too_large,            // input, a string, or the number of values past the limits
    too_deep,             // containers nested past the limit (also catches self-references)
    trailing_bytes,       // bytes after STOP
    integer_overflow,     // an int that does not fit in 64 bits
    bad_utf8,             // a str whose bytes are not UTF-8
};

const boost::system::error_category& pickle_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), pickle_category()};
}

/// Bounds, all checked before the memory they guard is taken.
struct limits {
    std::size_t max_input = 1 << 20; // bytes of pickle
    std::size_t max_values = 100000; // values created (and visited by value_ref walks)
    std::size_t max_depth = 32;      // container nesting
};

enum class kind : std::uint8_t { none, boolean, integer, real, str, bytes, list, tuple, dict };

class document;

/// A handle on one value of a document; valid while the document lives.
class value_ref {
public:
    kind type() const;
    bool as_bool() const;
    std::int64_t as_int() const;
    double as_real() const;
    /// The text of a str, or the bytes of a bytes value.
    std::string_view as_text() const;
    /// Items of a list or tuple.
    std::size_t size() const;
    value_ref at(std::size_t i) const;
    /// Entries of a dict, in insertion order.
    std::size_t entry_count() const;
    std::pair<value_ref, value_ref> entry(std::size_t i) const;
    /// The value of a dict under str key `key`, if there is one.
    std::optional<value_ref> find(std::string_view key) const;

    bool is(kind k) const { return type() == k; }
    bool is_str() const { return type() == kind::str; }

private:
    friend class document;
    value_ref(const document* d, std::uint32_t i) : doc_(d), index_(i) {}
    const document* doc_;
    std::uint32_t index_;
};

/// A decoded pickle: its values in one arena, referred to by index, so that memo references
/// (the same object pickled twice) share one node instead of being copied.
class document {
public:
    value_ref root() const { return {this, root_}; }

private:
    friend class value_ref;
    friend class decoder;
    struct node {
        kind type = kind::none;
        std::int64_t integer = 0; // also the boolean
        double real = 0;
        std::string text;                 // str or bytes
        std::vector<std::uint32_t> items; // list/tuple items; dict: key, value, key, value...
    };
    std::vector<node> nodes_;
    std::uint32_t root_ = 0;
};

/// Decodes one whole pickle. Shared references are kept, so a walk over the result must bound
/// itself (to_json and the consumers use limits::max_values and max_depth).
boost::system::result<document> decode(std::string_view bytes, const limits& l = {});

} // namespace imedge::protocol::pickle

template <>
struct boost::system::is_error_code_enum<imedge::protocol::pickle::errc> : std::true_type {};
