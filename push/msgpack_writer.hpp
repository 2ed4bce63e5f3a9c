// Writes the msgpack subset the socket.io redis-adapter exchanges (notepack.io's encoding): nil,
// bools, ints, floats, str, bin, arrays and maps, each in its shortest form.
// Format: https://github.com/msgpack/msgpack/blob/master/spec.md
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imedge::push::msgpack {

/// Appends values to a string. Arrays and maps are written as a header with their size; the
/// caller then writes that many items (for a map: key, value, key, value...).
class writer {
public:
    void nil() { out_ += '\xc0'; }
    void boolean(bool b) { out_ += b ? '\xc3' : '\xc2'; }
    void uint(std::uint64_t v);
    void sint(std::int64_t v);
    void real(double v);
    void str(std::string_view s);
    void bin(std::string_view b);
    void array(std::size_t n);
    void map(std::size_t n);

    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    void big_endian(std::uint64_t v, int bytes);
    std::string out_;
};

} // namespace imedge::push::msgpack
