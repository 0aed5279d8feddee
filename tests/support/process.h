// Runs a built tool as a child process the way a shell script would, with bytes on stdin,
// capturing stdout, stderr and the exit status; every run is bounded by a timeout.
#pragma once

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace test {

struct Result {
    int status = -1;         ///< exit status, or 128 + signal number when killed by a signal
    bool timed_out = false;  ///< the run was killed because it exceeded its timeout
    std::string out;         ///< everything written to stdout
    std::string err;         ///< everything written to stderr
};

/// Path of a built tool ("mqtt-pub", "mqtt-sub"), from the build directory.
std::string tool(const std::string& name);

/// Runs argv[0] (a path; no PATH search) with `input` as its stdin, waits for it to end, at
/// most `timeout` (then SIGKILL, timed_out = true). stdin is a regular file holding exactly
/// `input` (like `tool < file`, so an empty input is an immediate end of file, never the
/// terminal); no fd other than 0, 1, 2 is open in the child. The environment is the test's,
/// with HOME and XDG_CONFIG_HOME pointed at an empty folder (one per test process, removed
/// at exit) and no MQTT_* variables, so no user config is read. If argv[0] cannot be executed, status is 127.
Result run(const std::vector<std::string>& argv, const std::string& input = {},
           std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A child started in the background (e.g. a subscriber), whose output is collected while
/// it runs, set up as for run(). The destructor kills it (SIGKILL, by PID) if it is still
/// running, and reaps it. Children also get SIGKILL if the thread that started them ends,
/// so a crashed or timed-out test run leaves no process behind: start them from the test's
/// own thread. Output is only collected inside the calls below: a child that has filled
/// its pipe (1 MiB where the system allows, else 64 KiB) blocks writing until one is called.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv, const std::string& input = {});
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return m_pid; }
    /// Sends a signal to the child; does nothing once it has been reaped.
    void signal(int sig);
    /// Waits at most `timeout` for the child to end on its own; then kills it
    /// (timed_out = true). Returns everything it wrote.
    Result wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// Waits until stdout holds at least `bytes` bytes or the child ends, at most `timeout`.
    bool wait_for_output(std::size_t bytes, std::chrono::milliseconds timeout);
    /// What the child wrote to stdout so far.
    const std::string& out_so_far();
    /// What the child wrote to stderr so far.
    const std::string& err_so_far();

private:
    /// Reads what the pipes hold, waiting at most `timeout_ms` for something to arrive.
    void pump(int timeout_ms);
    /// Reaps the child if it ends within `timeout`, then collects its remaining output.
    bool reap_if_ended(std::chrono::milliseconds timeout);
    void finish(int status);
    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
    bool m_done = false;
    Result m_result;
};

}  // namespace test
