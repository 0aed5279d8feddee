#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "result.h"

namespace {

struct Named {
    std::string name;
    int size = 0;
};

mqtt::Result<int> parse_digit(std::string_view text)
{
    if (text.size() != 1 || text[0] < '0' || text[0] > '9') return mqtt::Error{"not a digit: " + std::string(text)};
    return text[0] - '0';
}

mqtt::Status check_even(int n)
{
    if (n % 2 != 0) return mqtt::Error{"odd"};
    return {};
}

struct Where {
    std::size_t offset;
    std::string what;
};

mqtt::Result<std::string, Where> first_word(std::string_view text)
{
    const auto space = text.find(' ');
    if (space == 0) return mqtt::Error{Where{0, "leading space"}};
    return std::string(text.substr(0, space));
}

}  // namespace

TEST_CASE("Result holds the value or the error text unchanged")
{
    const auto seven = parse_digit("7");
    REQUIRE(seven.ok());
    CHECK(static_cast<bool>(seven));
    CHECK(*seven == 7);
    CHECK(seven.value() == 7);

    const auto bad = parse_digit("x7");
    REQUIRE_FALSE(bad.ok());
    CHECK_FALSE(static_cast<bool>(bad));
    CHECK(bad.error() == "not a digit: x7");
}

TEST_CASE("Result of a string tells a value from an error by the Error tag")
{
    const mqtt::Result<std::string> value = std::string("Error: looks like one");
    REQUIRE(value.ok());
    CHECK(*value == "Error: looks like one");
    const mqtt::Result<std::string> literal = "plain";
    CHECK(*literal == "plain");
    const mqtt::Result<std::string> error = mqtt::Error{"refused"};
    REQUIRE_FALSE(error.ok());
    CHECK(error.error() == "refused");
}

TEST_CASE("Result of an aggregate is never made from an error text by mistake")
{
    // A bare string would initialise Named's first member if Result took any constructible
    // argument: only the Error tag makes an error, and only a convertible value a value.
    CHECK_FALSE(std::is_convertible_v<std::string, mqtt::Result<Named>>);
    CHECK(std::is_convertible_v<Named, mqtt::Result<Named>>);
    CHECK(std::is_convertible_v<mqtt::Error<std::string>, mqtt::Result<Named>>);
    const mqtt::Result<Named> named = Named{"a", 1};
    CHECK(named->name == "a");
    CHECK(named->size == 1);
}

TEST_CASE("Result moves a move-only value out")
{
    mqtt::Result<std::unique_ptr<int>> held = std::make_unique<int>(5);
    REQUIRE(held.ok());
    std::unique_ptr<int> taken = std::move(held).value();
    CHECK(*taken == 5);
    mqtt::Result<std::vector<int>> list = std::vector<int>{1, 2};
    std::vector<int> moved = *std::move(list);
    CHECK(moved.size() == 2);
}

TEST_CASE("Result with its own error type keeps the error's fields")
{
    const auto word = first_word("one two");
    REQUIRE(word.ok());
    CHECK(*word == "one");
    const auto bad = first_word(" one");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().offset == 0);
    CHECK(bad.error().what == "leading space");
}

TEST_CASE("Status is ok by default and holds the error of a failed check")
{
    const auto fine = check_even(4);
    CHECK(fine.ok());
    CHECK(static_cast<bool>(fine));
    const auto odd = check_even(3);
    REQUIRE_FALSE(odd.ok());
    CHECK_FALSE(static_cast<bool>(odd));
    CHECK(odd.error() == "odd");
    const mqtt::Status empty_text = mqtt::Error{""};
    CHECK_FALSE(empty_text.ok());
}
