#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "bridge/profiles/hmac.h"

using wg::bridge::hmac_sha256_hex;

namespace {

// HMAC-SHA256 computed by the openssl command-line tool. `key` and `message` are plain
// words (no quotes or shell characters).
std::string openssl_hmac(const std::string& key, const std::string& message) {
    const std::string command = "printf '%s' '" + message + "' | openssl dgst -sha256 -hmac '" + key + "' 2>&1";
    FILE* const pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    REQUIRE(::pclose(pipe) == 0);
    // "SHA2-256(stdin)= <hex>\n" (OpenSSL 3) or "(stdin)= <hex>\n" (OpenSSL 1.1).
    const auto equals = output.rfind("= ");
    REQUIRE(equals != std::string::npos);
    std::string hex = output.substr(equals + 2);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) {
        hex.pop_back();
    }
    return hex;
}

}  // namespace

TEST_CASE("hmac_sha256_matches_the_rfc_4231_vectors", "[unit][bridge]") {
    // RFC 4231, test cases 1 and 2.
    CHECK(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac_sha256_takes_empty_keys_and_messages", "[unit][bridge]") {
    CHECK(hmac_sha256_hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    CHECK(hmac_sha256_hex("key", "").size() == 64);
    CHECK(hmac_sha256_hex("", "message").size() == 64);
}

TEST_CASE("hmac_sha256_agrees_with_the_openssl_command_line", "[unit][bridge]") {
    for (const auto& [key, message] : {std::pair<std::string, std::string>{"2025041401", "12345678"},
                                       {"2018072417", "secret-of-the-gateway"},
                                       {"k", std::string(300, 'm')}}) {
        const std::string ours = hmac_sha256_hex(key, message);
        CHECK(ours == openssl_hmac(key, message));
        CHECK(ours.find_first_not_of("0123456789abcdef") == std::string::npos);
    }
}
