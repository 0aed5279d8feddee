#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "exec_runner.h"

namespace {

mqtt::ExecRule rule_of(std::string_view text)
{
    auto parsed = mqtt::parse_exec_rule(text);
    REQUIRE(parsed.ok());
    return parsed.value();
}

mqtt::Message message_of(std::string_view topic, std::string_view payload)
{
    mqtt::Message message;
    message.topic = topic;
    message.payload = payload;
    return message;
}

}  // namespace

TEST_CASE("--exec queue: full at 4 messages per job, or at 64 MiB of payloads, and empty again once wound down")
{
    const std::vector<mqtt::ExecRule> rules{rule_of("q/#=sleep 30")};
    mqtt::ExecRunner runner(rules, 1, {});
    CHECK(runner.idle());
    CHECK_FALSE(runner.add(message_of("other", "x")));  // no rule matches: nothing runs
    CHECK(runner.idle());
    CHECK(runner.add(message_of("q/1", "running")));  // runs at once
    for (int i = 0; i < 3; ++i) {
        CHECK(runner.add(message_of("q/1", "waiting")));
        CHECK_FALSE(runner.full());
    }
    CHECK(runner.add(message_of("q/1", "fourth")));
    CHECK(runner.full());
    runner.wind_down(std::chrono::seconds(0));
    CHECK_FALSE(runner.full());
    CHECK_FALSE(runner.idle());  // the running command is still there
    runner.on_tick();            // SIGTERM now
    for (int i = 0; i < 100 && !runner.idle(); ++i) {
        pollfd fds[4];
        const std::size_t count = runner.poll_fds(fds, 4);
        ::poll(fds, count, 100);
        runner.on_poll(fds, count);
    }
    CHECK(runner.idle());
    CHECK(runner.failed() == 1);
    const auto failures = runner.take_failures();
    REQUIRE(failures.size() == 1);
    CHECK(mqtt::exec_failure_line(failures[0], "Warning") ==
          "Warning: The command \"sleep 30\" for the message on topic q/1 failed: killed by SIGTERM.");

    mqtt::ExecRunner big(rules, 1, {});
    const std::string payload(std::size_t{30} << 20, 'p');
    CHECK(big.add(message_of("q/1", payload)));  // runs (sleep does not read it)
    CHECK(big.add(message_of("q/2", payload)));
    CHECK_FALSE(big.full());
    CHECK(big.add(message_of("q/3", payload)));
    CHECK_FALSE(big.full());  // 60 MiB waiting
    CHECK(big.add(message_of("q/4", payload)));
    CHECK(big.full());  // 90 MiB: past 64 MiB with three messages waiting, not four
}
