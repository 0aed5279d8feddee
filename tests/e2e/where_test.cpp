// mqtt-sub and mqtt-rr --where against a real mosquitto: jq expressions on the payload's
// JSON, -C counting only what passes, payloads that are not JSON (warned once, --stats,
// --on-error stop), syntax errors as usage errors, $topic and $properties, -W, --grep,
// MQTT_WHERE and --ready-file.
#include "e2e.h"

#include <regex>
#include <thread>

using namespace e2e;

namespace {

const std::string k_not_json_warning =
    "Warning: Message payload on topic dev/b/state is not JSON for --where: not a JSON value at byte 0; "
    "such messages do not pass (counted by --stats, warned once).\n";

/// Publishes each (topic, payload) in order, QoS 1.
void publish_all(const test::Broker& broker, const std::vector<std::pair<std::string, std::string>>& messages,
                 const Args& extra = {})
{
    for (const auto& [topic, payload] : messages) {
        Args args{"-q", "1", "-t", topic, "-m", payload};
        args.insert(args.end(), extra.begin(), extra.end());
        publish(broker, args);
    }
}

/// mqtt-sub (client id `id`, QoS 1, -W 20, then `args`) while `messages` are published.
test::Result subscribe_while_publishing(const test::Broker& broker, const std::string& id, const Args& args,
                                        const std::vector<std::pair<std::string, std::string>>& messages)
{
    Args argv{"-i", id, "-q", "1", "-W", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_subscriber(
        broker, id, sub(broker, argv), [&] { publish_all(broker, messages); }, 30s);
}

const std::vector<std::pair<std::string, std::string>> k_readings{
    {"dev/a/state", R"({"temp":20})"}, {"dev/b/state", "hello"},          {"dev/c/state", R"({"temp":31,"id":"c"})"},
    {"dev/b/state", "again"},          {"dev/d/state", R"({"temp":35})"},
};

}  // namespace

TEST_CASE("where: --where '.temp > 30' -C 1 prints the first hot reading and ends, a payload that is not JSON warned once")
{
    test::Broker broker;
    check_ended(
        subscribe_while_publishing(broker, "hot", {"-t", "dev/+/state", "--where", ".temp > 30", "-C", "1", "-v"}, k_readings), 0,
        "dev/c/state {\"temp\":31,\"id\":\"c\"}\n", k_not_json_warning);
}

TEST_CASE("where: -C counts only the messages that pass, --stats counts those that are not JSON")
{
    test::Broker broker;
    const test::Result r = subscribe_while_publishing(
        broker, "count", {"-t", "dev/+/state", "--where", ".temp > 30", "-C", "2", "--stats"}, k_readings);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 0);
    CHECK(r.out == "{\"temp\":31,\"id\":\"c\"}\n{\"temp\":35}\n");
    const auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] + "\n" == k_not_json_warning);
    CHECK(std::regex_match(lines[1],
                           std::regex(R"(\{"tool":"mqtt-sub","received":2,"received_bytes":31,)"
                                      R"("not_json":2,"where_errors":0,"duration_s":[0-9.]+,"rate":[0-9.]+\})")));
}

TEST_CASE("where: --on-error stop ends at the first payload that is not JSON, with status 1 and one line")
{
    test::Broker broker;
    check_ended(subscribe_while_publishing(broker, "strict", {"-t", "dev/+/state", "--where", ".temp > 30", "--on-error", "stop"},
                                           k_readings),
                1, "", "Error: Message payload on topic dev/b/state is not JSON for --where: not a JSON value at byte 0.\n");
}

TEST_CASE("where: an error of the expression (.a.b of a string) does not pass, warned once, counted")
{
    test::Broker broker;
    const test::Result r =
        subscribe_while_publishing(broker, "errs", {"-t", "t", "--where", ".a.b == 1", "-C", "1", "--stats"},
                                   {{"t", R"({"a":"text"})"}, {"t", R"({"a":"more"})"}, {"t", R"({"a":{"b":1}})"}});
    CHECK(r.status == 0);
    CHECK(r.out == "{\"a\":{\"b\":1}}\n");
    const auto lines = split_lines(r.err);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] ==
          "Warning: --where failed on the message on topic t: Cannot index string with string \"b\"; such "
          "messages do not pass (counted by --stats, warned once).");
    CHECK(lines[1].find(R"("received":1,"received_bytes":13,"not_json":0,"where_errors":2,)") != std::string::npos);
}

TEST_CASE("where: a syntax error is a usage error with jq's message, before connecting")
{
    test::Broker broker;
    const test::Result r = test::run(sub(broker, {"-t", "t", "--where", ".temp >", "-W", "10"}), {}, 30s);
    check_ended(r, 1, "",
                usage_error("mqtt-sub",
                            "Error: Invalid --where expression: syntax error, unexpected $end (Unix shell "
                            "quoting issues?) at <top-level>, line 1."));
    CHECK(broker.log().find("New client connected") == std::string::npos);
    check_ended(test::run(sub(broker, {"-t", "t", "--where", "$temp > 1"}), {}, 30s), 1, "",
                usage_error("mqtt-sub", "Error: Invalid --where expression: $temp is not defined at <top-level>, line 1."));
    check_ended(test::run(rr(broker, {"-t", "q", "-e", "r", "-m", "x", "--where", "select("}), {}, 30s), 1, "",
                usage_error("mqtt-rr",
                            "Error: Invalid --where expression: syntax error, unexpected $end (Unix shell "
                            "quoting issues?) at <top-level>, line 1."));
    check_ended(test::run(sub(broker, {"-t", "t", "--where", " "}), {}, 30s), 1, "",
                usage_error("mqtt-sub", "Error: Invalid --where expression: it is empty."));
}

TEST_CASE("where: $topic, $retain and $qos are the message's, with --grep, --ready-file and MQTT_WHERE")
{
    test::Broker broker;
    publish(broker, {"-q", "1", "-r", "-t", "site/old/alarm", "-m", R"({"level":9})"});
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    test::Child subscriber(with_env(
        dir.path(), {R"(MQTT_WHERE=($topic | endswith("/alarm")) and ($retain | not) and $qos == 1)"},
        sub(broker,
            {"-i", "alarms", "-q", "1", "-t", "site/#", "--grep", "level", "--ready-file", ready, "-C", "2", "-v", "-W", "20"})));
    require_subscribed(broker, "alarms");
    REQUIRE(wait_for_file(ready));
    publish_all(broker,
                {{"site/a/alarm", R"({"level":1})"},
                 {"site/a/state", R"({"level":2})"},
                 {"site/b/alarm", R"({"other":3})"},
                 {"site/c/alarm", R"({"level":4})"}});
    publish(broker, {"-q", "0", "-t", "site/d/alarm", "-m", R"({"level":5})"});
    check_ended(subscriber.wait(30s), 0, "site/a/alarm {\"level\":1}\nsite/c/alarm {\"level\":4}\n");
}

TEST_CASE("where: $properties is the object --json prints (MQTT 5)")
{
    test::Broker broker;
    const test::Result r = run_subscriber(
        broker, "props",
        sub(broker,
            {"-i", "props", "-V", "5", "-t", "p", "-C", "1", "-W", "20", "--where",
             R"($properties["user-properties"] | any(.site == "north"))"}),
        [&] {
            publish(broker, {"-V", "5", "-t", "p", "-m", "1", "-D", "publish", "user-property", "site", "south"});
            publish(broker, {"-V", "5", "-t", "p", "-m", "2", "-D", "publish", "user-property", "site", "north"});
        },
        30s);
    check_ended(r, 0, "2\n");
}

TEST_CASE("where: nothing passes before -W: status 27, \"Timed out\"")
{
    test::Broker broker;
    check_ended(subscribe_while_publishing(broker, "never", {"-t", "t", "--where", ".ok", "-W", "2"},
                                           {{"t", R"({"ok":false})"}, {"t", "null"}}),
                27, "", "Timed out\n");
}

TEST_CASE("where: --decode json, then --where on the decoded value")
{
    test::Broker broker;
    check_ended(subscribe_while_publishing(broker, "decoded", {"-t", "t", "--decode", "json", "--where", ".n >= 2", "-C", "1"},
                                           {{"t", R"({ "n" : 1 })"}, {"t", R"({ "n" : 2 })"}}),
                0, "{\"n\":2}\n");
}

TEST_CASE("where: mqtt-rr takes the first response that passes, and says how many it rejected on -W")
{
    test::Broker broker;
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    test::Child asker(rr(broker,
                         {"-V", "311", "-i", "asker", "-t", "service/q", "-e", "replies/asker", "-m", "x", "--where", ".done",
                          "--ready-file", ready, "-W", "20"}));
    require_subscribed(broker, "asker");
    REQUIRE(wait_for_file(ready));
    publish_all(
        broker,
        {{"replies/asker", R"({"done":false})"}, {"replies/asker", "working"}, {"replies/asker", R"({"done":true,"v":7})"}});
    check_ended(asker.wait(30s), 0, "{\"done\":true,\"v\":7}\n",
                "Warning: Message payload on topic replies/asker is not JSON for --where: not a JSON value at byte 0; "
                "such messages do not pass (counted by --stats, warned once).\n");

    const test::Result timed_out = run_subscriber(
        broker, "waiter",
        rr(broker,
           {"-V", "311", "-i", "waiter", "-t", "service/q", "-e", "replies/waiter", "-m", "x", "--where", ".done", "-W", "2"}),
        [&] {
            publish_all(broker, {{"replies/waiter", R"({"done":false})"}});
        },
        30s);
    check_ended(timed_out, 27, "", "Timed out (--where rejected 1 message on the response topic)\n");
}
