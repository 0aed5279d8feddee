// Runs a built tool as a child process the way a shell script would, with bytes on stdin,
// capturing stdout, stderr and the exit status; every run is bounded by a timeout.
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace test {

struct Result {
    int status = -1;        ///< exit status, or 128 + signal number when killed by a signal
    bool timed_out = false; ///< the run was killed because it exceeded its timeout
    std::string out;        ///< everything written to stdout
    std::string err;        ///< everything written to stderr
};

/// Path of a built tool ("mqtt-pub", "mqtt-sub"), from the build directory.
std::string tool(const std::string& name);

/// Runs argv[0] (a path) with `input` written to its stdin (then closed), waits for it to
/// end, at most `timeout` (then SIGKILL, timed_out = true). The environment is the test's,
/// with HOME and XDG_CONFIG_HOME pointed at an empty folder so no user config is read.
Result run(const std::vector<std::string>& argv, const std::string& input = {},
           std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A child started in the background (e.g. a subscriber), whose output is collected while
/// it runs. The destructor kills it (by PID) if it is still running.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv, const std::string& input = {});
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return m_pid; }
    /// Sends a signal to the child.
    void signal(int sig);
    /// Waits at most `timeout` for the child to end on its own; then kills it
    /// (timed_out = true). Returns everything it wrote.
    Result wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// Waits until stdout holds at least `bytes` bytes or the child ends, at most `timeout`.
    bool wait_for_output(std::size_t bytes, std::chrono::milliseconds timeout);
    /// What the child wrote to stdout so far.
    const std::string& out_so_far();

private:
    void pump(int timeout_ms);
    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
    bool m_done = false;
    Result m_result;
};

}  // namespace test
