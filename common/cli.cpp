#include "cli.h"

#include <CLI/CLI.hpp>
#include <climits>
#include <fmt/format.h>
#include <map>
#include <mosquitto.h>
#include <span>

#include "error.h"
#include "message_filter.h"
#include "topic.h"
#include "url.h"

namespace mqtt {

namespace {

using Apply = void (*)(Options&, const std::string& value);

/// One option: its names (CLI11 syntax), what its value is (nullptr for a flag), help text,
/// and how it changes Options. `missing` overrides upstream's "no <value> specified" text.
struct OptionDef {
    const char* names;
    const char* value;
    const char* help;
    Apply apply;
    const char* missing = nullptr;
};

struct Group {
    const char* title;
    std::span<const OptionDef> options;
};

[[noreturn]] void fail(const std::string& text)
{
    throw UsageError("Error: " + text);
}

long long integer_or(const std::string& value, long long min, long long max, const std::string& error)
{
    const auto n = parse_integer(value, min, max);
    if (!n) fail(error);
    return *n;
}

int qos_or(const std::string& value, const std::string& error)
{
    return static_cast<int>(integer_or(value, 0, 2, error));
}

void set_input(Options& o, InputMode mode)
{
    if (o.input != InputMode::none) fail("Only one type of message can be sent at once.");
    o.input = mode;
}

void add_filter(std::vector<std::string>& list, const std::string& filter, const char* what)
{
    if (auto error = check_filter(filter, what)) fail(*error);
    list.push_back(filter);
}

void apply_url(Options& o, const std::string& value)
{
    auto parsed = parse_url(value);
    if (auto* error = std::get_if<std::string>(&parsed)) fail(*error);
    auto& url = std::get<BrokerUrl>(parsed);
    o.host = url.host;
    o.port = url.port;
    o.tls_use_os_certs = url.tls;
    if (url.username) o.username = url.username;
    if (url.password) o.password = url.password;
    if (o.tool == Tool::sub) {
        add_filter(o.topics, url.topic, "-L");
    } else {
        if (auto error = check_publish_topic(url.topic, "-L")) fail(*error);
        o.topics = {url.topic};
    }
}

void apply_protocol(Options& o, const std::string& v)
{
    if (v == "mqttv31" || v == "31") {
        o.protocol = k_mqtt31;
    } else if (v == "mqttv311" || v == "311") {
        o.protocol = k_mqtt311;
    } else if (v == "mqttv5" || v == "5") {
        o.protocol = k_mqtt5;
    } else {
        fail("Invalid protocol version argument given.");
    }
}

void apply_session_expiry(Options& o, const std::string& v)
{
    std::uint32_t expiry = 0;
    if (v == "\xe2\x88\x9e" || v == "-1") {  // "∞"
        expiry = UINT32_MAX;
    } else {
        const auto n = parse_integer(v, LLONG_MIN / 2, LLONG_MAX / 2);
        if (!n) fail("session-expiry-interval not a number.");
        if (*n < -1 || *n > UINT32_MAX) fail("session-expiry-interval out of range.");
        expiry = static_cast<std::uint32_t>(*n);
    }
    o.session_expiry = expiry;
    o.protocol = k_mqtt5;  // as mosquitto 2.1: a session expiry only exists in MQTT 5
}

// Options every tool takes: where the broker is and who we are.
constexpr OptionDef k_connection[] = {
    {"-h,--host", "host", "broker host name or address (default: localhost)",
     [](Options& o, const std::string& v) { o.host = v; }},
    {"-p,--port", "port", "broker port (default: 1883, 8883 with TLS; 0: unix socket at -h)",
     [](Options& o, const std::string& v) {
         o.port = static_cast<int>(integer_or(v, 0, 65535, "Invalid port given: " + v));
     }},
    {"-L,--url", "URL", "broker and topic as mqtt(s)://[user[:password]@]host[:port]/topic", apply_url},
    {"--unix", "socket path", "connect to the broker's unix socket at this path",
     [](Options& o, const std::string& v) {
         o.host = v;  // libmosquitto's convention: port 0 means host is a socket path
         o.port = 0;
     },
     "Error: --unix argument given but no socket path specified."},
    {"-A", "address", "bind the outgoing socket to this local address",
     [](Options& o, const std::string& v) { o.bind_address = v; }},
    {"--proxy", "proxy url", "connect through this SOCKS5 proxy: socks5h://[user[:password]@]host[:port]",
     [](Options& o, const std::string& v) {
         auto parsed = parse_proxy_url(v);
         if (auto* error = std::get_if<std::string>(&parsed)) fail(*error);
         o.proxy = std::get<ProxyUrl>(parsed);
     }},
    {"--nodelay", nullptr, "disable Nagle's algorithm (lower latency, more packets)",
     [](Options& o, const std::string&) { o.nodelay = true; }},
    {"-i,--id", "id", "client id (default: assigned by the broker)",
     [](Options& o, const std::string& v) {
         if (!o.id_prefix.empty()) fail("-i and -I argument cannot be used together.");
         if (v.empty()) fail("Invalid id.");  // upstream: libmosquitto refuses an empty id
         o.id = v;
     }},
    {"-I,--id-prefix", "id prefix", "client id is this prefix followed by the process id",
     [](Options& o, const std::string& v) {
         if (!o.id.empty()) fail("-i and -I argument cannot be used together.");
         o.id_prefix = v;
     }},
    {"-u,--username", "username", "user name to authenticate with",
     [](Options& o, const std::string& v) { o.username = v; }},
    {"-P,--pw", "password", "password to authenticate with",
     [](Options& o, const std::string& v) { o.password = v; }},
    {"-k,--keepalive", "keepalive", "keep-alive interval in seconds, 5-65535 (default: 60)",
     [](Options& o, const std::string& v) {
         o.keepalive = static_cast<int>(
             integer_or(v, 5, 65535, "Invalid keepalive given, it must be between 5 and 65535 inclusive."));
     }},
    {"-V,--protocol-version", "version", "mqttv5, mqttv311 or mqttv31 (default: mqttv311; mqtt-rr: mqttv5)",
     apply_protocol,
     "Error: --protocol-version argument given but no version specified."},
    {"-c,--disable-clean-session", nullptr, "keep the session when disconnecting (needs -i)",
     [](Options& o, const std::string&) { o.clean_session = false; }},
    {"-x", "session expiry interval", "MQTT 5 session expiry interval in seconds (-1: never)",
     apply_session_expiry},
    {"-M", "max_inflight", "most QoS 1/2 messages in flight at once (default: 20)",
     [](Options& o, const std::string& v) {
         // Upstream takes any positive int; MQTT cannot have more than 65535 in flight.
         o.max_inflight = static_cast<int>(std::min<long long>(
             65535, integer_or(v, 1, INT32_MAX, "Maximum inflight messages must be greater than 0.")));
     },
     "Error: -M argument given but max_inflight not specified."},
    {"-d,--debug", nullptr, "print libmosquitto's debug messages on stdout",
     [](Options& o, const std::string&) { o.debug = true; }},
    {"--quiet", nullptr, "do not print errors that happen after start-up (the exit status tells)",
     [](Options& o, const std::string&) { o.quiet = true; }},
};

constexpr OptionDef k_will[] = {
    {"--will-topic", "will topic", "topic of the message the broker publishes if we vanish",
     [](Options& o, const std::string& v) {
         if (auto error = check_publish_topic(v, "--will-topic")) fail(*error);
         o.will.topic = v;
     }},
    {"--will-payload", "will payload", "payload of the will message",
     [](Options& o, const std::string& v) {
         o.will.payload = v;
         o.will.payload_given = true;
     }},
    {"--will-qos", "will QoS", "QoS of the will message (default: 0)",
     [](Options& o, const std::string& v) { o.will.qos = qos_or(v, "Invalid will QoS " + v + "."); }},
    {"--will-retain", nullptr, "retain the will message",
     [](Options& o, const std::string&) { o.will.retain = true; }},
};

// The topic and QoS of what a tool publishes: mqtt-pub's messages, mqtt-rr's request (whose
// QoS is also that of the response subscription).
constexpr OptionDef k_publish_topic[] = {
    {"-t,--topic", "topic", "topic to publish to",
     [](Options& o, const std::string& v) {
         if (auto error = check_publish_topic(v, "-t")) fail(*error);
         o.topics = {v};
     }},
    {"-q,--qos", "QoS", "quality of service, 0, 1 or 2 (default: 0)",
     [](Options& o, const std::string& v) { o.qos = qos_or(v, "Invalid QoS given: " + v); }},
};

constexpr OptionDef k_publish[] = {
    {"-r,--retain", nullptr, "ask the broker to retain the message",
     [](Options& o, const std::string&) { o.retain = true; }},
    {"--repeat", "count", "publish the message this many times (default: 1)",
     [](Options& o, const std::string& v) {
         o.repeat = static_cast<long>(integer_or(v, 1, INT32_MAX, "--repeat argument must be >0."));
     }},
    {"--repeat-delay", "time", "seconds between repeated messages (default: 0)",
     [](Options& o, const std::string& v) {
         const auto delay = parse_non_negative(v);
         if (!delay) fail("--repeat-delay argument must be >=0.0.");
         o.repeat_delay = *delay;
     }},
};

constexpr OptionDef k_message[] = {
    {"-m,--message", "message", "send this text as the message",
     [](Options& o, const std::string& v) {
         set_input(o, InputMode::message);
         if (v.size() > k_max_payload) fail(fmt::format("Message length must be less than {} bytes.", k_max_payload));
         o.message = v;
     }},
    {"-f,--file", "file", "send the contents of a file as the message",
     [](Options& o, const std::string& v) {
         set_input(o, InputMode::file);
         o.file = v;
     }},
    {"-s,--stdin-file", nullptr, "send all of standard input as one message",
     [](Options& o, const std::string&) { set_input(o, InputMode::stdin_whole); }},
    {"-n,--null-message", nullptr, "send an empty message",
     [](Options& o, const std::string&) { set_input(o, InputMode::null_message); }},
};

// mqtt-pub only: mqtt-rr sends one request.
constexpr OptionDef k_message_lines[] = {
    {"-l,--stdin-line", nullptr, "send each line of standard input as a message",
     [](Options& o, const std::string&) { set_input(o, InputMode::stdin_lines); }},
};

constexpr OptionDef k_subscribe[] = {
    {"-t,--topic", "topic", "topic filter to subscribe to (repeatable)",
     [](Options& o, const std::string& v) { add_filter(o.topics, v, "-t"); }},
    {"-q,--qos", "QoS", "quality of service of the subscriptions (default: 0)",
     [](Options& o, const std::string& v) { o.qos = qos_or(v, "Invalid QoS given: " + v); }},
    {"-T,--filter-out", "topic filter", "do not print messages on topics matching this filter",
     [](Options& o, const std::string& v) { add_filter(o.filter_out, v, "-T"); }},
    {"-U,--unsubscribe", "unsubscribe topic", "unsubscribe from this filter after subscribing",
     [](Options& o, const std::string& v) { add_filter(o.unsubscribe, v, "-U"); }},
    {"--retained-only", nullptr, "print only retained messages; end at the first live one",
     [](Options& o, const std::string&) { o.retained_only = true; }},
    {"--remove-retained", nullptr, "clear each retained message received (publishes an empty retained one)",
     [](Options& o, const std::string&) { o.remove_retained = true; }},
    {"--random-filter", "chance", "print only this percentage of messages, 0.1-100",
     [](Options& o, const std::string& v) {
         const auto chance = parse_non_negative(v);
         if (!chance || *chance < 0.1 || *chance > 100.0) fail("--random-filter chance must be between 0.1-100.0");
         o.random_filter = *chance;
     }},
    {"--grep", "regex", "keep only messages whose payload matches this ECMAScript expression",
     [](Options& o, const std::string& v) {
         if (auto error = check_regex(v, "--grep")) fail(*error);
         o.grep = v;
     }},
    {"--grep-topic", "regex", "keep only messages whose topic matches this ECMAScript expression",
     [](Options& o, const std::string& v) {
         if (auto error = check_regex(v, "--grep-topic")) fail(*error);
         o.grep_topic = v;
     }},
    {"--idle-timeout", "seconds", "end with success after this long without a message",
     [](Options& o, const std::string& v) {
         const auto seconds = parse_non_negative(v);
         if (!seconds || *seconds <= 0.0) fail("Invalid idle timeout \"" + v + "\".");
         o.idle_timeout = *seconds;
     }},
    {"-E", nullptr, "end once the subscriptions are acknowledged",
     [](Options& o, const std::string&) { o.exit_after_subscribe = true; }},
    {"-C", "count", "end after this many messages",
     [](Options& o, const std::string& v) {
         o.msg_count = static_cast<long>(integer_or(v, 1, INT32_MAX, "Invalid message count \"" + v + "\"."));
     }},
};

// What mqtt-sub and mqtt-rr share about receiving: which messages, and when to give up.
constexpr OptionDef k_receive[] = {
    {"-R", nullptr, "do not print stale (retained) messages",
     [](Options& o, const std::string&) { o.no_retained = true; }},
    {"--retain-as-published", nullptr, "MQTT 5: keep the retain flag of live messages as published",
     [](Options& o, const std::string&) { o.retain_as_published = true; }},
    {"--ready-file", "path", "create this file once every subscription is acknowledged",
     [](Options& o, const std::string& v) {
         if (v.empty()) fail("Invalid ready file ''.");
         o.ready_file = v;
     }},
    {"-W", "timeout", "end with status 27 after this many seconds",
     [](Options& o, const std::string& v) {
         o.timeout = static_cast<int>(integer_or(v, 1, 2147483, "Invalid timeout \"" + v + "\"."));
     }},
};

// mqtt-rr: where the response comes back.
constexpr OptionDef k_request[] = {
    {"-e", "response topic", "topic to receive the response on (MQTT 5 default: a unique one)",
     [](Options& o, const std::string& v) {
         if (auto error = check_publish_topic(v, "-e")) fail(*error);
         o.response_topic = v;
     }},
};

constexpr OptionDef k_output[] = {
    {"-v,--verbose", nullptr, "print the topic before each payload",
     [](Options& o, const std::string&) { o.verbose = true; }},
    {"-N", nullptr, "do not print a newline after each message",
     [](Options& o, const std::string&) { o.no_eol = true; }},
    {"-F", "format", "print each message as this format says (see FORMAT in mqtt-sub(1))",
     [](Options& o, const std::string& v) {
         auto compiled = compile_format(v);
         if (auto* error = std::get_if<std::string>(&compiled)) throw UsageError(*error);
         o.format = std::move(std::get<Format>(compiled));
     }},
    {"--pretty", nullptr, "print the JSON of %j and %J indented, one member per line",
     [](Options& o, const std::string&) { o.pretty = true; }},
};

std::vector<Group> groups_for(Tool tool)
{
    switch (tool) {
    case Tool::pub:
        return {{"Connection", k_connection}, {"Message", k_message},     {"Message", k_message_lines},
                {"Publish", k_publish_topic}, {"Publish", k_publish},     {"Will", k_will}};
    case Tool::rr:
        return {{"Connection", k_connection}, {"Request", k_publish_topic}, {"Request", k_request},
                {"Message", k_message},       {"Response", k_receive},      {"Output", k_output},
                {"Will", k_will}};
    case Tool::sub:
        break;
    }
    return {{"Connection", k_connection}, {"Subscribe", k_subscribe}, {"Subscribe", k_receive},
            {"Output", k_output},         {"Will", k_will}};
}

std::string missing_value_text(const OptionDef& def, const CLI::Option& option)
{
    if (def.missing) return def.missing;
    const auto& shorts = option.get_snames();
    const std::string name = shorts.empty() ? "--" + option.get_lnames().front() : "-" + shorts.front();
    return fmt::format("Error: {} argument given but no {} specified.", name, def.value);
}

/// Checks that need every option: upstream's order (client_config_load, then main).
void check_combinations(Options& o)
{
    if (o.will.payload_given && o.will.topic.empty()) fail("Will payload given, but no will topic given.");
    if (o.will.retain && o.will.topic.empty()) fail("Will retain given, but no will topic given.");
    if (o.protocol == k_mqtt5 && !o.clean_session && !o.session_expiry) o.session_expiry = UINT32_MAX;
    if (o.protocol == k_mqtt5 && o.session_expiry == UINT32_MAX && o.id.empty()) {
        fail("You must provide a client id if you are using an infinite session expiry interval.");
    }
    if (o.protocol != k_mqtt5 && !o.clean_session && o.id.empty()) {
        fail("You must provide a client id if you are using the -c option.");
    }
    if (o.password && !o.username && o.protocol != k_mqtt5) {
        fail("Problem setting username and/or password.");
    }
    if (o.tool == Tool::sub) {
        if (o.topics.empty() && o.unsubscribe.empty()) {
            fail("You must specify a topic to subscribe to (-t) or unsubscribe from (-U).");
        }
        if (o.no_retained && o.retained_only) fail("Combining '-R' and '--retained-only' makes no sense.");
    } else if (o.tool == Tool::rr) {
        // Upstream also wants -e; with MQTT 5 we pick a response topic ourselves.
        if (o.topics.empty() || o.input == InputMode::none) {
            fail("All of topic, message, and response topic must be supplied.");
        }
        if (o.response_topic.empty() && o.protocol != k_mqtt5) {
            fail(fmt::format("A response topic (-e) must be supplied with MQTT {}, whose requests cannot carry one.",
                             o.protocol == k_mqtt31 ? "3.1" : "3.1.1"));
        }
    } else if (o.topics.empty() || o.input == InputMode::none) {
        fail("Both topic and message must be supplied.");
    }
}

std::string version_text(Tool tool)
{
    int major = 0, minor = 0, revision = 0;
    mosquitto_lib_version(&major, &minor, &revision);
    return fmt::format("{} version {} running on libmosquitto {}.{}.{}.\n", program_name(tool),
                       MQTT_TOOLS_VERSION, major, minor, revision);
}

}  // namespace

std::string program_name(Tool tool)
{
    switch (tool) {
    case Tool::pub:
        return "mqtt-pub";
    case Tool::rr:
        return "mqtt-rr";
    case Tool::sub:
        break;
    }
    return "mqtt-sub";
}

CommandLine parse_command_line(Tool tool, const std::vector<std::string>& args)
{
    const char* description = tool == Tool::pub  ? "Publish MQTT messages."
                              : tool == Tool::rr ? "Publish an MQTT request and print the response."
                                                 : "Subscribe to MQTT topics and print the messages.";
    CLI::App app{description, program_name(tool)};
    app.set_help_flag();
    app.footer(fmt::format("Exit status: 0 on success; see the EXIT STATUS section of {}(1).", program_name(tool)));
    app.add_flag("--help")->description("print this help and exit");
    app.add_flag("--version")->description("print the version and exit");

    // Every name a tool accepts, exactly as typed; CLI11 would also take "--x=v", "-vd".
    std::map<std::string, std::pair<const OptionDef*, CLI::Option*>> by_name;
    std::map<const CLI::Option*, const OptionDef*> defs;
    for (const auto& group : groups_for(tool)) {
        for (const auto& def : group.options) {
            CLI::Option* option = def.value ? app.add_option(def.names, def.help)->expected(1)->type_name(
                                                  fmt::format("<{}>", def.value))
                                            : app.add_flag(def.names)->description(def.help);
            option->group(group.title)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
            defs[option] = &def;
            for (const auto& s : option->get_snames()) by_name["-" + s] = {&def, option};
            for (const auto& l : option->get_lnames()) by_name["--" + l] = {&def, option};
        }
    }

    CommandLine result;
    result.options.tool = tool;
    if (tool == Tool::rr) result.options.protocol = k_mqtt5;  // request/response is an MQTT 5 feature
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        // Left to right as upstream: --help or --version ends parsing where it stands.
        if (arg == "--help" || arg == "--version") {
            const bool help = arg == "--help";
            result.action = help ? CommandLine::Action::help : CommandLine::Action::version;
            result.text = help ? app.help() : version_text(tool);
            return result;
        }
        auto found = by_name.find(arg);
        if (found == by_name.end()) throw UsageError("Error: Unknown option '" + arg + "'.");
        if (found->second.first->value) {
            if (i + 1 >= args.size()) throw UsageError(missing_value_text(*found->second.first, *found->second.second));
            ++i;
        }
    }

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        throw UsageError(std::string("Error: ") + e.what());
    }

    std::map<const CLI::Option*, std::size_t> used;
    for (const CLI::Option* option : app.parse_order()) {
        auto def = defs.find(option);
        if (def == defs.end()) continue;
        const std::size_t index = used[option]++;
        const auto& results = option->results();
        def->second->apply(result.options, index < results.size() ? results[index] : std::string());
    }
    check_combinations(result.options);
    return result;
}

}  // namespace mqtt
