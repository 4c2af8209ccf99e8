#include <catch2/catch.hpp>

#include <string>

#include "web/password_hash.h"
#include "web/text_encoding.h"

using namespace wg::web;

namespace {
std::string hex(const std::string& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out += kDigits[static_cast<unsigned char>(c) >> 4];
        out += kDigits[static_cast<unsigned char>(c) & 15];
    }
    return out;
}
}  // namespace

// Expected values from Python: hashlib.pbkdf2_hmac("sha256", password, salt, iterations).hex()
TEST_CASE("pbkdf2_sha256_matches_known_vectors", "[unit][web]") {
    CHECK(hex(pbkdf2_sha256("password", "salt", 1, 32)) ==
          "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    CHECK(hex(pbkdf2_sha256("password", "salt", 4096, 32)) ==
          "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    std::string salt;
    for (int i = 0; i < 16; ++i) {
        salt += static_cast<char>(i);
    }
    CHECK(hex(pbkdf2_sha256("correct horse battery staple", salt, 1000, 32)) ==
          "a69b179e3add3c1e0aaf227a0eb3aa2aa8645ab86fecf6ca00c17512697c719e");
}

TEST_CASE("password_hash_text_form_round_trips_and_verifies", "[unit][web]") {
    const std::string text = make_password_hash("s3cret", kMinimumIterations);
    CHECK(text.starts_with("pbkdf2-sha256$100000$"));
    const auto hash = parse_password_hash(text);
    REQUIRE(hash);
    CHECK(hash->iterations == kMinimumIterations);
    CHECK(hash->salt.size() == kSaltBytes);
    CHECK(hash->hash.size() == kHashBytes);
    CHECK(format_password_hash(*hash) == text);
    CHECK(verify_password("s3cret", *hash));
    CHECK_FALSE(verify_password("s3cret ", *hash));
    CHECK_FALSE(verify_password("", *hash));
}

TEST_CASE("password_hashes_use_a_fresh_salt_and_the_default_iterations", "[unit][web]") {
    const auto a = parse_password_hash(make_password_hash("same"));
    const auto b = parse_password_hash(make_password_hash("same"));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->iterations == kDefaultIterations);
    CHECK(kDefaultIterations >= 100000);
    CHECK(a->salt != b->salt);
    CHECK(a->hash != b->hash);
}

TEST_CASE("a_hash_from_python_hashlib_verifies", "[unit][web]") {
    // python3 -c "import hashlib,base64; s=bytes(range(16)); print(base64.b64encode(
    //   hashlib.pbkdf2_hmac('sha256', b'admin-pw', s, 100000)).decode())"
    const auto parsed = parse_password_hash(
        "pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw==$OrY/k4koQ5foa/zI1Z0LusNepbJDZIhz/FFySMqR9aw=");
    REQUIRE(parsed);
    CHECK(verify_password("admin-pw", *parsed));
    CHECK_FALSE(verify_password("admin-pW", *parsed));
}

TEST_CASE("malformed_password_hashes_are_refused", "[unit][web]") {
    const std::string salt = base64_encode(std::string(16, 'x'));
    const std::string derived = base64_encode(std::string(32, 'y'));
    CHECK(parse_password_hash("pbkdf2-sha256$100000$" + salt + "$" + derived));
    CHECK_FALSE(parse_password_hash(""));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha1$100000$" + salt + "$" + derived));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$99999$" + salt + "$" + derived));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$1e6$" + salt + "$" + derived));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$100000$$" + derived));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$100000$" + salt + "$"));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$100000$" + salt + "$!!!!"));
    CHECK_FALSE(parse_password_hash("pbkdf2-sha256$100000$" + salt + "$" + derived + "$extra"));
}
