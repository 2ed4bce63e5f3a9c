// Unit tests for protocol/pickle: python-socketio's real messages in every protocol, then every
// way hostile or broken bytes are refused (truncation sweep, code-running opcodes, bounds).
#include "protocol/pickle/decoder.hpp"

#include "pickle_fixtures.hpp"

#include <doctest.h>

#include <string>

namespace {

namespace pk = imedge::protocol::pickle;
using pk::errc;
using pk::kind;

const pickle_fixtures::fixture& fixture(std::string_view name, int protocol) {
    for (const auto& f : pickle_fixtures::all)
        if (f.name == name && f.protocol == protocol)
            return f;
    FAIL("no fixture " << name);
    throw std::logic_error("unreachable");
}

std::string_view text_of(const pk::value_ref& dict, std::string_view key) {
    auto v = dict.find(key);
    REQUIRE(v.has_value());
    REQUIRE(v->is_str());
    return v->as_text();
}

pk::errc error_of(std::string_view bytes, const pk::limits& l = {}) {
    auto r = pk::decode(bytes, l);
    REQUIRE_FALSE(r.has_value());
    REQUIRE(r.error().category() == pk::pickle_category());
    return static_cast<errc>(r.error().value());
}

} // namespace

TEST_SUITE("protocol") {

    TEST_CASE("pickle: python-socketio's emit, in protocols 2 to 5") {
        for (int proto : {2, 3, 4, 5}) {
            CAPTURE(proto);
            auto r = pk::decode(fixture("emit", proto).bytes);
            REQUIRE(r.has_value());
            auto m = r->root();
            REQUIRE(m.is(kind::dict));
            CHECK(m.entry_count() == 8);
            CHECK(text_of(m, "method") == "emit");
            CHECK(text_of(m, "event") == "notify");
            CHECK(text_of(m, "namespace") == "/");
            CHECK(text_of(m, "room") == "7");
            CHECK(m.find("skip_sid")->is(kind::none));
            CHECK(m.find("callback")->is(kind::none));
            CHECK_FALSE(m.find("nothing").has_value());
            auto data = *m.find("data");
            REQUIRE(data.is(kind::dict));
            CHECK(data.find("order")->as_int() == 42);
            auto items = *data.find("items");
            REQUIRE(items.is(kind::list));
            REQUIRE(items.size() == 4);
            CHECK(items.at(0).as_int() == 1);
            CHECK(items.at(1).as_real() == 2.5);
            CHECK(items.at(2).is(kind::none));
            CHECK(items.at(3).is(kind::boolean));
            CHECK(items.at(3).as_bool());
        }
    }

    TEST_CASE("pickle: tuples, bytes, negative and 64-bit ints, the callback tuple") {
        for (int proto : {3, 4, 5}) {
            CAPTURE(proto);
            auto r = pk::decode(fixture("emit_callback", proto).bytes);
            REQUIRE(r.has_value());
            auto m = r->root();
            auto data = *m.find("data");
            REQUIRE(data.is(kind::tuple));
            REQUIRE(data.size() == 4);
            CHECK(data.at(0).as_text() == "x");
            REQUIRE(data.at(1).is(kind::bytes));
            CHECK(data.at(1).as_text() == std::string_view("\x00\xff"
                                                           "bin",
                                                           5));
            CHECK(data.at(2).as_int() == -7);
            CHECK(data.at(3).as_int() == (std::int64_t(1) << 40));
            auto skip = *m.find("skip_sid");
            REQUIRE(skip.is(kind::list));
            CHECK(skip.at(1).as_text() == "s2");
            auto cb = *m.find("callback");
            REQUIRE(cb.is(kind::tuple));
            CHECK(cb.at(1).as_text() == "/chat");
            CHECK(cb.at(2).as_int() == 3);
        }
        // Protocol 2 has no bytes opcode: CPython writes bytes as a call of _codecs.encode,
        // which a data decoder refuses (python-socketio publishes with the default protocol).
        CHECK(error_of(fixture("emit_callback", 2).bytes) == errc::unsupported_opcode);
    }

    TEST_CASE("pickle: disconnect and close_room") {
        for (int proto : {2, 3, 4, 5}) {
            auto d = pk::decode(fixture("disconnect", proto).bytes);
            REQUIRE(d.has_value());
            CHECK(text_of(d->root(), "method") == "disconnect");
            CHECK(text_of(d->root(), "sid") == "abc");
            auto c = pk::decode(fixture("close_room", proto).bytes);
            REQUIRE(c.has_value());
            CHECK(text_of(c->root(), "room") == "lobby");
        }
    }

    TEST_CASE("pickle: non-ASCII text and memo references to one object") {
        for (int proto : {2, 3, 4, 5}) {
            CAPTURE(proto);
            auto r = pk::decode(fixture("unicode_and_memo", proto).bytes);
            REQUIRE(r.has_value());
            CHECK(text_of(r->root(), "event") == "n\xc3\xa9ws \xf0\x9f\x98\x80");
            auto data = *r->root().find("data");
            REQUIRE(data.size() == 2);
            CHECK(data.at(0).as_text() == "twice");
            CHECK(data.at(1).as_text() == "twice");
        }
    }

    TEST_CASE("pickle: every truncation of every fixture is refused, never read past") {
        for (const auto& f : pickle_fixtures::all) {
            CAPTURE(f.name);
            CAPTURE(f.protocol);
            for (std::size_t n = 0; n < f.bytes.size(); ++n) {
                // a copy of exactly n bytes, so a read past the end is the sanitizers' to see
                std::string cut(f.bytes.substr(0, n));
                auto r = pk::decode(cut);
                CHECK_FALSE(r.has_value());
            }
        }
    }

    TEST_CASE("pickle: opcodes that name classes or call code are refused") {
        // pickle.dumps of os.system-style payloads, by opcode: GLOBAL, STACK_GLOBAL, REDUCE,
        // BUILD, INST, OBJ, NEWOBJ, NEWOBJ_EX, PERSID, BINPERSID, EXT1, sets, protocol-0 text.
        for (std::string_view bytes : {
                 std::string_view("cos\nsystem\n(S'id'\ntR."),
                 std::string_view("\x80\x04\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."),
                 std::string_view("\x80\x02N}b.", 6),
                 std::string_view("(ios\nsystem\n."),
                 std::string_view("(o."),
                 std::string_view("\x80\x02)\x81.", 5),
                 std::string_view("\x80\x04)}\x92.", 6),
                 std::string_view("Pid\n."),
                 std::string_view("\x80\x02NQ.", 5),
                 std::string_view("\x80\x02\x82\x01.", 5),
                 std::string_view("\x80\x04\x8f.", 4),
                 std::string_view("I42\n."),
                 std::string_view("S'x'\n."),
             }) {
            CAPTURE(bytes);
            CHECK(error_of(bytes) == errc::unsupported_opcode);
        }
    }

    TEST_CASE("pickle: malformed stacks, memo, protocol and trailing bytes") {
        CHECK(error_of("\x80\x06N.") == errc::unsupported_protocol);
        CHECK(error_of(".") == errc::stack_error);      // nothing to return
        CHECK(error_of("NN.") == errc::stack_error);    // two values left
        CHECK(error_of("NNa.") == errc::stack_error);   // APPEND onto a non-list
        CHECK(error_of("Na.") == errc::stack_error);    // APPEND onto nothing
        CHECK(error_of("}Ns.") == errc::stack_error);   // SETITEM with one value
        CHECK(error_of("}(Nu.") == errc::stack_error);  // odd SETITEMS
        CHECK(error_of("Nt.") == errc::stack_error);    // TUPLE with no MARK
        CHECK(error_of("(\x85.") == errc::stack_error); // TUPLE1 over a MARK
        CHECK(error_of("h\x05.") == errc::bad_memo);    // BINGET of nothing
        CHECK(error_of("N.N") == errc::trailing_bytes);
        CHECK(error_of("\x8a\x09\x01\x01\x01\x01\x01\x01\x01\x01\x01.") == errc::integer_overflow);
        CHECK(error_of("\x8c\x02\xc3\x28.") == errc::bad_utf8);     // broken sequence
        CHECK(error_of("\x8c\x02\xc0\x80.") == errc::bad_utf8);     // overlong NUL
        CHECK(error_of("\x8c\x03\xed\xa0\x80.") == errc::bad_utf8); // a surrogate
    }

    TEST_CASE("pickle: integers of every width and sign") {
        auto int_of = [](std::string_view bytes) {
            auto r = pk::decode(bytes);
            REQUIRE(r.has_value());
            REQUIRE(r->root().is(kind::integer));
            return r->root().as_int();
        };
        CHECK(int_of(std::string_view("K\x00.", 3)) == 0);
        CHECK(int_of("K\xff.") == 255);
        CHECK(int_of("M\xff\xff.") == 65535);
        CHECK(int_of("J\xff\xff\xff\xff.") == -1);
        CHECK(int_of(std::string_view("\x8a\x00.", 3)) == 0);
        CHECK(int_of("\x8a\x01\xff.") == -1);
        CHECK(int_of(std::string_view("\x8a\x02\x00\x80.", 5)) == -32768);
        CHECK(int_of(std::string_view("\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80.", 11)) ==
              std::numeric_limits<std::int64_t>::min());
    }

    TEST_CASE("pickle: bounds") {
        const auto& emit = fixture("emit", 4).bytes;
        SUBCASE("input size") {
            pk::limits l;
            l.max_input = emit.size() - 1;
            CHECK(error_of(emit, l) == errc::too_large);
        }
        SUBCASE("number of values") {
            pk::limits l;
            l.max_values = 5;
            CHECK(error_of(emit, l) == errc::too_large);
        }
        SUBCASE("nesting") {
            std::string deep = "\x80\x04";
            for (int i = 0; i < 40; ++i)
                deep += "]"; // 40 lists, each appended to the one below
            for (int i = 0; i < 39; ++i)
                deep += "a";
            deep += ".";
            CHECK(error_of(deep) == errc::too_deep);
            pk::limits l;
            l.max_depth = 64;
            CHECK(pk::decode(deep, l).has_value());
        }
        SUBCASE("a list that contains itself") {
            // l = []; l.append(l): EMPTY_LIST MEMOIZE BINGET 0 APPEND STOP
            CHECK(error_of(std::string_view("\x80\x04]\x94h\x00"
                                            "a.",
                                            8)) == errc::too_deep);
        }
        SUBCASE("shared references that would expand exponentially") {
            // x0 = [None]; x(k+1) = [xk, xk]: 2^30 visits from a few dozen bytes
            std::string bomb = "\x80\x04]N"
                               "a\x94";
            for (int k = 0; k < 30; ++k) {
                bomb += "0](h"; // drop x(k) from the stack (it stays in the memo), build x(k+1)
                bomb += static_cast<char>(k);
                bomb += 'h';
                bomb += static_cast<char>(k);
                bomb += "e\x94";
            }
            bomb += ".";
            pk::limits l;
            l.max_depth = 64;
            CHECK(error_of(bomb, l) == errc::too_large);
        }
        SUBCASE("a length past the input") {
            CHECK(error_of(std::string_view("X\x10\x00\x00\x00"
                                            "ab",
                                            7)) == errc::truncated);
            CHECK(error_of(std::string_view("X\xff\xff\xff\x7f", 5)) == errc::too_large);
            CHECK(error_of(std::string_view("\x8d\xff\xff\xff\xff\xff\xff\xff\xff", 9)) ==
                  errc::too_large);
        }
    }
}
