// base64 encoder/decoder; small enough that a dependency would not pay for itself.
#include "base64.hpp"

#include <array>
#include <cstdint>

namespace imedge::protocol {
namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_reverse() {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}
constexpr auto reverse = make_reverse();

} // namespace

void append_base64(std::string& out, std::string_view bytes) {
    out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
    };
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += alphabet[n >> 6 & 63];
        out += alphabet[n & 63];
    }
    if (std::size_t rest = bytes.size() - i; rest > 0) {
        std::uint32_t n = at(i) << 16 | (rest == 2 ? at(i + 1) << 8 : 0);
        out += alphabet[n >> 18 & 63];
        out += alphabet[n >> 12 & 63];
        out += rest == 2 ? alphabet[n >> 6 & 63] : '=';
        out += '=';
    }
}

result<std::string> decode_base64(std::string_view text) {
    if (text.size() % 4 != 0)
        return errc::bad_base64;
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=')
        padding = text[text.size() - 2] == '=' ? 2 : 1;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t n = 0;
        bool last = i + 4 == text.size();
        for (std::size_t k = 0; k < 4; ++k) {
            unsigned char c = static_cast<unsigned char>(text[i + k]);
            std::int8_t v = reverse[c];
            if (v < 0) {
                // '=' is only legal as the trailing padding of the last quantum
                if (!(last && c == '=' && k >= 4 - padding))
                    return errc::bad_base64;
                v = 0;
            }
            n = n << 6 | static_cast<std::uint32_t>(v);
        }
        out += static_cast<char>(n >> 16 & 0xff);
        if (!(last && padding == 2))
            out += static_cast<char>(n >> 8 & 0xff);
        if (!(last && padding >= 1))
            out += static_cast<char>(n & 0xff);
    }
    return out;
}

} // namespace imedge::protocol
