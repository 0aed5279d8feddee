// A small HTTP CONNECT proxy for end-to-end tests: listens on a free 127.0.0.1 port, opens
// the tunnel each CONNECT asks for (or refuses with a canned status), and relays bytes both
// ways, one thread per connection; the destructor stops and joins them all.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test {

class HttpProxy {
public:
    /// `refusal`: when not empty, every CONNECT gets this status line (e.g. "403 Forbidden").
    explicit HttpProxy(std::string refusal = {});
    ~HttpProxy();
    HttpProxy(const HttpProxy&) = delete;
    HttpProxy& operator=(const HttpProxy&) = delete;

    int port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    /// The request headers of every CONNECT so far (up to the blank line).
    std::vector<std::string> requests() const;

private:
    void accept_loop();
    void serve(int fd);

    std::string m_refusal;
    int m_listener = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::vector<std::thread> m_threads;  ///< guarded by m_mutex
    std::thread m_acceptor;
};

}  // namespace test
