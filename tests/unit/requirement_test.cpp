#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

#include "requirement.h"

namespace {

std::vector<mqtt::Requirement> parsed(const std::string& text)
{
    auto result = mqtt::parse_requirements(text);
    REQUIRE(result.ok());
    return result.value();
}

std::string error(const std::string& text)
{
    auto result = mqtt::parse_requirements(text);
    REQUIRE(!result.ok());
    return result.error();
}

}  // namespace

TEST_CASE("parse_requirements: latencies in ns from us, ms (the default) or s, counts, rates, every comparison")
{
    const auto list = parsed("p99<20ms, p99.9<=1.5s,max<800us,p50<2, lost=0,rate>=4500,connect_failed>1");
    REQUIRE(list.size() == 7);
    CHECK(list[0].text == "p99<20ms");
    CHECK(list[0].name == "p99");
    CHECK(list[0].op == mqtt::Requirement::Op::less);
    CHECK(list[0].value == 20e6);
    CHECK(list[1].name == "p99.9");
    CHECK(list[1].op == mqtt::Requirement::Op::less_equal);
    CHECK(list[1].value == 1.5e9);
    CHECK(list[2].value == 800e3);
    CHECK(list[3].value == 2e6);
    CHECK(list[4].name == "lost");
    CHECK(list[4].op == mqtt::Requirement::Op::equal);
    CHECK(list[4].value == 0.0);
    CHECK(list[5].op == mqtt::Requirement::Op::greater_equal);
    CHECK(list[5].value == 4500.0);
    CHECK(list[6].op == mqtt::Requirement::Op::greater);
    CHECK(list[0].latency());
    CHECK_FALSE(list[4].latency());
}

TEST_CASE("Requirement::met_by compares the measured value with the threshold")
{
    const auto list = parsed("p99<20ms,lost=0,rate>=10,sent>5,unacked<=1");
    CHECK(list[0].met_by(19.9e6));
    CHECK_FALSE(list[0].met_by(20e6));
    CHECK(list[1].met_by(0));
    CHECK_FALSE(list[1].met_by(1));
    CHECK(list[2].met_by(10));
    CHECK_FALSE(list[2].met_by(9.99));
    CHECK_FALSE(list[3].met_by(5));
    CHECK(list[4].met_by(1));
}

TEST_CASE("parse_requirements: the error names the part that is wrong")
{
    CHECK(error("p99") == "--require \"p99\": expected NAME OP VALUE, e.g. p99<20ms or lost=0.");
    CHECK(error("lost=0,<5") == "--require \"<5\": expected NAME OP VALUE, e.g. p99<20ms or lost=0.");
    CHECK(error("p99<fast") == "--require \"p99<fast\": a latency is a number with us, ms or s.");
    CHECK(error("lost=1.5") == "--require \"lost=1.5\": a count is a whole number.");
    CHECK(error("rate>=-1") == "--require \"rate>=-1\": a rate is a number of messages per second.");
    CHECK(error("p98<1ms") == "--require \"p98<1ms\": unknown name; known: " + mqtt::requirement_names() + ".");
    CHECK(mqtt::requirement_names() == "p50, p90, p99, p99.9, p99.99, max, lost, duplicated, reordered, received, sent, "
                                       "acked, refused, unacked, connect_failed, connections_lost, foreign, reconnected, reconnect_failed, rate");
}
