#include <doctest/doctest.h>

#include "watch.h"

TEST_CASE("watch: start clears the screen, homes the cursor and names the broker")
{
    std::string out = "before";
    mqtt::Watch::start("broker.example", out);
    CHECK(out == "before\x1b[2J\x1b[1;1HBroker: broker.example\n");
}

TEST_CASE("watch: each new topic gets the next line from line 2, a known topic keeps its line")
{
    mqtt::Watch watch;
    std::string out;
    watch.print("a", "first", out);
    CHECK(out == "\x1b[2;1H\x1b[2Kfirst\x1b[3;1H");

    out.clear();
    watch.print("b/c", "b one", out);
    CHECK(out == "\x1b[3;1H\x1b[2Kb one\x1b[4;1H");

    // Back to a's line; the cursor still ends below the last line, b's.
    out.clear();
    watch.print("a", "x", out);
    CHECK(out == "\x1b[2;1H\x1b[2Kx\x1b[4;1H");

    out.clear();
    watch.print("b/c", "", out);
    CHECK(out == "\x1b[3;1H\x1b[2K\x1b[4;1H");

    // Topics are compared byte for byte: "A" is not "a".
    out.clear();
    watch.print("A", "y", out);
    CHECK(out == "\x1b[4;1H\x1b[2Ky\x1b[5;1H");
}

TEST_CASE("watch: the text is copied as it is, bytes and all")
{
    mqtt::Watch watch;
    std::string out = "kept";
    const std::string text("t \0\xff", 4);
    watch.print("t", text, out);
    CHECK(out == "kept\x1b[2;1H\x1b[2K" + text + "\x1b[3;1H");
}
