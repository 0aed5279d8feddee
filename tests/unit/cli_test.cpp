#include <doctest/doctest.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <regex>

#include "cli.h"
#include "error.h"
#include "properties.h"

using mqtt::CommandLine;
using mqtt::InputMode;
using mqtt::Options;
using mqtt::Tool;

namespace {

Options parse(Tool tool, const std::vector<std::string>& args)
{
    const CommandLine command = mqtt::parse_command_line(tool, args);
    REQUIRE(command.action == CommandLine::Action::run);
    return command.options;
}

/// The first stderr line a usage error prints.
std::string error_of(Tool tool, const std::vector<std::string>& args)
{
    try {
        mqtt::parse_command_line(tool, args);
    } catch (const mqtt::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}

/// Builds one flat CLI::App of every option `tool` takes, which throws on a malformed name or
/// one used twice. The tools' App gives each group of the table an App of its own (start-up
/// cost), which sees a name used twice only inside its group.
void check_option_table(Tool tool)
{
    CLI::App app(mqtt::program_name(tool));
    app.set_help_flag();  // -h is --host here
    for (const auto& info : mqtt::option_list(tool)) {
        std::string names;
        for (const auto& name : info.names) {
            // The parser matches names exactly; CLI11 would trim the spaces away.
            if (name.find_first_of(" \t") != std::string::npos) {
                throw std::logic_error("option name with a space: '" + name + "'");
            }
            names += (names.empty() ? "" : ",") + name;
        }
        if (info.value.empty()) {
            app.add_flag(names);
        } else {
            app.add_option(names);
        }
    }
}

}  // namespace

TEST_CASE("every tool's option names are well formed and used once (CLI11's own checks)")
{
    for (const Tool tool : {Tool::pub, Tool::sub, Tool::rr, Tool::bench}) {
        CAPTURE(mqtt::program_name(tool));
        CHECK_NOTHROW(check_option_table(tool));
    }
}

TEST_CASE("an empty argument is an unknown option where an option stands, and a value after one")
{
    CHECK(error_of(Tool::pub, {"", ""}) == "Error: Unknown option ''.");
    CHECK(error_of(Tool::sub, {"-t", "a", "", "", "-v"}) == "Error: Unknown option ''.");
    CHECK(error_of(Tool::pub, {"-t", "a", "-m", "x", ""}) == "Error: Unknown option ''.");
    const Options o = parse(Tool::pub, {"-t", "a", "-m", "", "-q", "1"});
    CHECK(o.message.empty());
    CHECK(o.input == InputMode::message);
    CHECK(o.qos == 1);
}

TEST_CASE("a value is always the next argument, even when it starts with '-'")
{
    const Options o = parse(Tool::pub, {"-t", "a", "-m", "-x"});
    CHECK(o.message == "-x");
    CHECK(o.input == InputMode::message);
    CHECK(parse(Tool::pub, {"-t", "--help", "-m", "--"}).topics.front() == "--help");
}

TEST_CASE("repeated scalars: the last one wins, sub -t, -T, -U accumulate")
{
    const Options pub = parse(Tool::pub, {"-t", "a", "-m", "x", "-h", "one", "-h", "two", "-q", "2", "-q", "1", "-t", "b"});
    CHECK(pub.host == "two");
    CHECK(pub.qos == 1);
    CHECK(pub.topics == std::vector<std::string>{"b"});
    const Options sub = parse(Tool::sub, {"-t", "a/#", "-t", "b/+", "-T", "a/x", "-U", "c"});
    CHECK(sub.topics == std::vector<std::string>{"a/#", "b/+"});
    CHECK(sub.filter_out == std::vector<std::string>{"a/x"});
    CHECK(sub.unsubscribe == std::vector<std::string>{"c"});
}

TEST_CASE("--share: -t, -L and -U filters become $share/<group>/..., -T stays, given before or after them")
{
    const Options sub = parse(Tool::sub, {"-t", "a/#", "-L", "mqtt://h/b", "--share", "g", "-T", "a/x", "-U", "c"});
    CHECK(sub.topics == std::vector<std::string>{"$share/g/a/#", "$share/g/b"});
    CHECK(sub.filter_out == std::vector<std::string>{"a/x"});
    CHECK(sub.unsubscribe == std::vector<std::string>{"$share/g/c"});
    CHECK(parse(Tool::sub, {"-t", "$share/g/a"}).topics == std::vector<std::string>{"$share/g/a"});
    CHECK(error_of(Tool::sub, {"--share", "g", "-t", std::string(65530, 'a')}) ==
          "Error: Topic too long in -t argument (65539 bytes, at most 65535).");
    CHECK(error_of(Tool::pub, {"--share", "g", "-t", "a", "-m", "x"}) == "Error: Unknown option '--share'.");
}

TEST_CASE("notices: one for the first command-line filter shaped like a $share the shell removed")
{
    const CommandLine command = mqtt::parse_command_line(Tool::sub, {"-t", "a", "-t", "/g/x", "-U", "/h/y"});
    CHECK(command.notices ==
          std::vector<std::string>{"Warning: -t '/g/x' looks like a shared subscription whose $share the shell removed; "
                                   "if so, quote it: -t '$share/g/x'"});
    CHECK(mqtt::parse_command_line(Tool::sub, {"-t", "/x/"}).notices.empty());
    CHECK(mqtt::parse_command_line(Tool::sub, {"-t", "a/b"}).notices.empty());
}

TEST_CASE("defaults are upstream's")
{
    const Options o = parse(Tool::sub, {"-t", "x"});
    CHECK(o.host == "localhost");
    CHECK(o.effective_port() == 1883);
    CHECK(o.keepalive == 60);
    CHECK(o.qos == 0);
    CHECK(o.protocol == mqtt::k_mqtt311);
    CHECK(o.clean_session);
    CHECK(o.max_inflight == 20);
    CHECK(o.msg_count == 0);
    CHECK(o.timeout == 0);
}

TEST_CASE("options apply in order: -L then -h and -p override its parts")
{
    const Options o = parse(Tool::pub, {"-L", "mqtt://u:p@broker:1884/t/x", "-p", "1999", "-m", "m"});
    CHECK(o.host == "broker");
    CHECK(o.port == 1999);
    CHECK(o.username == "u");
    CHECK(o.password == "p");
    CHECK(o.topics == std::vector<std::string>{"t/x"});
    const Options sub = parse(Tool::sub, {"-L", "mqtt://h/a/#", "-t", "b"});
    CHECK(sub.topics == std::vector<std::string>{"a/#", "b"});
}

TEST_CASE("-x selects MQTT 5 and -c asks for a never-expiring session")
{
    CHECK(parse(Tool::sub, {"-t", "x", "-x", "60"}).protocol == mqtt::k_mqtt5);
    CHECK(parse(Tool::sub, {"-t", "x", "-x", "-1", "-i", "me"}).session_expiry == UINT32_MAX);
    CHECK(error_of(Tool::sub, {"-t", "x", "-x", "-1"}) ==
          "Error: You must provide a client id if you are using an infinite session expiry interval.");
    CHECK(parse(Tool::sub, {"-t", "x", "-x", "\xe2\x88\x9e", "-i", "me"}).session_expiry == UINT32_MAX);
    const Options o = parse(Tool::sub, {"-t", "x", "-V", "5", "-c", "-i", "me"});
    CHECK(o.session_expiry == UINT32_MAX);
    CHECK_FALSE(o.clean_session);
    CHECK(parse(Tool::sub, {"-t", "x", "-I", "pre-"}).client_id().rfind("pre-", 0) == 0);
}

TEST_CASE("--unix sets the socket path as host and port 0, later -h/-p override it")
{
    const Options o = parse(Tool::sub, {"-t", "x", "--unix", "/run/broker.sock"});
    CHECK(o.host == "/run/broker.sock");
    CHECK(o.port == 0);
    const Options later = parse(Tool::sub, {"-t", "x", "--unix", "/s", "-h", "h", "-p", "1884"});
    CHECK(later.host == "h");
    CHECK(later.port == 1884);
    CHECK(parse(Tool::sub, {"-t", "x", "--random-filter", "12.5"}).random_filter == doctest::Approx(12.5));
    CHECK(parse(Tool::sub, {"-t", "x", "--remove-retained", "--retain-as-published"}).remove_retained);
}

TEST_CASE("each message source, and only one")
{
    CHECK(parse(Tool::pub, {"-t", "a", "-l"}).input == InputMode::stdin_lines);
    CHECK(parse(Tool::pub, {"-t", "a", "-s"}).input == InputMode::stdin_whole);
    CHECK(parse(Tool::pub, {"-t", "a", "-n"}).input == InputMode::null_message);
    CHECK(parse(Tool::pub, {"-t", "a", "-f", "file"}).file == "file");
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "m", "--repeat", "3", "--repeat-delay", "0.5"}).repeat == 3);
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "m", "--repeat-delay", "0.5"}).repeat_delay == doctest::Approx(0.5));
}

TEST_CASE("usage errors carry upstream's first line")
{
    struct Case {
        Tool tool;
        std::vector<std::string> args;
        std::string error;
    };
    const Case cases[] = {
        {Tool::pub, {"-t", "a", "-m"}, "Error: -m argument given but no message specified."},
        {Tool::pub, {"-t"}, "Error: -t argument given but no topic specified."},
        {Tool::pub, {"--message"}, "Error: -m argument given but no message specified."},
        {Tool::pub, {"-V"}, "Error: --protocol-version argument given but no version specified."},
        {Tool::pub, {"-M"}, "Error: -M argument given but max_inflight not specified."},
        {Tool::pub, {"--will-qos"}, "Error: --will-qos argument given but no will QoS specified."},
        {Tool::sub, {"-C"}, "Error: -C argument given but no count specified."},
        {Tool::pub, {"-C", "1"}, "Error: Unknown option '-C'."},
        {Tool::sub, {"-m", "x"}, "Error: Unknown option '-m'."},
        {Tool::sub, {"-vd", "-t", "a"}, "Error: Unknown option '-vd'."},
        {Tool::pub, {"--topic=a"}, "Error: Unknown option '--topic=a'."},
        {Tool::pub, {"stray"}, "Error: Unknown option 'stray'."},
        {Tool::pub, {"-t", "a", "-m", "x", "-m", "y"}, "Error: Only one type of message can be sent at once."},
        {Tool::pub, {"-t", "a", "-m", "x", "-l"}, "Error: Only one type of message can be sent at once."},
        {Tool::pub, {"-t", "a/#", "-m", "x"}, "Error: Invalid publish topic 'a/#', does it contain '+' or '#'?"},
        {Tool::pub, {"-t", "a", "-m", "x", "-q", "3"}, "Error: Invalid QoS given: 3"},
        {Tool::pub, {"-t", "a", "-m", "x", "-q", "abc"}, "Error: Invalid QoS given: abc"},
        {Tool::pub, {"-t", "a", "-m", "x", "-p", "65536"}, "Error: Invalid port given: 65536"},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-k", "4"},
         "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive."},
        {Tool::pub, {"-t", "a", "-m", "x", "-V", "6"}, "Error: Invalid protocol version argument given."},
        {Tool::pub, {"-t", "a", "-m", "x", "-M", "0"}, "Error: Maximum inflight messages must be greater than 0."},
        {Tool::pub, {"-t", "a", "-m", "x", "-x", "soon"}, "Error: session-expiry-interval not a number."},
        {Tool::pub, {"-t", "a", "-m", "x", "-x", "4294967296"}, "Error: session-expiry-interval out of range."},
        {Tool::pub, {"-t", "a", "-m", "x", "--repeat", "0"}, "Error: --repeat argument must be >0."},
        {Tool::pub, {"-t", "a", "-m", "x", "--repeat-delay", "-1"}, "Error: --repeat-delay argument must be >=0.0."},
        {Tool::pub, {"-i", "a", "-I", "b"}, "Error: -i and -I argument cannot be used together."},
        {Tool::pub, {"-I", "b", "-i", "a"}, "Error: -i and -I argument cannot be used together."},
        {Tool::pub, {"-i", "", "-t", "a", "-m", "x"}, "Error: Invalid id."},
        {Tool::pub, {"-t", "a"}, "Error: Both topic and message must be supplied."},
        {Tool::pub, {"-m", "a"}, "Error: Both topic and message must be supplied."},
        {Tool::pub, {"-t", "a", "-m", "x", "--will-payload", "p"}, "Error: Will payload given, but no will topic given."},
        {Tool::pub, {"-t", "a", "-m", "x", "--will-retain"}, "Error: Will retain given, but no will topic given."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "--will-topic", "w/+"},
         "Error: Invalid will topic 'w/+', does it contain '+' or '#'?"},
        {Tool::pub, {"-t", "a", "-m", "x", "--will-topic", "w", "--will-qos", "5"}, "Error: Invalid will QoS 5."},
        {Tool::pub, {"-t", "a", "-m", "x", "-c"}, "Error: You must provide a client id if you are using the -c option."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-c", "-V", "5"},
         "Error: You must provide a client id if you are using an infinite session expiry interval."},
        {Tool::pub, {"-t", "a", "-m", "x", "-P", "secret"}, "Error: Problem setting username and/or password."},
        {Tool::pub, {"-L", "http://h/t", "-m", "x"}, "Error: Unsupported URL scheme."},
        {Tool::pub, {"-L", "mqtt://h", "-m", "x"}, "Error: Invalid URL for -L argument specified - topic missing."},
        {Tool::sub, {}, "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U)."},
        {Tool::sub, {"-t", "a/#/b"}, "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?"},
        {Tool::sub, {"-t", "a", "-T", "x+"}, "Error: Invalid filter topic 'x+', are all '+' and '#' wildcards correct?"},
        {Tool::sub, {"-t", "a", "-U", "#/"}, "Error: Invalid unsubscribe topic '#/', are all '+' and '#' wildcards correct?"},
        {Tool::sub, {"-t", "a\xff"}, "Error: Malformed UTF-8 in -t argument."},
        {Tool::sub, {"-t", "a", "-C", "0"}, "Error: Invalid message count \"0\"."},
        {Tool::sub, {"-t", "a", "-W", "0"}, "Error: Invalid timeout \"0\"."},
        {Tool::sub, {"-t", "a", "-R", "--retained-only"}, "Error: Combining '-R' and '--retained-only' makes no sense."},
        {Tool::sub, {"-t", "a", "--dry-run"}, "Error: --dry-run needs --remove-retained."},
        {Tool::sub, {"-t", "a", "--random-filter", "100.5"}, "Error: --random-filter chance must be between 0.1-100.0"},
        {Tool::sub, {"-t", "a", "--random-filter", "x"}, "Error: --random-filter chance must be between 0.1-100.0"},
        {Tool::sub, {"--unix"}, "Error: --unix argument given but no socket path specified."},
        {Tool::pub, {"-t", "a", "-m", "x", "--remove-retained"}, "Error: Unknown option '--remove-retained'."},
        {Tool::pub, {"-t", "a", "-m", "x", "--random-filter", "5"}, "Error: Unknown option '--random-filter'."},
        {Tool::sub, {"-t", "a", "-F"}, "Error: -F argument given but no format specified."},
        {Tool::sub, {"-t", "a", "-F", "%y"}, "Error: Invalid format specifier 'y'."},
        {Tool::sub, {"-F", "a\\q"}, "Error: Invalid escape specifier 'q'."},
        {Tool::sub, {"-F", "%t", "-F", "%"}, "Error: Incomplete format specifier."},
        {Tool::pub, {"-t", "a", "-m", "x", "-F", "%t"}, "Error: Unknown option '-F'."},
        {Tool::pub, {"-t", "a", "-m", "x", "--pretty"}, "Error: Unknown option '--pretty'."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        CHECK(error_of(c.tool, c.args) == c.error);
    }
}

TEST_CASE("mqtt-sub -F is compiled while parsing, the last one wins, --pretty")
{
    const Options plain = parse(Tool::sub, {"-t", "a"});
    CHECK_FALSE(plain.format);
    CHECK_FALSE(plain.pretty);
    const Options o = parse(Tool::sub, {"-F", "%p", "-t", "a", "-F", "%t: %j", "--pretty", "-v"});
    REQUIRE(o.format);
    REQUIRE(o.format->parts.size() == 3);
    CHECK(o.format->parts[0].spec.conversion == 't');
    CHECK(o.format->parts[1].literal == ": ");
    CHECK(o.format->parts[2].spec.conversion == 'j');
    CHECK(o.pretty);
    CHECK(o.verbose);
}

TEST_CASE("--help and --version end parsing where they stand")
{
    const CommandLine help = mqtt::parse_command_line(Tool::pub, {"-t", "a", "--help", "--bogus"});
    CHECK(help.action == CommandLine::Action::help);
    CHECK(help.text.find("-m,--message") != std::string::npos);
    CHECK(help.text.find("mqtt-pub(1)") != std::string::npos);
    const CommandLine version = mqtt::parse_command_line(Tool::sub, {"--version"});
    CHECK(version.action == CommandLine::Action::version);
    CHECK(version.text.rfind("mqtt-sub version ", 0) == 0);
    CHECK(version.text.find("running on libmosquitto 2.") != std::string::npos);
    // A malformed option before --help is still an error, as upstream's left-to-right parser.
    CHECK(error_of(Tool::pub, {"--bogus", "--help"}) == "Error: Unknown option '--bogus'.");
    // A --help that is an option's value is just a value.
    CHECK(parse(Tool::pub, {"-m", "--help", "-t", "a"}).message == "--help");
}

TEST_CASE("-D takes a command, a name and one value, or two for user-property, whatever they look like")
{
    const Options o = parse(Tool::pub,
                            {"-D", "publish", "user-property", "-t", "-m", "-t", "a", "-D", "Publish", "content-type", "--help",
                             "-m", "x", "-D", "connect", "user-property", "k", "v"});
    CHECK(o.topics == std::vector<std::string>{"a"});
    CHECK(o.message == "x");
    REQUIRE(o.properties.publish.size() == 2);
    CHECK(o.properties.publish[0].key == "-t");
    CHECK(o.properties.publish[0].value == "-m");
    CHECK(o.properties.publish[1].name == "content-type");
    CHECK(o.properties.publish[1].value == "--help");
    REQUIRE(o.properties.connect.size() == 1);
    CHECK(o.properties.connect[0].key == "k");
    CHECK(o.properties.connect[0].value == "v");
    CHECK(o.protocol == mqtt::k_mqtt5);
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x", "--property", "will", "will-delay-interval", "5", "--will-topic", "w"})
              .properties.will.size() == 1);
}

TEST_CASE("-D selects MQTT 5, a later -V changes it, which is an error with properties")
{
    CHECK(parse(Tool::sub, {"-t", "a", "-V", "311", "-D", "subscribe", "subscription-identifier", "3"}).protocol ==
          mqtt::k_mqtt5);
    CHECK(parse(Tool::sub, {"-t", "a", "-D", "subscribe", "subscription-identifier", "3", "-V", "5"}).protocol == mqtt::k_mqtt5);
    CHECK(error_of(Tool::pub, {"-t", "a", "-m", "x", "-D", "publish", "content-type", "c", "-V", "311"}) ==
          "Error: MQTT v5 properties given (-D) but protocol version mqttv311 selected.");
    CHECK(error_of(Tool::sub, {"-t", "a", "-D", "connect", "user-property", "k", "v", "-V", "mqttv31"}) ==
          "Error: MQTT v5 properties given (-D) but protocol version mqttv31 selected.");
    CHECK(parse(Tool::sub, {"-t", "a"}).properties.empty());
}

TEST_CASE("-D with -x, -c and the will")
{
    // -x and -D connect session-expiry-interval put the same property into CONNECT.
    CHECK(error_of(Tool::pub, {"-t", "a", "-m", "x", "-x", "60", "-D", "connect", "session-expiry-interval", "30"}) ==
          "Error in CONNECT properties: Duplicate property in property list");
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x", "-x", "0", "-D", "connect", "session-expiry-interval", "30"})
              .properties.connect.size() == 1);
    // -c keeps the session for as long as -D says, instead of for ever.
    const Options kept = parse(Tool::sub, {"-t", "a", "-c", "-D", "connect", "session-expiry-interval", "30"});
    CHECK_FALSE(kept.clean_session);
    CHECK_FALSE(kept.session_expiry);
    CHECK(error_of(Tool::sub, {"-t", "a", "-c", "-D", "connect", "session-expiry-interval", "4294967295"}) ==
          "Error: You must provide a client id if you are using an infinite session expiry interval.");
    // A session that ends with the connection cannot be given an expiry at the end.
    const std::string at_end = "Error: -D disconnect session-expiry-interval needs a session expiry interval in "
                               "CONNECT (-x, -c or -D connect session-expiry-interval).";
    CHECK(error_of(Tool::sub, {"-t", "a", "-D", "disconnect", "session-expiry-interval", "30"}) == at_end);
    CHECK(error_of(Tool::sub, {"-t", "a", "-x", "0", "-D", "disconnect", "session-expiry-interval", "30"}) == at_end);
    CHECK(parse(Tool::sub, {"-t", "a", "-D", "disconnect", "session-expiry-interval", "0"}).properties.disconnect.size() == 1);
    CHECK(parse(Tool::sub, {"-t", "a", "-x", "60", "-D", "disconnect", "session-expiry-interval", "30"})
              .properties.disconnect.size() == 1);
    CHECK(
        parse(Tool::sub,
              {"-t", "a", "-D", "connect", "session-expiry-interval", "60", "-D", "disconnect", "session-expiry-interval", "30"})
            .properties.disconnect.size() == 1);
    CHECK(error_of(Tool::pub, {"-t", "a", "-m", "x", "-D", "will", "content-type", "c"}) ==
          "Error: Will properties given, but no will topic given.");
}

TEST_CASE("-D errors: upstream's lines, and properties a tool never sends")
{
    struct Case {
        Tool tool;
        std::vector<std::string> args;
        std::string error;
    };
    const Case cases[] = {
        {Tool::pub, {"-t", "a", "-m", "x", "-D"}, "Error: --property argument given but not enough arguments specified."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-D", "publish", "user-property", "k"},
         "Error: --property argument given but not enough arguments specified."},
        {Tool::sub,
         {"-t", "a", "--property", "subscribe", "bogus", "1"},
         "Error: Invalid property name bogus given in --property argument."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-D", "publish", "message-expiry-interval", "soon"},
         "Error: Property value (soon) is not a number for property message-expiry-interval."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-D", "publish", "content-type", "a", "-D", "publish", "content-type", "b"},
         "Error in PUBLISH properties: Duplicate property in property list"},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-D", "subscribe", "subscription-identifier", "1"},
         "Error: subscribe properties are not used by mqtt-pub, which sends no SUBSCRIBE."},
        {Tool::pub,
         {"-t", "a", "-m", "x", "-D", "unsubscribe", "user-property", "k", "v"},
         "Error: unsubscribe properties are not used by mqtt-pub, which sends no UNSUBSCRIBE."},
        {Tool::sub,
         {"-t", "a", "-D", "publish", "content-type", "c"},
         "Error: publish properties are not used by mqtt-sub, which sends no PUBLISH."},
        // An unknown option anywhere comes first, as for every other option.
        {Tool::sub, {"-t", "a", "-D", "bogus", "x", "y", "--bogus"}, "Error: Unknown option '--bogus'."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        CHECK(error_of(c.tool, c.args) == c.error);
    }
    // The help says which packets each tool takes properties for (its lines wrapped).
    const auto unwrapped = [](Tool tool) {
        return std::regex_replace(mqtt::parse_command_line(tool, {"--help"}).text, std::regex("\n +"), " ");
    };
    CHECK(unwrapped(Tool::pub).find("connect, publish, disconnect or will") != std::string::npos);
    CHECK(unwrapped(Tool::sub).find("connect, subscribe, unsubscribe, disconnect or will") != std::string::npos);
}

TEST_CASE("mqtt-rr: MQTT 5 by default, -e, the request topic and message")
{
    const Options o = parse(Tool::rr, {"-t", "service/time", "-e", "me/answer", "-m", "now?"});
    CHECK(o.protocol == mqtt::k_mqtt5);
    CHECK(o.topics == std::vector<std::string>{"service/time"});
    CHECK(o.response_topic == "me/answer");
    CHECK(o.input == InputMode::message);
    CHECK(o.message == "now?");
    CHECK_FALSE(o.correlation_data);
    // Without -e the requester picks the response topic; -L gives the request topic.
    const Options url = parse(Tool::rr, {"-L", "mqtt://broker:1999/service/x", "-n"});
    CHECK(url.response_topic.empty());
    CHECK(url.topics == std::vector<std::string>{"service/x"});
    CHECK(url.input == InputMode::null_message);
    // MQTT 3.1.1 and 3.1 work with a response topic given.
    CHECK(parse(Tool::rr, {"-V", "311", "-t", "q", "-e", "r", "-m", "x"}).protocol == mqtt::k_mqtt311);
    CHECK(parse(Tool::rr, {"-t", "q", "-e", "r", "-m", "x", "-V", "mqttv31"}).protocol == mqtt::k_mqtt31);
}

TEST_CASE("mqtt-rr accepts the common set plus its own options, as mosquitto_rr 2.1")
{
    const std::vector<std::vector<std::string>> accepted = {
        {"-f", "request.json"},
        {"-s"},
        {"-n"},
        {"-F", "%t %p"},
        {"-N"},
        {"--pretty"},
        {"-R"},
        {"--retain-as-published"},
        {"-v"},
        {"-W", "5"},
        {"--ready-file", "/tmp/ready"},
        {"-q", "2"},
        {"-i", "me"},
        {"-k", "30"},
        {"--will-topic", "w"},
        {"-d"},
        {"--quiet"},
        {"-x", "60"},
        {"-M", "5"},
    };
    for (const auto& extra : accepted) {
        CAPTURE(extra.front());
        std::vector<std::string> args = {"-t", "q", "-e", "r"};
        args.insert(args.end(), extra.begin(), extra.end());
        // -f, -s and -n bring their own message.
        if (extra.front() != "-f" && extra.front() != "-s" && extra.front() != "-n") { args.insert(args.end(), {"-m", "x"}); }
        CHECK_NOTHROW(mqtt::parse_command_line(Tool::rr, args));
    }
    const Options o =
        parse(Tool::rr,
              {"-t", "q", "-m", "x", "-R", "--retain-as-published", "-W", "3", "-v", "-N", "--ready-file", "/tmp/r", "-F", "%p"});
    CHECK(o.no_retained);
    CHECK(o.retain_as_published);
    CHECK(o.timeout == 3);
    CHECK(o.verbose);
    CHECK(o.no_eol);
    CHECK(o.ready_file == "/tmp/r");
    CHECK(o.format);
}

TEST_CASE("mqtt-rr refuses what only mqtt-pub or mqtt-sub take, and its own bad input")
{
    struct Case {
        std::vector<std::string> args;
        std::string error;
    };
    const Case cases[] = {
        {{"-C", "1"}, "Error: Unknown option '-C'."},
        {{"-E"}, "Error: Unknown option '-E'."},
        {{"-l"}, "Error: Unknown option '-l'."},
        {{"--stdin-line"}, "Error: Unknown option '--stdin-line'."},
        {{"-r"}, "Error: Unknown option '-r'."},
        {{"--retain"}, "Error: Unknown option '--retain'."},
        {{"--random-filter", "5"}, "Error: Unknown option '--random-filter'."},
        {{"--remove-retained"}, "Error: Unknown option '--remove-retained'."},
        {{"--repeat", "2"}, "Error: Unknown option '--repeat'."},
        {{"--repeat-delay", "1"}, "Error: Unknown option '--repeat-delay'."},
        {{"--retained-only"}, "Error: Unknown option '--retained-only'."},
        {{"-T", "x"}, "Error: Unknown option '-T'."},
        {{"-U", "x"}, "Error: Unknown option '-U'."},
        {{"-w"}, "Error: Unknown option '-w'."},
        {{"--grep", "x"}, "Error: Unknown option '--grep'."},
        {{"--grep-topic", "x"}, "Error: Unknown option '--grep-topic'."},
        {{"--idle-timeout", "1"}, "Error: Unknown option '--idle-timeout'."},
        {{"-e"}, "Error: -e argument given but no response topic specified."},
        {{"-t", "q", "-m", "x", "-e", "r/#"}, "Error: Invalid response topic 'r/#', does it contain '+' or '#'?"},
        {{"-t", "q", "-m", "x", "-e", "r/+/x"}, "Error: Invalid response topic 'r/+/x', does it contain '+' or '#'?"},
        {{"-t", "q", "-m", "x", "-e", ""}, "Error: Invalid topic '', a topic must not be empty."},
        {{"-t", "q", "-m", "x", "-e", "r\xff"}, "Error: Malformed UTF-8 in -e argument."},
        {{"-t", "q/#", "-m", "x", "-e", "r"}, "Error: Invalid publish topic 'q/#', does it contain '+' or '#'?"},
        {{"-m", "x", "-e", "r"}, "Error: All of topic, message, and response topic must be supplied."},
        {{"-t", "q", "-e", "r"}, "Error: All of topic, message, and response topic must be supplied."},
        {{}, "Error: All of topic, message, and response topic must be supplied."},
        {{"-V", "311"}, "Error: All of topic, message, and response topic must be supplied."},
        {{"-t", "q", "-m", "x", "-V", "311"},
         "Error: A response topic (-e) must be supplied with MQTT 3.1.1, whose requests cannot carry one."},
        {{"-t", "q", "-m", "x", "-V", "31"},
         "Error: A response topic (-e) must be supplied with MQTT 3.1, whose requests cannot carry one."},
        {{"-t", "q", "-m", "x", "-n"}, "Error: Only one type of message can be sent at once."},
        {{"-t", "q", "-m", "x", "-W", "0"}, "Error: Invalid timeout \"0\"."},
        {{"-t", "q", "-m", "x", "-F", "%y"}, "Error: Invalid format specifier 'y'."},
        {{"-t", "q", "-m", "x", "-c"},
         "Error: You must provide a client id if you are using an infinite session expiry interval."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.error);
        CHECK(error_of(Tool::rr, c.args) == c.error);
    }
    CHECK(error_of(Tool::pub, {"-t", "q", "-m", "x", "-e", "r"}) == "Error: Unknown option '-e'.");
    CHECK(error_of(Tool::sub, {"-t", "q", "-e", "r"}) == "Error: Unknown option '-e'.");
    CHECK(error_of(Tool::pub, {"-t", "q", "-m", "x", "--ready-file", "f"}) == "Error: Unknown option '--ready-file'.");
    CHECK(error_of(Tool::pub, {"-t", "q", "-m", "x", "-R"}) == "Error: Unknown option '-R'.");
}

TEST_CASE("mqtt-rr --help and --version")
{
    const CommandLine help = mqtt::parse_command_line(Tool::rr, {"--help"});
    CHECK(help.action == CommandLine::Action::help);
    CHECK(help.text.find("-e <response topic>") != std::string::npos);
    CHECK(help.text.find("--ready-file") != std::string::npos);
    CHECK(help.text.find("-l,--stdin-line") == std::string::npos);
    CHECK(help.text.find("mqtt-rr(1)") != std::string::npos);
    const CommandLine version = mqtt::parse_command_line(Tool::rr, {"--version"});
    CHECK(version.text.rfind("mqtt-rr version ", 0) == 0);
}

TEST_CASE("mqtt-rr with -D: the user's correlation data replaces the random one, a response topic clashes")
{
    const Options o = parse(
        Tool::rr,
        {"-t", "q", "-m", "x", "-D", "publish", "correlation-data", "my-id", "-D", "publish", "content-type", "text/plain"});
    CHECK(o.correlation_data == "my-id");
    REQUIRE(o.properties.publish.size() == 1);
    CHECK(o.properties.publish[0].name == "content-type");
    CHECK(error_of(Tool::rr, {"-t", "q", "-m", "x", "-D", "publish", "response-topic", "r"}) ==
          "Error in PUBLISH properties: Duplicate response topic.");
    CHECK(parse(Tool::rr, {"-t", "q", "-m", "x", "-D", "subscribe", "user-property", "k", "v"}).properties.subscribe.size() == 1);
    CHECK(error_of(Tool::rr, {"-t", "q", "-m", "x", "-D", "unsubscribe", "user-property", "k", "v"}) ==
          "Error: unsubscribe properties are not used by mqtt-rr, which sends no UNSUBSCRIBE.");
}

TEST_CASE("--ws, -L ws:// and wss://, --ws-path and --ws-header")
{
    const Options ws = parse(Tool::pub, {"--ws", "-t", "t", "-m", "x"});
    CHECK(ws.websockets);
    CHECK(ws.ws_path == "/mqtt");
    CHECK(ws.effective_port() == 1883);
    const Options url =
        parse(Tool::sub, {"-L", "wss://h/t", "--ws-path", "/p?q=1", "--ws-header", "A: b", "--ws-header", "C: d"});
    CHECK(url.websockets);
    CHECK(url.effective_port() == 8883);
    CHECK(url.tls.use_os_certs);
    CHECK(url.ws_path == "/p?q=1");
    CHECK(url.ws_headers == std::vector<std::string>{"A: b", "C: d"});
    CHECK(parse(Tool::rr, {"-L", "WS://h:9001/t", "-m", "x"}).websockets);
    CHECK(parse(Tool::pub, {"--proxy", "http://p:3128", "-t", "t", "-m", "x"}).proxy->kind == mqtt::ProxyKind::http);

    CHECK(error_of(Tool::pub, {"--ws-path", "/x", "-t", "t", "-m", "x"}) ==
          "Error: --ws-path and --ws-header need --ws (or a ws:// URL).");
    CHECK(error_of(Tool::sub, {"--ws-header", "A: b", "-t", "t"}) ==
          "Error: --ws-path and --ws-header need --ws (or a ws:// URL).");
    CHECK(error_of(Tool::sub, {"--ws", "--ws-header", "nocolon", "-t", "t"}) ==
          "Error: Invalid --ws-header \"nocolon\": it must be \"Name: value\".");
    CHECK(error_of(Tool::sub, {"--ws", "--ws-path", "mqtt", "-t", "t"}) ==
          "Error: Invalid --ws-path \"mqtt\": it must start with '/' and hold no spaces or control characters.");
    CHECK(error_of(Tool::sub, {"--ws", "--proxy", "socks5h://p", "-t", "t"}) ==
          "Error: --ws cannot go through a SOCKS5 proxy; use --proxy http://host:port.");
    CHECK(error_of(Tool::sub, {"--ws", "--unix", "/s", "-t", "t"}) ==
          "Error: --ws cannot be used with a unix socket (--unix, -p 0).");
    CHECK(error_of(Tool::sub, {"--proxy", "http://p", "-S", "-t", "t"}) == "Error: -S cannot be used with --proxy http://.");
    // The usage errors come first, as for any option.
    CHECK(error_of(Tool::pub, {"--ws", "-t", "t"}) == "Error: Both topic and message must be supplied.");
    CHECK(error_of(Tool::sub, {"--ws", "--bogus"}) == "Error: Unknown option '--bogus'.");
}

TEST_CASE("-w/--watch: mqtt-sub only, as mosquitto_sub 2.1")
{
    CHECK_FALSE(parse(Tool::sub, {"-t", "t"}).watch);
    CHECK(parse(Tool::sub, {"-t", "t", "-w"}).watch);
    CHECK(parse(Tool::sub, {"--watch", "-t", "t"}).watch);
    CHECK(error_of(Tool::pub, {"-w", "-t", "t", "-m", "x"}) == "Error: Unknown option '-w'.");
    CHECK(error_of(Tool::rr, {"--watch", "-t", "t", "-m", "x"}) == "Error: Unknown option '--watch'.");
}

TEST_CASE("-S: every tool takes it, as mosquitto built with SRV support")
{
    CHECK_FALSE(parse(Tool::pub, {"-t", "t", "-m", "x"}).srv);
    CHECK(parse(Tool::pub, {"-S", "-h", "example.com", "-t", "t", "-m", "x"}).srv);
    CHECK(parse(Tool::sub, {"-t", "t", "-S"}).srv);
    CHECK(parse(Tool::rr, {"-S", "-t", "t", "-m", "x"}).srv);
}

TEST_CASE("deadlines: --connect-timeout for every tool, --reconnect-timeout for pub and sub, -W for pub")
{
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x"}).connect_timeout == 10);
    CHECK(parse(Tool::sub, {"-t", "a"}).reconnect_timeout == 30);
    CHECK(parse(Tool::rr, {"-t", "a", "-m", "x", "--connect-timeout", "0"}).connect_timeout == 0);
    CHECK(parse(Tool::sub, {"-t", "a", "--connect-timeout", "3"}).connect_timeout == 3);
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x", "--reconnect-timeout", "0"}).reconnect_timeout == 0);
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x", "-W", "5"}).timeout == 5);
    CHECK(error_of(Tool::pub, {"--connect-timeout", "-1"}) == "Error: Invalid connect timeout \"-1\".");
    CHECK(error_of(Tool::sub, {"--reconnect-timeout", "x"}) == "Error: Invalid reconnect timeout \"x\".");
    CHECK(error_of(Tool::rr, {"--reconnect-timeout", "1"}) == "Error: Unknown option '--reconnect-timeout'.");
    CHECK(error_of(Tool::pub, {"-W", "0"}) == "Error: Invalid timeout \"0\".");
}

TEST_CASE("--wait-for-broker: every tool, off by default")
{
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x"}).wait_for_broker == 0);
    CHECK(parse(Tool::pub, {"-t", "a", "-m", "x", "--wait-for-broker", "30"}).wait_for_broker == 30);
    CHECK(parse(Tool::sub, {"-t", "a", "--wait-for-broker", "5"}).wait_for_broker == 5);
    CHECK(parse(Tool::rr, {"-t", "a", "-m", "x", "--wait-for-broker", "0"}).wait_for_broker == 0);
    CHECK(parse(Tool::sub, {"--probe", "--wait-for-broker", "9"}).wait_for_broker == 9);
    CHECK(error_of(Tool::pub, {"--wait-for-broker", "-1"}) == "Error: Invalid wait for broker \"-1\".");
    CHECK(error_of(Tool::rr, {"--wait-for-broker", "soon"}) == "Error: Invalid wait for broker \"soon\".");
}

TEST_CASE("the choices the option table declares (for the completions) are values the parser takes")
{
    std::size_t checked = 0;
    for (const Tool tool : {Tool::pub, Tool::sub, Tool::rr}) {
        const std::vector<std::string> base =
            tool == Tool::sub ? std::vector<std::string>{"-t", "a"} : std::vector<std::string>{"-t", "a", "-m", "b"};
        for (const auto& option : mqtt::option_list(tool)) {
            if (option.choices.empty()) continue;
            const std::string& name = option.names.back();
            CAPTURE(mqtt::program_name(tool));
            CAPTURE(name);
            if (name == "--property") {
                // Each command takes a user property (the will's needs a will topic).
                for (const auto& command : option.choices) {
                    CAPTURE(command);
                    auto args = base;
                    args.insert(args.end(), {"--will-topic", "w", "-D", command, "user-property", "k", "v"});
                    CHECK(error_of(tool, args) == "(no error)");
                    ++checked;
                }
                continue;
            }
            // --pace needs --json, which reads standard input instead of -m; TLS values are
            // checked once TLS is on (--keyform: with a key).
            auto with = [&](const std::string& value) {
                std::vector<std::string> args = name == "--pace" ? std::vector<std::string>{"--json"} : base;
                if (name == "--keyform" || name == "--tls-version") {
                    args.insert(args.end(), {"--tls-use-os-certs", "--cert", "c.pem", "--key", "k.pem"});
                }
                args.insert(args.end(), {name, value});
                return error_of(tool, args);
            };
            const std::string refused = with("not-a-choice");
            for (const auto& choice : option.choices) {
                CAPTURE(choice);
                const std::string taken = with(choice);
                // The value itself is taken: no error, or a later one that the bad value does not give.
                CHECK(taken != refused);
                ++checked;
            }
        }
    }
    CHECK(checked >= 40);
}

TEST_CASE("-D's property names per command are libmosquitto's, only those the command takes")
{
    const auto publish = mqtt::property_names(mqtt::PropertyCommand::publish);
    const auto has = [](const std::vector<std::string>& names, const std::string& name) {
        return std::find(names.begin(), names.end(), name) != names.end();
    };
    CHECK(has(publish, "message-expiry-interval"));
    CHECK(has(publish, "user-property"));
    CHECK_FALSE(has(publish, "subscription-identifier"));  // the broker's, not the publisher's
    CHECK(mqtt::property_names(mqtt::PropertyCommand::subscribe) ==
          std::vector<std::string>{"subscription-identifier", "user-property"});
    CHECK(has(mqtt::property_names(mqtt::PropertyCommand::connect), "session-expiry-interval"));
    CHECK(has(mqtt::property_names(mqtt::PropertyCommand::will), "will-delay-interval"));
}
