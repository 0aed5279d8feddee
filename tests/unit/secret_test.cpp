#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "secret.h"

namespace {

std::string temp_file(const std::string& content)
{
    char name[] = "/tmp/mqtt-tools-secret.XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(name, std::ios::binary) << content;
    return name;
}

}  // namespace

TEST_CASE("read_password_file: the first line, without its line ending")
{
    const struct {
        std::string content, password;
    } cases[] = {
        {"s3cret\n", "s3cret"},     {"s3cret", "s3cret"}, {"s3cret\r\n", "s3cret"}, {"one\ntwo\n", "one"}, {"\n", ""}, {"", ""},
        {" spaced \n", " spaced "},
    };
    for (const auto& c : cases) {
        CAPTURE(c.content);
        const std::string path = temp_file(c.content);
        CHECK(mqtt::read_password_file(path) == c.password);
        std::remove(path.c_str());
    }
}

TEST_CASE("read_password_file: a missing file is a usage error naming the file")
{
    try {
        mqtt::read_password_file("/nonexistent/pw");
        FAIL("no error");
    } catch (const mqtt::UsageError& e) {
        CHECK(std::string(e.what()) == "Error: Unable to read password file \"/nonexistent/pw\": No such file or directory.");
    }
}

TEST_CASE("redact_url hides the password of the user information only")
{
    CHECK(mqtt::redact_url("http://user:s3cret@proxy:3128") == "http://user:***@proxy:3128");
    CHECK(mqtt::redact_url("http://user@proxy:3128") == "http://user@proxy:3128");
    CHECK(mqtt::redact_url("http://proxy:3128") == "http://proxy:3128");
    CHECK(mqtt::redact_url("user:pw@host") == "user:***@host");
    CHECK(mqtt::redact_url("") == "");
    // The user information ends at the last '@': no part of the password shows.
    CHECK(mqtt::redact_url("socks5://bob:se@cret5@host:1080") == "socks5://bob:***@host:1080");
    CHECK(mqtt::redact_url("socks4://me@host:1080") == "socks4://me@host:1080");
}

namespace {

/// Runs `read_secret` in a child that starts dumpable with a core limit; its exit status
/// says what holds after: 0 not dumpable and no core limit, 1 still dumpable, 2 a core
/// limit left, 3 the child could not be made dumpable to begin with.
int dumpable_after(void (*read_secret)())
{
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        rlimit some{1 << 20, 1 << 20};
        const bool limit_raised = ::setrlimit(RLIMIT_CORE, &some) == 0;  // root may; others keep theirs
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1) ::_exit(3);
        read_secret();
        if (::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0) ::_exit(1);
        rlimit after{};
        ::getrlimit(RLIMIT_CORE, &after);
        if (limit_raised && (after.rlim_cur != 0 || after.rlim_max != 0)) ::_exit(2);
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("a password read from a file can never be in a core dump")
{
    CHECK(dumpable_after([] {
              const std::string path = temp_file("s3cret\n");
              (void)mqtt::read_password_file(path);
              std::remove(path.c_str());
          }) == 0);
    CHECK(dumpable_after([] { mqtt::keep_out_of_core_dumps(); }) == 0);
    CHECK(dumpable_after([] {}) == 1);  // the check itself can fail
}
