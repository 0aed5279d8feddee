// Helpers shared by the end-to-end tests: command lines for the built tools against a
// test::Broker, a subscriber's run from start to end, expected stderr texts, temporary
// files, FIFOs and shell wrappers.
#pragma once

#include <doctest/doctest.h>

#include "broker.h"
#include "process.h"

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <poll.h>
#include <sstream>
#include <source_location>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <system_error>
#include <type_traits>
#include <unistd.h>
#include <vector>

namespace e2e {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Args = std::vector<std::string>;

/// `name` (a built tool) with `args`, nothing added.
inline Args command(const std::string& name, const Args& args)
{
    Args argv{test::tool(name)};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// `name` connecting to `broker` (-h 127.0.0.1 -p <port>), then `args`.
inline Args at(const test::Broker& broker, const std::string& name, const Args& args)
{
    Args argv{test::tool(name), "-h", "127.0.0.1", "-p", broker.port_str()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

inline Args pub(const test::Broker& broker, const Args& args)
{
    return at(broker, "mqtt-pub", args);
}
inline Args sub(const test::Broker& broker, const Args& args)
{
    return at(broker, "mqtt-sub", args);
}
inline Args rr(const test::Broker& broker, const Args& args)
{
    return at(broker, "mqtt-rr", args);
}

/// A broker configuration with one account (anonymous clients refused).
inline test::BrokerConfig with_account(const std::string& username, const std::string& password)
{
    test::BrokerConfig config;
    config.username = username;
    config.password = password;
    return config;
}

/// A broker configuration with `extra` lines for mosquitto.conf.
inline test::BrokerConfig with_extra(const std::string& extra)
{
    test::BrokerConfig config;
    config.extra = extra;
    return config;
}

/// The first line of `text`, without its '\n'.
inline std::string first_line(const std::string& text)
{
    return text.substr(0, text.find('\n'));
}

/// The lines of `text`, each without its '\n'.
inline std::vector<std::string> split_lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// What a usage error writes on stderr: the error line, then the hint.
inline std::string usage_error(const std::string& tool_name, const std::string& line)
{
    return line + "\nUse '" + tool_name + " --help' to see usage.\n";
}

/// Seconds elapsed since `start`.
inline double seconds_since(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The one polling wait of the tests: asks `done` every few milliseconds until it answers
/// true (then true) or `timeout` has passed (then false). For what has no wait of its own
/// (a file that appears, a count kept by a server thread, a child's output so far, which
/// out_so_far() and err_so_far() collect on each call); broker logs and SUBACKs have
/// test::Broker's waits. The bound is generous: under ASan on a loaded machine, seconds.
template <class Done> bool wait_until(Done&& done, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (done()) return true;
        if (Clock::now() >= deadline) return false;
        ::poll(nullptr, 0, 5);
    }
}

/// Waits (bounded) until a file exists at `path` (a --ready-file, a command's mark).
inline bool wait_for_file(const std::string& path, std::chrono::milliseconds timeout = 20s)
{
    return wait_until([&] { return ::access(path.c_str(), F_OK) == 0; }, timeout);
}

/// Waits (bounded) until the broker has acknowledged the subscription of the background
/// mqtt-sub started with `-i id`; the test stops if it never comes.
inline void require_subscribed(const test::Broker& broker, const std::string& id)
{
    REQUIRE_MESSAGE(broker.wait_for_suback(id), "no SUBACK to " << id << "; broker log:\n" << broker.log());
}

/// Runs mqtt-pub against `broker` and requires that it succeeded silently.
inline void publish(const test::Broker& broker, const Args& args, const std::string& input = {})
{
    const test::Result r = test::run(pub(broker, args), input);
    INFO("mqtt-pub stderr: " << r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.status == 0);
    REQUIRE(r.err.empty());
    REQUIRE(r.out.empty());
}

/// The shape of most subscriber tests: starts `argv` (an mqtt-sub command line with
/// `-i id`) in the background, waits (bounded) until the broker has acknowledged its
/// subscription, calls `then` (which publishes, or signals the subscriber when it takes a
/// test::Child&), then waits at most `timeout` for the subscriber to end and returns all
/// it wrote.
template <class Then>
test::Result run_subscriber(const test::Broker& broker, const std::string& id, const Args& argv, Then&& then,
                            std::chrono::milliseconds timeout = 10s)
{
    test::Child subscriber(argv);
    require_subscribed(broker, id);
    if constexpr (std::is_invocable_v<Then&, test::Child&>) {
        then(subscriber);
    } else {
        then();
    }
    return subscriber.wait(timeout);
}

/// A `then` for run_subscriber, for a subscriber of topic "r" (client id `id`) that should
/// print "one\ntwo\n": publishes "one", restarts the broker once it is printed (without
/// persistence, so only resubscribing brings the next message), waits for the new SUBACK
/// and publishes "two".
inline auto restart_between(test::Broker& broker, const std::string& id)
{
    return [&broker, id](test::Child& subscriber) {
        publish(broker, {"-t", "r", "-m", "one"});
        REQUIRE(subscriber.wait_for_output(4, 10s));
        broker.restart();
        require_subscribed(broker, id);
        publish(broker, {"-t", "r", "-m", "two"});
    };
}

/// Checks how a run ended: by itself (not killed at its deadline), with `status`, and
/// exactly `out` on stdout and `err` on stderr. A failure names the caller's line.
inline void check_ended(const test::Result& r, int status, const std::string& out, const std::string& err = {},
                        std::source_location caller = std::source_location::current())
{
    INFO("checked at " << std::string(caller.file_name()) << ":" << caller.line());
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == status);
    CHECK(r.out == out);
    CHECK(r.err == err);
}

/// A command line the tool refuses: `args` after the tool's name, and the error line.
struct Refusal {
    Args args;
    std::string line;
};

/// Runs `tool` with `before` and then each refusal's args: each must end with status 1,
/// nothing on stdout, and its line and the usage hint on stderr.
inline void check_refusals(const std::string& tool, const Args& before, const std::vector<Refusal>& refusals,
                           std::source_location caller = std::source_location::current())
{
    for (const auto& refusal : refusals) {
        Args argv = command(tool, before);
        argv.insert(argv.end(), refusal.args.begin(), refusal.args.end());
        CAPTURE(refusal.line);
        check_ended(test::run(argv), 1, "", usage_error(tool, refusal.line), caller);
    }
}

/// A private folder, removed with everything in it at the end of the test.
/// The largest resident set of the running process `pid` so far, in KiB (VmHWM), or 0.
inline long peak_rss_kib(pid_t pid)
{
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

/// What run_measured gives: the run, and the tool's own peak resident set in KiB.
struct Measured {
    test::Result result;
    long peak_kib = 0;
};

class TempDir {
public:
    TempDir()
    {
        const char* tmp = std::getenv("TMPDIR");
        std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mqtt-tools-e2e.XXXXXX";
        if (::mkdtemp(templ.data()) == nullptr) { throw std::system_error(errno, std::generic_category(), "mkdtemp"); }
        m_path = templ;
    }
    ~TempDir()
    {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return m_path; }

    /// Writes `bytes` to the file `name` in this folder; returns its path.
    std::string write(const std::string& name, const std::string& bytes) const
    {
        const std::string file = m_path + "/" + name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) throw std::runtime_error("cannot write " + file);
        return file;
    }

private:
    std::string m_path;
};

/// The bytes of the file at `path` ("" when it cannot be read).
inline std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// test::run for a tool that ends by itself, through tests/support's peak-rss, which counts
/// the tool's memory alone (a child forked from the test process would start from the
/// test's own peak).
inline Measured run_measured(const Args& argv, const std::string& input = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(60))
{
    TempDir dir;
    const std::string file = dir.path() + "/peak";
    Args wrapped{MQTT_TOOLS_PEAK_RSS, file};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    Measured measured{test::run(wrapped, input, timeout)};
    std::ifstream in(file);
    in >> measured.peak_kib;
    return measured;
}

/// A named pipe that the test holds open for writing (O_RDWR, so that a reader's open never
/// blocks): a child reading it waits for input until the test writes or closes it.
class Fifo {
public:
    explicit Fifo(const TempDir& dir) : m_path(dir.path() + "/fifo")
    {
        if (::mkfifo(m_path.c_str(), 0600) != 0) throw std::system_error(errno, std::generic_category(), "mkfifo");
        m_fd = ::open(m_path.c_str(), O_RDWR | O_CLOEXEC);
        if (m_fd < 0) throw std::system_error(errno, std::generic_category(), "open fifo");
    }
    ~Fifo() { close(); }
    Fifo(const Fifo&) = delete;
    Fifo& operator=(const Fifo&) = delete;

    const std::string& path() const { return m_path; }

    void write(const std::string& bytes) const
    {
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::system_error(errno, std::generic_category(), "write fifo");
            done += static_cast<std::size_t>(n);
        }
    }
    /// The last writer goes away: the reader sees end of file.
    void close()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }

private:
    std::string m_path;
    int m_fd = -1;
};

/// `argv` run with XDG_CONFIG_HOME set to `folder` (where options files and profiles are
/// read) and the environment variables `variables` ("NAME=value").
inline Args with_env(const std::string& folder, const Args& variables, const Args& argv)
{
    Args env{"/usr/bin/env", "XDG_CONFIG_HOME=" + folder};
    env.insert(env.end(), variables.begin(), variables.end());
    env.insert(env.end(), argv.begin(), argv.end());
    return env;
}

/// `argv` run by /bin/sh with its stdin read from `path` (`exec argv < path`): the child's
/// PID is the tool's own.
inline Args with_stdin_from(const std::string& path, const Args& argv)
{
    Args shell{"/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", path};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

/// `argv` run by /bin/sh with its stdout sent to `path` (`exec argv > path`).
inline Args with_stdout_to(const std::string& path, const Args& argv)
{
    Args shell{"/bin/sh", "-c", "f=$1; shift; exec \"$@\" > \"$f\"", "sh", path};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

/// `argv` run with its stdout (and stderr) on a pseudo-terminal, by util-linux's `script`;
/// what the terminal showed comes back as stdout, with each "\n" as "\r\n", and the
/// status is argv's. `variables` ("NAME=value") are set for argv.
inline Args on_terminal(const Args& argv, const Args& variables = {})
{
    std::string line = "exec /usr/bin/env";
    for (const auto& arg : variables) line += " '" + arg + "'";
    for (const auto& arg : argv) {
        line += " '";
        for (const char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
        line += "'";
    }
    return {"/usr/bin/script", "-q", "-e", "-c", line, "/dev/null"};
}

/// `argv | head -c 1`, then "END" once the pipeline is over; exits with argv's status.
inline Args piped_to_head_c1(const Args& argv)
{
    Args shell{"/bin/bash", "-c", "\"$@\" | head -c 1; s=${PIPESTATUS[0]}; printf END; exit $s", "bash"};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

/// Sends `signal` (called `name`, e.g. "SIGTERM") to a background mqtt-pub that has sent
/// one message, which the broker acknowledged, and checks that it ends with 11 and says so.
inline void check_interrupted(test::Child& publisher, int signal, const std::string& name,
                              std::source_location caller = std::source_location::current())
{
    publisher.signal(signal);
    check_ended(publisher.wait(5s), 11, "",
                "Error: Interrupted by " + name +
                    " before the job was done.\n"
                    "Account: sent 1, acknowledged 1, refused 0, not acknowledged 0.\n",
                caller);
}

/// A signal test of mqtt-pub -l `pub_args` (topic l): it reads a FIFO, sends one line,
/// which a subscriber prints, and waits for the next; then (once the broker has logged
/// `ready`, when not empty) `signal` must end it with 11 and its account.
inline void check_signal_ends_waiting_publisher(const test::Broker& broker, const Args& pub_args, const std::string& ready,
                                                int signal, const std::string& name)
{
    TempDir dir;
    Fifo fifo(dir);
    std::optional<test::Child> publisher;
    const test::Result r =
        run_subscriber(broker, "printer", sub(broker, {"-i", "printer", "-t", "l", "-C", "1", "-W", "10"}), [&] {
            publisher.emplace(with_stdin_from(fifo.path(), pub(broker, pub_args)));
            fifo.write("sent\n");
        });
    REQUIRE(r.out == "sent\n");  // mqtt-pub is connected and waits for the next line
    if (!ready.empty()) REQUIRE(broker.wait_for_log(ready));
    check_interrupted(*publisher, signal, name);
}

/// `size` pseudo-random bytes (fixed seed) that start with every byte value 0..255.
inline std::string binary_payload(std::size_t size)
{
    std::string bytes(size, '\0');
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    for (std::size_t i = 0; i < size; ++i) {
        if (i < 256) {
            bytes[i] = static_cast<char>(static_cast<unsigned char>(i));
            continue;
        }
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes[i] = static_cast<char>(static_cast<unsigned char>(state >> 56));
    }
    return bytes;
}

}  // namespace e2e
