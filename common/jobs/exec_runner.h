// mqtt-sub --exec: runs a command per message without threads. Each command is started with
// posix_spawnp (no shell) in its own process group, gets the payload on its stdin through a
// non-blocking pipe that the poll loop fills, and the message's facts in its environment
// (exec_environment.h). Its exit is seen through a pidfd (or, before Linux 5.3, a SIGCHLD
// signalfd) in the same poll() set. At most `jobs` commands run at once; up to 4 x `jobs`
// more messages wait in a queue, and while it is full the subscriber takes no more from the
// broker. With one job the commands run one after another, in the order the messages came.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <poll.h>
#include <string>
#include <sys/types.h>
#include <vector>

#include "exec_spec.h"
#include "format.h"

namespace mqtt {

using ExecClock = std::chrono::steady_clock;

/// A command that failed: the line for stderr says so.
struct ExecFailure {
    std::string topic;
    std::string command;  ///< as the user wrote it
    std::string status;   ///< "exit status 3", "killed by SIGSEGV", "not started: No such file or directory"
};

/// The one stderr line for `failure`, after `lead` ("Warning" or "Error").
std::string exec_failure_line(const ExecFailure& failure, std::string_view lead);

/// The payload bytes that may wait for a free job (one message more may go past it).
inline constexpr std::size_t k_exec_queue_bytes = std::size_t{64} << 20;
/// How long running commands may go on after SIGINT or SIGTERM before they get SIGTERM.
inline constexpr std::chrono::seconds k_exec_grace{5};

class ExecRunner {
public:
    /// `inherited`: the tool's environment as "NAME=value" strings.
    ExecRunner(const std::vector<ExecRule>& rules, int jobs, std::vector<std::string> inherited);
    ~ExecRunner();
    ExecRunner(const ExecRunner&) = delete;
    ExecRunner& operator=(const ExecRunner&) = delete;

    /// Queues a command for `message` (the first rule whose filter matches its topic) and
    /// starts it if a job is free. False when no rule matches: nothing is run for it.
    bool add(const Message& message);
    /// No room for another message (4 x jobs waiting, or k_exec_queue_bytes of payloads):
    /// the caller stops reading until there is.
    bool full() const { return m_queue.size() >= m_queue_limit || m_queued_bytes >= k_exec_queue_bytes; }
    /// Nothing running and nothing waiting.
    bool idle() const { return m_running.empty() && m_queue.empty(); }

    /// The descriptors to watch (pidfds, unfinished stdin pipes): fills at most `room`.
    std::size_t poll_fds(pollfd* fds, std::size_t room) const;
    /// After poll(): feeds stdin pipes, reaps commands that ended, starts waiting ones.
    void on_poll(const pollfd* fds, std::size_t count);

    /// The failures since the last call.
    std::vector<ExecFailure> take_failures();
    long failed() const { return m_failed; }
    long finished() const { return m_finished; }

    /// Ending: the waiting messages are dropped; the running commands may go on until
    /// `grace` from now, then get SIGTERM, and SIGKILL a second later.
    void wind_down(ExecClock::duration grace);
    /// Ends the running commands now (SIGTERM, SIGKILL a second later).
    void terminate_now();
    /// When on_tick() must run: the next SIGTERM or SIGKILL due, if any.
    std::optional<ExecClock::time_point> wake_at() const;
    /// Sends the signals that are due.
    void on_tick();

    /// How drain() ended.
    enum class DrainEnd { done, signalled, timed_out };
    /// After the broker's loop: runs until idle, watching SIGINT, SIGTERM and SIGHUP itself:
    /// the first winds down (k_exec_grace), a second ends the commands at once, and so does
    /// `deadline` (-W) when it passes.
    DrainEnd drain(std::optional<ExecClock::time_point> deadline);

private:
    struct Waiting {
        const ExecRule* rule;
        std::string topic;
        std::string payload;
        std::vector<std::string> env;
    };
    struct Running {
        pid_t pid = -1;
        int pidfd = -1;     ///< -1 with the SIGCHLD fallback
        int stdin_fd = -1;  ///< -1 once the payload is written or the command stopped reading
        std::string topic;
        const ExecRule* rule = nullptr;
        std::string payload;
        std::size_t written = 0;
    };
    void start_waiting();
    void start(Waiting& waiting);
    /// Writes what the pipe takes now; closes it when done or when the command left.
    void feed(Running& running);
    /// Reaps `running` if it ended; true when it did (it is then removed by the caller).
    bool reap(Running& running);
    void signal_all(int signal);
    void fail(const std::string& topic, const ExecRule& rule, std::string status);

    const std::vector<ExecRule>& m_rules;
    std::size_t m_jobs;
    std::size_t m_queue_limit;
    std::vector<std::string> m_inherited;
    std::deque<Waiting> m_queue;
    std::size_t m_queued_bytes = 0;  ///< the payloads in m_queue
    std::vector<Running> m_running;
    std::vector<ExecFailure> m_failures;
    long m_failed = 0;
    long m_finished = 0;
    int m_child_signal_fd = -1;  ///< the SIGCHLD fallback when pidfd_open is missing
    bool m_winding_down = false;
    std::optional<ExecClock::time_point> m_term_at;  ///< when the running get SIGTERM
    std::optional<ExecClock::time_point> m_kill_at;  ///< and SIGKILL
};

}  // namespace mqtt
