#include <doctest/doctest.h>

#include <cstring>
#include <unistd.h>

#include "error.h"
#include "source.h"

namespace {

/// Feeds `input` to a LineBuffer in chunks of `chunk` bytes and collects every line.
std::vector<std::string> split(const std::string& input, std::size_t chunk)
{
    mqtt::LineBuffer buffer;
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < input.size()) {
        const std::size_t n = std::min(chunk, input.size() - at);
        std::memcpy(buffer.reserve(n), input.data() + at, n);
        buffer.commit(n);
        at += n;
        while (auto line = buffer.next_line(false)) lines.emplace_back(*line);
    }
    while (auto line = buffer.next_line(true)) lines.emplace_back(*line);
    return lines;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("lines split on '\\n' only, keeping '\\r', whatever the chunk size")
{
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 4096u}) {
        CAPTURE(chunk);
        CHECK(split("a\nb\n", chunk) == Lines{"a", "b"});
        CHECK(split("a\r\nb", chunk) == Lines{"a\r", "b"});
        CHECK(split("\n\nx\n", chunk) == Lines{"", "", "x"});
        CHECK(split("last line without newline", chunk) == Lines{"last line without newline"});
        CHECK(split(std::string("nul\0byte\n", 9), chunk) == Lines{std::string("nul\0byte", 8)});
        CHECK(split("", chunk).empty());
    }
}

TEST_CASE("a line longer than the buffer grows it and stays whole")
{
    const std::string big(1 << 20, 'x');
    CHECK(split(big + "\nend\n", 65536) == Lines{big, "end"});
}

TEST_CASE("FixedSource gives its payload the given number of times")
{
    mqtt::FixedSource source("payload", 3);
    int count = 0;
    while (auto p = source.next()) {
        CHECK(*p == "payload");
        ++count;
    }
    CHECK(count == 3);
    CHECK(source.done());
}

TEST_CASE("LineSource reads a pipe in blocks and ends with the last line")
{
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const std::string input = "one\ntwo\r\n\nlast";
    REQUIRE(::write(fds[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
    ::close(fds[1]);
    mqtt::LineSource source(fds[0]);
    Lines lines;
    while (!source.done()) {
        if (auto line = source.next()) {
            lines.emplace_back(*line);
        } else {
            REQUIRE(source.fd() == fds[0]);
            source.on_readable();
        }
    }
    ::close(fds[0]);
    CHECK(lines == Lines{"one", "two\r", "", "last"});
    CHECK(source.fd() == -1);
}

TEST_CASE("read_file: whole files, upstream's error for a missing one")
{
    char path[] = "/tmp/mqtt-tools-source-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string data("\x00\xff\n binary", 10);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    ::close(fd);
    CHECK(mqtt::read_file(path) == data);
    ::unlink(path);
    CHECK_THROWS_WITH_AS(mqtt::read_file(path), (std::string("Error: Unable to open file \"") + path + "\".").c_str(),
                         mqtt::Failure);
    CHECK_THROWS_WITH_AS(mqtt::read_file("/tmp"), "Error: Unable to read file \"/tmp\": it is a directory.",
                         mqtt::Failure);
}

TEST_CASE("load_payload: the one payload of -m, -f and -n (mqtt-rr's request)")
{
    mqtt::Options options;
    options.input = mqtt::InputMode::message;
    options.message = "text";
    CHECK(mqtt::load_payload(options) == "text");

    options.input = mqtt::InputMode::null_message;
    CHECK(mqtt::load_payload(options).empty());

    char path[] = "/tmp/mqtt-tools-payload-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    const std::string data("\x00\x01 request\n", 11);
    REQUIRE(::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
    ::close(fd);
    options.input = mqtt::InputMode::file;
    options.file = path;
    CHECK(mqtt::load_payload(options) == data);
    ::unlink(path);
    CHECK_THROWS_AS(mqtt::load_payload(options), mqtt::Failure);
}
