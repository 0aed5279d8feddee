#include "process.h"

#include "spawn_detail.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <stdexcept>
#include <string_view>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>

#ifndef MQTT_TOOLS_BIN_DIR
#error "MQTT_TOOLS_BIN_DIR must name the folder of the built tools, as a string literal"
#endif

extern char** environ;

namespace test {
namespace detail {
namespace {

[[noreturn]] void throw_errno(const std::string& what)
{
    throw std::system_error(errno, std::generic_category(), what);
}

// One per test process, removed at exit: tools must not find the developer's own config.
const std::string& private_home()
{
    struct Dir {
        std::string path = make_temp_dir("mqtt-tools-home");
        ~Dir()
        {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    };
    static const Dir dir;
    return dir.path;
}

std::vector<std::string> child_environment()
{
    const std::string& home = private_home();
    std::vector<std::string> env;
    for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
        const std::string_view var(*entry);
        // MQTT_* would stand for options (see options_file.h): a test sets the ones it means.
        if (!var.starts_with("HOME=") && !var.starts_with("XDG_CONFIG_HOME=") && !var.starts_with("MQTT_")) env.emplace_back(var);
    }
    env.push_back("HOME=" + home);
    env.push_back("XDG_CONFIG_HOME=" + home);
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings)
{
    std::vector<char*> result;
    for (auto& s : strings) result.push_back(s.data());
    result.push_back(nullptr);
    return result;
}

// Only async-signal-safe calls from here on: the child of a fork may hold copies of locks
// that another thread of the parent owned.
[[noreturn]] void exec_child(char* const argv[], char* const envp[], const int fds[3], pid_t parent, std::string_view exec_error)
{
    // Until exec, this is a copy of the test process: a signal sent to the child now (say a
    // test's quick SIGTERM) must not run the test's handlers (doctest's would report a crash
    // of the test run). spawn() blocked all signals; pending ones now get default actions.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
    // An empty mask, as a shell gives its commands: the mask survives exec.
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);

    // A parent that dies (crash, ctest timeout) takes its brokers and tools with it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);

    // Move the sources above 2 first so that dup2 cannot overwrite one with another.
    int moved[3];
    for (int i = 0; i < 3; ++i) {
        moved[i] = ::fcntl(fds[i], F_DUPFD, 3);
        if (moved[i] < 0) ::_exit(127);
    }
    for (int i = 0; i < 3; ++i)
        if (::dup2(moved[i], i) < 0) ::_exit(127);
    if (::close_range(3, ~0U, 0) != 0) {
        const long max_fd = ::sysconf(_SC_OPEN_MAX);
        for (int fd = 3; fd < (max_fd > 0 ? max_fd : 1024); ++fd) ::close(fd);
    }

    ::execve(argv[0], argv, envp);
    [[maybe_unused]] auto written = ::write(2, exec_error.data(), exec_error.size());
    ::_exit(127);
}

int status_of(int wait_status)
{
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return -1;
}

// A regular file rather than a pipe: the child reads it at its own pace, so we never block
// writing, never get SIGPIPE, and inputs of any size work.
UniqueFd input_file(const std::string& input)
{
    UniqueFd fd(::memfd_create("test-stdin", MFD_CLOEXEC));
    if (fd.get() < 0) throw_errno("memfd_create");
    std::size_t done = 0;
    while (done < input.size()) {
        const ssize_t n = ::write(fd.get(), input.data() + done, input.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("writing the child's stdin");
        done += static_cast<std::size_t>(n);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) != 0) throw_errno("lseek");
    return fd;
}

// Reads what is there now, up to a cap so that a child writing without end cannot keep us
// here past a deadline. Closes `fd` at end of file.
void read_available(int& fd, std::string& into)
{
    char buf[65536];
    for (int round = 0; round < 16 && fd >= 0; ++round) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        ::close(fd);
        fd = -1;
    }
}

int to_poll_ms(std::chrono::steady_clock::duration d)
{
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(d).count();
    return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, detail::poll_step.count()));
}

}  // namespace

std::string make_temp_dir(const std::string& prefix)
{
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + ".XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw_errno("mkdtemp " + templ);
    return templ;
}

pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd)
{
    if (argv.empty()) throw std::invalid_argument("test: spawn with an empty argv");
    // Everything the child needs is built before fork, which it must not allocate after.
    std::vector<std::string> args = argv;
    std::vector<std::string> env = child_environment();
    std::vector<char*> c_args = c_strings(args);
    std::vector<char*> c_env = c_strings(env);
    const std::string exec_error = "test: cannot execute " + argv[0] + "\n";
    const int fds[3] = {in_fd, out_fd, err_fd};
    const pid_t parent = ::getpid();

    sigset_t all;
    sigset_t previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(c_args.data(), c_env.data(), fds, parent, exec_error);
    const int fork_errno = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
        errno = fork_errno;
        throw_errno("fork");
    }
    return pid;
}

std::optional<int> wait_exit(pid_t pid, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int wait_status = 0;
        const pid_t r = ::waitpid(pid, &wait_status, WNOHANG);
        if (r == pid) return status_of(wait_status);
        if (r < 0 && errno != EINTR) return -1;  // not our child (any more): nothing to wait for
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return std::nullopt;
        ::poll(nullptr, 0, to_poll_ms(left));
    }
}

int kill_and_reap(pid_t pid)
{
    ::kill(pid, SIGKILL);
    int wait_status = 0;
    pid_t r;
    while ((r = ::waitpid(pid, &wait_status, 0)) < 0 && errno == EINTR) {}
    return r == pid ? status_of(wait_status) : -1;
}

}  // namespace detail

std::string tool(const std::string& name)
{
    return std::string(MQTT_TOOLS_BIN_DIR) + "/" + name;
}

Result run(const std::vector<std::string>& argv, const std::string& input, std::chrono::milliseconds timeout)
{
    Child child(argv, input);
    return child.wait(timeout);
}

Child::Child(const std::vector<std::string>& argv, const std::string& input)
{
    using detail::UniqueFd;
    UniqueFd in = detail::input_file(input);
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) detail::throw_errno("pipe2");
    UniqueFd out_read(out_pipe[0]), out_write(out_pipe[1]);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) detail::throw_errno("pipe2");
    UniqueFd err_read(err_pipe[0]), err_write(err_pipe[1]);
    for (int fd : {out_read.get(), err_read.get()}) {
        // Non-blocking so that pump() never waits longer than it was asked to.
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        // Room for a burst (a subscriber receiving while the test runs a publisher) before
        // the child blocks; best effort, the system may cap it.
        ::fcntl(fd, F_SETPIPE_SZ, 1 << 20);
    }

    m_pid = detail::spawn(argv, in.get(), out_write.get(), err_write.get());
    m_out = out_read.release();
    m_err = err_read.release();
    // The write ends close here: end of file on the pipes then means the child closed them.
}

Child::~Child()
{
    if (!m_done && m_pid > 0) detail::kill_and_reap(m_pid);
    for (int fd : {m_out, m_err})
        if (fd >= 0) ::close(fd);
}

void Child::signal(int sig)
{
    // Once reaped, the PID may belong to someone else.
    if (!m_done && m_pid > 0) ::kill(m_pid, sig);
}

void Child::pump(int timeout_ms)
{
    pollfd fds[2];
    nfds_t count = 0;
    for (int fd : {m_out, m_err})
        if (fd >= 0) fds[count++] = pollfd{fd, POLLIN, 0};
    if (::poll(count > 0 ? fds : nullptr, count, timeout_ms) <= 0) return;
    // Read even without POLLIN: POLLHUP/POLLERR are reported as end of file by read().
    if (m_out >= 0) detail::read_available(m_out, m_result.out);
    if (m_err >= 0) detail::read_available(m_err, m_result.err);
}

bool Child::reap_if_ended(std::chrono::milliseconds timeout)
{
    if (m_done) return true;
    const std::optional<int> status = detail::wait_exit(m_pid, timeout);
    if (!status) return false;
    finish(*status);
    return true;
}

void Child::finish(int status)
{
    m_result.status = status;
    m_done = true;
    // What the child wrote before it ended is in the pipes now. Descendants that still hold
    // the write ends do not keep us waiting.
    while (m_out >= 0 || m_err >= 0) {
        if (m_out >= 0) detail::read_available(m_out, m_result.out);
        if (m_err >= 0) detail::read_available(m_err, m_result.err);
        for (int* fd : {&m_out, &m_err}) {
            pollfd p{*fd, POLLIN, 0};
            if (*fd >= 0 && ::poll(&p, 1, 0) == 0) {  // drained, nobody is writing right now
                ::close(*fd);
                *fd = -1;
            }
        }
    }
}

Result Child::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!reap_if_ended(std::chrono::milliseconds(0))) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) {
            m_result.timed_out = true;
            finish(detail::kill_and_reap(m_pid));
            break;
        }
        pump(detail::to_poll_ms(left));
    }
    return m_result;
}

bool Child::wait_for_output(std::size_t bytes, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (m_result.out.size() < bytes && !reap_if_ended(std::chrono::milliseconds(0))) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) break;
        pump(detail::to_poll_ms(left));
    }
    return m_result.out.size() >= bytes;
}

const std::string& Child::out_so_far()
{
    if (!reap_if_ended(std::chrono::milliseconds(0))) pump(0);
    return m_result.out;
}

const std::string& Child::err_so_far()
{
    if (!reap_if_ended(std::chrono::milliseconds(0))) pump(0);
    return m_result.err;
}

}  // namespace test
