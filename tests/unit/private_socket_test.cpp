#include <doctest/doctest.h>

#include "temp_folder.h"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "private_socket.h"

namespace {

/// Sets TMPDIR (and unsets XDG_RUNTIME_DIR) for the test's lifetime.
struct TempEnvironment {
    explicit TempEnvironment(const std::string& tmpdir)
    {
        if (const char* old = std::getenv("TMPDIR")) m_tmpdir = old;
        if (const char* old = std::getenv("XDG_RUNTIME_DIR")) m_runtime = old;
        ::setenv("TMPDIR", tmpdir.c_str(), 1);
        ::unsetenv("XDG_RUNTIME_DIR");
    }
    ~TempEnvironment()
    {
        if (m_tmpdir.empty())
            ::unsetenv("TMPDIR");
        else
            ::setenv("TMPDIR", m_tmpdir.c_str(), 1);
        if (!m_runtime.empty()) ::setenv("XDG_RUNTIME_DIR", m_runtime.c_str(), 1);
    }
    TempEnvironment(const TempEnvironment&) = delete;
    TempEnvironment& operator=(const TempEnvironment&) = delete;

private:
    std::string m_tmpdir, m_runtime;
};

int connect_to(const std::string& path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof addr.sun_path - 1);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    return fd;
}

std::string failure_of(mqtt::PrivateSocket& socket, int& status)
{
    try {
        ::close(socket.accept());
    } catch (const mqtt::Failure& failure) {
        status = failure.status();
        return failure.what();
    }
    return "";
}

}  // namespace

TEST_CASE("shared_folder_problem: folders another user could change are named")
{
    unit::TempFolder folder;
    CHECK(mqtt::shared_folder_problem(folder.path).ok());
    CHECK(mqtt::shared_folder_problem("/").ok());
    const std::string inner = folder.path + "/inner";
    REQUIRE(::mkdir(inner.c_str(), 0700) == 0);
    CHECK(mqtt::shared_folder_problem(inner).ok());

    ::chmod(folder.path.c_str(), 0777);  // world-writable, no sticky bit: anyone may rename "inner"
    CHECK(mqtt::shared_folder_problem(inner).error() == folder.path + " is writable by other users and has no sticky bit");
    CHECK(mqtt::shared_folder_problem(folder.path).error() == folder.path + " is writable by other users and has no sticky bit");
    ::chmod(folder.path.c_str(), 01777);  // as /tmp: only an entry's owner may rename it
    CHECK(mqtt::shared_folder_problem(inner).ok());
    ::chmod(folder.path.c_str(), 0770);
    CHECK(mqtt::shared_folder_problem(inner).error() == folder.path + " is writable by other users and has no sticky bit");
    ::chmod(folder.path.c_str(), 0700);

    // Symlinks are resolved: what counts is where the path really leads.
    const std::string link = folder.path + "/link";
    REQUIRE(::symlink(inner.c_str(), link.c_str()) == 0);
    CHECK(mqtt::shared_folder_problem(link).ok());
    CHECK(mqtt::shared_folder_problem(folder.path + "/none").error() == folder.path + "/none: No such file or directory");
    if (::geteuid() == 0) {
        REQUIRE(::chown(inner.c_str(), 65534, 65534) == 0);
        CHECK(mqtt::shared_folder_problem(inner).error() == inner + " belongs to another user");
    }
}

TEST_CASE("PrivateSocket: a 0700 folder in TMPDIR, gone once libmosquitto's connection is taken")
{
    unit::TempFolder tmp;
    const TempEnvironment environment(tmp.path);
    mqtt::PrivateSocket socket;
    const std::filesystem::path path = socket.path();
    CHECK(path.parent_path().parent_path() == std::filesystem::path(tmp.path));
    struct stat status {};
    REQUIRE(::stat(path.parent_path().c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0700);
    const int mine = connect_to(socket.path());
    const int theirs = socket.accept();
    CHECK(mqtt::peer_is_this_process(theirs));
    CHECK(mqtt::peer_is_this_process(mine));
    CHECK(std::filesystem::is_empty(tmp.path));
    ::close(mine);
    ::close(theirs);
}

TEST_CASE("PrivateSocket: no connection, or another process's, is refused, and nothing is left")
{
    unit::TempFolder tmp;
    const TempEnvironment environment(tmp.path);
    int status = 0;
    {
        mqtt::PrivateSocket socket;
        CHECK(failure_of(socket, status) ==
              "Error: No connection on the bridge's unix socket: libmosquitto did not connect to it.");
        CHECK(status == 7);
        CHECK(std::filesystem::is_empty(tmp.path));
    }
    mqtt::PrivateSocket socket;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        connect_to(socket.path());
        ::_exit(0);
    }
    int child_status = 0;
    REQUIRE(::waitpid(child, &child_status, 0) == child);
    CHECK(failure_of(socket, status) == "Error: Another process connected to the bridge's unix socket.");
    CHECK(status == 7);
    CHECK(std::filesystem::is_empty(tmp.path));
}

TEST_CASE("PrivateSocket: an unsafe or too long TMPDIR is refused before anything is made in it")
{
    unit::TempFolder tmp;
    ::chmod(tmp.path.c_str(), 0777);
    const auto refusal = [] {
        try {
            mqtt::PrivateSocket socket;
        } catch (const mqtt::Failure& failure) {
            CHECK(failure.status() == 1);
            return std::string(failure.what());
        }
        return std::string();
    };
    {
        const TempEnvironment environment(tmp.path);
        CHECK(refusal() ==
              "Error: Unsafe folder for the bridge's private socket: " + tmp.path +
                  " is writable by other users and has no sticky bit (set TMPDIR or XDG_RUNTIME_DIR to a "
                  "folder no other user can change).");
    }
    ::chmod(tmp.path.c_str(), 0700);
    std::string deep = tmp.path;
    while (deep.size() < 118) deep += "/d";
    std::filesystem::create_directories(deep);
    {
        const TempEnvironment environment(deep);
        CHECK(refusal() == "Error: The temporary folder path " + deep + " is too long for a unix socket.");
        CHECK(std::filesystem::is_empty(deep));
    }
}

TEST_CASE("PrivateSocket: SIGTERM between bind and accept waits until the folder is gone")
{
    unit::TempFolder tmp;
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const TempEnvironment environment(tmp.path);
        ::signal(SIGTERM, SIG_DFL);
        {
            const mqtt::HeldSignals held;
            mqtt::PrivateSocket socket;
            ::kill(::getpid(), SIGTERM);  // as if sent from outside, right after bind
            connect_to(socket.path());
            socket.accept();
        }
        ::_exit(0);  // not reached: SIGTERM is delivered as `held` ends
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(std::filesystem::is_empty(tmp.path));
}
