#include "exec_runner.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec_environment.h"
#include "quote.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

/// Whether this kernel has pidfd_open (Linux 5.3 and later).
bool has_pidfd()
{
    const int fd = open_pidfd(::getpid());
    if (fd < 0) return errno != ENOSYS;
    ::close(fd);
    return true;
}

void close_fd(int& fd)
{
    if (fd >= 0) ::close(fd);
    fd = -1;
}

std::string wait_status_text(int status)
{
    if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const char* name = sigabbrev_np(WTERMSIG(status));
        return name ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", WTERMSIG(status));
    }
    return fmt::format("wait status {}", status);
}

/// Frees the posix_spawn attributes and file actions however start() leaves.
struct SpawnSetup {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    SpawnSetup()
    {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~SpawnSetup()
    {
        posix_spawnattr_destroy(&attr);
        posix_spawn_file_actions_destroy(&actions);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

std::string exec_failure_line(const ExecFailure& failure, std::string_view lead)
{
    return fmt::format("{}: The command {} for the message on topic {} failed: {}.", lead,
                       escape_control(quote_value(failure.command)), escape_control(failure.topic), failure.status);
}

ExecRunner::ExecRunner(const std::vector<ExecRule>& rules, int jobs, std::vector<std::string> inherited)
    : m_rules(rules), m_jobs(static_cast<std::size_t>(std::clamp(jobs, 1, k_max_exec_jobs))), m_queue_limit(m_jobs * 4),
      m_inherited(std::move(inherited))
{
    if (!has_pidfd()) {
        // Before Linux 5.3: a child's exit shows as SIGCHLD on a signalfd instead.
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        m_child_signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    }
}

ExecRunner::~ExecRunner()
{
    // drain() normally leaves nothing; after an exception, end what still runs.
    for (auto& running : m_running) {
        ::kill(-running.pid, SIGKILL);
        ::waitpid(running.pid, nullptr, 0);
        close_fd(running.pidfd);
        close_fd(running.stdin_fd);
    }
    close_fd(m_child_signal_fd);
}

bool ExecRunner::add(const Message& message)
{
    const ExecRule* rule = find_exec_rule(m_rules, message.topic);
    if (!rule) return false;
    m_queue.push_back({rule, std::string(message.topic), std::string(message.payload), exec_environment(m_inherited, message)});
    m_queued_bytes += message.payload.size();
    start_waiting();
    return true;
}

void ExecRunner::start_waiting()
{
    while (!m_winding_down && !m_queue.empty() && m_running.size() < m_jobs) {
        Waiting waiting = std::move(m_queue.front());
        m_queue.pop_front();
        m_queued_bytes -= waiting.payload.size();
        start(waiting);
    }
}

void ExecRunner::fail(const std::string& topic, const ExecRule& rule, std::string status)
{
    ++m_failed;
    m_failures.push_back({topic, rule.text, std::move(status)});
}

void ExecRunner::start(Waiting& waiting)
{
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        ++m_finished;
        fail(waiting.topic, *waiting.rule, fmt::format("not started: {}", std::strerror(errno)));
        return;
    }
    ::fcntl(pipe_fds[1], F_SETFL, ::fcntl(pipe_fds[1], F_GETFL) | O_NONBLOCK);

    SpawnSetup setup;
    // The payload pipe becomes stdin; no other descriptor of ours (the broker's socket, other
    // commands' pipes) reaches the command.
    posix_spawn_file_actions_adddup2(&setup.actions, pipe_fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1);
    // Signals as a fresh process has them (ours are blocked for the signalfd, SIGPIPE is
    // ignored), and a process group of its own: Ctrl-C reaches mqtt-sub alone, which lets
    // the command finish.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int s : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGALRM}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

    std::vector<char*> argv;
    for (const auto& word : waiting.rule->argv) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& entry : waiting.env) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, argv[0], &setup.actions, &setup.attr, argv.data(), envp.data());
    ::close(pipe_fds[0]);
    if (rc != 0) {
        ::close(pipe_fds[1]);
        ++m_finished;
        fail(waiting.topic, *waiting.rule, fmt::format("not started: {}", std::strerror(rc)));
        return;
    }
    Running running;
    running.pid = pid;
    running.pidfd = m_child_signal_fd >= 0 ? -1 : open_pidfd(pid);
    running.stdin_fd = pipe_fds[1];
    running.topic = std::move(waiting.topic);
    running.rule = waiting.rule;
    running.payload = std::move(waiting.payload);
    feed(running);
    m_running.push_back(std::move(running));
}

void ExecRunner::feed(Running& running)
{
    while (running.stdin_fd >= 0 && running.written < running.payload.size()) {
        const ssize_t n =
            ::write(running.stdin_fd, running.payload.data() + running.written, running.payload.size() - running.written);
        if (n > 0) {
            running.written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;  // the pipe is full: poll() says when it takes more
        } else {
            break;  // EPIPE: the command does not read its stdin; its exit status tells
        }
    }
    close_fd(running.stdin_fd);
    running.payload.clear();
    running.payload.shrink_to_fit();
}

bool ExecRunner::reap(Running& running)
{
    int status = 0;
    const pid_t done = ::waitpid(running.pid, &status, WNOHANG);
    if (done == 0 || (done < 0 && errno == EINTR)) return false;
    close_fd(running.pidfd);
    close_fd(running.stdin_fd);
    ++m_finished;
    if (done < 0) {
        fail(running.topic, *running.rule, fmt::format("lost: {}", std::strerror(errno)));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail(running.topic, *running.rule, wait_status_text(status));
    }
    return true;
}

std::size_t ExecRunner::poll_fds(pollfd* fds, std::size_t room) const
{
    std::size_t count = 0;
    if (m_child_signal_fd >= 0 && count < room) fds[count++] = {m_child_signal_fd, POLLIN, 0};
    for (const auto& running : m_running) {
        if (running.pidfd >= 0 && count < room) fds[count++] = {running.pidfd, POLLIN, 0};
        if (running.stdin_fd >= 0 && count < room) fds[count++] = {running.stdin_fd, POLLOUT, 0};
    }
    return count;
}

void ExecRunner::on_poll(const pollfd* fds, std::size_t count)
{
    const auto ready = [&](int fd) {
        for (std::size_t i = 0; i < count; ++i) {
            if (fds[i].fd == fd) return fds[i].revents != 0;
        }
        return false;
    };
    bool child_signal = false;
    if (m_child_signal_fd >= 0 && ready(m_child_signal_fd)) {
        signalfd_siginfo info{};
        while (::read(m_child_signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {}
        child_signal = true;
    }
    for (auto& running : m_running) {
        if (running.stdin_fd >= 0 && ready(running.stdin_fd)) feed(running);
    }
    std::erase_if(m_running, [&](Running& running) {
        return (child_signal || (running.pidfd >= 0 && ready(running.pidfd)) || running.pidfd < 0) && reap(running);
    });
    start_waiting();
}

std::vector<ExecFailure> ExecRunner::take_failures()
{
    std::vector<ExecFailure> out;
    out.swap(m_failures);
    return out;
}

void ExecRunner::wind_down(ExecClock::duration grace)
{
    m_queue.clear();
    m_queued_bytes = 0;
    m_winding_down = true;
    const auto at = ExecClock::now() + grace;
    if (!m_kill_at && (!m_term_at || at < *m_term_at)) m_term_at = at;
}

void ExecRunner::terminate_now()
{
    wind_down(ExecClock::duration::zero());
}

std::optional<ExecClock::time_point> ExecRunner::wake_at() const
{
    if (m_running.empty()) return std::nullopt;
    if (m_term_at) return m_term_at;
    return m_kill_at;
}

void ExecRunner::signal_all(int signal)
{
    for (const auto& running : m_running) {
        // The command's process group: what `sh -c` started goes too.
        if (::kill(-running.pid, signal) != 0) ::kill(running.pid, signal);
    }
}

void ExecRunner::on_tick()
{
    const auto now = ExecClock::now();
    if (m_term_at && now >= *m_term_at) {
        m_term_at.reset();
        if (!m_running.empty()) {
            signal_all(SIGTERM);
            m_kill_at = now + std::chrono::seconds(1);
        }
    } else if (m_kill_at && now >= *m_kill_at) {
        m_kill_at.reset();
        signal_all(SIGKILL);
    }
}

ExecRunner::DrainEnd ExecRunner::drain(std::optional<ExecClock::time_point> deadline)
{
    // SIGINT, SIGTERM and SIGHUP are blocked (the broker loop took them through its own
    // signalfd); this one sees those that come now.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    const int signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    DrainEnd end = DrainEnd::done;
    while (!idle()) {
        const auto now = ExecClock::now();
        if (deadline && now >= *deadline && !m_winding_down) {
            terminate_now();
            end = DrainEnd::timed_out;
        }
        on_tick();
        auto wake = now + std::chrono::seconds(1);
        if (auto at = wake_at()) wake = std::min(wake, *at);
        if (deadline && !m_winding_down) wake = std::min(wake, *deadline);
        const auto ms = std::max<long long>(0, std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
        pollfd fds[1 + 2 * k_max_exec_jobs + 1];
        std::size_t count = 0;
        if (signal_fd >= 0) fds[count++] = {signal_fd, POLLIN, 0};
        count += poll_fds(fds + count, std::size(fds) - count);
        const int n = ::poll(fds, count, static_cast<int>(ms));
        if (n <= 0) continue;
        if (signal_fd >= 0 && (fds[0].revents & POLLIN)) {
            signalfd_siginfo info{};
            if (::read(signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
                // A first signal lets the running commands finish (for a while); a second
                // ends them.
                if (m_winding_down) {
                    terminate_now();
                } else {
                    wind_down(k_exec_grace);
                }
                if (end == DrainEnd::done) end = DrainEnd::signalled;
            }
        }
        on_poll(fds + (signal_fd >= 0 ? 1 : 0), count - (signal_fd >= 0 ? 1 : 0));
    }
    if (signal_fd >= 0) ::close(signal_fd);
    return end;
}

}  // namespace mqtt
