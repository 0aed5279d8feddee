#include <doctest/doctest.h>

#include <string>

#include "terminal_text.h"

using namespace std::string_literals;

TEST_CASE("escape_control writes control bytes as \\xHH and keeps text and UTF-8")
{
    const struct {
        std::string text, escaped;
    } cases[] = {
        {"Proxy Authentication Required", "Proxy Authentication Required"},
        {"\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},
        {"a\nb\rc\td", "a\\x0ab\\x0dc\\x09d"},
        {"nul\0here"s, "nul\\x00here"},
        {"del\x7f", "del\\x7f"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},  // é € 😀
        {"\xc2\x9b"
         "31m",
         "\\xc2\\x9b31m"},         // CSI as UTF-8 (C1)
        {"\xc2\xa0", "\xc2\xa0"},  // no-break space is no control
        {"\x9b"
         "31m",
         "\\x9b31m"},                // a lone C1 byte: CSI to an 8-bit terminal
        {"\xe2\x82", "\\xe2\\x82"},  // a sequence cut short
        {"\xc0\x9b", "\\xc0\\x9b"},  // an overlong form
        {"\xff", "\\xff"},
        {"back\\slash", "back\\slash"},
        {"", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        CHECK(mqtt::escape_control(c.text) == c.escaped);
        CHECK(mqtt::escape_control(c.escaped) == c.escaped);
    }
}

TEST_CASE("escape_control_lines keeps the newlines between lines, escapes the rest")
{
    CHECK(mqtt::escape_control_lines("Error: one\x1b[2J\nWarning: two\a") == "Error: one\\x1b[2J\nWarning: two\\x07");
    CHECK(mqtt::escape_control_lines("line\n") == "line\n");
    CHECK(mqtt::escape_control_lines("") == "");
}
