#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
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
        {"s3cret\n", "s3cret"}, {"s3cret", "s3cret"},     {"s3cret\r\n", "s3cret"},
        {"one\ntwo\n", "one"},  {"\n", ""},               {"", ""},
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
}
