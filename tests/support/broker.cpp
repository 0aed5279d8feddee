#include "broker.h"

#include "process.h"
#include "spawn_detail.h"

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <system_error>

namespace test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto start_bound = 10s;
constexpr auto stop_bound = 5s;
constexpr int start_attempts = 5;
const char* const mosquitto_path = "/usr/sbin/mosquitto";
const char* const mosquitto_passwd_path = "/usr/bin/mosquitto_passwd";

sockaddr_in loopback(int port)
{
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("test::Broker: cannot write " + path);
}

std::string config_text(const BrokerConfig& config, const std::string& dir, int port, int second_port, int ws_port)
{
    std::string text = "listener " + std::to_string(port) + " 127.0.0.1\n";
    if (config.username.empty()) {
        text += "allow_anonymous true\n";
    } else {
        text += "allow_anonymous false\npassword_file " + dir + "/passwd\n";
    }
    text += "persistence false\n"
            "log_dest file " +
        dir +
        "/mosquitto.log\n"
        "log_type all\n"
        // Tests publish bursts far beyond the default queue of 1000 messages.
        "max_queued_messages 10000000\n"
        "set_tcp_nodelay true\n"
        // As root, mosquitto would otherwise switch to user 'mosquitto', which cannot
        // read our private folder; ignored when not run as root.
        "user root\n";
    text += config.extra;
    if (!config.extra.empty() && config.extra.back() != '\n') text += '\n';
    if (!config.second_listener.empty()) {
        text += "listener " + std::to_string(second_port) + " 127.0.0.1\n" + config.second_listener;
        if (config.second_listener.back() != '\n') text += '\n';
    }
    if (config.websockets) {
        text += "listener " + std::to_string(ws_port) + "\nprotocol websockets\n" + config.websockets_listener;
        if (!config.websockets_listener.empty() && config.websockets_listener.back() != '\n') text += '\n';
    }
    return text;
}

bool logs_connections(const BrokerConfig& config)
{
    return config.extra.find("connection_messages false") == std::string::npos;
}

void write_password_file(const BrokerConfig& config, const std::string& path)
{
    const Result r = run({mosquitto_passwd_path, "-b", "-c", path, config.username, config.password}, {}, 10s);
    if (r.status != 0 || r.timed_out)
        throw std::runtime_error("test::Broker: mosquitto_passwd failed (status " + std::to_string(r.status) + "): " + r.out +
                                 r.err);
}

pid_t start_mosquitto(const std::string& dir)
{
    detail::UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    const std::string out_path = dir + "/mosquitto.out";
    detail::UniqueFd out(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (null_in.get() < 0 || out.get() < 0) throw std::system_error(errno, std::generic_category(), "test::Broker: open");
    return detail::spawn({mosquitto_path, "-c", dir + "/mosquitto.conf"}, null_in.get(), out.get(), out.get());
}

std::string failure(const std::string& what, const std::string& dir)
{
    return "test::Broker: " + what + "\n--- mosquitto.conf:\n" + read_file(dir + "/mosquitto.conf") + "--- mosquitto.log:\n" +
        read_file(dir + "/mosquitto.log") + "--- mosquitto stdout/stderr:\n" + read_file(dir + "/mosquitto.out");
}

}  // namespace

// A port the kernel considers free now. Someone may take it before mosquitto binds it;
// the caller retries then.
namespace {

/// A TCP socket bound to `addr` (port 0: one the kernel picks), listening with `backlog`
/// and SO_REUSEADDR unless `backlog` is negative, and the port it got.
struct Bound {
    detail::UniqueFd fd;
    int port = 0;
};
Bound bind_tcp(sockaddr_in addr, int backlog)
{
    detail::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) throw std::system_error(errno, std::generic_category(), "socket");
    const bool listens = backlog >= 0;
    const int one = 1;
    if (listens) ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const int asked = ntohs(addr.sin_port);
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || (listens && ::listen(fd.get(), backlog) != 0) ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        throw std::system_error(errno, std::generic_category(),
                                listens ? "listen on 127.0.0.1:" + std::to_string(asked) : std::string("bind :0"));
    return {std::move(fd), ntohs(addr.sin_port)};
}

int free_port_on(bool any)
{
    sockaddr_in addr = loopback(0);
    if (any) addr.sin_addr.s_addr = htonl(INADDR_ANY);
    return bind_tcp(addr, -1).port;
}

}  // namespace

int free_port()
{
    return free_port_on(false);
}

Listener listen_loopback(int port, int backlog)
{
    Bound bound = bind_tcp(loopback(port), backlog);
    return {bound.fd.release(), bound.port};
}

int free_port_any()
{
    return free_port_on(true);
}

bool can_connect(int port)
{
    detail::UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_in addr = loopback(port);
    return fd.get() >= 0 && ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
}

Broker::Broker(BrokerConfig config) : m_config(std::move(config))
{
    m_dir = detail::make_temp_dir("mqtt-tools-broker");
    try {
        if (!m_config.username.empty()) write_password_file(m_config, m_dir + "/passwd");
        for (int attempt = 1;; ++attempt) {
            if (start()) break;
            if (attempt == start_attempts)
                throw std::runtime_error(failure("no free port after " + std::to_string(attempt) + " attempts", m_dir));
        }
    } catch (...) {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
        throw;
    }
}

Broker::~Broker()
{
    stop();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

bool Broker::start()
{
    m_port = free_port();
    if (!m_config.second_listener.empty()) {
        do {
            m_second_port = free_port();
        } while (m_second_port == m_port);
    }
    if (m_config.websockets) {
        do {
            m_ws_port = free_port_any();
        } while (m_ws_port == m_port || m_ws_port == m_second_port);
    }
    write_file(m_dir + "/mosquitto.conf", config_text(m_config, m_dir, m_port, m_second_port, m_ws_port));
    // mosquitto appends to its log: start each attempt afresh so that only this attempt's
    // lines count below.
    std::filesystem::remove(m_dir + "/mosquitto.log");
    return launch();
}

void Broker::restart()
{
    stop();
    // The log starts afresh (readiness is read from it); the old one stays beside it.
    std::error_code ec;
    std::filesystem::rename(m_dir + "/mosquitto.log", m_dir + "/mosquitto.log.before-restart", ec);
    if (!launch()) throw std::runtime_error(failure("the port was taken while the broker was stopped", m_dir));
}

bool Broker::launch()
{
    m_pid = start_mosquitto(m_dir);

    const auto deadline = Clock::now() + start_bound;
    for (;;) {
        if (const auto status = detail::wait_exit(m_pid, 0ms)) {
            m_pid = -1;
            // Someone took the port between free_port() and mosquitto's bind.
            if (failure({}, m_dir).find("Address already in use") != std::string::npos) return false;
            throw std::runtime_error(failure("mosquitto exited with status " + std::to_string(*status), m_dir));
        }
        // "running" is logged once every listener is open: a successful connect is then to
        // our broker, not to whoever else may hold the port.
        if (log().find(" running\n") != std::string::npos && can_connect(m_port)) {
            // Tests should find a quiet broker: the probe's connection no longer counts
            // (max_connections) and its last log line is written.
            // Bounded short: the broker is usable anyway.
            if (logs_connections(m_config)) wait_for_log("Client <unknown> closed its connection.\n", 1s);
            return true;
        }
        if (Clock::now() >= deadline) {
            stop();
            throw std::runtime_error(
                failure("mosquitto did not accept connections within " + std::to_string(start_bound.count()) + " s", m_dir));
        }
        ::poll(nullptr, 0, static_cast<int>(detail::poll_step.count()));
    }
}

void Broker::stop()
{
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    if (!detail::wait_exit(m_pid, stop_bound)) detail::kill_and_reap(m_pid);
    m_pid = -1;
}

std::string Broker::log() const
{
    return read_file(m_dir + "/mosquitto.log");
}

bool Broker::wait_for_log(const std::string& needle, std::chrono::milliseconds timeout) const
{
    const auto deadline = Clock::now() + timeout;
    const std::string path = m_dir + "/mosquitto.log";
    // Reads only what was appended since the last look: logs of big tests grow to megabytes.
    detail::UniqueFd fd;
    off_t offset = 0;
    std::string window;
    for (;;) {
        if (fd.get() < 0) fd = detail::UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        char buf[65536];
        ssize_t n;
        while (fd.get() >= 0 && (n = ::pread(fd.get(), buf, sizeof buf, offset)) > 0) {
            offset += n;
            window.append(buf, static_cast<std::size_t>(n));
            if (window.find(needle) != std::string::npos) return true;
            // Keep enough to find a needle split across two reads.
            if (window.size() > needle.size()) window.erase(0, window.size() - needle.size());
        }
        if (window.find(needle) != std::string::npos) return true;
        if (Clock::now() >= deadline) return false;
        ::poll(nullptr, 0, static_cast<int>(detail::poll_step.count()));
    }
}

bool Broker::wait_for_suback(const std::string& client_id, std::chrono::milliseconds timeout) const
{
    // mosquitto 2.0 logs this once the subscription is in place (log_type all); the newline
    // keeps client "a" from matching a SUBACK to "ab".
    return wait_for_log("Sending SUBACK to " + client_id + "\n", timeout);
}

}  // namespace test
