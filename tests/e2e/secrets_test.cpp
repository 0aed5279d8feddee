// Passwords outside argv (--pw-file, -P - at a terminal), never printed by -d or in errors.
#include "e2e.h"

#include <fstream>
#include <iterator>

using namespace e2e;

namespace {

const test::BrokerConfig k_alice = with_account("alice", "s3cret");

/// The command line of a running process, its arguments joined by spaces.
std::string command_line_of(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : text) {
        if (c == '\0') c = ' ';
    }
    return text;
}

/// `argv` in a new session without a controlling terminal.
Args without_terminal(const Args& argv)
{
    Args shell{"/usr/bin/setsid", "-w"};
    shell.insert(shell.end(), argv.begin(), argv.end());
    return shell;
}

}  // namespace

TEST_CASE("secrets: --pw-file logs in, and the password is not in the process list")
{
    test::Broker broker(k_alice);
    TempDir dir;
    const std::string file = dir.write("pw", "s3cret\n");
    test::Child subscriber(sub(broker, {"-u", "alice", "--pw-file", file, "-i", "pw-sub", "-t", "t", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "pw-sub");
    const std::string listed = command_line_of(subscriber.pid());
    CHECK(listed.find("--pw-file") != std::string::npos);
    CHECK(listed.find("s3cret") == std::string::npos);

    const test::Result p = test::run(pub(broker, {"-u", "alice", "--pw-file", file, "-t", "t", "-m", "in"}));
    CHECK(p.status == 0);
    CHECK(p.err == "");
    CHECK(subscriber.wait(10s).out == "in\n");
}

TEST_CASE("secrets: a wrong password from --pw-file is refused, no line shows it")
{
    test::Broker broker(k_alice);
    TempDir dir;
    const std::string file = dir.write("pw", "wrong-s3cret\n");
    const test::Result p = test::run(pub(broker, {"-d", "-u", "alice", "--pw-file", file, "-t", "t", "-m", "x"}));
    CHECK(p.status == 5);
    CHECK(p.err == "Connection error: Connection Refused: not authorised.\n");
    CHECK(p.out.find("wrong-s3cret") == std::string::npos);
}

TEST_CASE("secrets: -d prints the CONNECT but never the password")
{
    test::Broker broker(k_alice);
    for (const std::string version : {"311", "5"}) {
        CAPTURE(version);
        const test::Result p = test::run(pub(broker, {"-d", "-V", version, "-u", "alice", "-P", "s3cret", "-t", "t", "-m", "x"}));
        CHECK(p.status == 0);
        CHECK(p.out.find("sending CONNECT") != std::string::npos);
        CHECK(p.out.find("s3cret") == std::string::npos);
        CHECK(p.err.find("s3cret") == std::string::npos);
    }
}

TEST_CASE("secrets: --pw-file that cannot be read is a usage error")
{
    const test::Result r = test::run(command("mqtt-pub", {"--pw-file", "/nonexistent/pw", "-t", "t", "-m", "x"}));
    CHECK(r.status == 1);
    CHECK(r.err ==
          usage_error("mqtt-pub", "Error: Unable to read password file \"/nonexistent/pw\": No such file or directory."));
}

TEST_CASE("secrets: -P - without a terminal is a usage error, not a hang")
{
    const test::Result r = test::run(without_terminal(command("mqtt-sub", {"-u", "alice", "-P", "-", "-t", "t"})), {}, 10s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 1);
    CHECK(r.err == usage_error("mqtt-sub", "Error: -P -: there is no terminal to ask for the password (use --pw-file)."));
}

TEST_CASE("secrets: -P - asks on the terminal and logs in with what was typed")
{
    test::Broker broker(k_alice);
    const std::string line =
        test::tool("mqtt-pub") + " -h 127.0.0.1 -p " + broker.port_str() + " -u alice -P - -q 1 -t t -m typed";
    // script(1) runs the tool on a new pseudo-terminal and types its own stdin there.
    const test::Result r = test::run({"/usr/bin/script", "-q", "-e", "-c", line, "/dev/null"}, "s3cret\n", 15s);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.out.find("Password: ") != std::string::npos);
    CHECK(broker.wait_for_log("New client connected from 127.0.0.1", 5s));
    CHECK(r.out.find("Connection error") == std::string::npos);
}

TEST_CASE("secrets: a proxy URL's password is not in the error line")
{
    const test::Result r = test::run(command("mqtt-pub", {"--proxy", "https://bob:pr0xypw@proxy:3128", "-t", "t", "-m", "x"}));
    CHECK(r.status == 1);
    CHECK(r.err == usage_error("mqtt-pub", "Error: Unsupported proxy protocol: https://bob:***@proxy:3128"));
}
