#include "push/msgpack_writer.hpp"

#include <bit>
#include <cstring>

namespace imedge::push::msgpack {

void writer::big_endian(std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
        out_ += static_cast<char>((v >> (8 * i)) & 0xff);
}

void writer::uint(std::uint64_t v) {
    if (v < 0x80) {
        out_ += static_cast<char>(v);
    } else if (v <= 0xff) {
        out_ += '\xcc';
        big_endian(v, 1);
    } else if (v <= 0xffff) {
        out_ += '\xcd';
        big_endian(v, 2);
    } else if (v <= 0xffffffff) {
        out_ += '\xce';
        big_endian(v, 4);
    } else {
        out_ += '\xcf';
        big_endian(v, 8);
    }
}

void writer::sint(std::int64_t v) {
    if (v >= 0) {
        uint(static_cast<std::uint64_t>(v));
    } else if (v >= -32) {
        out_ += static_cast<char>(v); // negative fixint
    } else if (v >= INT8_MIN) {
        out_ += '\xd0';
        big_endian(static_cast<std::uint8_t>(v), 1);
    } else if (v >= INT16_MIN) {
        out_ += '\xd1';
        big_endian(static_cast<std::uint16_t>(v), 2);
    } else if (v >= INT32_MIN) {
        out_ += '\xd2';
        big_endian(static_cast<std::uint32_t>(v), 4);
    } else {
        out_ += '\xd3';
        big_endian(static_cast<std::uint64_t>(v), 8);
    }
}

void writer::real(double v) {
    out_ += '\xcb';
    big_endian(std::bit_cast<std::uint64_t>(v), 8);
}

void writer::str(std::string_view s) {
    auto n = s.size();
    if (n < 32) {
        out_ += static_cast<char>(0xa0 | n);
    } else if (n <= 0xff) {
        out_ += '\xd9';
        big_endian(n, 1);
    } else if (n <= 0xffff) {
        out_ += '\xda';
        big_endian(n, 2);
    } else {
        out_ += '\xdb';
        big_endian(n, 4);
    }
    out_ += s;
}

void writer::bin(std::string_view b) {
    auto n = b.size();
    if (n <= 0xff) {
        out_ += '\xc4';
        big_endian(n, 1);
    } else if (n <= 0xffff) {
        out_ += '\xc5';
        big_endian(n, 2);
    } else {
        out_ += '\xc6';
        big_endian(n, 4);
    }
    out_ += b;
}

void writer::array(std::size_t n) {
    if (n < 16) {
        out_ += static_cast<char>(0x90 | n);
    } else if (n <= 0xffff) {
        out_ += '\xdc';
        big_endian(n, 2);
    } else {
        out_ += '\xdd';
        big_endian(n, 4);
    }
}

void writer::map(std::size_t n) {
    if (n < 16) {
        out_ += static_cast<char>(0x80 | n);
    } else if (n <= 0xffff) {
        out_ += '\xde';
        big_endian(n, 2);
    } else {
        out_ += '\xdf';
        big_endian(n, 4);
    }
}

} // namespace imedge::push::msgpack
