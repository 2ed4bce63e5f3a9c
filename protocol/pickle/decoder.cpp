// The pickle data decoder: a stack machine over the opcodes of the data subset.
#include "protocol/pickle/decoder.hpp"

#include <bit>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace imedge::protocol::pickle {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "imedge.pickle"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
        case errc::truncated:
            return "pickle truncated";
        case errc::unsupported_opcode:
            return "pickle opcode outside the data subset";
        case errc::unsupported_protocol:
            return "pickle protocol above 5";
        case errc::stack_error:
            return "pickle stack error";
        case errc::bad_memo:
            return "pickle memo reference to nothing";
        case errc::too_large:
            return "pickle past the size limits";
        case errc::too_deep:
            return "pickle nested too deep (or self-referencing)";
        case errc::trailing_bytes:
            return "bytes after the pickle's STOP";
        case errc::integer_overflow:
            return "pickle integer does not fit in 64 bits";
        case errc::bad_utf8:
            return "pickle str is not UTF-8";
        }
        return "unknown pickle error";
    }
};

// Opcode bytes, named as in CPython's pickletools.
enum op : unsigned char {
    PROTO = 0x80,
    FRAME = 0x95,
    STOP = '.',
    MARK = '(',
    POP = '0',
    POP_MARK = '1',
    EMPTY_DICT = '}',
    EMPTY_LIST = ']',
    EMPTY_TUPLE = ')',
    TUPLE = 't',
    TUPLE1 = 0x85,
    TUPLE2 = 0x86,
    TUPLE3 = 0x87,
    SETITEM = 's',
    SETITEMS = 'u',
    APPEND = 'a',
    APPENDS = 'e',
    NONE = 'N',
    NEWTRUE = 0x88,
    NEWFALSE = 0x89,
    BININT = 'J',
    BININT1 = 'K',
    BININT2 = 'M',
    LONG1 = 0x8a,
    LONG4 = 0x8b,
    BINFLOAT = 'G',
    SHORT_BINUNICODE = 0x8c,
    BINUNICODE = 'X',
    BINUNICODE8 = 0x8d,
    SHORT_BINBYTES = 'C',
    BINBYTES = 'B',
    BINBYTES8 = 0x8e,
    BYTEARRAY8 = 0x96,
    MEMOIZE = 0x94,
    BINPUT = 'q',
    LONG_BINPUT = 'r',
    BINGET = 'h',
    LONG_BINGET = 'j',
};

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view s) {
    static constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    for (std::size_t i = 0; i < s.size();) {
        auto lead = static_cast<unsigned char>(s[i]);
        std::size_t extra = lead < 0x80           ? 0
                            : (lead >> 5) == 0x6  ? 1
                            : (lead >> 4) == 0xe  ? 2
                            : (lead >> 3) == 0x1e ? 3
                                                  : 4;
        if (extra == 4 || s.size() - i <= extra)
            return false;
        std::uint32_t cp = extra == 0 ? lead : lead & (0x3fu >> extra);
        for (std::size_t k = 1; k <= extra; ++k) {
            auto c = static_cast<unsigned char>(s[i + k]);
            if ((c >> 6) != 0x2)
                return false;
            cp = (cp << 6) | (c & 0x3fu);
        }
        if (cp < smallest[extra] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
        i += extra + 1;
    }
    return true;
}

} // namespace

const boost::system::error_category& pickle_category() noexcept {
    static const category c;
    return c;
}

// The stack machine. Stack entries are node indices, or `mark` for MARK.
class decoder {
public:
    decoder(std::string_view in, const limits& l) : in_(in), limits_(l) {}

    boost::system::result<document> run() {
        if (in_.size() > limits_.max_input)
            return errc::too_large;
        while (true) {
            unsigned char code = 0;
            if (!byte(code))
                return errc::truncated;
            if (code == STOP)
                break;
            if (auto ec = step(code))
                return ec;
        }
        if (pos_ != in_.size())
            return errc::trailing_bytes;
        if (stack_.size() != 1 || stack_[0] == mark)
            return errc::stack_error;
        doc_.root_ = stack_[0];
        if (auto ec = check_shape(doc_.root_))
            return ec;
        return std::move(doc_);
    }

private:
    static constexpr std::uint32_t mark = std::numeric_limits<std::uint32_t>::max();

    bool byte(unsigned char& out) {
        if (pos_ >= in_.size())
            return false;
        out = static_cast<unsigned char>(in_[pos_++]);
        return true;
    }
    // Little-endian unsigned of `n` bytes (n <= 8).
    bool uint_le(std::size_t n, std::uint64_t& out) {
        if (in_.size() - pos_ < n)
            return false;
        out = 0;
        for (std::size_t i = 0; i < n; ++i)
            out |= std::uint64_t(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
        pos_ += n;
        return true;
    }
    bool take(std::uint64_t n, std::string_view& out) {
        if (in_.size() - pos_ < n)
            return false;
        out = in_.substr(pos_, n);
        pos_ += n;
        return true;
    }

    boost::system::error_code make(kind k, std::uint32_t& index) {
        if (doc_.nodes_.size() >= limits_.max_values)
            return errc::too_large;
        index = static_cast<std::uint32_t>(doc_.nodes_.size());
        doc_.nodes_.emplace_back().type = k;
        return {};
    }
    boost::system::error_code push(kind k, std::int64_t i = 0, double d = 0) {
        std::uint32_t n = 0;
        if (auto ec = make(k, n))
            return ec;
        doc_.nodes_[n].integer = i;
        doc_.nodes_[n].real = d;
        stack_.push_back(n);
        return {};
    }
    boost::system::error_code push_text(kind k, std::size_t length_bytes) {
        std::uint64_t length = 0;
        std::string_view text;
        if (!uint_le(length_bytes, length))
            return errc::truncated;
        if (length > limits_.max_input)
            return errc::too_large;
        if (!take(length, text))
            return errc::truncated;
        if (k == kind::str && !valid_utf8(text))
            return errc::bad_utf8;
        std::uint32_t n = 0;
        if (auto ec = make(k, n))
            return ec;
        doc_.nodes_[n].text.assign(text);
        stack_.push_back(n);
        return {};
    }
    // Pops everything above the topmost MARK (and the MARK) into `out`.
    boost::system::error_code pop_to_mark(std::vector<std::uint32_t>& out) {
        std::size_t m = stack_.size();
        while (m > 0 && stack_[m - 1] != mark)
            --m;
        if (m == 0)
            return errc::stack_error;
        out.assign(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
        stack_.resize(m - 1);
        return {};
    }
    boost::system::error_code top(std::uint32_t& out) {
        if (stack_.empty() || stack_.back() == mark)
            return errc::stack_error;
        out = stack_.back();
        return {};
    }
    boost::system::error_code make_tuple(std::size_t n) {
        if (stack_.size() < n)
            return errc::stack_error;
        std::vector<std::uint32_t> items(stack_.end() - static_cast<std::ptrdiff_t>(n),
                                         stack_.end());
        for (auto i : items)
            if (i == mark)
                return errc::stack_error;
        stack_.resize(stack_.size() - n);
        std::uint32_t t = 0;
        if (auto ec = make(kind::tuple, t))
            return ec;
        doc_.nodes_[t].items = std::move(items);
        stack_.push_back(t);
        return {};
    }
    // Appends `items` to the list (or, with pairs, the dict) just below them on the stack.
    boost::system::error_code extend(kind container, std::vector<std::uint32_t> items) {
        std::uint32_t target = 0;
        if (auto ec = top(target))
            return ec;
        auto& node = doc_.nodes_[target];
        if (node.type != container)
            return errc::stack_error;
        if (container == kind::dict && items.size() % 2 != 0)
            return errc::stack_error;
        node.items.insert(node.items.end(), items.begin(), items.end());
        return {};
    }
    boost::system::error_code pop_n(std::size_t n, std::vector<std::uint32_t>& out) {
        if (stack_.size() < n + 1)
            return errc::stack_error;
        out.assign(stack_.end() - static_cast<std::ptrdiff_t>(n), stack_.end());
        for (auto i : out)
            if (i == mark)
                return errc::stack_error;
        stack_.resize(stack_.size() - n);
        return {};
    }
    boost::system::error_code memo_put(std::uint64_t key) {
        std::uint32_t t = 0;
        if (auto ec = top(t))
            return ec;
        if (memo_.size() >= limits_.max_values && !memo_.contains(key))
            return errc::too_large;
        memo_[key] = t;
        return {};
    }
    boost::system::error_code memo_get(std::uint64_t key) {
        auto it = memo_.find(key);
        if (it == memo_.end())
            return errc::bad_memo;
        stack_.push_back(it->second);
        return {};
    }
    boost::system::error_code integer_le(std::size_t length_bytes) {
        std::uint64_t n = 0;
        std::string_view digits;
        if (!uint_le(length_bytes, n))
            return errc::truncated;
        if (n > 8)
            return errc::integer_overflow;
        if (!take(n, digits))
            return errc::truncated;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i)
            v |= std::uint64_t(static_cast<unsigned char>(digits[i])) << (8 * i);
        if (n > 0 && n < 8 && (static_cast<unsigned char>(digits[n - 1]) & 0x80))
            v |= ~std::uint64_t(0) << (8 * n); // sign-extend two's complement
        return push(kind::integer, static_cast<std::int64_t>(v));
    }

    boost::system::error_code step(unsigned char code) {
        std::uint64_t n = 0;
        std::vector<std::uint32_t> items;
        switch (code) {
        case PROTO:
            if (!uint_le(1, n))
                return errc::truncated;
            return n <= 5 ? boost::system::error_code{}
                          : make_error_code(errc::unsupported_protocol);
        case FRAME: // a hint for buffered readers; the whole input is here already
            return uint_le(8, n) ? boost::system::error_code{} : make_error_code(errc::truncated);
        case MARK:
            stack_.push_back(mark);
            return {};
        case POP:
            if (stack_.empty())
                return errc::stack_error;
            stack_.pop_back();
            return {};
        case POP_MARK:
            return pop_to_mark(items);
        case NONE:
            return push(kind::none);
        case NEWTRUE:
            return push(kind::boolean, 1);
        case NEWFALSE:
            return push(kind::boolean, 0);
        case BININT:
            if (!uint_le(4, n))
                return errc::truncated;
            return push(kind::integer, static_cast<std::int32_t>(static_cast<std::uint32_t>(n)));
        case BININT1:
            if (!uint_le(1, n))
                return errc::truncated;
            return push(kind::integer, static_cast<std::int64_t>(n));
        case BININT2:
            if (!uint_le(2, n))
                return errc::truncated;
            return push(kind::integer, static_cast<std::int64_t>(n));
        case LONG1:
            return integer_le(1);
        case LONG4:
            return integer_le(4);
        case BINFLOAT: {
            if (!uint_le(8, n))
                return errc::truncated;
            // big-endian on the wire; uint_le read it reversed
            std::uint64_t be = 0;
            for (int i = 0; i < 8; ++i)
                be = (be << 8) | ((n >> (8 * i)) & 0xff);
            return push(kind::real, 0, std::bit_cast<double>(be));
        }
        case SHORT_BINUNICODE:
            return push_text(kind::str, 1);
        case BINUNICODE:
            return push_text(kind::str, 4);
        case BINUNICODE8:
            return push_text(kind::str, 8);
        case SHORT_BINBYTES:
            return push_text(kind::bytes, 1);
        case BINBYTES:
            return push_text(kind::bytes, 4);
        case BINBYTES8:
        case BYTEARRAY8:
            return push_text(kind::bytes, 8);
        case EMPTY_DICT:
            return push(kind::dict);
        case EMPTY_LIST:
            return push(kind::list);
        case EMPTY_TUPLE:
            return make_tuple(0);
        case TUPLE1:
            return make_tuple(1);
        case TUPLE2:
            return make_tuple(2);
        case TUPLE3:
            return make_tuple(3);
        case TUPLE: {
            if (auto ec = pop_to_mark(items))
                return ec;
            std::uint32_t t = 0;
            if (auto ec = make(kind::tuple, t))
                return ec;
            doc_.nodes_[t].items = std::move(items);
            stack_.push_back(t);
            return {};
        }
        case APPEND:
            if (auto ec = pop_n(1, items))
                return ec;
            return extend(kind::list, std::move(items));
        case APPENDS:
            if (auto ec = pop_to_mark(items))
                return ec;
            return extend(kind::list, std::move(items));
        case SETITEM:
            if (auto ec = pop_n(2, items))
                return ec;
            return extend(kind::dict, std::move(items));
        case SETITEMS:
            if (auto ec = pop_to_mark(items))
                return ec;
            return extend(kind::dict, std::move(items));
        case MEMOIZE:
            return memo_put(memo_.size());
        case BINPUT:
            if (!uint_le(1, n))
                return errc::truncated;
            return memo_put(n);
        case LONG_BINPUT:
            if (!uint_le(4, n))
                return errc::truncated;
            return memo_put(n);
        case BINGET:
            if (!uint_le(1, n))
                return errc::truncated;
            return memo_get(n);
        case LONG_BINGET:
            if (!uint_le(4, n))
                return errc::truncated;
            return memo_get(n);
        default:
            return errc::unsupported_opcode;
        }
    }

    // Walks the result once, bounded, so that consumers may walk it freely: a self-reference
    // shows up as nesting past max_depth, a blow-up of shared references as too many visits.
    boost::system::error_code check_shape(std::uint32_t root) {
        std::size_t visits = 0;
        std::vector<std::pair<std::uint32_t, std::size_t>> todo{{root, 1}};
        while (!todo.empty()) {
            auto [index, depth] = todo.back();
            todo.pop_back();
            if (++visits > limits_.max_values)
                return errc::too_large;
            if (depth > limits_.max_depth)
                return errc::too_deep;
            for (auto child : doc_.nodes_[index].items)
                todo.emplace_back(child, depth + 1);
        }
        return {};
    }

    std::string_view in_;
    const limits& limits_;
    std::size_t pos_ = 0;
    document doc_;
    std::vector<std::uint32_t> stack_;
    std::unordered_map<std::uint64_t, std::uint32_t> memo_;
};

boost::system::result<document> decode(std::string_view bytes, const limits& l) {
    return decoder(bytes, l).run();
}

kind value_ref::type() const {
    return doc_->nodes_[index_].type;
}
bool value_ref::as_bool() const {
    return doc_->nodes_[index_].integer != 0;
}
std::int64_t value_ref::as_int() const {
    return doc_->nodes_[index_].integer;
}
double value_ref::as_real() const {
    return doc_->nodes_[index_].real;
}
std::string_view value_ref::as_text() const {
    return doc_->nodes_[index_].text;
}

std::size_t value_ref::size() const {
    const auto& n = doc_->nodes_[index_];
    return n.type == kind::list || n.type == kind::tuple ? n.items.size() : 0;
}
value_ref value_ref::at(std::size_t i) const {
    return {doc_, doc_->nodes_[index_].items.at(i)};
}

std::size_t value_ref::entry_count() const {
    const auto& n = doc_->nodes_[index_];
    return n.type == kind::dict ? n.items.size() / 2 : 0;
}
std::pair<value_ref, value_ref> value_ref::entry(std::size_t i) const {
    const auto& items = doc_->nodes_[index_].items;
    return {{doc_, items.at(2 * i)}, {doc_, items.at(2 * i + 1)}};
}

std::optional<value_ref> value_ref::find(std::string_view key) const {
    // A later SETITEM of the same key wins, as in Python.
    for (std::size_t i = entry_count(); i-- > 0;) {
        auto [k, v] = entry(i);
        if (k.is_str() && k.as_text() == key)
            return v;
    }
    return std::nullopt;
}

} // namespace imedge::protocol::pickle
