#include "template.h"

#include <doctest/doctest.h>

using namespace mqtt;

namespace {

TemplateEnvironment fixed_environment()
{
    TemplateEnvironment environment;
    environment.variable = [](const std::string& name) -> std::optional<std::string> {
        if (name == "ROOM") return std::string("kitchen");
        return std::nullopt;
    };
    environment.hostname = "box";
    return environment;
}

std::string render(const std::string& text, std::uint64_t number, std::timespec now = {})
{
    Template compiled;
    const auto compiled_ok = compiled.assign(text, fixed_environment());
    REQUIRE(compiled_ok.ok());
    std::mt19937_64 random(7);
    std::string out = "kept:";
    compiled.render(out, {.number = number, .now = now, .random = &random});
    return out;
}

std::string compile_error(const std::string& text)
{
    Template compiled;
    const auto done = compiled.assign(text, fixed_environment());
    return done ? "(none)" : done.error();
}

}  // namespace

TEST_CASE("template: placeholders render per message, appended to the buffer")
{
    CHECK(render("n={seq} s={seq:100}", 1) == "kept:n=1 s=100");
    CHECK(render("n={seq} s={seq:100}", 5) == "kept:n=5 s=104");
    const std::timespec now{1700000000, 123456789};
    CHECK(render("{ts} {ts_ms} {ts_ns}", 1, now) == "kept:1700000000 1700000000123 1700000000123456789");
    CHECK(render("{iso}", 1, now) == "kept:2023-11-14T22:13:20.123Z");
    CHECK(render("{env:ROOM}@{hostname}", 1) == "kept:kitchen@box");
    CHECK(render("{{seq}} }} {{", 3) == "kept:{seq} } {");
    CHECK(render("plain", 9) == "kept:plain");
    CHECK(render("", 9) == "kept:");
}

TEST_CASE("template: uuid is version 4 and rand stays in its range")
{
    const std::string uuid = render("{uuid}", 1).substr(5);
    REQUIRE(uuid.size() == 36);
    CHECK(uuid[8] == '-');
    CHECK(uuid[14] == '4');
    CHECK(std::string("89ab").find(uuid[19]) != std::string::npos);
    Template compiled;
    REQUIRE(compiled.assign("{rand:3-5}", fixed_environment()).ok());
    std::mt19937_64 random(1);
    bool seen[6] = {};
    for (int i = 0; i < 200; ++i) {
        std::string out;
        compiled.render(out, {.random = &random});
        const int n = std::stoi(out);
        REQUIRE(n >= 3);
        REQUIRE(n <= 5);
        seen[n] = true;
    }
    CHECK((seen[3] && seen[4] && seen[5]));
    CHECK(render("{rand:9-9}", 1) == "kept:9");
}

TEST_CASE("template: what changes per message")
{
    Template compiled;
    REQUIRE(compiled.assign("a/{env:ROOM}/{hostname}/{{", fixed_environment()).ok());
    CHECK_FALSE(compiled.dynamic());
    REQUIRE(compiled.assign("a/{seq}", fixed_environment()).ok());
    CHECK(compiled.dynamic());
    CHECK_FALSE(compiled.uses_time());
    REQUIRE(compiled.assign("{iso}", fixed_environment()).ok());
    CHECK(compiled.uses_time());
    CHECK_FALSE(compiled.uses_random());
}

TEST_CASE("template: bad placeholders are named in quotes")
{
    CHECK(compile_error("x {nope} y") == "Unknown placeholder \"{nope}\".");
    CHECK(compile_error("{seq:x}") == "Invalid placeholder \"{seq:x}\": START must be a whole number.");
    CHECK(compile_error("{rand:5-1}") == "Invalid placeholder \"{rand:5-1}\": write {rand:A-B}, whole numbers A <= B.");
    CHECK(compile_error("{rand:5}") == "Invalid placeholder \"{rand:5}\": write {rand:A-B}, whole numbers A <= B.");
    CHECK(compile_error("{env:UNSET}") == "The environment variable of placeholder \"{env:UNSET}\" is not set.");
    CHECK(compile_error("a}b") == "A lone '}' at byte 2: write }} for a literal brace.");
    CHECK(compile_error("ab{seq") == "A '{' at byte 3 without its '}': write {{ for a literal brace.");
    CHECK(compile_error("{\x1b[31m}") == "Unknown placeholder \"{\\x1b[31m}\".");
}
