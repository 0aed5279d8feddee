#include "http_proxy.h"

#include "broker.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace test {
namespace {

constexpr int poll_ms = 50;

bool send_all(int fd, const char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// The port of "CONNECT host:port HTTP/1.1"; the host must be 127.0.0.1 (tests only).
int target_port(const std::string& request)
{
    const std::string prefix = "CONNECT 127.0.0.1:";
    if (request.compare(0, prefix.size(), prefix) != 0) return 0;
    return std::atoi(request.c_str() + prefix.size());
}

}  // namespace

HttpProxy::HttpProxy(std::string refusal) : m_refusal(std::move(refusal))
{
    const Listener listener = listen_loopback();
    m_listener = listener.fd;
    m_port = listener.port;
    m_acceptor = std::thread([this] { accept_loop(); });
}

HttpProxy::~HttpProxy()
{
    m_stop = true;
    m_acceptor.join();
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        threads.swap(m_threads);
    }
    for (auto& t : threads) t.join();
    ::close(m_listener);
}

std::vector<std::string> HttpProxy::requests() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
}

void HttpProxy::accept_loop()
{
    while (!m_stop) {
        pollfd p{m_listener, POLLIN, 0};
        if (::poll(&p, 1, poll_ms) <= 0) continue;
        const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        std::lock_guard<std::mutex> lock(m_mutex);
        m_threads.emplace_back([this, fd] { serve(fd); });
    }
}

void HttpProxy::serve(int fd)
{
    std::string request;
    char byte = 0;
    while (!m_stop && request.find("\r\n\r\n") == std::string::npos && request.size() < 16384) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, poll_ms) <= 0) continue;
        if (::read(fd, &byte, 1) != 1) break;
        request += byte;
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_requests.push_back(request);
    }
    const int port = target_port(request);
    int upstream = -1;
    if (m_refusal.empty() && port > 0) {
        upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(upstream);
            upstream = -1;
        }
    }
    const std::string answer = !m_refusal.empty() ? "HTTP/1.1 " + m_refusal + "\r\nContent-Length: 0\r\n\r\n"
        : upstream < 0                            ? std::string("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                                                  : std::string("HTTP/1.1 200 Connection established\r\n\r\n");
    if (!send_all(fd, answer.data(), answer.size()) || upstream < 0) {
        if (upstream >= 0) ::close(upstream);
        ::close(fd);
        return;
    }
    char buffer[65536];
    while (!m_stop) {
        pollfd p[2] = {{fd, POLLIN, 0}, {upstream, POLLIN, 0}};
        if (::poll(p, 2, poll_ms) <= 0) continue;
        bool done = false;
        for (int i = 0; i < 2 && !done; ++i) {
            if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = ::read(p[i].fd, buffer, sizeof buffer);
            done = n <= 0 || !send_all(p[1 - i].fd, buffer, static_cast<std::size_t>(n));
        }
        if (done) break;
    }
    ::close(upstream);
    ::close(fd);
}

}  // namespace test
