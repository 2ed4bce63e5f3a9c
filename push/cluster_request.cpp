#include "push/cluster_request.hpp"

#include "protocol/json_text.hpp"

namespace imedge::push {
namespace {

void append_strings(std::string& out, const std::vector<std::string>& items) {
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        protocol::append_json_string(out, items[i]);
    }
    out += ']';
}

// socket.io-adapter's RequestType.
int request_type(cluster_request_kind k) {
    switch (k) {
    case cluster_request_kind::join:
        return 2;
    case cluster_request_kind::leave:
        return 3;
    case cluster_request_kind::disconnect:
        return 4;
    }
    return 0;
}

} // namespace

std::string cluster_request_channel(std::string_view key, std::string_view nsp) {
    std::string channel(key);
    channel += "-request#";
    channel += nsp;
    channel += '#';
    return channel;
}

std::string encode_cluster_request(std::string_view uid, const cluster_request& r) {
    std::string out = R"({"uid":)";
    protocol::append_json_string(out, uid);
    out += R"(,"type":)";
    out += std::to_string(request_type(r.kind));
    out += R"(,"opts":{"rooms":)";
    append_strings(out, r.rooms);
    out += R"(,"except":)";
    append_strings(out, r.except);
    out += '}';
    if (r.kind == cluster_request_kind::disconnect) {
        out += R"(,"close":false)";
    } else {
        out += R"(,"rooms":)";
        append_strings(out, r.room_names);
    }
    out += '}';
    return out;
}

} // namespace imedge::push
