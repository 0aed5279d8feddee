#include <doctest/doctest.h>

#include "exit_status.h"

TEST_CASE("broker_disconnect: the reason, its string, and a session taken over")
{
    const auto busy = mqtt::broker_disconnect(0x89, "", "me");
    CHECK(busy.status == mqtt::ExitStatus::disconnected);
    CHECK(busy.text == "Error: The broker ended the connection: Server busy.");
    const auto quota = mqtt::broker_disconnect(0x97, "over the daily limit", "");
    CHECK(quota.text == "Error: The broker ended the connection: Quota exceeded (over the daily limit).");
    // A broker's reason string reaches the terminal with its control bytes escaped.
    CHECK(mqtt::broker_disconnect(0x97, "\x1b]0;pwned\x07\nforged", "").text ==
          "Error: The broker ended the connection: Quota exceeded (\\x1b]0;pwned\\x07\\x0aforged).");
    const auto taken = mqtt::broker_disconnect(0x8E, "", "twin");
    CHECK(taken.status == mqtt::ExitStatus::taken_over);
    CHECK(taken.text == "Error: Session taken over: another client connected with the client id 'twin'.");
    CHECK(mqtt::broker_disconnect(0x8E, "", "").text ==
          "Error: Session taken over: another client connected with the same client id.");
}

TEST_CASE("connack_status keeps the code, and never reads as success")
{
    CHECK(mqtt::connack_status(5) == 5);
    CHECK(mqtt::connack_status(0x87) == 0x87);
    CHECK(mqtt::connack_status(0) == mqtt::ExitStatus::connection_lost);
}
