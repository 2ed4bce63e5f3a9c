// The JWT verifier: every refusal reason, with HS256 secrets and RS256/ES256 keys generated
// here with OpenSSL.
#include "im/jwt_verifier.hpp"

#include <doctest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <memory>

using namespace imedge::im;

namespace {

constexpr std::int64_t now = 1'800'000'000;

struct pem_pair {
    std::string public_pem;
    std::string private_pem;
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

pem_pair generate(bool rsa) {
    EVP_PKEY* key = rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})
                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    REQUIRE(key != nullptr);
    BIO* pub = BIO_new(BIO_s_mem());
    BIO* priv = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(pub, key);
    PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
    pem_pair out{bio_text(pub), bio_text(priv)};
    BIO_free(pub);
    BIO_free(priv);
    EVP_PKEY_free(key);
    return out;
}

std::string base64url(std::string_view bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                 (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
        for (int s = 18; s >= 0; s -= 6)
            out += alphabet[(n >> s) & 63];
    }
    if (bytes.size() - i == 1) {
        auto n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        auto n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                 (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
        for (int s = 18; s >= 6; s -= 6)
            out += alphabet[(n >> s) & 63];
    }
    return out;
}

// A token with exactly these claims (JSON), signed by libjwt with `alg` and `key`.
std::string sign(std::string_view alg, const std::string& key, const std::string& claims_json) {
    jwt_t* j = nullptr;
    REQUIRE(jwt_new(&j) == 0);
    REQUIRE(jwt_add_grants_json(j, claims_json.c_str()) == 0);
    REQUIRE(jwt_set_alg(j, jwt_str_alg(std::string(alg).c_str()),
                        reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())) == 0);
    char* text = jwt_encode_str(j);
    std::string out(text);
    std::free(text);
    jwt_free(j);
    return out;
}

std::variant<verified_token, auth_failure> identity(const jwt_settings& s, const std::string& token,
                                                    std::int64_t at = now) {
    simdjson::dom::parser parser;
    return jwt_verifier(s).verify(token, at, parser);
}

// The user id of an accepted token, or why it was refused.
std::variant<std::string, auth_failure> check(const jwt_settings& s, const std::string& token,
                                              std::int64_t at = now) {
    auto r = identity(s, token, at);
    if (auto* f = std::get_if<auth_failure>(&r))
        return *f;
    return std::get<verified_token>(r).user;
}

verified_token accepted(const jwt_settings& s, const std::string& token, std::int64_t at = now) {
    auto r = identity(s, token, at);
    REQUIRE(std::holds_alternative<verified_token>(r));
    return std::get<verified_token>(r);
}

auth_failure refusal(const jwt_settings& s, const std::string& token, std::int64_t at = now) {
    auto r = check(s, token, at);
    REQUIRE(std::holds_alternative<auth_failure>(r));
    return std::get<auth_failure>(r);
}

jwt_settings hs256() {
    jwt_settings s;
    s.key = "a development secret of some length";
    return s;
}

} // namespace

TEST_SUITE("im") {
    TEST_CASE("jwt: reason names are the wire contract") {
        CHECK(reason_name(auth_failure::missing) == "missing");
        CHECK(reason_name(auth_failure::bad_signature) == "bad_signature");
        CHECK(reason_name(auth_failure::wrong_algorithm) == "wrong_algorithm");
        CHECK(reason_name(auth_failure::not_yet_valid) == "not_yet_valid");
        CHECK(reason_name(auth_failure::no_user) == "no_user");
        CHECK(reason_name(auth_failure::wrong_user) == "wrong_user");
    }

    TEST_CASE("jwt: the expiry a connection keeps is exp plus leeway, in milliseconds") {
        auto s = hs256();
        CHECK(accepted(s, mint_token(s, "alice", now, 60)).expires_ms == (now + 60) * 1000);
        s.leeway_s = 5;
        CHECK(accepted(s, mint_token(s, "alice", now, 60)).expires_ms == (now + 65) * 1000);
        CHECK(accepted(s, sign("HS256", s.key, R"({"sub":"a","exp":1800000000.25})")).expires_ms ==
              1'800'000'005'250);
        CHECK(!accepted(s, sign("HS256", s.key, R"({"sub":"a"})")).expires_ms.has_value());
    }

    TEST_CASE("jwt: the claims set to true are the token's permissions") {
        auto s = hs256();
        auto t = accepted(
            s, sign("HS256", s.key, R"({"sub":"a","groups":true,"admin":false,"n":1,"s":"true"})"));
        CHECK(t.true_claims == std::vector<std::string>{"groups"});
        CHECK(t.has_claim("groups"));
        CHECK(!t.has_claim("admin"));
        CHECK(!t.has_claim("s"));
        auto minted = accepted(s, mint_token(s, "bob", now, 60, {"can_create_groups"}));
        CHECK(minted.user == "bob");
        CHECK(minted.has_claim("can_create_groups"));
        CHECK(accepted(s, mint_token(s, "bob", now, 60)).true_claims.empty());
    }

    TEST_CASE("jwt: HS256 accepted, user from sub or a configured claim") {
        auto s = hs256();
        auto token = mint_token(s, "alice", now, 60);
        REQUIRE(!token.empty());
        CHECK(std::get<std::string>(check(s, token)) == "alice");

        s.user_claim = "user_id";
        CHECK(std::get<std::string>(check(s, sign("HS256", s.key, R"({"user_id":42})"))) == "42");
        CHECK(std::get<std::string>(check(s, sign("HS256", s.key, R"({"user_id":"u-7"})"))) ==
              "u-7");
        CHECK(refusal(s, sign("HS256", s.key, R"({"sub":"alice"})")) == auth_failure::no_user);
        CHECK(refusal(s, sign("HS256", s.key, R"({"user_id":""})")) == auth_failure::no_user);
        CHECK(refusal(s, sign("HS256", s.key, R"({"user_id":[1]})")) == auth_failure::no_user);
    }

    TEST_CASE("jwt: missing and malformed") {
        auto s = hs256();
        CHECK(refusal(s, "") == auth_failure::missing);
        CHECK(refusal(s, "abc") == auth_failure::malformed);
        CHECK(refusal(s, "a.b") == auth_failure::malformed);
        CHECK(refusal(s, "a.b.c.d") == auth_failure::malformed);
        CHECK(refusal(s, "!!.??.xx") == auth_failure::malformed);
        CHECK(refusal(s, base64url("not json") + "." + base64url("{}") + ".x") ==
              auth_failure::malformed);
        CHECK(refusal(s, base64url(R"({"typ":"JWT"})") + "." + base64url("{}") + ".x") ==
              auth_failure::malformed);
        CHECK(refusal(s, std::string(20000, 'a')) == auth_failure::malformed);
    }

    TEST_CASE("jwt: bad signature") {
        auto s = hs256();
        auto other = s;
        other.key = "another secret entirely, also long";
        CHECK(refusal(s, mint_token(other, "alice", now, 60)) == auth_failure::bad_signature);
        auto token = mint_token(s, "alice", now, 60);
        token.back() = token.back() == 'A' ? 'B' : 'A';
        CHECK(refusal(s, token) == auth_failure::bad_signature);
        // Claims swapped under a valid header and signature.
        auto good = mint_token(s, "alice", now, 60);
        auto d1 = good.find('.');
        auto d2 = good.find('.', d1 + 1);
        auto forged = good.substr(0, d1 + 1) + base64url(R"({"sub":"mallory"})") + good.substr(d2);
        CHECK(refusal(s, forged) == auth_failure::bad_signature);
    }

    TEST_CASE("jwt: wrong algorithm, none, and the RS256 public key used as an HS256 secret") {
        auto keys = generate(true);
        jwt_settings s;
        s.algorithm = "RS256";
        s.key = keys.public_pem;
        s.private_key = keys.private_pem;
        CHECK(std::get<std::string>(check(s, mint_token(s, "bob", now, 60))) == "bob");
        CHECK(refusal(s, sign("HS256", keys.public_pem, R"({"sub":"mallory"})")) ==
              auth_failure::wrong_algorithm);
        auto none = base64url(R"({"alg":"none","typ":"JWT"})") + "." +
                    base64url(R"({"sub":"mallory"})") + ".";
        CHECK(refusal(s, none) == auth_failure::wrong_algorithm);
        CHECK(refusal(hs256(), none) == auth_failure::wrong_algorithm);
        CHECK(refusal(hs256(), mint_token(s, "bob", now, 60)) == auth_failure::wrong_algorithm);
        // Signed by another RSA key.
        auto stranger = generate(true);
        auto other = s;
        other.private_key = stranger.private_pem;
        CHECK(refusal(s, mint_token(other, "bob", now, 60)) == auth_failure::bad_signature);
    }

    TEST_CASE("jwt: ES256") {
        auto keys = generate(false);
        jwt_settings s;
        s.algorithm = "ES256";
        s.key = keys.public_pem;
        s.private_key = keys.private_pem;
        CHECK(std::get<std::string>(check(s, mint_token(s, "carol", now, 60))) == "carol");
        auto stranger = generate(false);
        auto other = s;
        other.private_key = stranger.private_pem;
        CHECK(refusal(s, mint_token(other, "carol", now, 60)) == auth_failure::bad_signature);
    }

    TEST_CASE("jwt: exp, nbf, iat with leeway") {
        auto s = hs256();
        auto token = mint_token(s, "alice", now, 60); // exp = now + 60
        CHECK(refusal(s, token, now + 60) == auth_failure::expired);
        CHECK(refusal(s, token, now + 1000) == auth_failure::expired);
        CHECK(refusal(s, token, now - 5) == auth_failure::not_yet_valid); // iat in the future
        s.leeway_s = 10;
        CHECK(std::holds_alternative<std::string>(check(s, token, now + 65)));
        CHECK(std::holds_alternative<std::string>(check(s, token, now - 5)));
        CHECK(refusal(s, token, now + 70) == auth_failure::expired);
        s.leeway_s = 0;
        auto later = sign("HS256", s.key, R"({"sub":"a","nbf":)" + std::to_string(now + 30) + "}");
        CHECK(refusal(s, later) == auth_failure::not_yet_valid);
        CHECK(std::holds_alternative<std::string>(check(s, later, now + 30)));
        CHECK(refusal(s, sign("HS256", s.key, R"({"sub":"a","exp":"soon"})")) ==
              auth_failure::malformed);
        CHECK(std::holds_alternative<std::string>(
            check(s, sign("HS256", s.key, R"({"sub":"a","exp":1.9e9})"))));
    }

    TEST_CASE("jwt: issuer and audience") {
        auto s = hs256();
        s.issuer = "https://auth.example";
        s.audience = "imedge";
        CHECK(std::holds_alternative<std::string>(check(s, mint_token(s, "alice", now, 60))));
        CHECK(refusal(s, sign("HS256", s.key, R"({"sub":"a","aud":"imedge"})")) ==
              auth_failure::wrong_issuer);
        CHECK(refusal(s, sign("HS256", s.key, R"({"sub":"a","iss":"x","aud":"imedge"})")) ==
              auth_failure::wrong_issuer);
        auto iss = std::string(R"({"sub":"a","iss":"https://auth.example")");
        CHECK(refusal(s, sign("HS256", s.key, iss + "}")) == auth_failure::wrong_audience);
        CHECK(refusal(s, sign("HS256", s.key, iss + R"(,"aud":"other"})")) ==
              auth_failure::wrong_audience);
        CHECK(refusal(s, sign("HS256", s.key, iss + R"(,"aud":["a","b"]})")) ==
              auth_failure::wrong_audience);
        CHECK(std::holds_alternative<std::string>(
            check(s, sign("HS256", s.key, iss + R"(,"aud":["a","imedge"]})"))));
    }
}
