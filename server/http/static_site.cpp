// Path mapping and loading of the static site.
#include "static_site.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <system_error>

namespace imedge::server {
namespace {

namespace fs = std::filesystem;

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size())
            return std::nullopt;
        int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        char c = static_cast<char>(hi * 16 + lo);
        if (c == '/' || c == '\0')
            return std::nullopt; // a segment must not hide a separator
        out += c;
        i += 2;
    }
    return out;
}

bool inside(const fs::path& root, const fs::path& p) {
    auto r = root.begin(), e = root.end();
    auto q = p.begin();
    for (; r != e; ++r, ++q)
        if (q == p.end() || *q != *r)
            return false;
    return true;
}

bool skipped_name(const std::string& name) {
    return name.empty() || name.front() == '.' || name == "node_modules" ||
           name == "package.json" || name == "package-lock.json";
}

class loader {
public:
    loader(const fs::path& root, std::vector<std::string>& warnings, const static_limits& limits,
           std::map<std::string, static_file, std::less<>>& files)
        : root_(root), warnings_(warnings), limits_(limits), files_(files) {}

    // Adds `path` as `key` if its real path is a regular file inside the root and fits the
    // limits.
    void add(const std::string& key, const fs::path& path) {
        std::error_code ec;
        auto real = fs::canonical(path, ec);
        if (ec || !inside(root_, real))
            return warn("{}: outside {} (or unreadable), not served", path.string(),
                        root_.string());
        if (!fs::is_regular_file(real, ec))
            return;
        auto size = fs::file_size(real, ec);
        if (ec)
            return warn("{}: {}", path.string(), ec.message());
        if (size > limits_.max_file || total_ + size > limits_.max_total ||
            files_.size() >= limits_.max_files)
            return warn("{}: over the static file limits, not served", path.string());
        std::ifstream in(real, std::ios::binary);
        std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof())
            return warn("{}: read failed", path.string());
        total_ += content.size();
        auto etag = make_etag(content);
        files_.insert_or_assign(
            key, static_file{std::move(content), content_type_of(key), std::move(etag)});
    }

    void walk() {
        std::error_code ec;
        fs::recursive_directory_iterator it(root_, fs::directory_options::none, ec), end;
        if (ec)
            return warn("{}: {}", root_.string(), ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec)
                return warn("{}: {}", root_.string(), ec.message());
            auto name = it->path().filename().string();
            if (skipped_name(name)) {
                if (it->is_directory(ec))
                    it.disable_recursion_pending();
                continue;
            }
            if (it->is_directory(ec))
                continue; // symlinked directories are not followed
            add(it->path().lexically_relative(root_).generic_string(), it->path());
        }
    }

private:
    template <class... A> void warn(fmt::format_string<A...> f, A&&... a) {
        warnings_.push_back(fmt::format(f, std::forward<A>(a)...));
    }

    const fs::path& root_;
    std::vector<std::string>& warnings_;
    const static_limits& limits_;
    std::map<std::string, static_file, std::less<>>& files_;
    std::size_t total_ = 0;
};

} // namespace

std::optional<std::string> map_static_path(std::string_view target) {
    target = target.substr(0, target.find_first_of("?#"));
    if (target.empty() || target.front() != '/')
        return std::nullopt;
    auto decoded = percent_decode(target.substr(1));
    if (!decoded)
        return std::nullopt;
    std::string key = std::move(*decoded);
    if (key.empty() || key.back() == '/')
        key += "index.html";
    if (key.find('\\') != std::string::npos)
        return std::nullopt;
    std::size_t start = 0;
    while (start <= key.size()) {
        auto end = key.find('/', start);
        if (end == std::string::npos)
            end = key.size();
        if (end == start || key[start] == '.')
            return std::nullopt;
        start = end + 1;
    }
    return key;
}

std::string_view content_type_of(std::string_view key) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> types{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".woff2", "font/woff2"},
    }};
    auto dot = key.rfind('.');
    auto slash = key.rfind('/');
    if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
        auto ext = key.substr(dot);
        for (const auto& [e, type] : types)
            if (e == ext)
                return type;
    }
    return "application/octet-stream";
}

std::string make_etag(std::string_view content) {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : content) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return fmt::format("\"{:016x}\"", h);
}

std::shared_ptr<const static_site> static_site::load(const fs::path& root,
                                                     const std::vector<static_mount>& mounts,
                                                     std::vector<std::string>& warnings,
                                                     const static_limits& limits) {
    auto site = std::make_shared<static_site>();
    std::error_code ec;
    auto real_root = fs::canonical(root, ec);
    if (ec || !fs::is_directory(real_root, ec)) {
        warnings.push_back(
            fmt::format("{}: not a directory, no static files served", root.string()));
        return site;
    }
    loader l(real_root, warnings, limits, site->files_);
    l.walk();
    for (const auto& m : mounts) {
        if (fs::exists(real_root / m.source, ec))
            l.add(m.key, real_root / m.source);
        else
            warnings.push_back(
                fmt::format("{}: missing, /{} not served", (real_root / m.source).string(), m.key));
    }
    return site;
}

const static_file* static_site::find(std::string_view key) const {
    auto it = files_.find(key);
    return it == files_.end() ? nullptr : &it->second;
}

} // namespace imedge::server
