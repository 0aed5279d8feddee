#include <doctest/doctest.h>

#include "regex.h"

#include <string>

TEST_CASE("Regex: RE2 syntax searched in bytes, errors named")
{
    CHECK(mqtt::Regex("^temp=[0-9]+(\\.[0-9]+)?$", false).search("temp=21.5"));
    CHECK_FALSE(mqtt::Regex("^temp=[0-9]+$", false).search("temp=21.5"));
    CHECK(mqtt::Regex("\\d+", false).search("a12"));
    CHECK(mqtt::Regex("temp.*high", false).search(std::string("temp\xff\0high", 10)));  // any byte, NUL too
    CHECK(mqtt::Regex("caf\xc3\xa9", false).search("un caf\xc3\xa9 noir"));             // UTF-8 literal: its bytes
    CHECK_FALSE(mqtt::Regex("a.b", false).search("a\nb"));                              // . stops at a newline
    CHECK(mqtt::Regex("", false).search(""));

    const mqtt::Regex unclosed("(unclosed", false);
    CHECK_FALSE(unclosed.ok());
    CHECK(unclosed.error() == "missing ): (unclosed");
    const mqtt::Regex backreference("(a)\\1", false);  // not in RE2: refused, not misread
    CHECK_FALSE(backreference.ok());
    CHECK(backreference.error() == "invalid escape sequence: \\1");
}

TEST_CASE("Regex: ignore_case folds letters")
{
    CHECK(mqtt::Regex("TEMP.*High", true).search("temp is high"));
    CHECK_FALSE(mqtt::Regex("TEMP.*High", false).search("temp is high"));
}

TEST_CASE("Regex: long payloads match in one pass, without recursion (issue 12: std::regex overflowed the stack)")
{
    const std::string long_run = "temp" + std::string(1000000, 'a') + "high";
    CHECK(mqtt::Regex("temp.*high", false).search(long_run));
    std::string alternation = "x";
    for (int i = 0; i < 500000; ++i) alternation += i % 2 ? 'a' : 'b';
    CHECK(mqtt::Regex("x(a|b)*y", false).search(alternation + "y"));
    CHECK_FALSE(mqtt::Regex("x(a|b)*y", false).search(alternation + "z"));
    // Exponential for a backtracking engine; linear here.
    CHECK_FALSE(mqtt::Regex("^(a+)+$", false).search(std::string(100000, 'a') + "!"));
}
