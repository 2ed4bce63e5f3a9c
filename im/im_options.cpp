// Parsing of the IM flags.
#include "im_options.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace imedge::im {
namespace {

bool read_file(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return !out.empty();
}

template <class T> bool parse_number(std::string_view text, T& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

std::string random_secret() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        return {};
    std::string out;
    for (auto b : bytes)
        out += fmt::format("{:02x}", b);
    return out;
}

} // namespace

std::string im_usage() {
    return "IM options: [--jwt-secret S | --jwt-public-key FILE [--jwt-private-key FILE]]\n"
           "          [--jwt-algorithm HS256|RS256|ES256] [--jwt-issuer S] [--jwt-audience S]\n"
           "          [--jwt-leeway SECONDS] [--jwt-user-claim NAME] [--data-dir DIR]\n"
           "          [--durability fsync|os] [--postgres URL] [--user-room-prefix P]\n"
           "          [--max-group-size N] [--group-create-claim NAME]\n"
           "       imedge token USER [--ttl SECONDS] [the JWT options]\n";
}

std::variant<split_args, std::string> parse_im_options(int argc, const char* const* argv) {
    split_args out;
    auto& o = out.options;
    out.rest.emplace_back(argc > 0 ? argv[0] : "imedge");
    std::string public_key_file;
    std::string private_key_file;
    bool algorithm_set = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view name = argv[i];
        bool ours = name.starts_with("--jwt-") || name == "--data-dir" || name == "--durability" ||
                    name == "--postgres" || name == "--user-room-prefix" ||
                    name == "--max-group-size" || name == "--group-create-claim" || name == "--ttl";
        if (!ours) {
            out.rest.emplace_back(name);
            continue;
        }
        if (i + 1 >= argc)
            return fmt::format("option {} needs a value\n{}", name, im_usage());
        std::string value = argv[++i];
        bool ok = true;
        if (name == "--jwt-secret")
            o.jwt.key = value;
        else if (name == "--jwt-public-key")
            public_key_file = value;
        else if (name == "--jwt-private-key")
            private_key_file = value;
        else if (name == "--jwt-algorithm") {
            o.jwt.algorithm = value;
            algorithm_set = true;
            ok = value == "HS256" || value == "RS256" || value == "ES256";
        } else if (name == "--jwt-issuer")
            o.jwt.issuer = value;
        else if (name == "--jwt-audience")
            o.jwt.audience = value;
        else if (name == "--jwt-leeway")
            ok = parse_number(value, o.jwt.leeway_s) && o.jwt.leeway_s >= 0;
        else if (name == "--jwt-user-claim")
            ok = !(o.jwt.user_claim = value).empty();
        else if (name == "--data-dir")
            ok = !(o.data_dir = value).empty();
        else if (name == "--durability") {
            ok = value == "fsync" || value == "os";
            o.durability = value == "os" ? store::durability::os : store::durability::fsync;
        } else if (name == "--postgres")
            ok = !(o.postgres_url = value).empty();
        else if (name == "--user-room-prefix")
            o.user_room_prefix = value;
        else if (name == "--max-group-size")
            ok = parse_number(value, o.max_group_size) && o.max_group_size >= 2;
        else if (name == "--group-create-claim")
            ok = !(o.group_create_claim = value).empty();
        else if (name == "--ttl")
            ok = parse_number(value, o.token_ttl_s) && o.token_ttl_s > 0;
        else
            return fmt::format("unknown option {}\n{}", name, im_usage());
        if (!ok)
            return fmt::format("bad value for {}: {}\n{}", name, value, im_usage());
    }
    if (!public_key_file.empty()) {
        if (!o.jwt.key.empty())
            return "--jwt-secret and --jwt-public-key exclude each other\n";
        if (!read_file(public_key_file, o.jwt.key))
            return fmt::format("cannot read {}\n", public_key_file);
        if (!algorithm_set)
            o.jwt.algorithm = "RS256";
        if (o.jwt.algorithm == "HS256")
            return "--jwt-public-key needs --jwt-algorithm RS256 or ES256\n";
    } else if (o.jwt.algorithm != "HS256") {
        return fmt::format("--jwt-algorithm {} needs --jwt-public-key\n", o.jwt.algorithm);
    }
    if (!private_key_file.empty() && !read_file(private_key_file, o.jwt.private_key))
        return fmt::format("cannot read {}\n", private_key_file);
    if (o.jwt.key.empty()) {
        o.jwt.key = random_secret();
        o.development_secret = true;
    }
    return out;
}

} // namespace imedge::im
