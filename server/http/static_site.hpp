// The chat page's files held in memory: request paths mapped to file keys (refusing anything
// that could leave the root), and the site loaded once at start-up. No I/O after loading, so
// serving never blocks a shard thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imedge::server {

/// "/a/b.js?x=1" -> "a/b.js"; "/" and "/dir/" -> "index.html" and "dir/index.html".
/// Percent-escapes are decoded first, so "%2e%2e" is "..". nullopt (refused) for a target not
/// starting with '/', a malformed escape, an encoded '/' or NUL, a backslash, an empty
/// segment ("//"), or a segment starting with '.' (".", "..", dot-files).
std::optional<std::string> map_static_path(std::string_view target);

/// The Content-Type for a key, by extension ("application/octet-stream" when unknown).
std::string_view content_type_of(std::string_view key);

/// A strong ETag of `content`: a quoted 64-bit FNV-1a hash in hex.
std::string make_etag(std::string_view content);

struct static_file {
    std::string content;
    std::string_view content_type;
    std::string etag;
};

/// A request key served from a file outside the tree walk, e.g. the socket.io client:
/// {"socket.io/socket.io.min.js", "node_modules/socket.io-client/dist/socket.io.min.js"}.
struct static_mount {
    std::string key;
    std::filesystem::path source; // relative to the root
};

struct static_limits {
    std::size_t max_file = 8u << 20;   // bytes; bigger files are skipped with a warning
    std::size_t max_total = 64u << 20; // bytes over all files
    std::size_t max_files = 4096;
};

/// Immutable once loaded: every shard reads the same copy with no locking.
class static_site {
public:
    /// Reads every regular file under `root`, skipping names starting with '.', node_modules,
    /// package.json and package-lock.json, and anything whose real path (symlinks resolved)
    /// is outside the root; then the mounts. Blocking file I/O: call before the shards run.
    /// What it skips and why goes to `warnings`; a missing root gives an empty site.
    static std::shared_ptr<const static_site> load(const std::filesystem::path& root,
                                                   const std::vector<static_mount>& mounts,
                                                   std::vector<std::string>& warnings,
                                                   const static_limits& limits = {});

    const static_file* find(std::string_view key) const;
    std::size_t size() const { return files_.size(); }

private:
    std::map<std::string, static_file, std::less<>> files_;
};

} // namespace imedge::server
