// Helpers shared by the protocol unit tests: error extraction, a fixed-seed PRNG, random
// splits of a byte string and copies that sit inside a larger, guarded buffer.
#pragma once

#include "protocol/error.hpp"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::protocol::test {

/// The error of `r`, or a default (success) error_code when `r` holds a value.
template <class T> boost::system::error_code error_of(const result<T>& r) {
    return r.has_error() ? r.error() : boost::system::error_code{};
}

/// splitmix64: tiny, fully specified, so every run and platform sees the same sequence
/// (std::uniform_int_distribution is implementation-defined).
class prng {
public:
    explicit prng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// Uniform enough in [0, bound) for test purposes; bound > 0.
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }

    std::string bytes(std::size_t n) {
        std::string out(n, '\0');
        for (auto& c : out)
            c = static_cast<char>(next() & 0xff);
        return out;
    }

private:
    std::uint64_t state_;
};

/// A copy of some bytes placed in the middle of a larger buffer, with `guard` on both sides,
/// so a decoder that reads outside its string_view sees (and trips on) the guard bytes.
class guarded {
public:
    guarded(std::string_view bytes, std::string_view guard)
        : storage_(std::string(guard) + std::string(bytes) + std::string(guard)),
          view_(std::string_view(storage_).substr(guard.size(), bytes.size())) {}
    guarded(const guarded&) = delete;
    guarded& operator=(const guarded&) = delete;

    std::string_view view() const { return view_; }

private:
    std::string storage_;
    std::string_view view_;
};

} // namespace imedge::protocol::test
