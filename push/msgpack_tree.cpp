// msgpack bytes -> document, one libmpack token at a time with an explicit stack of the open
// containers (no recursion, so nesting costs no C++ stack).
#include "push/msgpack_tree.hpp"

extern "C" { // mpack.h has no C++ guards
#include <mpack.h>
}

namespace imedge::push::msgpack {

namespace {

struct open_container {
    std::uint32_t node;
    std::size_t remaining; // items still to come (maps: keys and values)
};

} // namespace

const node* document::find(const node& m, std::string_view key) const {
    if (m.type != kind::map)
        return nullptr;
    for (std::size_t i = 0; i + 1 < m.items.size(); i += 2) {
        const auto& k = nodes[m.items[i]];
        if (k.type == kind::str && k.text == key)
            return &nodes[m.items[i + 1]];
    }
    return nullptr;
}

std::variant<document, drop_reason> decode(std::string_view bytes, const limits& l) {
    if (bytes.size() > l.max_input)
        return drop_reason::too_large;
    document doc;
    std::vector<open_container> stack;
    mpack_tokbuf_t tb;
    mpack_tokbuf_init(&tb);
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    bool done = false;
    // The str/bin/ext whose chunks are being read: its node (or none for a skipped ext).
    constexpr std::uint32_t no_target = UINT32_MAX; // a skipped ext's data
    std::uint32_t chunk_target = no_target;
    std::size_t chunk_left = 0;
    bool in_chunks = false;

    // Attaches a finished value to its parent and closes every container it completes.
    auto finish_value = [&]() {
        while (!stack.empty()) {
            if (--stack.back().remaining > 0)
                return;
            stack.pop_back();
        }
        done = true;
    };
    auto new_node = [&](kind k) -> std::optional<std::uint32_t> {
        if (doc.nodes.size() >= l.max_values)
            return std::nullopt;
        auto index = static_cast<std::uint32_t>(doc.nodes.size());
        doc.nodes.push_back(node{k});
        if (!stack.empty())
            doc.nodes[stack.back().node].items.push_back(index);
        return index;
    };

    while (!done) {
        if (left == 0)
            return drop_reason::bad_msgpack; // truncated
        mpack_token_t tok;
        int rc = mpack_read(&tb, &p, &left, &tok);
        if (rc == MPACK_EOF)
            return drop_reason::bad_msgpack;
        if (rc != MPACK_OK)
            return drop_reason::bad_msgpack;
        if (in_chunks) {
            if (tok.type != MPACK_TOKEN_CHUNK || tok.length > chunk_left)
                return drop_reason::bad_msgpack;
            if (chunk_target != no_target)
                doc.nodes[chunk_target].text.append(tok.data.chunk_ptr, tok.length);
            chunk_left -= tok.length;
            if (chunk_left == 0) {
                in_chunks = false;
                finish_value();
            }
            continue;
        }
        // The leaf's bytes, or its container's items, must still fit in what is left.
        switch (tok.type) {
        case MPACK_TOKEN_NIL:
        case MPACK_TOKEN_BOOLEAN:
        case MPACK_TOKEN_UINT:
        case MPACK_TOKEN_SINT:
        case MPACK_TOKEN_FLOAT: {
            static constexpr kind kinds[] = {kind::nil, kind::boolean, kind::uint, kind::sint,
                                             kind::real};
            auto k = kinds[tok.type - MPACK_TOKEN_NIL];
            auto i = new_node(k);
            if (!i)
                return drop_reason::too_large;
            auto& n = doc.nodes[*i];
            if (k == kind::boolean)
                n.boolean = mpack_unpack_boolean(tok);
            else if (k == kind::uint)
                n.uint = mpack_unpack_uint(tok);
            else if (k == kind::sint)
                n.sint = mpack_unpack_sint(tok);
            else if (k == kind::real)
                n.real = mpack_unpack_float(tok);
            finish_value();
            break;
        }
        case MPACK_TOKEN_STR:
        case MPACK_TOKEN_BIN:
        case MPACK_TOKEN_EXT: {
            if (tok.length > left)
                return drop_reason::bad_msgpack;
            if (tok.type == MPACK_TOKEN_EXT) {
                // notepack writes `undefined` as fixext 1, type 0, data 0; other exts (Date,
                // typed extensions) are outside what the emitter's packets carry.
                if (tok.data.ext_type != 0 || tok.length != 1)
                    return drop_reason::bad_msgpack;
                if (!new_node(kind::nil))
                    return drop_reason::too_large;
                chunk_target = no_target;
            } else {
                auto i = new_node(tok.type == MPACK_TOKEN_STR ? kind::str : kind::bin);
                if (!i)
                    return drop_reason::too_large;
                doc.nodes[*i].text.reserve(tok.length);
                chunk_target = *i;
            }
            chunk_left = tok.length;
            if (chunk_left == 0)
                finish_value();
            else
                in_chunks = true;
            break;
        }
        case MPACK_TOKEN_ARRAY:
        case MPACK_TOKEN_MAP: {
            bool map = tok.type == MPACK_TOKEN_MAP;
            std::size_t count = std::size_t{tok.length} * (map ? 2 : 1);
            if (count > left) // every item takes at least one byte
                return drop_reason::bad_msgpack;
            if (count > l.max_values - doc.nodes.size())
                return drop_reason::too_large;
            if (stack.size() >= l.max_depth)
                return drop_reason::too_large;
            auto i = new_node(map ? kind::map : kind::array);
            if (!i)
                return drop_reason::too_large;
            doc.nodes[*i].items.reserve(count);
            if (count == 0)
                finish_value();
            else
                stack.push_back({*i, count});
            break;
        }
        default:
            return drop_reason::bad_msgpack;
        }
    }
    if (left != 0)
        return drop_reason::bad_msgpack; // trailing bytes
    return doc;
}

} // namespace imedge::push::msgpack
