// mqtt-rr against a real mosquitto. The other side of a request is a small responder made
// with libmosquitto inside the test (none of the tools can answer a request); a scripted
// fake broker refuses the response subscription. The options mqtt-rr shares with the other
// tools are covered where they meet the request: -D, options files, TLS.
#include "e2e.h"
#include "encoders.h"

#include "fake_broker.h"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <utility>

using namespace e2e;

namespace {

/// A service on `request_topic`: for each request it publishes (QoS 1) "re:" + the
/// request's payload, on the request's response topic (MQTT 5) or on a fixed topic, with the
/// request's correlation data, or with the wrong ones first, or not at all. It always
/// connects to the broker's plain listener.
class Responder {
public:
    enum class Mode {
        echo,               ///< one correct response
        wrong_then_right,   ///< one without correlation data, one with other data, then the correct one
        wrong_only,         ///< the two wrong ones only
        random_then_right,  ///< one with 16 random bytes, as mqtt-rr would make up, then the correct one
        uncorrelated,       ///< one on the response topic without correlation data (as many devices do)
        silent,             ///< no response
    };
    struct Request {
        std::string payload;
        std::optional<std::string> response_topic;
        std::optional<std::string> correlation;
        int qos = 0;
        bool retain = false;
        std::vector<std::pair<std::string, std::string>> user_properties;
    };

    Responder(const test::Broker& broker, const std::string& request_topic, Mode mode, int protocol = MQTT_PROTOCOL_V5,
              std::string reply_topic = {})
        : m_mode(mode), m_protocol(protocol), m_reply_topic(std::move(reply_topic)), m_request_topic(request_topic)
    {
        mosquitto_lib_init();
        m_mosq = mosquitto_new("responder", true, this);
        REQUIRE(m_mosq != nullptr);
        mosquitto_int_option(m_mosq, MOSQ_OPT_PROTOCOL_VERSION, protocol);
        mosquitto_connect_v5_callback_set(m_mosq, [](mosquitto* mosq, void* self, int rc, int, const mosquitto_property*) {
            if (rc == 0) mosquitto_subscribe(mosq, nullptr, static_cast<Responder*>(self)->m_request_topic.c_str(), 1);
        });
        mosquitto_subscribe_callback_set(
            m_mosq, [](mosquitto*, void* self, int, int, const int*) { static_cast<Responder*>(self)->subscribed(); });
        mosquitto_message_v5_callback_set(
            m_mosq, [](mosquitto*, void* self, const mosquitto_message* message, const mosquitto_property* properties) {
                static_cast<Responder*>(self)->answer(*message, properties);
            });
        REQUIRE(mosquitto_connect(m_mosq, "127.0.0.1", broker.port(), 10) == MOSQ_ERR_SUCCESS);
        REQUIRE(mosquitto_loop_start(m_mosq) == MOSQ_ERR_SUCCESS);
        bool subscribed = false;
        {
            std::unique_lock lock(m_mutex);
            subscribed = m_changed.wait_for(lock, 10s, [this] { return m_subscribed; });
        }
        if (!subscribed) stop();  // no destructor runs when the constructor fails
        REQUIRE_MESSAGE(subscribed, "the responder never subscribed; broker log:\n" << broker.log());
    }

    ~Responder() { stop(); }
    Responder(const Responder&) = delete;
    Responder& operator=(const Responder&) = delete;

    /// Answers every request with `payload` instead of "re:" and the request.
    void answer_with(std::string payload)
    {
        std::lock_guard lock(m_mutex);
        m_answer = std::move(payload);
    }

    /// The requests that arrived so far.
    std::vector<Request> requests()
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }

private:
    void stop()
    {
        if (m_mosq == nullptr) return;
        mosquitto_disconnect(m_mosq);
        mosquitto_loop_stop(m_mosq, false);
        mosquitto_destroy(m_mosq);
        mosquitto_lib_cleanup();
        m_mosq = nullptr;
    }

    void subscribed()
    {
        std::lock_guard lock(m_mutex);
        m_subscribed = true;
        m_changed.notify_all();
    }

    void answer(const mosquitto_message& message, const mosquitto_property* properties)
    {
        Request request;
        request.payload.assign(static_cast<const char*>(message.payload), static_cast<std::size_t>(message.payloadlen));
        request.qos = message.qos;
        request.retain = message.retain;
        char* topic = nullptr;
        if (mosquitto_property_read_string(properties, MQTT_PROP_RESPONSE_TOPIC, &topic, false)) {
            request.response_topic = topic;
            std::free(topic);
        }
        void* data = nullptr;
        std::uint16_t length = 0;
        if (mosquitto_property_read_binary(properties, MQTT_PROP_CORRELATION_DATA, &data, &length, false)) {
            request.correlation = std::string(static_cast<const char*>(data), length);
            std::free(data);
        }
        bool first = true;
        for (const mosquitto_property* p = properties; p != nullptr; first = false) {
            char* key = nullptr;
            char* value = nullptr;
            p = mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &key, &value, !first);
            if (p == nullptr) break;
            request.user_properties.emplace_back(key, value);
            std::free(key);
            std::free(value);
        }
        std::optional<std::string> answer;
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
            answer = m_answer;
        }
        const std::string reply_topic = m_reply_topic.empty() ? request.response_topic.value_or("") : m_reply_topic;
        if (m_mode == Mode::silent || reply_topic.empty()) return;
        if (m_mode == Mode::wrong_then_right || m_mode == Mode::wrong_only) {
            reply(reply_topic, "stale", std::nullopt);
            reply(reply_topic, "someone else's", std::string("not the request's"));
        }
        if (m_mode == Mode::random_then_right) reply(reply_topic, "a guess", binary_payload(300).substr(100, 16));
        if (m_mode == Mode::uncorrelated) {
            reply(reply_topic, "re:" + request.payload, std::nullopt);
            return;
        }
        if (m_mode != Mode::wrong_only) reply(reply_topic, answer.value_or("re:" + request.payload), request.correlation);
    }

    void reply(const std::string& topic, const std::string& payload, const std::optional<std::string>& correlation)
    {
        mosquitto_property* properties = nullptr;
        if (correlation && m_protocol == MQTT_PROTOCOL_V5) {
            mosquitto_property_add_binary(&properties, MQTT_PROP_CORRELATION_DATA, correlation->data(),
                                          static_cast<std::uint16_t>(correlation->size()));
        }
        mosquitto_publish_v5(m_mosq, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false,
                             properties);
        mosquitto_property_free_all(&properties);
    }

    Mode m_mode;
    int m_protocol;
    std::string m_reply_topic;
    std::string m_request_topic;
    mosquitto* m_mosq = nullptr;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_subscribed = false;
    std::vector<Request> m_requests;
    std::optional<std::string> m_answer;  ///< answer_with's
};

/// A throwaway CA, a server certificate for 127.0.0.1 signed by it and an unrelated CA, made
/// with the openssl command (EC keys: a fraction of a second). A minimal copy of the one in
/// tls_test.cpp, which keeps its own.
class Pki {
public:
    Pki()
    {
        make_ca("ca");
        make_ca("other-ca");
        const Args request{"req",
                           "-subj",
                           "/CN=localhost",
                           "-newkey",
                           "ec",
                           "-pkeyopt",
                           "ec_paramgen_curve:prime256v1",
                           "-nodes",
                           "-keyout",
                           key("server"),
                           "-out",
                           path("server.csr")};
        openssl(request);
        const std::string ext = m_dir.write("server.ext", "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\n");
        openssl({"x509", "-req", "-days", "2", "-in", path("server.csr"), "-CA", crt("ca"), "-CAkey", key("ca"),
                 "-CAcreateserial", "-extfile", ext, "-out", crt("server")});
    }

    std::string path(const std::string& name) const { return m_dir.path() + "/" + name; }
    std::string crt(const std::string& name) const { return path(name + ".crt"); }
    std::string key(const std::string& name) const { return path(name + ".key"); }

    /// A broker whose second listener uses TLS with the server certificate.
    test::BrokerConfig broker_config() const
    {
        test::BrokerConfig config;
        config.second_listener = "cafile " + crt("ca") + "\ncertfile " + crt("server") + "\nkeyfile " + key("server") + "\n";
        return config;
    }

private:
    void openssl(Args args) const
    {
        args.insert(args.begin(), "/usr/bin/openssl");
        const test::Result r = test::run(args, {}, 20s);
        INFO("openssl: " << r.err);
        REQUIRE(r.status == 0);
    }
    void make_ca(const std::string& name) const
    {
        openssl({"req", "-x509", "-days", "2", "-subj", "/CN=" + name, "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key(name), "-out", crt(name), "-addext",
                 "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
    }

    TempDir m_dir;
};

/// `argv` run with XDG_CONFIG_HOME set to `folder` (env(1) execs the tool).
Args with_config_home(const std::string& folder, const Args& argv)
{
    Args env{"/usr/bin/env", "XDG_CONFIG_HOME=" + folder};
    env.insert(env.end(), argv.begin(), argv.end());
    return env;
}

}  // namespace

TEST_CASE("rr: MQTT 5 round trip, -F '%p': the response printed exactly, the request as MQTT 5 wants it")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const test::Result r = test::run(
        rr(broker, {"-i", "asker", "-q", "1", "-t", "service/echo", "-e", "asker/reply", "-m", "ping", "-F", "%p", "-W", "10"}));
    check_ended(r, 0, "re:ping\n");

    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].payload == "ping");
    CHECK(requests[0].response_topic == "asker/reply");
    REQUIRE(requests[0].correlation);
    CHECK(requests[0].correlation->size() == 16);
    CHECK_FALSE(requests[0].retain);
    const std::string log = broker.log();
    CHECK(log.find("Received PUBLISH from asker (d0, q1, r0") != std::string::npos);
    CHECK(log.find(": \tasker/reply (QoS 1)\n") != std::string::npos);  // the SUBSCRIBE's filter
}

TEST_CASE("rr: --encode cbor sends the JSON request as CBOR, and --decode cbor reads the answer")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    // The echo answers "re:" and the request's bytes; -F %x shows them.
    const test::Result r = test::run(rr(broker,
                                        {"-i", "asker", "-q", "1", "-t", "service/echo", "-e", "asker/reply", "-m",
                                         R"({"what":"config"})", "--encode", "cbor", "-F", "%x", "-W", "10"}));
    check_ended(r, 0,
                "72653a"
                "a164776861746663"
                "6f6e666967\n");
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].payload ==
          "\xa1\x64what\x66"
          "config");
    check_ended(test::run(rr(broker, {"-t", "service/echo", "-e", "asker/reply", "-m", "{", "--encode", "cbor", "-W", "10"})), 1,
                "", "Error: --encode cbor: the -m message is not JSON at byte 2: a member name (a string) is missing.\n");
}

TEST_CASE("rr: every run sends new correlation data")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    for (int i = 0; i < 2; ++i) {
        const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-m", "again", "-W", "10"}));
        CHECK(r.status == 0);
        CHECK(r.out == "re:again\n");
    }
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[0].correlation != requests[1].correlation);
}

TEST_CASE("rr: without -e, MQTT 5 asks for the response on a topic of its own, -v prints it")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-m", "who am i", "-v", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.err == "");

    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    REQUIRE(requests[0].response_topic);
    const std::string topic = *requests[0].response_topic;
    CHECK(topic.rfind("mqtt-rr/response/", 0) == 0);
    CHECK(topic.size() == std::string("mqtt-rr/response/").size() + 32);
    CHECK(r.out == topic + " re:who am i\n");
}

TEST_CASE("rr: responses without the request's correlation data are ignored, -d tells")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::wrong_then_right);
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-m", "ping", "-W", "10"}));
    check_ended(r, 0, "re:ping\n");

    const test::Result d = test::run(rr(broker, {"-d", "-t", "service/echo", "-e", "reply", "-m", "ping", "-W", "10"}));
    CHECK(d.status == 0);
    CHECK(d.out.find("Request: response topic 'reply', correlation data ") != std::string::npos);
    CHECK(d.out.find("Ignored a message on 'reply' without correlation data.\n") != std::string::npos);
    CHECK(d.out.find("Ignored a message on 'reply' with correlation data that is not the request's.\n") != std::string::npos);
    CHECK(d.out.find("\nre:ping\n") != std::string::npos);
}

TEST_CASE("rr: a stale retained response is not taken for the answer (MQTT 5)")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "reply", "-m", "old answer"});
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-m", "ping", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "re:ping\n");
}

TEST_CASE("rr: no response ends with 27 and \"Timed out\" after -W")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::silent);
    const auto start = Clock::now();
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-m", "anyone?", "-W", "1"}));
    const double elapsed = seconds_since(start);
    check_ended(r, 27, "", "Timed out\n");
    CHECK(elapsed >= 1.0);
    CHECK(elapsed < 10.0);
    CHECK(responder.requests().size() == 1);  // the request did go out
}

namespace {

/// The end of a run whose -W expired after `ignored` ("1 message", "2 messages") came
/// without the request's correlation data: status 27, and a line that names the way out.
void check_timed_out_ignoring(const test::Result& r, const std::string& ignored)
{
    check_ended(r, 27, "",
                "Timed out (ignored " + ignored +
                    " without the request's correlation data; "
                    "--no-correlation-check takes the first message on the response topic)\n");
}

}  // namespace

TEST_CASE("rr: only wrong responses: the timeout line counts them")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::wrong_only);
    check_timed_out_ignoring(test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-m", "ping", "-W", "1"})), "2 messages");
}

TEST_CASE("rr: a responder that does not copy the correlation data: 27 naming --no-correlation-check, which takes its answer")
{
    test::Broker broker;
    Responder responder(broker, "device/ask", Responder::Mode::uncorrelated);
    check_timed_out_ignoring(test::run(rr(broker, {"-t", "device/ask", "-e", "device/answer", "-m", "status?", "-W", "2"})),
                             "1 message");

    // The option, and its variable.
    TempDir config;
    const Args request{"-t", "device/ask", "-e", "device/answer", "-m", "status?", "-W", "10"};
    Args with_option{"--no-correlation-check"};
    with_option.insert(with_option.end(), request.begin(), request.end());
    for (const Args& argv :
         {rr(broker, with_option), with_env(config.path(), {"MQTT_NO_CORRELATION_CHECK=1"}, rr(broker, request))}) {
        const test::Result ok = test::run(argv);
        INFO("stderr: " << ok.err);
        check_ended(ok, 0, "re:status?\n");
    }
    // The request still carries correlation data: a responder that copies it gets it.
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 3);
    CHECK(requests[2].correlation.has_value());
}

TEST_CASE("rr: MQTT 3.1.1 with -e: plain subscribe and publish, the first message is the response")
{
    test::Broker broker;
    Responder responder(broker, "service/v3", Responder::Mode::echo, MQTT_PROTOCOL_V311, "replies/fixed");
    const test::Result r =
        test::run(rr(broker, {"-V", "311", "-i", "old", "-t", "service/v3", "-e", "replies/fixed", "-m", "ping", "-W", "10"}));
    check_ended(r, 0, "re:ping\n");
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].payload == "ping");
    CHECK_FALSE(requests[0].response_topic);
    CHECK_FALSE(requests[0].correlation);
    CHECK(broker.log().find("New client connected from 127.0.0.1:") != std::string::npos);
    CHECK(broker.log().find(" as old (p2, c1, k60)") != std::string::npos);  // p2: MQTT 3.1.1
}

TEST_CASE("rr: MQTT 3.1.1 with -R skips a retained message on the response topic")
{
    test::Broker broker;
    publish(broker, {"-r", "-t", "replies/fixed", "-m", "old answer"});
    Responder responder(broker, "service/v3", Responder::Mode::echo, MQTT_PROTOCOL_V311, "replies/fixed");
    const test::Result r =
        test::run(rr(broker, {"-V", "311", "-R", "-t", "service/v3", "-e", "replies/fixed", "-m", "ping", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "re:ping\n");
}

TEST_CASE("rr: MQTT 3.1.1 without -e is a usage error")
{
    const test::Result r = test::run(command("mqtt-rr", {"-V", "311", "-t", "service", "-m", "ping"}));
    check_ended(r, 1, "",
                usage_error("mqtt-rr",
                            "Error: A response topic (-e) must be supplied with MQTT 3.1.1, whose "
                            "requests cannot carry one."));
}

TEST_CASE("rr: the request from -f, byte for byte, and the response with -N")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    TempDir dir;
    const std::string payload = binary_payload(5000);
    const std::string file = dir.write("request.bin", payload);
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-f", file, "-N", "-q", "2", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "re:" + payload);
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].payload == payload);
}

TEST_CASE("rr: the request from all of standard input (-s)")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const test::Result r = test::run(rr(broker, {"-t", "service/echo", "-e", "reply", "-s", "-W", "10"}), "line 1\nline 2\n");
    check_ended(r, 0, "re:line 1\nline 2\n\n");
}

TEST_CASE("rr: input errors as mqtt-pub's, before connecting")
{
    const test::Result empty = test::run(command("mqtt-rr", {"-p", "1", "-t", "q", "-s"}));
    CHECK(empty.status == 1);
    CHECK(empty.err == "Error: Zero length input.\n");
    const test::Result missing = test::run(command("mqtt-rr", {"-p", "1", "-t", "q", "-f", "/nonexistent/request"}));
    CHECK(missing.status == 1);
    CHECK(missing.err == "Error: Unable to open file \"/nonexistent/request\".\n");
}

TEST_CASE("rr: options of the other tools are unknown options")
{
    for (const Args& args : {Args{"-C", "1"}, Args{"-l"}, Args{"-r"}, Args{"--repeat", "2"}, Args{"-T", "x"}}) {
        CAPTURE(args.front());
        const test::Result r = test::run(command("mqtt-rr", args));
        check_ended(r, 1, "", usage_error("mqtt-rr", "Error: Unknown option '" + args.front() + "'."));
    }
}

TEST_CASE("rr: --ready-file exists once subscribed, DISCONNECT is sent, so the will is not published")
{
    test::Broker broker;
    test::Child watcher(sub(broker, {"-i", "watcher", "-t", "wills/+", "-v", "-C", "1", "-W", "10"}));
    require_subscribed(broker, "watcher");
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    TempDir dir;
    const std::string ready = dir.write("ready", "stale");
    const test::Result r = test::run(rr(broker,
                                        {"-i", "leaver", "--will-topic", "wills/leaver", "--will-payload", "gone", "-t",
                                         "service/echo", "-e", "reply", "-m", "ping", "--ready-file", ready, "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.out == "re:ping\n");
    REQUIRE(::access(ready.c_str(), F_OK) == 0);
    CHECK(std::filesystem::file_size(ready) == 0);  // made anew, not the stale one

    REQUIRE(broker.wait_for_log("Client leaver disconnected.\n"));
    publish(broker, {"-t", "wills/marker", "-m", "marker"});
    const test::Result w = watcher.wait(10s);
    CHECK(w.status == 0);
    CHECK(w.out == "wills/marker marker\n");
}

TEST_CASE("rr: a refused response subscription ends with 9, no request, no ready file")
{
    std::atomic<bool> published{false};
    test::FakeBroker broker([&published](test::FakeConnection& client) {
        test::Packet packet;
        if (!client.read(packet) || packet.type != 1) return;
        client.send(test::connack(client.protocol, 0));
        if (!client.read(packet) || packet.type != 8) return;
        client.send(test::suback(client.protocol, test::packet_id(packet), {0x87}));
        while (client.read(packet) && packet.type != 14) {
            if (packet.type == 3) published = true;
        }
    });
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    const test::Result r = test::run(command("mqtt-rr",
                                             {"-h", "127.0.0.1", "-p", broker.port_str(), "-t", "q", "-e", "secret/reply", "-m",
                                              "x", "--ready-file", ready, "-W", "10"}));
    check_ended(r, 9, "", "Error: The broker refused the subscription to the response topic 'secret/reply': Not authorized.\n");
    CHECK_FALSE(published.load());
    CHECK(::access(ready.c_str(), F_OK) != 0);
}

TEST_CASE("rr: SIGINT while waiting for the response ends with 11 after a DISCONNECT")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::silent);
    TempDir dir;
    const std::string ready = dir.path() + "/ready";
    test::Child asker(
        rr(broker, {"-i", "impatient", "-t", "service/echo", "-e", "reply", "-m", "ping", "--ready-file", ready, "-W", "20"}));
    REQUIRE(wait_for_file(ready));
    // The ready file comes before the request: wait until the request is out too.
    REQUIRE(broker.wait_for_log("Received PUBLISH from impatient"));
    asker.signal(SIGINT);
    const test::Result r = asker.wait(10s);
    check_ended(r, 11, "", "Error: Interrupted by SIGINT before the job was done.\n");
    CHECK(broker.wait_for_log("Client impatient disconnected.\n"));
}

TEST_CASE("rr: -D publish correlation-data replaces the random data, only a response with it is taken")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::random_then_right);
    const test::Result r = test::run(rr(broker,
                                        {"-d", "-t", "service/echo", "-e", "reply", "-m", "ping", "-D", "publish",
                                         "correlation-data", "my-id", "-F", "%D %p", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("Request: response topic 'reply', correlation data 6d792d6964.\n") != std::string::npos);
    CHECK(r.out.find("Ignored a message on 'reply' with correlation data that is not the request's.\n") != std::string::npos);
    CHECK(r.out.find("\nmy-id re:ping\n") != std::string::npos);
    CHECK(r.out.find("a guess") == std::string::npos);

    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].correlation == "my-id");
    CHECK(requests[0].response_topic == "reply");
}

TEST_CASE("rr: -D publish correlation-data:hex sends binary data with NUL and 0xff, only a response with those bytes is taken")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::random_then_right);
    const std::string bytes("\x00\xff\n\x00id\xff", 7);
    const test::Result r = test::run(rr(broker,
                                        {"-d", "-t", "service/echo", "-e", "reply", "-m", "ping", "-D", "publish",
                                         "correlation-data:hex", "00ff0a00 6964ff", "-F", "%D|%p", "-W", "10"}));
    CHECK(r.status == 0);
    CHECK(r.err == "");
    CHECK(r.out.find("Request: response topic 'reply', correlation data 00ff0a006964ff.\n") != std::string::npos);
    CHECK(r.out.find("Ignored a message on 'reply' with correlation data that is not the request's.\n") != std::string::npos);
    CHECK(r.out.find("\n" + bytes + "|re:ping\n") != std::string::npos);
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].correlation == bytes);

    // --json: the same bytes, losslessly in base64, in the one record printed.
    const test::Result j = test::run(rr(broker,
                                        {"-t", "service/echo", "-e", "reply2", "-m", "ping", "-D", "publish",
                                         "correlation-data:base64", "AP8KAGlk/w==", "--json", "-W", "10"}));
    CHECK(j.status == 0);
    CHECK(j.err == "");
    static const std::regex shape(R"(\{"tst":"[^"]+","topic":"reply2","qos":[01],"retain":false,"payloadlen":7,)"
                                  R"("properties":\{"correlation-data_base64":"AP8KAGlk/w=="\},"payload":"re:ping"\}\n)");
    CHECK_MESSAGE(std::regex_match(j.out, shape), j.out);
    REQUIRE(responder.requests().size() == 2);
    CHECK(responder.requests()[1].correlation == bytes);
}

// A copied property list went out with its first property only (libmosquitto 2.0.11).
TEST_CASE("rr: -D publish user-property reaches the service with the request, in order")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const test::Result r = test::run(rr(
        broker, {"-t",      "service/echo",  "-m",     "ping", "-D", "publish",   "user-property", "site", "berlin",        "-D",
                 "publish", "user-property", "tenant", "a b",  "-D", "subscribe", "user-property", "for",  "the SUBSCRIBE", "-W",
                 "5"}));
    check_ended(r, 0, "re:ping\n");
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    using Pair = std::pair<std::string, std::string>;
    CHECK(requests[0].user_properties == std::vector<Pair>{{"site", "berlin"}, {"tenant", "a b"}});
    REQUIRE(requests[0].correlation);
    CHECK(requests[0].correlation->size() == 16);  // still the random data
}

TEST_CASE("rr: -D properties that clash with the request or are never sent are usage errors")
{
    const test::Result topic =
        test::run(command("mqtt-rr", {"-p", "1", "-t", "q", "-m", "x", "-D", "publish", "response-topic", "x"}));
    check_ended(topic, 1, "", usage_error("mqtt-rr", "Error in PUBLISH properties: Duplicate response topic."));

    const test::Result unsubscribe =
        test::run(command("mqtt-rr", {"-p", "1", "-t", "q", "-m", "x", "-D", "unsubscribe", "user-property", "k", "v"}));
    CHECK(unsubscribe.status == 1);
    CHECK(unsubscribe.err ==
          usage_error("mqtt-rr", "Error: unsubscribe properties are not used by mqtt-rr, which sends no UNSUBSCRIBE."));

    const test::Result v311 = test::run(command(
        "mqtt-rr", {"-p", "1", "-t", "q", "-m", "x", "-D", "publish", "user-property", "k", "v", "-V", "311", "-e", "r"}));
    CHECK(v311.status == 1);
    CHECK(v311.err == usage_error("mqtt-rr", "Error: MQTT v5 properties given (-D) but protocol version mqttv311 selected."));
}

TEST_CASE("rr: -o gives host, port and topic, the command line adds the request")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    TempDir dir;
    const std::string file = dir.write("rr.conf",
                                       "# the service\n-h 127.0.0.1\n-p " + broker.port_str() +
                                           "\n-t service/echo\n-q 1\n-e from/file\n-m from the file\n");
    const test::Result r = test::run(command("mqtt-rr", {"-o", file, "-m", "ping", "-v", "-W", "10"}));
    check_ended(r, 0, "from/file re:ping\n");
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].payload == "ping");  // the command line's -m replaces the file's
    CHECK(requests[0].qos == 1);
    CHECK(requests[0].response_topic == "from/file");

    const test::Result missing = test::run(command("mqtt-rr", {"-o", dir.path() + "/none", "-m", "ping"}));
    CHECK(missing.status == 1);
    CHECK(missing.err == usage_error("mqtt-rr", "Error: Unable to open options file \"" + dir.path() + "/none\"."));
}

TEST_CASE("rr: the default options file is mqtt-rr, else mosquitto_rr, in $XDG_CONFIG_HOME")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    TempDir config;
    config.write("mosquitto_rr", "-h 127.0.0.1\n-p " + broker.port_str() + "\n-t service/echo\n");
    const test::Result fallback = test::run(with_config_home(config.path(), command("mqtt-rr", {"-m", "one", "-W", "10"})));
    check_ended(fallback, 0, "re:one\n");

    // mqtt-rr's own file wins over mosquitto_rr's: a -W 1 from the wrong file could not answer.
    config.write("mqtt-rr", "-h 127.0.0.1\n-p " + broker.port_str() + "\n-t service/echo\n-v\n-e own/reply\n");
    const test::Result own = test::run(with_config_home(config.path(), command("mqtt-rr", {"-m", "two", "-W", "10"})));
    check_ended(own, 0, "own/reply re:two\n");
}

TEST_CASE("rr: a request and its response over TLS (--cafile), another CA ends with 12")
{
    Pki pki;
    test::Broker broker(pki.broker_config());
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    const Args tls{test::tool("mqtt-rr"), "-h", "127.0.0.1", "-p", broker.second_port_str(), "-i", "tls-asker"};

    Args good = tls;
    good.insert(good.end(), {"--cafile", pki.crt("ca"), "-t", "service/echo", "-m", "over tls", "-W", "10"});
    const test::Result r = test::run(good);
    check_ended(r, 0, "re:over tls\n");
    REQUIRE(responder.requests().size() == 1);
    // mqtt-rr really came over the TLS listener.
    const std::string log = broker.log();
    CHECK(log.find("on port " + broker.second_port_str() + ".\n") != std::string::npos);
    CHECK(log.find(" as tls-asker (p5, c1, k60).\n") != std::string::npos);

    Args bad = tls;
    bad.insert(bad.end(), {"--cafile", pki.crt("other-ca"), "-t", "service/echo", "-m", "x", "-W", "10"});
    const test::Result refused = test::run(bad);
    check_ended(refused, 12, "",
                "Error: TLS handshake failed: certificate verify failed "
                "(self-signed certificate in certificate chain) (broker 127.0.0.1 port " +
                    broker.second_port_str() + " over TLS)\n");
    CHECK(responder.requests().size() == 1);  // no second request
}

TEST_CASE("rr: --decode prints the response decoded, one that does not decode is printed raw, or ends with 1")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    // The responder answers "re:" + the request: 0x72 starts a CBOR text string of 18 bytes,
    // so with 16 more bytes the response is the CBOR text "e:0123456789abcdef".
    const Args ask{"-t", "service/echo", "-e", "asker/reply", "-W", "10", "--decode", "cbor"};
    auto run_with = [&](const Args& extra) {
        Args args = ask;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(rr(broker, args));
    };
    check_ended(run_with({"-m", "0123456789abcdef"}), 0, "\"e:0123456789abcdef\"\n");
    check_ended(run_with({"-m", "0123456789abcdef", "-F", "%p|%V"}), 0, "re:0123456789abcdef|\"e:0123456789abcdef\"\n");
    const std::string warning = "Message payload on topic asker/reply does not decode as cbor: truncated: the item needs 19 "
                                "bytes, 4 are left at byte 0";
    check_ended(run_with({"-m", "x"}), 0, "re:x\n", "Warning: " + warning + "; printed raw.\n");
    check_ended(run_with({"-m", "x", "--on-error", "skip"}), 0, "", "Warning: " + warning + "; skipped.\n");
    check_ended(run_with({"-m", "x", "--on-error", "stop"}), 1, "", "Error: " + warning + ".\n");
}

TEST_CASE("rr: --decode protobuf prints the response's fields by number, one that does not decode is printed raw")
{
    test::Broker broker;
    Responder responder(broker, "service/echo", Responder::Mode::echo);
    // The response is "re:" + the request: 'r' (0x72) is field 14, length-delimited, 'e' its
    // length (101). With "c" + 99 bytes, ':' (0x3a) is field 7 of a nested message with 'c'
    // (99) bytes, 99 'x' that do not parse as a message (the last tag has no value): a string.
    const std::string xs(99, 'x');
    const Args ask{"-t", "service/echo", "-e", "asker/reply", "-W", "10", "--decode", "protobuf"};
    auto run_with = [&](const Args& extra) {
        Args args = ask;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(rr(broker, args));
    };
    check_ended(run_with({"-m", "c" + xs}), 0, R"({"14":{"7":")" + xs + "\"}}\n");
    const std::string warning = "Message payload on topic asker/reply does not decode as protobuf: truncated: field 14 declares "
                                "101 bytes, 2 are left at byte 0";
    check_ended(run_with({"-m", "x"}), 0, "re:x\n", "Warning: " + warning + "; printed raw.\n");
    check_ended(run_with({"-m", "x", "--on-error", "stop"}), 1, "", "Error: " + warning + ".\n");
}

TEST_CASE("rr: --encode and --decode protobuf:FILE.proto:Message - the request as protoc reads it, the answer by field name")
{
    test::Broker broker;
    const ProtocSchema schema("service.proto", R"(syntax = "proto3";
package svc;
message Read {
  string sensor = 1;
  uint32 samples = 2;
}
message Reading {
  enum Unit {
    NONE = 0;
    CELSIUS = 1;
  }
  string sensor = 1;
  repeated double values = 2;
  Unit unit = 3;
}
)");
    Responder responder(broker, "service/read", Responder::Mode::echo);
    // The service's answer comes from protoc, not from our encoder.
    responder.answer_with(schema.encode("svc.Reading", R"(sensor: "t1" values: 21.5 values: -3 unit: CELSIUS)"));
    const Args ask{"-t",       "service/read",
                   "-e",       "asker/reply",
                   "-W",       "10",
                   "--encode", "protobuf:" + schema.file() + ":svc.Read",
                   "--decode", "protobuf:" + schema.file() + ":svc.Reading"};
    auto run_with = [&](const Args& extra) {
        Args args = ask;
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run(rr(broker, args));
    };
    check_ended(run_with({"-m", R"({"sensor":"t1","samples":2})"}), 0,
                R"({"sensor":"t1","values":[21.5,-3.0],"unit":"CELSIUS"})"
                "\n");
    const auto requests = responder.requests();
    REQUIRE(requests.size() == 1);
    CHECK(schema.decode("svc.Read", requests[0].payload) == "sensor: \"t1\"\nsamples: 2\n");

    // -F %p keeps the answer's bytes.
    check_ended(run_with({"-m", R"({"sensor":"t1"})", "-F", "%p", "-N"}), 0,
                schema.encode("svc.Reading", R"(sensor: "t1" values: 21.5 values: -3 unit: CELSIUS)"));

    // A request the schema does not fit: one line, status 1, nothing sent.
    check_ended(run_with({"-m", R"({"sensr":"t1"})"}), 1, "",
                "Error: --encode protobuf:" + schema.file() +
                    ":svc.Read: the -m message cannot be written as protobuf: sensr: svc.Read has no field of that name.\n");
    CHECK(responder.requests().size() == 2);
}
