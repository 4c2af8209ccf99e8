#include "bridge/tls_probe.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace wg::bridge {
namespace {

struct SslCtxFree {
    void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct AddrinfoFree {
    void operator()(addrinfo* info) const { freeaddrinfo(info); }
};

class Socket {
public:
    explicit Socket(int fd) : fd_{fd} {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

std::string openssl_errors() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (const char* reason = ERR_reason_error_string(code)) {
            if (!text.empty()) text += "; ";
            text += reason;
        } else if (text.empty()) {
            text = buffer;
        }
    }
    return text;
}

// Splits "ssl://host:port" ("[v6]:port" too).
bool split(const std::string& address, std::string& host, std::string& port) {
    const std::size_t start = address.find("://");
    if (start == std::string::npos) return false;
    const std::string rest = address.substr(start + 3);
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos) return false;
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return true;
}

}  // namespace

std::string probe_tls(const std::string& address, const BridgeSettings& settings, std::chrono::milliseconds timeout) {
    std::string host;
    std::string port;
    if (!split(address, host, port)) return "";
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) return "";
    const std::unique_ptr<addrinfo, AddrinfoFree> info{found};
    Socket socket{::socket(info->ai_family, SOCK_STREAM, 0)};
    if (socket.get() < 0) return "";
    timeval limit{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    ::setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (::connect(socket.get(), info->ai_addr, info->ai_addrlen) != 0) return "";  // not a TLS problem

    const std::unique_ptr<SSL_CTX, SslCtxFree> context{SSL_CTX_new(TLS_client_method())};
    if (!context) return "";
    if (!settings.ca_file.empty() && SSL_CTX_load_verify_locations(context.get(), settings.ca_file.c_str(), nullptr) != 1)
        return "cannot load ca_file " + settings.ca_file + ": " + openssl_errors();
    if (settings.ca_file.empty()) SSL_CTX_set_default_verify_paths(context.get());
    if (!settings.cert_file.empty() &&
        SSL_CTX_use_certificate_chain_file(context.get(), settings.cert_file.c_str()) != 1)
        return "cannot load cert_file " + settings.cert_file + ": " + openssl_errors();
    if (!settings.key_file.empty() &&
        SSL_CTX_use_PrivateKey_file(context.get(), settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return "cannot load key_file " + settings.key_file + ": " + openssl_errors();
    SSL_CTX_set_verify(context.get(), settings.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    const std::unique_ptr<SSL, SslFree> ssl{SSL_new(context.get())};
    if (!ssl) return "";
    SSL_set_fd(ssl.get(), socket.get());
    SSL_set_tlsext_host_name(ssl.get(), host.c_str());
    if (settings.verify) {
        X509_VERIFY_PARAM* parameters = SSL_get0_param(ssl.get());
        if (X509_VERIFY_PARAM_set1_ip_asc(parameters, host.c_str()) != 1)
            X509_VERIFY_PARAM_set1_host(parameters, host.c_str(), host.size());
    }
    ERR_clear_error();
    if (SSL_connect(ssl.get()) == 1) {
        // TLS 1.3: a refused client certificate shows in the first read.
        char byte;
        if (SSL_read(ssl.get(), &byte, 1) <= 0) {
            std::string errors = openssl_errors();
            if (!errors.empty()) return errors;
        }
        return "";
    }
    const long verify = SSL_get_verify_result(ssl.get());
    std::string text = openssl_errors();
    if (verify != X509_V_OK) text += std::string{text.empty() ? "" : ": "} + X509_verify_cert_error_string(verify);
    return text.empty() ? std::string{"the TLS handshake failed"} : text;
}

}  // namespace wg::bridge
