// mqtt-sub -F and --pretty end to end: what mqtt-pub (or, for MQTT 5 properties, a small
// libmosquitto publisher in this file) sends, printed through a format by mqtt-sub.
#include "e2e.h"
#include "test_properties.h"

#include <cstdlib>
#include <cstring>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <regex>
#include <string>

using namespace e2e;
using namespace std::string_literals;

namespace {

/// Runs the subscriber `argv` (which has "-i id" and a -C), publishes with mqtt-pub once it
/// is subscribed, and returns what the subscriber printed.
test::Result sub_then_pub(const test::Broker& broker, const std::string& id, const Args& sub_args,
                          const std::vector<Args>& publishes)
{
    Args args{"-i", id, "-W", "10"};
    args.insert(args.end(), sub_args.begin(), sub_args.end());
    return run_subscriber(broker, id, sub(broker, args), [&] {
        for (const auto& p : publishes) publish(broker, p);
    });
}

/// Publishes one MQTT 5 message with `properties` through libmosquitto (mqtt-pub cannot
/// send properties yet), at QoS 1, and waits (bounded) for the PUBACK.
void publish_v5(const test::Broker& broker, const std::string& topic, const std::string& payload,
                const mosquitto_property* properties)
{
    mosquitto_lib_init();
    mosquitto* mosq = mosquitto_new("raw-v5-publisher", true, nullptr);
    REQUIRE(mosq != nullptr);
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    bool acknowledged = false;
    mosquitto_user_data_set(mosq, &acknowledged);
    mosquitto_publish_v5_callback_set(
        mosq, [](mosquitto*, void* done, int, int, const mosquitto_property*) { *static_cast<bool*>(done) = true; });
    REQUIRE(mosquitto_connect(mosq, "127.0.0.1", broker.port(), 10) == MOSQ_ERR_SUCCESS);
    REQUIRE(mosquitto_publish_v5(mosq, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false,
                                 properties) == MOSQ_ERR_SUCCESS);
    const auto deadline = Clock::now() + 10s;
    while (!acknowledged && Clock::now() < deadline) { REQUIRE(mosquitto_loop(mosq, 100, 1) == MOSQ_ERR_SUCCESS); }
    CHECK(acknowledged);
    mosquitto_disconnect(mosq);
    mosquitto_loop(mosq, 100, 1);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
}

}  // namespace

TEST_CASE("format: the README's first example, -F 'Received message: %p on topic %t'")
{
    test::Broker broker;
    const test::Result r = sub_then_pub(broker, "readme", {"-t", "home/#", "-C", "1", "-F", "Received message: %p on topic %t"},
                                        {{"-t", "home/livingroom/temperature", "-m", "22.5"}});
    check_ended(r, 0, "Received message: 22.5 on topic home/livingroom/temperature\n");
}

TEST_CASE("format: message fields of a retained QoS 1 message, -F wins over -v")
{
    test::Broker broker;
    publish(broker, {"-t", "f/retained", "-m", "hello", "-q", "1", "-r"});
    const test::Result r =
        sub_then_pub(broker, "fields", {"-t", "f/#", "-q", "1", "-C", "2", "-v", "-F", "%t|%p|%x|%.2:X|%-7l|%q|%r|%05m|%%|\\t@@"},
                     {{"-t", "f/live", "-m", "ab\x01", "-q", "0"}});
    check_ended(r, 0,
                "f/retained|hello|68656c6c6f|68:65:6C:6C:6F|5      |1|1|00001|%|\t@\n"
                "f/live|ab\x01|616201|61:62:01|3      |0|0|00000|%|\t@\n");
}

TEST_CASE("format: -N leaves out the newline after each formatted message")
{
    test::Broker broker;
    const test::Result r = sub_then_pub(broker, "no-eol", {"-t", "n", "-C", "3", "-N", "-F", "[%p]"},
                                        {{"-t", "n", "-m", "a"}, {"-t", "n", "-n"}, {"-t", "n", "-m", "c"}});
    check_ended(r, 0, "[a][][c]");
}

TEST_CASE("format: %I, %U, @ sequences and the %j timestamp use one local time per message")
{
    ::setenv("TZ", "BST-1", 1);  // the children inherit it: a fixed UTC+1 without DST
    test::Broker broker;
    const test::Result r = sub_then_pub(broker, "times", {"-t", "t", "-C", "1", "-F", "%I|%U|@Y-@m-@dT@H:@M:@S@z|@s.@N|%j"},
                                        {{"-t", "t", "-m", "x", "-q", "1"}});
    CHECK(r.status == 0);
    CHECK(r.err == "");
    static const std::regex shape(
        R"((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\+0100\|(\d+)\.(\d{9})\|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\+0100\|(\d+)\.(\d{9})\|)"
        R"(\{"tst":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})\+0100","topic":"t","qos":0,"retain":false,"payloadlen":1,"payload":"x"\}\n)");
    std::smatch m;
    REQUIRE_MESSAGE(std::regex_match(r.out, m, shape), r.out);
    CHECK(m[1] == m[4]);
    CHECK(m[1] == m[7]);
    CHECK(m[2] == m[5]);
    CHECK(m[3] == m[6]);
    CHECK(m[8] == m[3].str().substr(0, 6));
    // The local time is the Unix time in UTC+1.
    const std::time_t seconds = std::stoll(m[2]) + 3600;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char expected[32];
    std::strftime(expected, sizeof expected, "%Y-%m-%dT%H:%M:%S", &utc);
    CHECK(m[1] == expected);
}

TEST_CASE("format: %j with mosquitto 2.1's shape, a binary payload still valid JSON, --pretty")
{
    test::Broker broker;
    TempDir dir;
    const std::string file = dir.write("payload.bin", "a\0\xff\"\n"s);
    const test::Result r =
        sub_then_pub(broker, "json", {"-t", "j", "-C", "1", "-q", "2", "-F", "%j"}, {{"-t", "j", "-f", file, "-q", "2"}});
    CHECK(r.status == 0);
    CHECK(r.err == "");
    static const std::regex compact(
        R"(\{"tst":"[^"]+","topic":"j","qos":2,"retain":false,"payloadlen":5,"mid":1,"payload":"a\\u0000\\u00ff\\"\\n"\}\n)");
    CHECK_MESSAGE(std::regex_match(r.out, compact), r.out);

    const test::Result p =
        sub_then_pub(broker, "pretty", {"-t", "j", "-C", "1", "--pretty", "-F", "%j"}, {{"-t", "j", "-m", "hi"}});
    CHECK(p.status == 0);
    static const std::regex pretty("\\{\n\t\"tst\":\t\"[^\"]+\",\n\t\"topic\":\t\"j\",\n\t\"qos\":\t0,\n\t\"retain\":\tfalse,\n"
                                   "\t\"payloadlen\":\t2,\n\t\"payload\":\t\"hi\"\n\\}\n");
    CHECK_MESSAGE(std::regex_match(p.out, pretty), p.out);
}

TEST_CASE("format: %J embeds a JSON payload, one that is not JSON gives an error line and an empty line")
{
    test::Broker broker;
    const test::Result r = sub_then_pub(broker, "embed", {"-t", "j/#", "-C", "3", "-F", "%t %J"},
                                        {{"-t", "j/ok", "-m", R"({ "temperature": 27.0, "tags": ["a", "b"] })"},
                                         {"-t", "j/bad", "-m", "22.5 degrees"},
                                         {"-t", "j/pretty", "-m", "[1, {}]"}});
    CHECK(r.status == 0);
    CHECK(r.err == "Error: Message payload is not valid JSON on topic j/bad.\n");
    static const std::regex out(
        R"(j/ok \{"tst":"[^"]+","topic":"j/ok","qos":0,"retain":false,"payloadlen":43,"payload":\{"temperature":27.0,"tags":\["a","b"\]\}\}\n)"
        R"(j/bad \n)"
        R"(j/pretty \{"tst":"[^"]+","topic":"j/pretty","qos":0,"retain":false,"payloadlen":7,"payload":\[1,\{\}\]\}\n)");
    CHECK_MESSAGE(std::regex_match(r.out, out), r.out);

    // --quiet keeps the error line off stderr; the message still counts for -C.
    const test::Result q =
        sub_then_pub(broker, "embed-quiet", {"-t", "j/#", "-C", "1", "--quiet", "-F", "%J"}, {{"-t", "j/bad", "-m", "not json"}});
    check_ended(q, 0, "\n");
}

TEST_CASE("format: %f and %d, a payload of the wrong size is skipped with one error line")
{
    test::Broker broker;
    TempDir dir;
    const double e = 2.718281828459045;
    const float half = 0.5f;
    const std::string double_file = dir.write("double.bin", std::string(reinterpret_cast<const char*>(&e), sizeof e));
    const std::string float_file = dir.write("float.bin", std::string(reinterpret_cast<const char*>(&half), sizeof half));
    const test::Result d = sub_then_pub(broker, "double", {"-t", "d", "-C", "2", "-F", "%t=%08.3d"},
                                        {{"-t", "d", "-m", "abc"}, {"-t", "d", "-f", double_file}});
    check_ended(d, 0, "d=0002.718\n", "Error: Message payload on topic d is not a double: 3 bytes instead of 8.\n");

    const test::Result f = sub_then_pub(broker, "float", {"-t", "f", "-C", "2", "-F", "%f|%-6.1f|"},
                                        {{"-t", "f", "-f", float_file}, {"-t", "f", "-f", double_file}});
    check_ended(f, 0, "0.500000|0.5   |\n", "Error: Message payload on topic f is not a float: 8 bytes instead of 4.\n");
}

TEST_CASE("format: MQTT 5 properties of a message, in %C %D %E %F %P %R and %j")
{
    test::Broker broker;
    test::Properties props;
    props.string(MQTT_PROP_CONTENT_TYPE, "text/plain")
        .user("k", "v")
        .binary(MQTT_PROP_CORRELATION_DATA, "c\0d"s)
        .string(MQTT_PROP_RESPONSE_TOPIC, "reply/to")
        .user("k", "v2")
        .byte(MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1)
        .int32(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, 3600);

    const Args argv =
        sub(broker, {"-i", "props", "-V", "5", "-t", "p", "-C", "1", "-W", "10", "-F", "%12C|%P|%D|%R|%F|%A|%S|\\n%j"});
    const test::Result r = run_subscriber(broker, "props", argv, [&] { publish_v5(broker, "p", "x", props.list); });
    CHECK(r.status == 0);
    CHECK(r.err == "");
    // The broker passes the properties on in order; it counts the expiry down, and may
    // have started a new second.
    static const std::regex shape(
        "  text/plain\\|k:v k:v2\\|c\\x00d\\|reply/to\\|1\\|\\|\\|\n"
        R"(\{"tst":"[^"]+","topic":"p","qos":0,"retain":false,"payloadlen":1,"properties":\{)"
        R"("content-type":"text/plain","user-properties":\[\{"k":"v"\},\{"k":"v2"\}\],"correlation-data":"c\\u0000d",)"
        R"("response-topic":"reply/to","payload-format-indicator":1,"message-expiry-interval":(3600|3599)\},"payload":"x"\}\n)");
    CHECK_MESSAGE(std::regex_match(r.out, shape), r.out);
}

TEST_CASE("format: a bad -F is a usage error, mqtt-pub has no -F or --pretty")
{
    const struct {
        const char* tool;
        Args args;
        std::string line;
    } cases[] = {
        {"mqtt-sub", {"-t", "a", "-F", "%y"}, "Error: Invalid format specifier 'y'."},
        {"mqtt-sub", {"-t", "a", "-F", "50%"}, "Error: Incomplete format specifier."},
        {"mqtt-sub", {"-t", "a", "-F", "a\\"}, "Error: Incomplete escape specifier."},
        {"mqtt-sub", {"-t", "a", "-F", "\\d"}, "Error: Invalid escape specifier 'd'."},
        {"mqtt-sub", {"-t", "a", "-F"}, "Error: -F argument given but no format specified."},
        {"mqtt-pub", {"-t", "a", "-m", "x", "-F", "%p"}, "Error: Unknown option '-F'."},
        {"mqtt-pub", {"-t", "a", "-m", "x", "--pretty"}, "Error: Unknown option '--pretty'."},
    };
    for (const auto& c : cases) {
        CAPTURE(c.line);
        const test::Result r = test::run(command(c.tool, c.args));
        check_ended(r, 1, "", usage_error(c.tool, c.line));
    }
}

TEST_CASE("format: a 48 MiB payload printed with %p, %j, %x, --json or as it is costs about twice its size (was 4 to 12 "
          "times)")
{
    // libmosquitto holds two copies while it hands a message over (the packet and the
    // message); the output adds no more than a piece of it. Before, for 32 MiB: %p 135 MB,
    // --json and %x 201 MB, %j 230 MB for these bytes (389 MB for 0xff bytes, \u00ff each).
    constexpr std::size_t size = 48u << 20;
#if defined(__SANITIZE_ADDRESS__)
    constexpr std::size_t k_tool_overhead = 80u << 20;
#else
    constexpr std::size_t k_tool_overhead = 64u << 20;
#endif
    test::Broker broker;
    TempDir dir;
    const std::string file = dir.write("payload", binary_payload(size));
    const test::Result sent = test::run(pub(broker, {"-t", "big", "-r", "-q", "1", "-f", file}), {}, 60s);
    REQUIRE(sent.status == 0);
    const std::string out = dir.path() + "/out";
    const Args formats[] = {{"-F", "%p"}, {"-F", "%j"}, {"-F", "%x"}, {"--json"}, {}};
    for (const Args& format : formats) {
        Args args{"-t", "big", "-C", "1", "-W", "60"};
        args.insert(args.end(), format.begin(), format.end());
        CAPTURE(args);
        const Measured run = run_measured(with_stdout_to(out, sub(broker, args)));
        INFO("peak RSS: " << run.peak_kib << " KiB");
        CHECK(run.result.status == 0);
        CHECK(run.result.err == "");
        CHECK(std::filesystem::file_size(out) > size);
        CHECK(run.peak_kib > 0);
        // Two copies and the tool itself; in the sanitizer build also ASan's shadow and its
        // 16 MB quarantine (measured 160-162 MiB there with CLI11's start-up).
        CHECK(run.peak_kib < static_cast<long>((2 * size + k_tool_overhead) / 1024));
    }
}
