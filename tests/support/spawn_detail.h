// Process plumbing shared by broker.cpp and process.cpp (defined in process.cpp); not part
// of the tests' API. Named so that it cannot shadow the system <spawn.h>.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <unistd.h>
#include <vector>

namespace test::detail {

/// Owns a file descriptor so that early returns and exceptions cannot leak it.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : m_fd(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept
    {
        if (this != &other) {
            reset();
            m_fd = other.release();
        }
        return *this;
    }

    int get() const { return m_fd; }
    int release()
    {
        const int fd = m_fd;
        m_fd = -1;
        return fd;
    }
    void reset()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    int m_fd = -1;
};

/// A new private folder under $TMPDIR (or /tmp); throws std::system_error.
std::string make_temp_dir(const std::string& prefix);

/// Starts argv (argv[0] is a path, no PATH search) with in/out/err as its fds 0/1/2 and no
/// other fd open, in the test environment (see process.h). The child gets SIGKILL when the
/// thread that started it ends, so a crashed or killed test run leaves nothing behind.
/// If argv[0] cannot be executed, the child writes why to err and exits with 127.
pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd);

/// Reaps `pid` if it ends within `timeout`: its status as in Result::status, -1 if unknown.
/// std::nullopt while it is still running.
std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout);

/// SIGKILL and reap, for a child that must not outlive its owner; returns its status.
int kill_and_reap(pid_t pid);

/// The step of every polling loop: short, so that waits end promptly.
inline constexpr std::chrono::milliseconds poll_step{5};

}  // namespace test::detail
