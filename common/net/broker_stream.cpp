#include "broker_stream.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "exit_status.h"
#include "http_proxy.h"

namespace mqtt {

namespace {

int milliseconds_until(Clock::time_point deadline)
{
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::max<long long>(0, std::min<long long>(left, 1000 * 1000)));
}

bool uses_http_proxy(const Options& options)
{
    return options.proxy && options.proxy->kind == ProxyKind::http;
}

}  // namespace

BrokerStream::BrokerStream(const Options& options, const SetupDeadline& deadline) : m_options(options)
{
    try {
        if (uses_http_proxy(options)) {
            open_tcp(options.proxy->host, options.proxy->port, deadline, k_proxy_tcp_step);
            http_connect(deadline);
        } else {
            open_tcp(options.host, options.effective_port(), deadline, k_tcp_step);
        }
        if (tls_mode(options) != TlsMode::off) start_tls(deadline);
    } catch (...) {
        if (m_ssl) SSL_free(m_ssl);
        if (m_fd >= 0) ::close(m_fd);
        throw;
    }
}

BrokerStream::~BrokerStream()
{
    if (m_ssl) SSL_free(m_ssl);
    if (m_fd >= 0) ::close(m_fd);
}

void BrokerStream::wait(short events, const SetupDeadline& deadline, const SetupStep& step) const
{
    pollfd fd{m_fd, events, 0};
    while (true) {
        const int ready = ::poll(&fd, 1, milliseconds_until(deadline.at));
        if (ready > 0) return;
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw Failure(step.status, fmt::format("Error: {}: poll: {}", step.name, std::strerror(errno)));
        if (Clock::now() < deadline.at) continue;
        if (deadline.user) throw Failure(ExitStatus::timed_out, "Timed out");
        throw Failure(step.silent_status, "Error: " + fmt::format(fmt::runtime(step.silence), deadline.seconds));
    }
}

void BrokerStream::open_tcp(const std::string& host, int port, const SetupDeadline& deadline, const SetupStep& step)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
        throw Failure(ExitStatus::unreachable, "Unable to connect (Lookup error.).");
    }
    int error = ECONNREFUSED;
    for (const addrinfo* ai = found; ai != nullptr && m_fd < 0; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        if (!m_options.bind_address.empty()) {
            addrinfo* local = nullptr;
            addrinfo local_hints{};
            local_hints.ai_family = ai->ai_family;
            local_hints.ai_socktype = SOCK_STREAM;
            const bool bound = getaddrinfo(m_options.bind_address.c_str(), nullptr, &local_hints, &local) == 0 &&
                ::bind(fd, local->ai_addr, local->ai_addrlen) == 0;
            if (local) freeaddrinfo(local);
            if (!bound) {
                error = errno != 0 ? errno : EADDRNOTAVAIL;
                ::close(fd);
                continue;
            }
        }
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            error = errno;
            ::close(fd);
            continue;
        }
        m_fd = fd;
        try {
            wait(POLLOUT, deadline, step);
        } catch (...) {
            freeaddrinfo(found);
            throw;
        }
        socklen_t size = sizeof error;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
        if (error != 0) {
            ::close(fd);
            m_fd = -1;
        }
    }
    freeaddrinfo(found);
    if (m_fd < 0) throw Failure(ExitStatus::unreachable, fmt::format("Error: {}", std::strerror(error)));
    if (m_options.nodelay) {
        const int one = 1;
        setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

void BrokerStream::http_connect(const SetupDeadline& deadline)
{
    const ProxyUrl& proxy = *m_options.proxy;
    write_all(connect_request(m_options.host, m_options.effective_port(), proxy.username, proxy.password), deadline,
              k_proxy_step);
    // Byte by byte: what follows the answer is the broker's (TLS or the upgrade answer).
    std::string received;
    while (true) {
        wait(POLLIN, deadline, k_proxy_step);
        char byte = 0;
        const ssize_t n = ::read(m_fd, &byte, 1);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) {
            throw Failure(ExitStatus::http_refused,
                          n == 0 ? "Error: HTTP proxy: the proxy closed the connection."
                                 : fmt::format("Error: HTTP proxy: {}.", std::strerror(errno)),
                          true);
        }
        received += byte;
        const ProxyResponse response = parse_connect_response(received);
        if (const auto* refused = std::get_if<ProxyRefused>(&response)) {
            throw Failure(ExitStatus::http_refused, fmt::format("Error: HTTP proxy: {}.", refused->text), refused->gateway_error);
        }
        if (std::holds_alternative<ProxyConnected>(response)) return;
    }
}

void BrokerStream::start_tls(const SetupDeadline& deadline)
{
    m_tls = std::make_unique<BridgeTls>(m_options);
    m_ssl = m_tls->new_ssl(m_fd);
    if (m_ssl == nullptr) throw Failure(ExitStatus::usage, "Error: Unable to create SSL.");
    ERR_clear_error();
    while (true) {
        const int rc = SSL_connect(m_ssl);
        if (rc == 1) return;
        const int error = SSL_get_error(m_ssl, rc);
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
            wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, k_tls_step);
            continue;
        }
        const TlsFailure failed = with_tls_port_hint(m_tls->failure(), m_options.effective_port());
        throw Failure(failed.status, failed.text);
    }
}

bool BrokerStream::pending() const
{
    return m_ssl != nullptr && SSL_pending(m_ssl) > 0;
}

long BrokerStream::read(char* buffer, std::size_t size)
{
    m_wants_write = false;
    if (m_ssl == nullptr) {
        const ssize_t n = ::read(m_fd, buffer, size);
        if (n > 0) return n;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return k_again;
        if (n < 0) {
            m_errno = errno;
            m_error = std::strerror(errno);
        }
        return k_closed;
    }
    ERR_clear_error();
    const int n = SSL_read(m_ssl, buffer, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    return n > 0 ? n : tls_result(n);
}

long BrokerStream::tls_result(int rc)
{
    const int error = SSL_get_error(m_ssl, rc);
    if (error == SSL_ERROR_WANT_READ) return k_again;
    if (error == SSL_ERROR_WANT_WRITE) {
        m_wants_write = true;
        return k_again;
    }
    if (error == SSL_ERROR_SSL) {
        const char* reason = ERR_reason_error_string(ERR_peek_error());
        m_error = std::string("TLS: ") + (reason ? reason : "error");
    } else if (error == SSL_ERROR_SYSCALL && errno != 0) {
        m_errno = errno;
        m_error = std::strerror(errno);
    }
    return k_closed;
}

long BrokerStream::write(const char* bytes, std::size_t size)
{
    m_wants_write = false;
    if (m_ssl == nullptr) {
        const ssize_t n = ::send(m_fd, bytes, size, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EAGAIN || errno == EINTR) return k_again;
        m_error = std::strerror(errno);
        return k_closed;
    }
    ERR_clear_error();
    const int n = SSL_write(m_ssl, bytes, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    return n > 0 ? n : tls_result(n);
}

void BrokerStream::write_all(std::string_view bytes, const SetupDeadline& deadline, const SetupStep& step)
{
    while (!bytes.empty()) {
        const long n = write(bytes.data(), bytes.size());
        if (n == k_closed) {
            throw Failure(step.status,
                          fmt::format("Error: {}: {}.", step.name, m_error.empty() ? "the connection was closed" : m_error));
        }
        if (n == k_again) {
            wait(m_ssl && !m_wants_write ? POLLIN : POLLOUT, deadline, step);
            continue;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string BrokerStream::read_some(const SetupDeadline& deadline, const SetupStep& step)
{
    char buffer[4096];
    while (true) {
        const long n = read(buffer, sizeof buffer);
        if (n > 0) return std::string(buffer, static_cast<std::size_t>(n));
        if (n == k_closed) {
            // A reset counts as a close: the caller knows what a close means in its step.
            if (!m_error.empty() && m_errno != ECONNRESET) {
                throw Failure(step.status, fmt::format("Error: {}: {}.", step.name, m_error));
            }
            return {};
        }
        wait(m_wants_write ? POLLOUT : POLLIN, deadline, step);
    }
}

}  // namespace mqtt
