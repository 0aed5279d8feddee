#include <doctest/doctest.h>

#include "quote.h"

TEST_CASE("quote_value: quotes show spaces at either end, a long value is cut at a character boundary")
{
    CHECK(mqtt::quote_value("") == "\"\"");
    CHECK(mqtt::quote_value(" 1883") == "\" 1883\"");
    CHECK(mqtt::quote_value("host ") == "\"host \"");
    const std::string exact(mqtt::k_shown_value_bytes, 'x');
    CHECK(mqtt::quote_value(exact) == "\"" + exact + "\"");
    CHECK(mqtt::quote_value(exact + "y") == "\"" + exact + "\"... (65 bytes)");
    // "é" is two bytes: one that would straddle the cut is left out whole.
    const std::string accents = std::string(63, 'a') + "\xc3\xa9" + "zzz";
    CHECK(mqtt::quote_value(accents) == "\"" + std::string(63, 'a') + "\"... (68 bytes)");
}

TEST_CASE("cut_value: short values as they are, long ones cut with their length")
{
    CHECK(mqtt::cut_value("abc") == "abc");
    CHECK(mqtt::cut_value(std::string(100, '9')) == std::string(64, '9') + "... (100 bytes)");
}

TEST_CASE("shell_quote: one word in single quotes, a single quote closed, escaped and reopened")
{
    CHECK(mqtt::shell_quote("") == "''");
    CHECK(mqtt::shell_quote("$share/g/x") == "'$share/g/x'");
    CHECK(mqtt::shell_quote("it's") == "'it'\\''s'");
}
