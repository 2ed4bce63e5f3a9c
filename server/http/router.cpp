// Route look-up.
#include "server/http/router.hpp"

#include <algorithm>

namespace imedge::server {

std::string method_set::allow_header() const {
    std::string out;
    for (auto v : {http::verb::get, http::verb::head, http::verb::post, http::verb::put,
                   http::verb::delete_, http::verb::patch, http::verb::options}) {
        if (!contains(v))
            continue;
        if (!out.empty())
            out += ", ";
        out += std::string(http::to_string(v));
    }
    return out;
}

bool router::add(std::string path, method_set methods, route_handler handler, match m) {
    if (m == match::exact) {
        auto key = path;
        return exact_
            .try_emplace(std::move(key), route{std::move(path), methods, std::move(handler)})
            .second;
    }
    if (std::any_of(prefixes_.begin(), prefixes_.end(),
                    [&](const route& r) { return r.path == path; }))
        return false;
    auto at = std::find_if(prefixes_.begin(), prefixes_.end(),
                           [&](const route& r) { return r.path.size() < path.size(); });
    prefixes_.insert(at, route{std::move(path), methods, std::move(handler)});
    return true;
}

const router::route* router::find(std::string_view path) const {
    if (auto it = exact_.find(path); it != exact_.end())
        return &it->second;
    if (!path.empty() && path.back() != '/')
        if (auto it = exact_.find(std::string(path) + "/"); it != exact_.end())
            return &it->second;
    for (const auto& r : prefixes_)
        if (path.starts_with(r.path))
            return &r;
    return nullptr;
}

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

} // namespace imedge::server
