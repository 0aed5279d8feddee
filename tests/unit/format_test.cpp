#include <doctest/doctest.h>

#include <unistd.h>

#include "format.h"

namespace {

/// What `options` prints for one message with `payload` on `topic`.
std::string render(const mqtt::Options& options, const std::string& topic, const std::string& payload)
{
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    {
        mqtt::Sink sink(fds[1]);
        mqtt::Formatter formatter(options);
        mqtt::Message message;
        message.topic = topic;
        message.payload = payload;
        formatter.render(message, sink);
        REQUIRE(sink.flush());
    }
    ::close(fds[1]);
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    return out;
}

}  // namespace

TEST_CASE("default output: the payload and a newline; nothing for an empty payload")
{
    mqtt::Options o;
    CHECK(render(o, "t", "22.5") == "22.5\n");
    CHECK(render(o, "t", "") == "");
    CHECK(render(o, "t", std::string("\0\xff\n", 3)) == std::string("\0\xff\n\n", 4));
}

TEST_CASE("-v prints the topic first; an empty payload shows as (null)")
{
    mqtt::Options o;
    o.verbose = true;
    CHECK(render(o, "home/livingroom/temperature", "22.5") == "home/livingroom/temperature 22.5\n");
    CHECK(render(o, "a/b", "") == "a/b (null)\n");
}

TEST_CASE("-N leaves out the newline")
{
    mqtt::Options o;
    o.no_eol = true;
    CHECK(render(o, "t", "abc") == "abc");
    o.verbose = true;
    CHECK(render(o, "t", "abc") == "t abc");
    CHECK(render(o, "t", "") == "");
}
