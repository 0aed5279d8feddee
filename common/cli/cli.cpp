#include "cli.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <climits>
#include <fmt/format.h>
#include <map>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <span>
#include <stdexcept>
#include <string_view>

#include "decode_spec.h"
#include "error.h"
#include "help.h"
#include "regex.h"
#include "options_file.h"
#include "quote.h"
#include "secret.h"
#include "show_config.h"
#include "template.h"
#include "terminal_text.h"
#include "text.h"
#include "tls_options.h"
#include "topic.h"
#include "url.h"
#include "ws_options.h"

namespace mqtt {

namespace {

using Apply = void (*)(Options&, const std::string& value);
using CountValues = std::size_t (*)(std::span<const std::string> following);
using ApplyValues = void (*)(Options&, std::span<const std::string> values);

/// One option: its names (CLI11 syntax), what its value is (nullptr for a flag), help text,
/// and how it changes Options. `missing` overrides upstream's "no <value> specified" text.
/// An option with several values (-D) sets `count_values`, which says how many of the
/// arguments that follow are its values (maybe fewer than it needs, at the end of argv:
/// then `apply_values` reports what is missing), and `apply_values` instead of `apply`.
struct OptionDef {
    const char* names;
    const char* value;
    const char* help;
    Apply apply;
    const char* missing = nullptr;
    CountValues count_values = nullptr;
    ApplyValues apply_values = nullptr;
    bool input = false;  ///< one of the exclusive message sources (-m -f -s -l -n)
    /// The words the value may be, space-separated, for the completions (the apply
    /// function checks the value; a unit test checks that it takes each of these). -D:
    /// the commands; completions.cpp adds each command's property names.
    const char* choices = nullptr;
    bool adds = false;  ///< each use adds a value (sub -t, -D): --show-config lists them all
};

/// Options under one title: the --help section, and the man page's subsection of OPTIONS
/// (tests/man_test.sh checks that they list the same options).
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
    if (auto checked = check_filter(filter, what); !checked.ok()) fail(checked.error());
    list.push_back(filter);
}

/// -W: the deadline of the whole job.
void apply_timeout(Options& o, const std::string& v)
{
    o.timeout = static_cast<int>(integer_or(v, 1, 2147483, "Invalid timeout \"" + v + "\"."));
}

void apply_url(Options& o, const std::string& value)
{
    auto parsed = parse_url(value);
    if (!parsed) fail(parsed.error());
    auto& url = *parsed;
    o.host = url.host;
    o.port = url.port;
    if (url.websockets) o.websockets = true;
    if (url.tls) o.tls.use_os_certs = true;  // mqtt:// leaves an earlier --tls-use-os-certs alone
    if (url.username) o.username = url.username;
    if (url.password) o.password = url.password;
    if (o.tool == Tool::sub) {
        add_filter(o.topics, url.topic, "-L");
    } else {
        if (auto checked = check_publish_topic(url.topic, "-L"); !checked.ok()) fail(checked.error());
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

const char* protocol_name(int protocol)
{
    return protocol == k_mqtt31 ? "mqttv31" : protocol == k_mqtt311 ? "mqttv311" : "mqttv5";
}

/// True when `tool` sends the packet `command` adds properties to.
bool tool_sends(Tool tool, PropertyCommand command)
{
    switch (command) {
    case PropertyCommand::publish: return tool == Tool::pub || tool == Tool::rr || tool == Tool::bench;
    case PropertyCommand::subscribe: return tool == Tool::sub || tool == Tool::rr;
    case PropertyCommand::unsubscribe: return tool == Tool::sub;
    default: return true;
    }
}

void apply_property(Options& o, std::span<const std::string> values)
{
    auto parsed = parse_property(values);
    if (!parsed) throw UsageError(parsed.error());
    auto& property = *parsed;
    // mosquitto_pub/_sub accept and silently drop properties for packets they never send.
    if (!tool_sends(o.tool, property.command)) {
        std::string packet = command_name(property.command);
        for (char& c : packet) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        fail(fmt::format("{} properties are not used by {}, which sends no {}.", command_name(property.command),
                         program_name(o.tool), packet));
    }
    o.properties.of(property.command).push_back(std::move(property.property));
    o.protocol = k_mqtt5;  // as upstream: properties only exist in MQTT 5
}

// Options every tool takes: where the broker is and who we are, in pieces so that
// mqtt-bench can leave out what one process of many clients cannot mean (-i, -c, --ws...).
constexpr OptionDef k_connection[] = {
    {"-h,--host", "host", "broker host name or address (default: localhost)",
     [](Options& o, const std::string& v) { o.host = v; }},
    {"-p,--port", "port", "broker port (default: 1883; 8883 with --cafile, --capath or --psk; 0: unix socket at -h)",
     [](Options& o, const std::string& v) { o.port = static_cast<int>(integer_or(v, 0, 65535, "Invalid port given: " + v)); }},
    {"-L,--url", "URL", "broker and topic as mqtt(s)://[user[:password]@]host[:port]/topic", apply_url},
};

constexpr OptionDef k_srv[] = {
    {"-S", nullptr, "find the broker by DNS SRV lookup of _mqtt._tcp.<host> (_secure-mqtt with --cafile, --capath or --psk)",
     [](Options& o, const std::string&) { o.srv = true; }},
};

constexpr OptionDef k_socket[] = {
    {"--unix", "socket path", "connect to the broker's unix socket at this path",
     [](Options& o, const std::string& v) {
         o.host = v;  // libmosquitto's convention: port 0 means host is a socket path
         o.port = 0;
     },
     "Error: --unix argument given but no socket path specified."},
    {"-A", "address", "bind the outgoing socket to this local address (default: any)",
     [](Options& o, const std::string& v) { o.bind_address = v; }},
    {"--proxy", "proxy url",
     "connect through this proxy: socks5h:// (SOCKS5) or http:// (HTTP CONNECT), [user[:password]@]host[:port]",
     [](Options& o, const std::string& v) {
         auto parsed = parse_proxy_url(v);
         if (!parsed) fail(parsed.error());
         o.proxy = *parsed;
     }},
    {"--nodelay", nullptr, "disable Nagle's algorithm (lower latency, more packets)",
     [](Options& o, const std::string&) { o.nodelay = true; }},
};

constexpr OptionDef k_websockets[] = {
    {"--ws", nullptr, "MQTT over WebSockets (wss with any TLS option); -L ws:// and wss:// imply it",
     [](Options& o, const std::string&) { o.websockets = true; }},
    {"--ws-path", "path", "path (and query) of the WebSocket upgrade request (default: /mqtt)",
     [](Options& o, const std::string& v) {
         if (auto checked = ws::check_path(v); !checked.ok()) fail(checked.error());
         o.ws_path = v;
     }},
    {.names = "--ws-header",
     .value = "header",
     .help = "add this 'Name: value' header to the WebSocket upgrade request (repeatable)",
     .apply =
         [](Options& o, const std::string& v) {
             if (auto checked = ws::check_header(v); !checked.ok()) fail(checked.error());
             o.ws_headers.push_back(v);
         },
     .adds = true},
};

constexpr OptionDef k_client_id[] = {
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
};

constexpr OptionDef k_login[] = {
    {"-u,--username", "username", "user name to authenticate with", [](Options& o, const std::string& v) { o.username = v; }},
    {"-P,--pw,--password", "password", "password to authenticate with; - asks for it on the terminal",
     [](Options& o, const std::string& v) { o.password = v == "-" ? prompt_password() : v; }},
    {"--pw-file", "file", "password to authenticate with: the first line of this file",
     [](Options& o, const std::string& v) { o.password = read_password_file(v); }},
    {"--connect-timeout", "seconds", "give up connecting after this many seconds, 0: never (default: 10)",
     [](Options& o, const std::string& v) {
         o.connect_timeout = static_cast<int>(integer_or(v, 0, 2147483, "Invalid connect timeout \"" + v + "\"."));
     }},
};

constexpr OptionDef k_wait_for_broker[] = {
    {"--wait-for-broker", "seconds",
     "retry the first connection this long while the broker (or its proxy) is not up yet (default: 0, fail at once)",
     [](Options& o, const std::string& v) {
         o.wait_for_broker = static_cast<int>(integer_or(v, 0, 2147483, "Invalid wait for broker \"" + v + "\"."));
     }},
};

constexpr OptionDef k_keepalive[] = {
    {"-k,--keepalive", "keepalive", "keep-alive interval in seconds, 5-65535 (default: 60)",
     [](Options& o, const std::string& v) {
         o.keepalive =
             static_cast<int>(integer_or(v, 5, 65535, "Invalid keepalive given, it must be between 5 and 65535 inclusive."));
     }},
};

// -V, whose default differs: request/response needs MQTT 5.
constexpr const char* k_protocol_choices = "5 311 31 mqttv5 mqttv311 mqttv31";
constexpr OptionDef k_protocol[] = {
    {"-V,--protocol-version", "version", "MQTT version: 5 or mqttv5, 311 or mqttv311, 31 or mqttv31 (default: mqttv311)",
     apply_protocol, "Error: --protocol-version argument given but no version specified.", nullptr, nullptr, false,
     k_protocol_choices},
};

constexpr OptionDef k_protocol_rr[] = {
    {"-V,--protocol-version", "version", "MQTT version: 5 or mqttv5, 311 or mqttv311, 31 or mqttv31 (default: mqttv5)",
     apply_protocol, "Error: --protocol-version argument given but no version specified.", nullptr, nullptr, false,
     k_protocol_choices},
};

constexpr OptionDef k_clean_session[] = {
    {"-c,--disable-clean-session", nullptr, "keep the session when disconnecting (needs -i)",
     [](Options& o, const std::string&) { o.clean_session = false; }},
};

// The session and where the other options come from (every tool).
constexpr OptionDef k_session[] = {
    {"-x", "session expiry interval", "MQTT 5 session expiry interval in seconds, -1: never (default: 0)", apply_session_expiry},
    {"-M", "max_inflight", "most QoS 1/2 messages in flight at once (default: 20)",
     [](Options& o, const std::string& v) {
         // Upstream takes any positive int; MQTT cannot have more than 65535 in flight.
         o.max_inflight = static_cast<int>(
             std::min<long long>(65535, integer_or(v, 1, INT32_MAX, "Maximum inflight messages must be greater than 0.")));
     },
     "Error: -M argument given but max_inflight not specified."},
    {"-o", "options file", "read options from this file instead of the default one",
     [](Options&, const std::string&) {},  // read before everything else (parse_command_line)
     "Error: -o argument given but no options file specified."},
    {"--profile", "name", "read options from ~/.config/mqtt-tools/<name> (after the options file)",
     [](Options&, const std::string&) {}},  // read before the environment (parse_command_line)
    {"--show-config", nullptr,
     "print each setting in effect and where it came from (default, options file, profile, environment, "
     "command line), secrets masked, and exit",
     [](Options& o, const std::string&) { o.show_config = true; }},
};

constexpr OptionDef k_debug[] = {
    {"-d,--debug", nullptr, "print libmosquitto's debug messages on stdout",
     [](Options& o, const std::string&) { o.debug = true; }},
};

constexpr OptionDef k_quiet[] = {
    {"--quiet", nullptr, "do not print errors that happen after start-up (the exit status tells)",
     [](Options& o, const std::string&) { o.quiet = true; }},
};

constexpr const char* k_property_values = "<command> <name> [<key>] <value>";

constexpr OptionDef k_publish_properties[] = {
    {"-D,--property", k_property_values,
     "MQTT 5 property for connect, publish, disconnect or will; user-property takes a key and a value "
     "(selects MQTT 5)",
     nullptr, nullptr, property_argument_count, apply_property, false, "connect publish disconnect will", true},
};

constexpr OptionDef k_request_properties[] = {
    {"-D,--property", k_property_values,
     "MQTT 5 property for connect, publish (the request), subscribe (the response topic), disconnect or will; "
     "user-property takes a key and a value",
     nullptr, nullptr, property_argument_count, apply_property, false, "connect publish subscribe disconnect will", true},
};

constexpr OptionDef k_subscribe_properties[] = {
    {"-D,--property", k_property_values,
     "MQTT 5 property for connect, subscribe, unsubscribe, disconnect or will; user-property takes a key and "
     "a value (selects MQTT 5)",
     nullptr, nullptr, property_argument_count, apply_property, false, "connect subscribe unsubscribe disconnect will", true},
};

// TLS (both tools). The values are checked once all options are known (tls.cpp), as upstream
// checks them when it sets TLS up.
constexpr OptionDef k_tls[] = {
    {"--cafile", "file", "trust the CA certificates in this PEM file; turns TLS on, port 8883",
     [](Options& o, const std::string& v) { o.tls.cafile = v; }},
    {"--capath", "directory", "trust the CA certificates in this (c_rehash'ed) directory; turns TLS on, port 8883",
     [](Options& o, const std::string& v) { o.tls.capath = v; }},
    {"--tls-use-os-certs", nullptr, "trust the system's CA certificates; turns TLS on",
     [](Options& o, const std::string&) { o.tls.use_os_certs = true; }},
    {"--cert", "file", "client certificate (PEM) to authenticate with; needs --key",
     [](Options& o, const std::string& v) { o.tls.certfile = v; }},
    {"--key", "file", "private key of the client certificate", [](Options& o, const std::string& v) { o.tls.keyfile = v; }},
    {.names = "--keyform",
     .value = "keyform",
     .help = "form of --key: pem (default) or engine",
     .apply = [](Options& o, const std::string& v) { o.tls.keyform = v; },
     .choices = "pem engine"},
    {"--insecure", nullptr, "do not check that the broker's certificate is for the host name",
     [](Options& o, const std::string&) { o.tls.insecure = true; }},
    {.names = "--tls-version",
     .value = "version",
     .help = "lowest TLS version: tlsv1.3, tlsv1.2 (default) or tlsv1.1",
     .apply = [](Options& o, const std::string& v) { o.tls.version = lower_case(v); },
     .choices = "tlsv1.3 tlsv1.2 tlsv1.1"},
    {"--ciphers", "ciphers", "OpenSSL cipher list for TLS 1.2 and older",
     [](Options& o, const std::string& v) { o.tls.ciphers = v; }},
    {"--tls-alpn", "protocol", "application protocol to offer in ALPN, e.g. mqtt",
     [](Options& o, const std::string& v) { o.tls.alpn = v; }},
    {"--psk", "key", "TLS pre-shared key, in hex; turns TLS on, port 8883; needs --psk-identity",
     [](Options& o, const std::string& v) { o.tls.psk = v; }},
    {"--psk-identity", "identity", "identity of the pre-shared key",
     [](Options& o, const std::string& v) { o.tls.psk_identity = v; }},
    {"--tls-keylog", "file", "append the TLS secrets to this file (NSS key log format, for Wireshark)",
     [](Options& o, const std::string& v) { o.tls.keylog = v; }},
    {"--tls-engine", "engine_id", "OpenSSL engine to use for TLS", [](Options& o, const std::string& v) { o.tls.engine = v; }},
    {"--tls-engine-kpass-sha1", "kpass sha1", "SHA-1 of the engine key's password, 40 hex digits",
     [](Options& o, const std::string& v) { o.tls.engine_kpass_sha1 = v; }},
    {"--no-tls", nullptr, "ignore every TLS option, given before or after: plain TCP",
     [](Options& o, const std::string&) { o.tls.no_tls = true; }},
};

constexpr OptionDef k_will[] = {
    {"--will-topic", "will topic", "topic of the message the broker publishes if we vanish",
     [](Options& o, const std::string& v) {
         if (auto checked = check_publish_topic(v, "--will-topic"); !checked.ok()) fail(checked.error());
         o.will.topic = v;
     }},
    {"--will-payload", "will payload", "payload of the will message",
     [](Options& o, const std::string& v) {
         o.will.payload = v;
         o.will.payload_given = true;
     }},
    {.names = "--will-qos",
     .value = "will QoS",
     .help = "QoS of the will message (default: 0)",
     .apply = [](Options& o, const std::string& v) { o.will.qos = qos_or(v, "Invalid will QoS " + v + "."); },
     .choices = "0 1 2"},
    {"--will-retain", nullptr, "retain the will message", [](Options& o, const std::string&) { o.will.retain = true; }},
};

void apply_publish_topic(Options& o, const std::string& v)
{
    if (auto checked = check_publish_topic(v, "-t"); !checked.ok()) fail(checked.error());
    o.topics = {v};
}

// The topic of what a tool publishes: mqtt-pub's messages, mqtt-rr's request.
constexpr OptionDef k_publish_topic[] = {
    {"-t,--topic", "topic", "topic to publish to; required unless -L gives it (or with --json, --probe)", apply_publish_topic},
};

constexpr OptionDef k_request_topic[] = {
    {"-t,--topic", "topic", "topic to send the request to; required unless -L gives it", apply_publish_topic},
};

// The QoS of what a tool publishes (mqtt-rr: also of the response subscription).
constexpr OptionDef k_publish_qos[] = {
    {.names = "-q,--qos",
     .value = "QoS",
     .help = "quality of service, 0, 1 or 2 (default: 0)",
     .apply = [](Options& o, const std::string& v) { o.qos = qos_or(v, "Invalid QoS given: " + v); },
     .choices = "0 1 2"},
};

constexpr OptionDef k_publish[] = {
    {"-W", "timeout", "give up after this many seconds: status 27, or 13 when messages await acknowledgement", apply_timeout},
    {"-r,--retain", nullptr, "ask the broker to retain the message", [](Options& o, const std::string&) { o.retain = true; }},
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
     },
     nullptr, nullptr, nullptr, true},
    {"-f,--file", "file", "send the contents of a file as the message",
     [](Options& o, const std::string& v) {
         set_input(o, InputMode::file);
         o.file = v;
     },
     nullptr, nullptr, nullptr, true},
    {"-s,--stdin-file", nullptr, "send all of standard input as one message",
     [](Options& o, const std::string&) { set_input(o, InputMode::stdin_whole); }, nullptr, nullptr, nullptr, true},
    {"-n,--null-message", nullptr, "send an empty message",
     [](Options& o, const std::string&) { set_input(o, InputMode::null_message); }, nullptr, nullptr, nullptr, true},
};

// mqtt-pub and mqtt-rr: JSON payloads written as CBOR, MessagePack... (see ENCODING in mqtt-pub(1)).
constexpr OptionDef k_encode[] = {
    {.names = "--encode",
     .value = "codec",
     .help = "payloads (-m, -f, -s, -l, --json records' payload_decoded) are JSON, sent as CODEC: json, cbor or "
             "msgpack or protobuf:FILE.proto:package.Message, compressed by gzip, zlib, zstd or lz4 chained before it "
             "with + (gzip+cbor), as --decode reads it",
     .apply =
         [](Options& o, const std::string& v) {
             auto parsed = parse_encode_chain(v);
             if (!parsed) throw UsageError(parsed.error());
             o.encode = std::move(*parsed);
         }},
};

// --decode and --encode protobuf:FILE.proto:package.Message: where imports are looked for.
constexpr OptionDef k_proto_path[] = {
    {.names = "--proto-path",
     .value = "directory",
     .help = "look for the imports of a protobuf:FILE.proto schema in this folder too, after FILE's own (repeatable)",
     .apply = [](Options& o, const std::string& v) { o.proto_path.push_back(v); },
     .adds = true},
};

// mqtt-pub only: a Sparkplug B rebirth request, topic and payload made here.
constexpr OptionDef k_sparkplug_rebirth[] = {
    {.names = "--sparkplug-rebirth",
     .value = "group/edge_node",
     .help = "send the Sparkplug B command asking an edge node for its births again (metric Node Control/Rebirth "
             "true, with the time) to spBv1.0/GROUP/NCMD/EDGE_NODE, in place of -t and a message",
     .apply =
         [](Options& o, const std::string& v) {
             const std::size_t slash = v.find('/');
             if (slash == 0 || slash == std::string::npos || slash + 1 == v.size() ||
                 v.find('/', slash + 1) != std::string::npos || v.find_first_of("+#") != std::string::npos) {
                 fail("--sparkplug-rebirth takes GROUP/EDGE_NODE, two parts that are not empty and hold no '/', '+' or "
                      "'#', not " +
                      quote_value(v) + ".");
             }
             set_input(o, InputMode::sparkplug_rebirth);
             o.sparkplug_node = v;
         },
     .input = true},
};

// mqtt-pub only: mqtt-rr sends one request.
constexpr OptionDef k_message_lines[] = {
    {"-l,--stdin-line", nullptr, "send each line of standard input as a message",
     [](Options& o, const std::string&) { set_input(o, InputMode::stdin_lines); }, nullptr, nullptr, nullptr, true},
};

/// "hex" or "base64" for --encoding.
Encoding encoding_or_fail(const std::string& v)
{
    if (v == "hex") return Encoding::hex;
    if (v == "base64") return Encoding::base64;
    fail("--encoding must be hex or base64, not \"" + v + "\".");
}

/// --rate: "N", "N/s", "N/m" or "N/h", N a positive decimal number; messages per second.
double rate_or_fail(const std::string& v)
{
    const auto slash = v.find('/');
    const std::string unit = slash == std::string::npos ? "s" : v.substr(slash + 1);
    const double per = unit == "s" ? 1.0 : unit == "m" ? 60.0 : unit == "h" ? 3600.0 : 0.0;
    const auto count = parse_non_negative(v.substr(0, slash));
    if (per == 0.0 || !count || *count <= 0.0) {
        fail("--rate must be a positive number of messages per second, or N/m, N/h, not \"" + v + "\".");
    }
    return *count / per;
}

// mqtt-pub's streams: JSON records, NUL framing, decoding, pacing (see mqtt-pub(1)).
constexpr OptionDef k_streams[] = {
    {"--json", nullptr,
     "read one JSON object per line (as mqtt-sub --json prints) from stdin or -f; "
     "each gives its message's topic, QoS, retain, properties and payload",
     [](Options& o, const std::string&) { o.json = true; }},
    {"-0", nullptr, "records end in NUL instead of newline (with -l, --json, -f); alone, it means -l -0",
     [](Options& o, const std::string&) { o.null_records = true; }},
    {.names = "--encoding",
     .value = "encoding",
     .help = "payloads of -m, -f, -s and -l are hex or base64 text, decoded before sending",
     .apply = [](Options& o, const std::string& v) { o.encoding = encoding_or_fail(v); },
     .choices = "hex base64"},
    {.names = "--on-error",
     .value = "action",
     .help = "a bad --json or --encoding record: stop (default) or skip it; both report it",
     .apply =
         [](Options& o, const std::string& v) {
             if (v != "stop" && v != "skip") fail("--on-error must be stop or skip, not \"" + v + "\".");
             o.on_error = v == "skip" ? OnError::skip : OnError::stop;
         },
     .choices = "stop skip"},
    {"--rate", "rate", "send at most this many messages per second (N/m: per minute, N/h: per hour)",
     [](Options& o, const std::string& v) { o.rate = rate_or_fail(v); }},
    {.names = "--pace",
     .value = "pace",
     .help = "recorded: with --json, keep the gaps between the records' tst times",
     .apply =
         [](Options& o, const std::string& v) {
             if (v != "recorded") fail("--pace must be recorded, not \"" + v + "\".");
             o.pace_recorded = true;
         },
     .choices = "recorded"},
    {"--template", nullptr,
     "expand placeholders in -t, -m and each -l line per message: {seq} {seq:START} {ts} "
     "{ts_ms} {ts_ns} {iso} {uuid} {rand:A-B} {env:NAME} {hostname}, {{ and }} for braces",
     [](Options& o, const std::string&) { o.templated = true; }},
    {"--stamp", nullptr,
     "put the send time into each message (MQTT 5: a user property; else a payload prefix) "
     "for mqtt-sub --stats",
     [](Options& o, const std::string&) { o.stamp = true; }},
    {"--progress", nullptr, "show a progress line on stderr while streaming a regular file (only on a terminal)",
     [](Options& o, const std::string&) { o.progress = true; }},
};

// mqtt-pub and mqtt-sub: what a run moved.
constexpr OptionDef k_publish_stats[] = {
    {"--stats", nullptr, "print one JSON object of counters on stderr at the end",
     [](Options& o, const std::string&) { o.stats = true; }},
};

constexpr OptionDef k_subscribe_stats[] = {
    {"--stats", nullptr,
     "print one JSON object of counters and the latencies of --stamp'ed messages on stderr "
     "at the end",
     [](Options& o, const std::string&) { o.stats = true; }},
};

constexpr OptionDef k_subscribe[] = {
    {.names = "-t,--topic",
     .value = "topic",
     .help = "topic filter to subscribe to (repeatable); required unless -U or -L gives one (or with --probe)",
     .apply = [](Options& o, const std::string& v) { add_filter(o.topics, v, "-t"); },
     .adds = true},
    {.names = "-q,--qos",
     .value = "QoS",
     .help = "quality of service of the subscriptions (default: 0)",
     .apply = [](Options& o, const std::string& v) { o.qos = qos_or(v, "Invalid QoS given: " + v); },
     .choices = "0 1 2"},
    {.names = "--share",
     .value = "group",
     .help = "subscribe to each -t (and -U) as the shared subscription $share/<group>/<filter>",
     .apply =
         [](Options& o, const std::string& v) {
             if (!valid_mqtt_utf8(v)) fail("Malformed UTF-8 in --share argument.");
             if (auto checked = check_share_group(v); !checked.ok()) fail(checked.error());
             o.share = v;
         }},
    {.names = "-T,--filter-out",
     .value = "topic filter",
     .help = "do not print messages on topics matching this filter",
     .apply = [](Options& o, const std::string& v) { add_filter(o.filter_out, v, "-T"); },
     .adds = true},
    {.names = "-U,--unsubscribe",
     .value = "unsubscribe topic",
     .help = "unsubscribe from this filter after subscribing",
     .apply = [](Options& o, const std::string& v) { add_filter(o.unsubscribe, v, "-U"); },
     .adds = true},
    {"--retained-only", nullptr, "print only retained messages; end at the first live one",
     [](Options& o, const std::string&) { o.retained_only = true; }},
    {"--remove-retained", nullptr, "clear each retained message received (publishes an empty retained one)",
     [](Options& o, const std::string&) { o.remove_retained = true; }},
    {"--dry-run", nullptr, "with --remove-retained: print the retained messages it would clear, clear none",
     [](Options& o, const std::string&) { o.dry_run = true; }},
    {"--random-filter", "chance", "print only this percentage of messages, 0.1-100 (default: 100)",
     [](Options& o, const std::string& v) {
         const auto chance = parse_non_negative(v);
         if (!chance || *chance < 0.1 || *chance > 100.0) fail("--random-filter chance must be between 0.1-100.0");
         o.random_filter = *chance;
     }},
    {"--grep", "regex", "keep only messages whose payload matches this regular expression (RE2 syntax)",
     [](Options& o, const std::string& v) {
         if (auto checked = check_regex(v, "--grep"); !checked.ok()) fail(checked.error());
         o.grep = v;
     }},
    {"--grep-topic", "regex", "keep only messages whose topic matches this regular expression (RE2 syntax)",
     [](Options& o, const std::string& v) {
         if (auto checked = check_regex(v, "--grep-topic"); !checked.ok()) fail(checked.error());
         o.grep_topic = v;
     }},
    {"--grep-ignore-case", nullptr, "--grep and --grep-topic match letters of either case",
     [](Options& o, const std::string&) { o.grep_ignore_case = true; }},
    {"--idle-timeout", "seconds", "end with success after this long without a message (default: never)",
     [](Options& o, const std::string& v) {
         const auto seconds = parse_non_negative(v);
         if (!seconds || *seconds <= 0.0) fail("Invalid idle timeout \"" + v + "\".");
         o.idle_timeout = *seconds;
     }},
    {"-E", nullptr, "end once the subscriptions are acknowledged",
     [](Options& o, const std::string&) { o.exit_after_subscribe = true; }},
    {"-C", "count", "end after this many messages (default: no limit)",
     [](Options& o, const std::string& v) {
         o.msg_count = static_cast<long>(integer_or(v, 1, INT32_MAX, "Invalid message count \"" + v + "\"."));
     }},
};

// What mqtt-sub and mqtt-rr share about receiving: which messages, and when to give up.
constexpr OptionDef k_receive[] = {
    {"-R", nullptr, "do not print stale (retained) messages", [](Options& o, const std::string&) { o.no_retained = true; }},
    {"--retain-as-published", nullptr, "MQTT 5: keep the retain flag of live messages as published",
     [](Options& o, const std::string&) { o.retain_as_published = true; }},
    {"--ready-file", "file", "create this file once every subscription is acknowledged",
     [](Options& o, const std::string& v) {
         if (v.empty()) fail("Invalid ready file ''.");
         o.ready_file = v;
     }},
    {"-W", "timeout", "end with status 27 after this many seconds (default: no limit)", apply_timeout},
    {"--where", "jq expression",
     "keep only messages whose JSON (decoded with --decode) makes this jq expression "
     "true; $topic, $qos, $retain and $properties are bound",
     [](Options& o, const std::string& v) {
         if (v.find_first_not_of(" \t\r\n") == std::string::npos) fail("Invalid --where expression: it is empty.");
         o.where = v;
     }},
};

// mqtt-sub: a command per message (see RUNNING COMMANDS in mqtt-sub(1)).
constexpr OptionDef k_exec[] = {
    {.names = "--exec",
     .value = "command",
     .help = "run COMMAND for each message, payload on its stdin, topic and properties in MQTT_* variables; "
             "FILTER=COMMAND for topics matching FILTER (repeatable, first match wins); no shell",
     .apply =
         [](Options& o, const std::string& v) {
             auto parsed = parse_exec_rule(v);
             if (!parsed) throw UsageError(parsed.error());
             o.exec.push_back(std::move(*parsed));
         },
     .adds = true},
    {"--exec-jobs", "count", "run up to this many --exec commands at once, 1-64 (default: 1, in message order)",
     [](Options& o, const std::string& v) {
         o.exec_jobs = static_cast<int>(integer_or(v, 1, k_max_exec_jobs, "Invalid --exec-jobs count \"" + v + "\", use 1-64."));
     }},
    {"--exec-ignore-failures", nullptr, "--exec commands that fail are reported on stderr but leave the exit status 0",
     [](Options& o, const std::string&) { o.exec_ignore_failures = true; }},
};

// mqtt-pub and mqtt-sub go on after a lost connection.
constexpr OptionDef k_reconnect[] = {
    {"--reconnect-timeout", "seconds", "after a lost connection, keep connecting again this long, 0: never (default: 30)",
     [](Options& o, const std::string& v) {
         o.reconnect_timeout = static_cast<int>(integer_or(v, 0, 2147483, "Invalid reconnect timeout \"" + v + "\"."));
     }},
};

// mqtt-pub and mqtt-sub: check the connection only.
constexpr OptionDef k_probe[] = {
    {"--probe", nullptr, "connect, print what the broker granted (and TLS) as JSON, disconnect; no topic needed",
     [](Options& o, const std::string&) { o.probe = true; }},
};

// mqtt-rr: where the response comes back.
constexpr OptionDef k_request[] = {
    {"-e", "response topic", "topic to receive the response on (MQTT 5 default: a unique one)",
     [](Options& o, const std::string& v) {
         if (auto checked = check_publish_topic(v, "-e"); !checked.ok()) fail(checked.error());
         o.response_topic = v;
     }},
    {"--no-correlation-check", nullptr,
     "MQTT 5: take the first message on the response topic as the response, "
     "with or without the request's correlation data",
     [](Options& o, const std::string&) { o.no_correlation_check = true; }},
};

constexpr OptionDef k_output[] = {
    {"-v,--verbose", nullptr, "print the topic before each payload", [](Options& o, const std::string&) { o.verbose = true; }},
    {"-N", nullptr, "do not print a newline after each message", [](Options& o, const std::string&) { o.no_eol = true; }},
    {"-F", "format", "print each message as this format says (default: the payload; see OUTPUT FORMAT in mqtt-sub(1))",
     [](Options& o, const std::string& v) {
         auto parsed = parse_format(v);
         if (!parsed) throw UsageError(parsed.error());
         o.format = std::move(*parsed);
     }},
    {"--pretty", nullptr,
     "print the JSON of %j, %J and --decode indented, one member per line, "
     "coloured on a terminal",
     [](Options& o, const std::string&) { o.pretty = true; }},
    {"--no-color", nullptr, "never colour --pretty's JSON (as NO_COLOR does)",
     [](Options& o, const std::string&) { o.no_color = true; }},
    {"--json", nullptr,
     "print each message as one JSON object on one line, payload lossless "
     "(payload_base64 when not UTF-8)",
     [](Options& o, const std::string&) { o.json = true; }},
    {"-0", nullptr, "end each message with NUL instead of newline",
     [](Options& o, const std::string&) { o.null_records = true; }},
    {.names = "--encoding",
     .value = "encoding",
     .help = "print payloads (plain, -v and %p) as hex or base64",
     .apply = [](Options& o, const std::string& v) { o.encoding = encoding_or_fail(v); },
     .choices = "hex base64"},
};

// mqtt-sub and mqtt-rr: payloads decoded for printing (see DECODING in mqtt-sub(1)).
constexpr OptionDef k_decode[] = {
    {.names = "--decode",
     .value = "codec",
     .help = "decode payloads as CODEC, or those on topics matching FILTER with FILTER=CODEC (repeatable, first "
             "match wins): json, cbor, msgpack, protobuf (no schema), protobuf:FILE.proto:package.Message, sparkplug, "
             "auto, after gzip, zlib, zstd or lz4 chained with + (gzip+cbor)",
     .apply =
         [](Options& o, const std::string& v) {
             auto parsed = parse_decode_rule(v);
             if (!parsed) throw UsageError(parsed.error());
             o.decode.push_back(std::move(*parsed));
         },
     .adds = true},
    {.names = "--sparkplug",
     .value = nullptr,
     .help = "decode Sparkplug B payloads on spBv1.0/# topics (and STATE messages), as --decode sparkplug: metrics "
             "by name, seq and bdSeq checked",
     .apply =
         [](Options& o, const std::string&) {
             auto parsed = parse_decode_rule("sparkplug");
             o.decode.push_back(std::move(*parsed));
         }},
    {.names = "--on-error",
     .value = "action",
     .help = "a payload that does not --decode: print it raw (default), skip it, or stop (status 1); each is "
             "reported on stderr",
     .apply =
         [](Options& o, const std::string& v) {
             if (v != "print" && v != "skip" && v != "stop") {
                 fail("--on-error must be print, skip or stop, not \"" + v + "\".");
             }
             o.decode_error = v == "skip" ? OnError::skip : v == "stop" ? OnError::stop : OnError::print;
         },
     .choices = "print skip stop"},
};

// mqtt-sub only, as mosquitto_sub 2.1: mqtt-rr prints a single response.
constexpr OptionDef k_watch[] = {
    {"-w,--watch", nullptr, "show each topic's latest message on its own terminal line",
     [](Options& o, const std::string&) { o.watch = true; }},
};

// mqtt-sub --summary: per-topic counters instead of each message (see SUMMARY in mqtt-sub(1)).
constexpr OptionDef k_summary[] = {
    {"--summary", nullptr,
     "per topic: messages, bytes, rate, last seen, retain flag and last payload; a live table "
     "on a terminal, else JSON lines at the end",
     [](Options& o, const std::string&) { o.summary = true; }},
    {"--summary-interval", "seconds",
     "with --summary: JSON lines this often too, or on a terminal the table redrawn "
     "this often (default: at the end only; 0.5 on a terminal)",
     [](Options& o, const std::string& v) {
         const auto seconds = parse_non_negative(v);
         if (!seconds || *seconds < 0.1 || *seconds > 2147483.0) {
             fail("Invalid --summary-interval \"" + v + "\", use 0.1 seconds or more.");
         }
         o.summary_interval = *seconds;
     }},
    {"--summary-topics", "count",
     "with --summary: keep up to this many topics apart, 1-1000000 (default: 10000); "
     "later topics are counted together in one row",
     [](Options& o, const std::string& v) {
         o.summary_topics = static_cast<std::size_t>(
             integer_or(v, 1, k_summary_max_topics, "Invalid --summary-topics count \"" + v + "\", use 1-1000000."));
     }},
};

// mqtt-bench: its clients are numbered, so their ids are a prefix and the number.
constexpr OptionDef k_bench_id[] = {
    {"-I,--id-prefix", "id prefix",
     "client ids are this prefix followed by the client's number "
     "(default: mqtt-bench-<pid>-)",
     [](Options& o, const std::string& v) { o.id_prefix = v; }},
};

/// A positive count of clients or messages, at most `max`.
int count_or_fail(const std::string& v, const char* option, long long max)
{
    return static_cast<int>(integer_or(v, 1, max, fmt::format("{} must be a count from 1 to {}, not \"{}\".", option, max, v)));
}

/// Seconds, a positive decimal number.
double seconds_or_fail(const std::string& v, const char* option)
{
    const auto seconds = parse_non_negative(v);
    if (!seconds || *seconds <= 0.0 || *seconds > 1e7)
        fail(fmt::format("{} must be a positive number of seconds, not \"{}\".", option, v));
    return *seconds;
}

// mqtt-bench: the load, its shape and its end (see mqtt-bench(1)).
constexpr OptionDef k_bench[] = {
    {"-c,--clients", "count",
     "number of connections (conn), publishing (pub, pubsub) or subscribing (sub) clients "
     "(default: 1)",
     [](Options& o, const std::string& v) { o.bench.clients = count_or_fail(v, "-c", 100000); }},
    {"--subscribers", "count", "pubsub: number of subscribing clients, each receiving every message (default: 1)",
     [](Options& o, const std::string& v) { o.bench.subscribers = count_or_fail(v, "--subscribers", 100000); }},
    {"-t,--topic", "topic",
     "topic of each publisher, %i standing for its number; subscribers take it with %i as + "
     "(default: mqtt-bench/%i)",
     [](Options& o, const std::string& v) { o.topics = {v}; }},
    {"-q,--qos", "QoS", "quality of service of the messages and subscriptions (default: 0)",
     [](Options& o, const std::string& v) { o.qos = qos_or(v, "Invalid QoS given: " + v); }},
    {"-s,--size", "bytes", "payload size, its 28-byte header included (default: 64)",
     [](Options& o, const std::string& v) {
         o.bench.size = static_cast<std::size_t>(
             integer_or(v, 28, 1048576, "-s must be a payload size from 28 (the header) to 1048576 bytes, not \"" + v + "\"."));
     }},
    {"--rate", "rate", "messages per second of each publisher, N/m per minute, N/h per hour (default: 1)",
     [](Options& o, const std::string& v) { o.rate = rate_or_fail(v); }},
    {"--total-rate", "rate", "messages per second of all publishers together, shared evenly",
     [](Options& o, const std::string& v) { o.bench.total_rate = rate_or_fail(v); }},
    {"--duration", "seconds", "send (conn: hold the connections) for this long (default: until -C, or until SIGINT)",
     [](Options& o, const std::string& v) { o.bench.duration = seconds_or_fail(v, "--duration"); }},
    {"-C,--count", "count", "pub, pubsub: messages per publisher; sub: end after this many per subscriber",
     [](Options& o, const std::string& v) { o.msg_count = count_or_fail(v, "-C", INT32_MAX); }},
    {"--drain", "seconds",
     "after the last send, wait at most this long for acknowledgements and messages on "
     "their way (default: 2)",
     [](Options& o, const std::string& v) { o.bench.drain = seconds_or_fail(v, "--drain"); }},
    {"--connect-rate", "rate", "open at most this many connections per second (default: all at once)",
     [](Options& o, const std::string& v) { o.bench.connect_rate = rate_or_fail(v); }},
    {"--connect-retries", "count",
     "try a connection that failed again, up to this many times, a second later "
     "(default: 0, never)",
     [](Options& o, const std::string& v) {
         o.bench.connect_retries =
             static_cast<int>(integer_or(v, 0, 1000, "--connect-retries must be a count from 0 to 1000, not \"" + v + "\"."));
     }},
    {"--reconnect-attempts", "count",
     "connect a client whose connection was lost during the run again, a second later, "
     "up to this many attempts a second apart (default: 0, never)",
     [](Options& o, const std::string& v) {
         o.bench.reconnect_attempts =
             static_cast<int>(integer_or(v, 0, 1000, "--reconnect-attempts must be a count from 0 to 1000, not \"" + v + "\"."));
     }},
};

constexpr OptionDef k_bench_output[] = {
    {"--json", nullptr, "print the final report as one JSON object on stdout",
     [](Options& o, const std::string&) { o.json = true; }},
    {"--require", "requirements",
     "end with status 30 unless the run meets these thresholds, "
     "e.g. 'p99<20ms,lost=0,rate>=4500' (see REQUIREMENTS in mqtt-bench(1))",
     [](Options& o, const std::string& v) {
         auto parsed = parse_requirements(v);
         if (!parsed) fail(parsed.error());
         o.bench.require = std::move(*parsed);
     }},
    {"--csv", "file",
     "write the per-second series to this file as CSV: a header, then a line a second "
     "(see REPORT in mqtt-bench(1))",
     [](Options& o, const std::string& v) {
         if (v.empty()) fail("--csv needs a file name.");
         o.bench.csv = v;
     }},
};

std::vector<Group> groups_for(Tool tool)
{
    // The options of the three single-client tools, in --help's order: where the broker
    // is and who we are, (the reconnect options and) -V, then the session.
    const std::vector<Group> connection = {
        {"Connection", k_connection}, {"Connection", k_srv},   {"Connection", k_socket},          {"Connection", k_websockets},
        {"Connection", k_client_id},  {"Connection", k_login}, {"Connection", k_wait_for_broker}, {"Connection", k_keepalive}};
    const std::vector<Group> session = {
        {"Connection", k_clean_session}, {"Connection", k_session}, {"Connection", k_debug}, {"Connection", k_quiet}};
    const auto tool_groups = [&](std::initializer_list<Group> middle, std::initializer_list<Group> rest) {
        std::vector<Group> groups = connection;
        groups.insert(groups.end(), middle);
        groups.insert(groups.end(), session.begin(), session.end());
        groups.insert(groups.end(), rest);
        return groups;
    };
    switch (tool) {
    case Tool::pub:
        return tool_groups({{"Connection", k_reconnect}, {"Connection", k_protocol}},
                           {{"TLS", k_tls},
                            {"Message", k_message},
                            {"Message", k_message_lines},
                            {"Message", k_encode},
                            {"Message", k_proto_path},
                            {"Message", k_sparkplug_rebirth},
                            {"Streams", k_streams},
                            {"Streams", k_publish_stats},
                            {"Publish", k_publish_topic},
                            {"Publish", k_publish_qos},
                            {"Publish", k_publish},
                            {"Will", k_will},
                            {"Scripting", k_probe},
                            {"MQTT 5 properties", k_publish_properties}});
    case Tool::rr:
        return tool_groups({{"Connection", k_protocol_rr}},
                           {{"TLS", k_tls},
                            {"Request", k_request_topic},
                            {"Request", k_publish_qos},
                            {"Request", k_request},
                            {"Message", k_message},
                            {"Message", k_encode},
                            {"Message", k_proto_path},
                            {"Response", k_receive},
                            {"Output", k_output},
                            {"Output", k_decode},
                            {"Will", k_will},
                            {"MQTT 5 properties", k_request_properties}});
    case Tool::bench:
        // No -i, -c (it counts clients here), -S, --wait-for-broker, -d or will: see
        // COMPATIBILITY in mqtt-bench(1).
        return {{"Connection", k_connection},
                {"Connection", k_socket},
                {"Connection", k_websockets},
                {"Connection", k_bench_id},
                {"Connection", k_login},
                {"Connection", k_keepalive},
                {"Connection", k_protocol},
                {"Connection", k_session},
                {"Connection", k_quiet},
                {"TLS", k_tls},
                {"Bench", k_bench},
                {"Output", k_bench_output},
                {"MQTT 5 properties", k_publish_properties}};
    case Tool::sub: break;
    }
    return tool_groups({{"Connection", k_reconnect}, {"Connection", k_protocol}},
                       {{"TLS", k_tls},
                        {"Subscribe", k_subscribe},
                        {"Subscribe", k_receive},
                        {"Output", k_output},
                        {"Output", k_decode},
                        {"Output", k_proto_path},
                        {"Output", k_watch},
                        {"Output", k_subscribe_stats},
                        {"Output", k_summary},
                        {"Will", k_will},
                        {"Scripting", k_probe},
                        {"Scripting", k_exec},
                        {"MQTT 5 properties", k_subscribe_properties}});
}

/// --exec runs commands instead of printing; what prints or clears cannot go with it.
void check_exec(const Options& o)
{
    if (o.exec.empty()) {
        if (o.exec_jobs != 1) fail("--exec-jobs needs --exec.");
        if (o.exec_ignore_failures) fail("--exec-ignore-failures needs --exec.");
        return;
    }
    if (o.watch) fail("--exec cannot be used with -w, which prints.");
    if (o.remove_retained) fail("--exec cannot be used with --remove-retained.");
    if (o.json || o.format || o.verbose || o.no_eol || o.null_records || o.pretty || o.encoding != Encoding::none) {
        fail("--exec cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: the command gets the payload as it "
             "came.");
    }
}

/// --summary prints its own report instead of each message; what prints, clears or runs cannot go with it.
void check_summary(const Options& o)
{
    if (!o.summary) {
        if (o.summary_interval > 0.0) fail("--summary-interval needs --summary.");
        if (o.summary_topics != k_summary_default_topics) fail("--summary-topics needs --summary.");
        return;
    }
    if (!o.exec.empty()) fail("--summary cannot be used with --exec.");
    if (o.watch) fail("--summary cannot be used with -w, which prints each message.");
    if (o.remove_retained) fail("--summary cannot be used with --remove-retained.");
    if (o.json || o.format || o.verbose || o.no_eol || o.null_records || o.pretty || o.encoding != Encoding::none) {
        fail("--summary cannot be used with -v, -F, -N, -0, --json, --pretty or --encoding: it prints its own report.");
    }
}

/// The session expiry interval CONNECT will carry, from -x, -c or -D connect.
std::uint32_t connect_session_expiry(const Options& o)
{
    if (o.protocol != k_mqtt5) return 0;
    if (o.session_expiry && *o.session_expiry > 0) return *o.session_expiry;
    const Property* given = o.properties.find(PropertyCommand::connect, MQTT_PROP_SESSION_EXPIRY_INTERVAL);
    return given ? given->number : 0;
}

/// Checks of the -D properties against the other options; mosquitto 2.0's checks first.
void check_properties(const Options& o)
{
    if (o.properties.empty()) return;
    // mosquitto sends a CONNECT without them and then publishes nothing, with status 0.
    if (o.protocol != k_mqtt5) {
        fail(fmt::format("MQTT v5 properties given (-D) but protocol version {} selected.", protocol_name(o.protocol)));
    }
    // -x puts the same property into CONNECT (-c does not: see check_combinations).
    if (o.session_expiry && *o.session_expiry > 0 &&
        o.properties.find(PropertyCommand::connect, MQTT_PROP_SESSION_EXPIRY_INTERVAL)) {
        throw UsageError("Error in CONNECT properties: Duplicate property in property list");
    }
    if (auto checked = find_duplicate(o.properties); !checked.ok()) throw UsageError(checked.error());
    // MQTT 5, 3.14.2.2.2: a session that ends with the connection cannot be extended at the end.
    const Property* at_end = o.properties.find(PropertyCommand::disconnect, MQTT_PROP_SESSION_EXPIRY_INTERVAL);
    if (at_end && at_end->number > 0 && connect_session_expiry(o) == 0) {
        fail("-D disconnect session-expiry-interval needs a session expiry interval in CONNECT "
             "(-x, -c or -D connect session-expiry-interval).");
    }
}

/// mqtt-rr puts the response topic and correlation data into the request itself: a
/// user's correlation data replaces the random one, a user's response topic clashes.
void take_request_properties(Options& o)
{
    if (o.properties.find(PropertyCommand::publish, MQTT_PROP_RESPONSE_TOPIC)) {
        throw UsageError("Error in PUBLISH properties: Duplicate response topic.");
    }
    auto& publish = o.properties.publish;
    for (auto it = publish.begin(); it != publish.end(); ++it) {
        if (it->identifier == MQTT_PROP_CORRELATION_DATA) {
            o.correlation_data = it->value;
            publish.erase(it);
            break;
        }
    }
}

/// mqtt-pub --template: what it applies to, and -t and -m compile (an unknown placeholder
/// is a usage error now, not at the first message).
void check_template(const Options& o)
{
    if (o.json || o.input == InputMode::file || o.input == InputMode::stdin_whole) {
        fail("--template applies to -t, -m and -l lines; it cannot be used with -f, -s or --json.");
    }
    if (o.encoding != Encoding::none) fail("--template cannot be used with --encoding.");
    const TemplateEnvironment environment = TemplateEnvironment::system();
    Template compiled;
    if (!o.topics.empty()) {
        if (auto done = compiled.assign(o.topics.front(), environment); !done) fail("-t: " + done.error());
        std::mt19937_64 random;
        std::string topic;
        compiled.render(topic, {.random = &random});
        if (auto checked = check_publish_topic(topic, "-t"); !checked.ok()) fail(checked.error());
        if (compiled.dynamic() && o.properties.find(PropertyCommand::publish, MQTT_PROP_TOPIC_ALIAS)) {
            fail("-D publish topic-alias cannot be used with a -t whose --template placeholders change per message.");
        }
    }
    if (o.input == InputMode::message) {
        if (auto done = compiled.assign(o.message, environment); !done) fail("-m: " + done.error());
    }
}

/// mqtt-pub: --json and -0 choose a streaming input; the options that pace or decode it.
void check_streams(Options& o)
{
    if (o.json) {
        if (o.input != InputMode::none && o.input != InputMode::file) {
            fail("--json reads standard input or -f; it cannot be used with -m, -s, -l or -n.");
        }
        if (o.encoding != Encoding::none) fail("--encoding cannot be used with --json, whose payloads are lossless.");
        if (o.properties.find(PropertyCommand::publish, MQTT_PROP_TOPIC_ALIAS)) {
            fail("-D publish topic-alias cannot be used with --json, whose records have their own topics.");
        }
    }
    if (o.null_records) {
        if (o.input == InputMode::none && !o.json) o.input = InputMode::stdin_lines;
        if (o.input != InputMode::stdin_lines && o.input != InputMode::file && o.input != InputMode::none) {
            fail("-0 splits -l, -f or --json input into records; it cannot be used with -m, -s or -n.");
        }
    }
    if (o.pace_recorded && !o.json) fail("--pace recorded needs --json, whose records carry their times.");
    if (o.pace_recorded && o.rate > 0.0) fail("--pace recorded and --rate cannot be used together.");
    if (o.rate > 0.0 && o.repeat_delay > 0.0) fail("--rate and --repeat-delay cannot be used together.");
    if (o.templated) check_template(o);
}

/// mqtt-pub --sparkplug-rebirth: it makes its own topic and payload, sent as they are.
void check_rebirth(Options& o)
{
    if (o.input != InputMode::sparkplug_rebirth) return;
    if (!o.topics.empty() || o.json || o.null_records || o.encode || o.encoding != Encoding::none || o.templated || o.retain) {
        fail("--sparkplug-rebirth makes its own topic and payload: it cannot be used with -t, --json, -0, --encode, "
             "--encoding, --template or -r.");
    }
    const std::size_t slash = o.sparkplug_node.find('/');
    o.topics.push_back("spBv1.0/" + o.sparkplug_node.substr(0, slash) + "/NCMD/" + o.sparkplug_node.substr(slash + 1));
}

/// mqtt-pub --encode and mqtt-rr's: what it reads its JSON from, and what would spoil what it writes.
void check_encode(const Options& o)
{
    if (!o.encode) return;
    if (o.input == InputMode::null_message) fail("--encode needs a payload to encode; -n sends none.");
    if (o.encoding != Encoding::none) fail("--encode and --encoding cannot be used together.");
    if (o.stamp && o.protocol != k_mqtt5) {
        fail("--stamp cannot be used with --encode below MQTT 5 (-V 5), where the stamp is a payload prefix.");
    }
}

/// mqtt-sub and mqtt-rr: --json prints one fixed format.
void check_output(const Options& o)
{
    if (!o.json) return;
    if (o.format) fail("--json and -F cannot be used together.");
    if (o.pretty) fail("--pretty cannot be used with --json, which prints one object per line.");
    if (o.encoding != Encoding::none) fail("--encoding cannot be used with --json, whose payloads are lossless.");
}

/// What the bridge (--ws, --proxy http://) cannot be combined with.
void check_bridge(const Options& o)
{
    const bool http_proxy = o.proxy && o.proxy->kind == ProxyKind::http;
    if (!o.websockets) {
        if (o.ws_path != "/mqtt" || !o.ws_headers.empty()) fail("--ws-path and --ws-header need --ws (or a ws:// URL).");
        if (!http_proxy) return;
    }
    const char* what = o.websockets ? "--ws" : "--proxy http://";
    if (o.proxy && o.proxy->kind == ProxyKind::socks5h) {
        fail("--ws cannot go through a SOCKS5 proxy; use --proxy http://host:port.");
    }
    if (o.effective_port() == 0) fail(fmt::format("{} cannot be used with a unix socket (--unix, -p 0).", what));
    if (o.srv) fail(fmt::format("-S cannot be used with {}.", what));
}

/// --share: every filter -t, -L and -U gave becomes "$share/<group>/<filter>".
void apply_share(Options& o)
{
    if (o.share.empty()) return;
    for (auto* list : {&o.topics, &o.unsubscribe}) {
        const char* what = list == &o.topics ? "-t" : "-U";
        for (auto& filter : *list) {
            if (is_shared_filter(filter)) {
                fail(fmt::format("--share cannot be used with {} '{}', a shared subscription already.", what, filter));
            }
            filter = fmt::format("$share/{}/{}", o.share, filter);
            if (auto checked = check_filter(filter, what); !checked.ok()) fail(checked.error());
        }
    }
}

/// mqtt-bench: the topic pattern fits the subcommand, and the rates and limits add up.
void check_bench(Options& o)
{
    if (o.topics.empty()) o.topics = {"mqtt-bench/%i"};
    const std::string& pattern = o.topics.front();
    const auto with = [&](const char* number) {
        std::string topic = pattern;
        for (auto at = topic.find("%i"); at != std::string::npos; at = topic.find("%i", at + 1)) topic.replace(at, 2, number);
        return topic;
    };
    if (o.bench.mode != BenchMode::sub) {
        if (auto checked = check_publish_topic(with("0"), "-t"); !checked.ok()) fail(checked.error());
    }
    if (auto checked = check_filter(with("+"), "-t"); !checked.ok()) fail(checked.error());
    if (o.rate > 0.0 && o.bench.total_rate > 0.0) fail("--rate and --total-rate cannot be used together.");
    if (o.bench.mode == BenchMode::sub && (o.rate > 0.0 || o.bench.total_rate > 0.0)) {
        fail("--rate and --total-rate pace publishers; mqtt-bench sub has none.");
    }
    if (o.bench.total_rate > 0.0) o.rate = o.bench.total_rate / o.bench.clients;
    if (o.rate <= 0.0) o.rate = 1.0;
    // A threshold on something the subcommand does not measure could never fail.
    for (const auto& r : o.bench.require) {
        const bool receives =
            r.name == "lost" || r.name == "duplicated" || r.name == "reordered" || r.name == "received" || r.name == "foreign";
        const bool sends = r.name == "sent" || r.name == "acked" || r.name == "refused" || r.name == "unacked";
        if (o.bench.mode == BenchMode::pub && (receives || (r.latency() && o.qos == 0))) {
            fail(fmt::format("--require {}: mqtt-bench pub{} does not measure it.", quote_value(r.text),
                             receives ? "" : " at QoS 0 (no acknowledgements)"));
        }
        if (o.bench.mode == BenchMode::sub && sends) {
            fail(fmt::format("--require {}: mqtt-bench sub does not measure it.", quote_value(r.text)));
        }
        if (o.bench.mode == BenchMode::conn && (sends || receives)) {
            fail(fmt::format("--require {}: mqtt-bench conn does not measure it.", quote_value(r.text)));
        }
    }
}

/// Checks that need every option: upstream's order (client_config_load, then main).
void check_combinations(Options& o)
{
    if (o.will.payload_given && o.will.topic.empty()) fail("Will payload given, but no will topic given.");
    if (o.will.retain && o.will.topic.empty()) fail("Will retain given, but no will topic given.");
    if (auto checked = tls_option_conflict(o.tls); !checked.ok()) fail(checked.error());
    if (!o.properties.will.empty() && o.will.topic.empty()) fail("Will properties given, but no will topic given.");
    const bool expiry_given = o.session_expiry || o.properties.find(PropertyCommand::connect, MQTT_PROP_SESSION_EXPIRY_INTERVAL);
    // -c keeps the session "forever" unless the user chose how long, with -x or with -D
    // (mosquitto counts the latter twice and fails).
    if (o.protocol == k_mqtt5 && !o.clean_session && !expiry_given) o.session_expiry = UINT32_MAX;
    if (connect_session_expiry(o) == UINT32_MAX && o.id.empty()) {
        fail("You must provide a client id if you are using an infinite session expiry interval.");
    }
    if (o.protocol != k_mqtt5 && !o.clean_session && o.id.empty()) {
        fail("You must provide a client id if you are using the -c option.");
    }
    if (o.password && !o.username && o.protocol != k_mqtt5) { fail("Problem setting username and/or password."); }
    if (o.tool == Tool::sub && !o.probe && !o.show_config) {
        if (o.topics.empty() && o.unsubscribe.empty()) {
            fail("You must specify a topic to subscribe to (-t) or unsubscribe from (-U).");
        }
    }
    check_properties(o);
    if (o.tool == Tool::rr) take_request_properties(o);
    if (o.tool == Tool::bench) {
        check_bench(o);
    } else if (o.tool == Tool::sub) {
        if (o.no_retained && o.retained_only) fail("Combining '-R' and '--retained-only' makes no sense.");
        if (o.dry_run && !o.remove_retained) fail("--dry-run needs --remove-retained.");
        check_exec(o);
        check_summary(o);
        apply_share(o);
    } else if (o.tool == Tool::rr) {
        // Upstream also wants -e; with MQTT 5 we pick a response topic ourselves.
        if (!o.show_config && (o.topics.empty() || o.input == InputMode::none)) {
            fail("All of topic, message, and response topic must be supplied.");
        }
        if (o.response_topic.empty() && o.protocol != k_mqtt5) {
            fail(fmt::format("A response topic (-e) must be supplied with MQTT {}, whose requests cannot carry one.",
                             o.protocol == k_mqtt31 ? "3.1" : "3.1.1"));
        }
    } else {
        check_rebirth(o);
        check_streams(o);
        if (!o.json && !o.probe && !o.show_config && (o.topics.empty() || o.input == InputMode::none)) {
            fail("Both topic and message must be supplied.");
        }
    }
    if (o.tool == Tool::pub || o.tool == Tool::rr) check_encode(o);
    if (o.tool == Tool::sub || o.tool == Tool::rr) check_output(o);
    check_bridge(o);
    // Last, as upstream finds these only when it sets TLS up.
    if (auto checked = tls_option_error(o); !checked.ok()) fail(checked.error());
}

std::string version_text(Tool tool)
{
    int major = 0, minor = 0, revision = 0;
    mosquitto_lib_version(&major, &minor, &revision);
    return fmt::format("{} version {} running on libmosquitto {}.{}.{}.\n", program_name(tool), MQTT_TOOLS_VERSION, major, minor,
                       revision);
}

}  // namespace

std::string program_name(Tool tool)
{
    switch (tool) {
    case Tool::pub: return "mqtt-pub";
    case Tool::rr: return "mqtt-rr";
    case Tool::bench: return "mqtt-bench";
    case Tool::sub: break;
    }
    return "mqtt-sub";
}

namespace {

/// True if `pick(name)` is for one of the comma-separated names of `def` ("-h,--host"),
/// tried in order: the names as the table spells them, which --help, the completions and
/// the scan's exact-name rule read.
template <typename Pick> bool any_name(const OptionDef& def, Pick pick)
{
    for (std::string_view rest = def.names; !rest.empty();) {
        const auto comma = rest.find(',');
        if (pick(rest.substr(0, comma))) return true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return false;
}

/// The words of `text` between single spaces (two spaces: an empty word between them).
std::vector<std::string> split_words(std::string_view text)
{
    std::vector<std::string> result;
    for (std::string_view rest = text; !rest.empty();) {
        const auto space = rest.find(' ');
        result.emplace_back(rest.substr(0, space));
        rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    return result;
}

/// The names of `def` ("-h,--host": {"-h", "--host"}).
std::vector<std::string> name_list(const OptionDef& def)
{
    std::vector<std::string> names;
    any_name(def, [&](std::string_view name) {
        names.emplace_back(name);
        return false;
    });
    return names;
}

/// The first name of `def` ("-h,--host": "-h"), which stands for the option.
std::string_view first_name(const OptionDef& def)
{
    const std::string_view names = def.names;
    return names.substr(0, names.find(','));
}

/// An option found in a list of tokens, with its values (views into those tokens).
struct Given {
    const OptionDef* def;
    std::span<const std::string> values;
};

/// What scanning a list of tokens found: the options, or where --help/--version stands.
struct Scan {
    std::vector<Given> given;
    std::optional<std::size_t> help_at;
};

/// The option table of one tool as a CLI::App, which parses each list of tokens (the command
/// line, and each options file line, profile line and MQTT_* variable), with upstream's
/// rules: exact names only, and the values of an option are always the arguments that follow
/// it. Each option is a CLI11 option whose callback runs as it is parsed
/// (trigger_on_parse), so the options are found left to right: an unknown option or a missing
/// value is reported before any value is judged, and the values are applied later, layer by
/// layer (parse_command_line). What CLI11 would take that upstream does not (--name=value,
/// -pVALUE, -dq, "--") leaves the token that an option's callback finds in its place not
/// that option's exact name: the scan reports it as unknown. -D takes three or four values,
/// as its second says: a count CLI11 cannot express, so -D is a flag to CLI11 whose callback
/// takes its values from the arguments CLI11 has not reached yet.
///
/// Each table group is an option group of its own: CLI::App::add_option compares a new
/// option with every earlier option of the same App, quadratic in one flat App of ~150
/// options; a group holds its own few. bench/README.md has the start-up figures.
class OptionTable {
public:
    explicit OptionTable(Tool tool) : m_tool(tool), m_groups(groups_for(tool))
    {
        m_app.set_help_flag();  // -h is --host here; --help is ours (below)
        for (const auto& group : m_groups) {
            CLI::App* app = m_app.add_option_group(group.title);
            for (const auto& def : group.options) {
                CLI::Option* option = app->add_option(def.names, [this, &def](const CLI::results_t&) {
                    found(&def);
                    return true;
                });
                option->expected(def.value && !def.count_values ? 1 : 0)->trigger_on_parse();
                m_options.push_back({&def, option});
            }
        }
        CLI::App* help = m_app.add_option_group("Help");
        for (const char* name : {"--help", "--version"}) {
            help->add_option(name,
                             [this](const CLI::results_t&) {
                                 found(nullptr);
                                 return true;
                             })
                ->expected(0)
                ->trigger_on_parse();
        }
    }
    OptionTable(const OptionTable&) = delete;
    OptionTable& operator=(const OptionTable&) = delete;

    Tool tool() const { return m_tool; }

    /// Every option of `tokens` and its values, left to right, so that an unknown option or
    /// a missing value is reported before any value is judged. With `allow_help`, a --help
    /// or --version where an option stands ends the scan there.
    Scan scan(const std::vector<std::string>& tokens, bool allow_help) const
    {
        // CLI11 takes them from the back. An empty token would name one of the option groups
        // (nameless subcommands to CLI11): two of them make its parse loop for ever. CLI11
        // gets a space instead, which it takes for a positional; what a scan records are
        // views into `tokens`, so the value an option gets is still the empty one.
        std::vector<std::string> pending;
        pending.reserve(tokens.size());
        for (auto token = tokens.rbegin(); token != tokens.rend(); ++token) {
            pending.push_back(token->empty() ? std::string(" ") : *token);
        }
        m_scan = {&tokens, &pending, 0, allow_help, {}};
        try {
            m_app.parse(pending);
            // CLI11 lets a last "--" go; every token must be an option or its value.
            if (m_scan.at < tokens.size()) throw UsageError(unknown_option(m_scan.at));
        } catch (const HelpFound&) {
        } catch (const CLI::ParseError& e) {
            throw UsageError(error_at(m_scan.at, e));
        }
        Scan result = std::move(m_scan.result);
        m_scan = {};
        return result;
    }

    /// The option definition named `name` (e.g. "-o"), if the tool has it.
    const OptionDef* def(std::string_view name) const
    {
        for (const auto& [def, option] : m_options) {
            if (any_name(*def, [&](std::string_view given) { return given == name; })) return def;
        }
        return nullptr;
    }

    /// Calls `visit(def, name)` for every long name (without dashes), in --help's order.
    template <typename Visit> void for_each_long_name(Visit visit) const
    {
        for (const auto& [def, option] : m_options) {
            for (const auto& name : option->get_lnames()) visit(*def, name);
        }
    }

    /// Applies scanned options to `options` in the order given, and records each in
    /// `origins` as coming from `source` (for --show-config).
    static void apply(const std::vector<Given>& given, Options& options, std::vector<Origin>& origins, const std::string& source)
    {
        for (const auto& [def, values] : given) {
            origins.push_back({name_list(*def).back(), {values.begin(), values.end()}, source, def->adds});
            if (def->apply_values) {
                def->apply_values(options, values);
            } else {
                def->apply(options, values.empty() ? std::string() : values.front());
            }
        }
    }

private:
    /// Thrown by --help's callback to end the scan where it stands.
    struct HelpFound {};

    /// The scan under way: its tokens, the ones CLI11 has not taken yet (reversed), and the
    /// index of the first token no callback has accounted for.
    struct ScanState {
        const std::vector<std::string>* tokens = nullptr;
        std::vector<std::string>* pending = nullptr;
        std::size_t at = 0;
        bool allow_help = false;
        Scan result;
    };

    /// The callback of the option `def` (nullptr: --help or --version), which CLI11 has just
    /// parsed. The token at the scan's position must be one of its names, as given.
    void found(const OptionDef* def) const
    {
        auto& scan = m_scan;
        const auto& tokens = *scan.tokens;
        const std::size_t at = scan.at;
        const bool exact = at < tokens.size() &&
            (def ? any_name(*def, [&](std::string_view name) { return name == tokens[at]; })
                 : tokens[at] == "--help" || tokens[at] == "--version");
        if (!exact || (!def && !scan.allow_help)) throw UsageError(unknown_option(at));
        if (!def) {
            scan.result.help_at = at;
            throw HelpFound{};
        }
        const auto following = std::span<const std::string>(tokens).subspan(at + 1);
        std::size_t count = def->value ? 1 : 0;
        if (def->count_values) {
            // Not taken by CLI11 (a flag to it): the values are the arguments it reads next.
            count = def->count_values(following);
            scan.pending->resize(scan.pending->size() - count);
        }
        scan.result.given.push_back({def, following.first(count)});
        scan.at = at + 1 + count;
    }

    /// Upstream's error for the token at `at` where an option should stand.
    std::string unknown_option(std::size_t at) const { return "Error: Unknown option '" + (*m_scan.tokens)[at] + "'."; }

    /// The error for what CLI11 refused (`e`) at the token `at`, which no callback took: an
    /// option of ours given without its value (named by its first short name, else its first
    /// long one, e.g. "-t", or as `missing` says), else an unknown option.
    std::string error_at(std::size_t at, const CLI::ParseError& e) const
    {
        const auto& tokens = *m_scan.tokens;
        if (at >= tokens.size()) return std::string("Error: ") + e.what();  // not reached: every token is accounted for
        for (const auto& [def, option] : m_options) {
            if (!any_name(*def, [&](std::string_view name) { return name == tokens[at]; })) continue;
            if (def->missing) return def->missing;
            const auto& shorts = option->get_snames();
            const std::string name = shorts.empty() ? "--" + option->get_lnames().front() : "-" + shorts.front();
            return fmt::format("Error: {} argument given but no {} specified.", name, def->value);
        }
        return unknown_option(at);
    }

    Tool m_tool;
    std::vector<Group> m_groups;
    mutable CLI::App m_app;
    std::vector<std::pair<const OptionDef*, const CLI::Option*>> m_options;  ///< in --help's order
    mutable ScanState m_scan;
};

/// The values given to the option `def` (e.g. -o) in `given`.
std::vector<std::string> values_of(const std::vector<Given>& given, const OptionDef* def)
{
    std::vector<std::string> values;
    for (const auto& g : given) {
        if (g.def == def && !g.values.empty()) values.push_back(g.values.front());
    }
    return values;
}

/// The tokens of one options file line: the value is split into words for an option with
/// several values (-D), the last one keeping the rest of the line.
std::vector<std::string> line_tokens(const OptionsLine& line, const OptionTable& table)
{
    std::vector<std::string> tokens{line.option};
    if (!line.value) return tokens;
    const OptionDef* def = table.def(line.option);
    if (!def || !def->count_values) {
        tokens.push_back(*line.value);
        return tokens;
    }
    std::vector<std::string> words = split_words(*line.value);
    const std::size_t count = def->count_values(words);
    if (count > 0 && count < words.size()) {
        for (std::size_t i = count; i < words.size(); ++i) words[count - 1] += " " + words[i];
        words.resize(count);
    }
    tokens.insert(tokens.end(), words.begin(), words.end());
    return tokens;
}

/// The options file to read: -o's, or the first default one that exists and can be read.
/// A default one that cannot be read is skipped, as upstream does, with a line in
/// `warnings` (printed under -d); -o's must be readable.
std::optional<std::pair<std::string, std::string>>
options_file(Tool tool, const std::vector<std::string>& given, const Environment& environment, std::vector<std::string>& warnings)
{
    if (given.size() > 1) throw UsageError("Error: Duplicate -o argument given.");
    if (!given.empty()) {
        auto text = read_options_file(given.front());
        // Upstream ignores a missing -o file; a file named on purpose must exist.
        if (!text) throw UsageError(fmt::format("Error: Unable to open options file \"{}\".", given.front()));
        return std::make_pair(given.front(), std::move(*text));
    }
    const std::string name = program_name(tool);
    // mqtt-bench has no upstream twin whose options file it could share.
    const std::string fallback = tool == Tool::pub ? "mosquitto_pub"
        : tool == Tool::rr                         ? "mosquitto_rr"
        : tool == Tool::bench                      ? name
                                                   : "mosquitto_sub";
    for (const auto& path : default_options_files(name, fallback, environment)) {
        try {
            if (auto text = read_options_file(path)) return std::make_pair(path, std::move(*text));
        } catch (const UnreadableFile& e) {
            std::string line = e.what();
            line.replace(0, std::string_view("Error: ").size(), "Warning: ");
            warnings.push_back(line + " Going on without it.");
        }
    }
    return std::nullopt;
}

/// True if some tool takes the option named `name` (a profile is shared by all three).
bool any_tool_takes(const std::string& name)
{
    for (const Tool tool : {Tool::pub, Tool::sub, Tool::rr, Tool::bench}) {
        for (const auto& info : option_list(tool)) {
            if (std::find(info.names.begin(), info.names.end(), name) != info.names.end()) return true;
        }
    }
    return false;
}

/// One source of options below the command line: option tokens, each list with the words
/// an error adds to say where it came from.
struct Layer {
    struct Entry {
        std::vector<std::string> tokens;
        std::string where;
        std::string source;  ///< for --show-config: "options file \"...\", line 3"
    };
    std::vector<Entry> entries;
};

/// True for an option whose value is a secret: error lines never show it.
bool secret_option(std::string_view option)
{
    for (const char* name : {"-P", "--pw", "--password", "--psk", "--tls-engine-kpass-sha1"}) {
        if (option == name) return true;
    }
    return false;
}

/// An options file line as an error line shows it: the option, and its value in quotes
/// (so that spaces show), cut to a readable length, a secret hidden, a URL's password too.
std::string shown_line(const OptionsLine& line)
{
    std::string shown = cut_value(line.option);
    if (!line.value) return shown;
    if (secret_option(line.option)) return shown + " \"***\"";
    const bool url = line.option == "-L" || line.option == "--url" || line.option == "--proxy";
    return shown + " " + quote_value(url ? redact_url(*line.value) : *line.value);
}

/// `error` with each of `tokens` that is too long to read cut short where the text
/// repeats it (e.g. "Error: Invalid port given: <8000 bytes>").
std::string cut_tokens(std::string error, std::span<const std::string> tokens)
{
    for (const auto& token : tokens) {
        if (token.size() <= k_shown_value_bytes) continue;
        const std::string cut = cut_value(token);
        for (auto at = error.find(token); at != std::string::npos; at = error.find(token, at + cut.size())) {
            error.replace(at, token.size(), cut);
        }
    }
    return error;
}

/// The options of an options file or profile. With `shared` (a profile), options this tool
/// does not take but another does are skipped.
Layer file_layer(const OptionTable& table, const std::string& path, const std::string& text, bool shared)
{
    Layer layer;
    for (const auto& line : parse_options_text(text)) {
        std::string where = fmt::format("(in options file \"{}\", line {}: {})", path, line.number, shown_line(line));
        std::string source = fmt::format("{} \"{}\", line {}", shared ? "profile" : "options file", path, line.number);
        if (line.option == "-o" || line.option == "--profile") {
            throw UsageError(fmt::format("Error: {} cannot be used in an options file.\n{}", line.option, where));
        }
        if (shared && !table.def(line.option) && any_tool_takes(line.option)) continue;
        // A shared profile's "-c" is the other tools' clean-session flag, not a count of clients.
        if (shared && table.tool() == Tool::bench && line.option == "-c" && !line.value) continue;
        layer.entries.push_back({line_tokens(line, table), std::move(where), std::move(source)});
    }
    return layer;
}

/// Options that add to a list (repeatable): each source adds to the ones below it, as
/// upstream's options file and command line do, instead of replacing them.
bool accumulates(const OptionDef& def, Tool tool)
{
    const std::string_view first = first_name(def);
    return first == "-D" || first == "-T" || first == "-U" || first == "--ws-header" || (first == "-t" && tool == Tool::sub);
}

/// Options that set what another option sets: given higher up, they replace it below.
constexpr std::pair<std::string_view, std::string_view> k_replaces[] = {
    {"-L", "-h"}, {"-L", "-p"}, {"--unix", "-h"}, {"--unix", "-p"}, {"-i", "-I"}, {"-I", "-i"},
};

/// What the sources above a layer set. The layer's own value for it would be replaced, so it
/// is skipped without being parsed: -p on the command line wins even when MQTT_PORT holds a
/// Docker link's "tcp://172.17.0.2:1883".
class Overrides {
public:
    explicit Overrides(Tool tool) : m_tool(tool) {}

    void add(const std::vector<Given>& given)
    {
        for (const auto& g : given) {
            m_names.push_back(first_name(*g.def));
            m_input = m_input || g.def->input;
        }
    }

    bool covers(const OptionDef& def) const
    {
        if (accumulates(def, m_tool)) return false;
        if (def.input && m_input) return true;  // one message source replaces another
        const std::string_view name = first_name(def);
        const auto given = [&](std::string_view n) { return std::find(m_names.begin(), m_names.end(), n) != m_names.end(); };
        if (given(name)) return true;
        return std::any_of(std::begin(k_replaces), std::end(k_replaces),
                           [&](const auto& r) { return r.second == name && given(r.first); });
    }

private:
    Tool m_tool;
    std::vector<std::string_view> m_names;  ///< first names (e.g. "-p") of the options set above
    bool m_input = false;
};

/// The MQTT_* variables that stand for the long options of `table` (an empty one is unset),
/// except those of options the command line gives (`above`): those are not even read.
Layer environment_layer(const OptionTable& table, const Environment& environment, const Overrides& above)
{
    Layer layer;
    if (environment.variables.empty()) return layer;
    table.for_each_long_name([&](const OptionDef& def, const std::string& name) {
        const std::string variable = variable_name(name);
        const auto found = environment.variables.find(variable);
        if (found == environment.variables.end() || found->second.empty() || name == "profile") return;
        if (above.covers(def)) return;
        std::string where = fmt::format("(in environment variable {})", variable);
        std::string source = "environment variable " + variable;
        if (!def.value) {
            const auto given = parse_flag_value(found->second);
            if (!given) {
                throw UsageError(fmt::format("Error: Invalid flag value \"{}\", use 1 or 0.\n{}", found->second, where));
            }
            if (*given) layer.entries.push_back({{"--" + name}, std::move(where), std::move(source)});
            return;
        }
        layer.entries.push_back({line_tokens({0, "--" + name, found->second}, table), std::move(where), std::move(source)});
    });
    return layer;
}

/// A layer with each entry scanned, less what the sources above it set; ready to apply.
struct ScannedLayer {
    Layer layer;
    std::vector<Scan> scans;  ///< one per entry of `layer`
    std::string suffix;       ///< added to every error line of the layer (a profile named by $MQTT_PROFILE)
};

/// Scans every entry of `layer` (a bad one fails with where it came from), drops the options
/// that `above` sets, and adds the rest to `above` for the layers below.
ScannedLayer scan_layer(const OptionTable& table, Layer layer, Overrides& above, std::string suffix = {})
{
    ScannedLayer scanned{std::move(layer), {}, std::move(suffix)};
    for (const auto& entry : scanned.layer.entries) {
        try {
            scanned.scans.push_back(table.scan(entry.tokens, false));
        } catch (const UsageError& e) {
            throw UsageError(fmt::format("{}\n{}{}", cut_tokens(e.what(), entry.tokens), entry.where, scanned.suffix));
        }
        auto& given = scanned.scans.back().given;
        given.erase(std::remove_if(given.begin(), given.end(), [&](const Given& g) { return above.covers(*g.def); }),
                    given.end());
    }
    for (const auto& scan : scanned.scans) above.add(scan.given);
    return scanned;
}

/// Applies a scanned layer. A message source in a layer replaces a lower layer's instead of
/// clashing with it.
void apply_layer(const ScannedLayer& scanned, Options& options, std::vector<Origin>& origins)
{
    const auto& scans = scanned.scans;
    const bool sets_input = std::any_of(scans.begin(), scans.end(), [](const Scan& scan) {
        return std::any_of(scan.given.begin(), scan.given.end(), [](const Given& g) { return g.def->input; });
    });
    if (sets_input) options.input = InputMode::none;
    for (std::size_t i = 0; i < scans.size(); ++i) {
        const auto& entry = scanned.layer.entries[i];
        try {
            OptionTable::apply(scans[i].given, options, origins, entry.source);
        } catch (const UsageError& e) {
            throw UsageError(fmt::format("{}\n{}{}", cut_tokens(e.what(), entry.tokens), entry.where, scanned.suffix));
        }
    }
}

/// The profile to read, scanned: the last --profile of the command line, else $MQTT_PROFILE.
std::optional<ScannedLayer> profile_layer(const OptionTable& table, const std::vector<std::string>& given,
                                          const Environment& environment, Overrides& above)
{
    std::string name;
    std::string where;
    const auto variable = environment.variables.find(variable_name("profile"));
    if (!given.empty()) {
        name = given.back();
    } else if (variable != environment.variables.end() && !variable->second.empty()) {
        name = variable->second;
        where = "\n(in environment variable " + variable->first + ")";
    } else {
        return std::nullopt;
    }
    try {
        const std::string path = profile_file(name, environment);
        auto text = read_options_file(path);
        if (!text) throw UsageError(fmt::format("Error: Unable to open profile \"{}\" ({}).", name, path));
        return scan_layer(table, file_layer(table, path, *text, true), above, where);
    } catch (const UsageError& e) {
        if (where.empty()) throw;
        const std::string text = e.what();
        if (text.ends_with(where)) throw;  // scan_layer added it already
        throw UsageError(text + where);
    }
}

/// One warning for the first -t or -U of the command line that looks like a shared
/// subscription whose "$share" the shell expanded to nothing ("$share/g/x" unquoted or in
/// double quotes gives "/g/x"), with the quoting that keeps it.
std::vector<std::string> share_notices(const OptionTable& table, const std::vector<Given>& given)
{
    const OptionDef* topic = table.def("-t");
    const OptionDef* unsubscribe = table.def("-U");
    for (const auto& g : given) {
        if ((g.def != topic && g.def != unsubscribe) || g.values.empty()) continue;
        const std::string& filter = g.values.front();
        if (const auto meant = unexpanded_share(filter)) {
            const char* what = g.def == topic ? "-t" : "-U";
            return {fmt::format("Warning: {} {} looks like a shared subscription whose $share the shell removed; "
                                "if so, quote it: {} {}",
                                what, escape_control(shell_quote(filter)), what, escape_control(shell_quote(*meant)))};
        }
    }
    return {};
}

}  // namespace

std::vector<OptionInfo> option_list(Tool tool)
{
    std::vector<OptionInfo> list;
    for (const auto& group : groups_for(tool)) {
        for (const auto& def : group.options) {
            list.push_back(
                {name_list(def), def.value ? def.value : "", def.help, group.title, split_words(def.choices ? def.choices : "")});
        }
    }
    list.push_back({{"--help"}, "", "print this help and exit", "Help", {}});
    list.push_back({{"--version"}, "", "print the version and exit", "Help", {}});
    return list;
}

namespace {

/// mqtt-bench conn: its clients only connect, so the options that shape a load of messages
/// on the command line are refused, not ignored (the environment and profiles are shared
/// with the other subcommands, so there they are left alone).
void refuse_load_options(const std::vector<Given>& given)
{
    constexpr std::string_view k_load[] = {"--subscribers", "-t", "-q", "-s", "--rate", "--total-rate", "-C", "--drain", "-M"};
    for (const auto& g : given) {
        const std::string name = name_list(*g.def).front();
        if (std::find(std::begin(k_load), std::end(k_load), name) != std::end(k_load)) {
            fail(fmt::format("{} shapes messages; mqtt-bench conn sends none.", name));
        }
        if (name == "-D" && !g.values.empty() && g.values.front() != "connect") {
            fail(fmt::format("-D {}: mqtt-bench conn sends only CONNECT.", cut_value(g.values.front())));
        }
    }
}

/// mqtt-bench's subcommand, the first argument; nullopt for --help and --version there.
std::optional<BenchMode> bench_mode(const std::vector<std::string>& args)
{
    if (args.empty()) fail("mqtt-bench needs a subcommand: conn, pub, sub or pubsub.");
    const std::string& word = args.front();
    if (word == "conn") return BenchMode::conn;
    if (word == "pub") return BenchMode::pub;
    if (word == "sub") return BenchMode::sub;
    if (word == "pubsub") return BenchMode::pubsub;
    if (word == "--help" || word == "--version") return std::nullopt;
    fail("Unknown subcommand '" + cut_value(word) + "': mqtt-bench takes conn, pub, sub or pubsub first.");
}

}  // namespace

CommandLine parse_command_line(Tool tool, const std::vector<std::string>& all_args, const Environment& environment)
{
    OptionTable table(tool);
    CommandLine result;
    result.options.tool = tool;
    std::vector<std::string> args = all_args;
    if (tool == Tool::bench) {
        if (const auto mode = bench_mode(args)) {
            result.options.bench.mode = *mode;
            args.erase(args.begin());
        }
    }
    if (tool == Tool::rr) result.options.protocol = k_mqtt5;  // request/response is an MQTT 5 feature

    // Left to right as upstream: --help or --version ends parsing where it stands.
    Scan command_line;
    try {
        command_line = table.scan(args, true);
    } catch (const UsageError& e) {
        throw UsageError(cut_tokens(e.what(), args));
    }
    if (const auto at = command_line.help_at) {
        const bool help = args[*at] == "--help";
        result.action = help ? CommandLine::Action::help : CommandLine::Action::version;
        result.text = help ? help_text(tool) : version_text(tool);
        return result;
    }
    if (tool == Tool::bench && result.options.bench.mode == BenchMode::conn) refuse_load_options(command_line.given);

    // Each source overrides the ones below it: the command line, the environment, the
    // profile, the options file. They are read highest first, so that what a higher one sets
    // is skipped unparsed below; then applied lowest first, each option recorded with its
    // source, for --show-config and -d.
    std::vector<Origin> origins;
    Overrides above(tool);
    above.add(command_line.given);
    ScannedLayer environment_options = scan_layer(table, environment_layer(table, environment, above), above);
    const auto profile = profile_layer(table, values_of(command_line.given, table.def("--profile")), environment, above);
    std::optional<ScannedLayer> file_options;
    if (const auto file = options_file(tool, values_of(command_line.given, table.def("-o")), environment, result.warnings)) {
        file_options = scan_layer(table, file_layer(table, file->first, file->second, false), above);
    }
    if (file_options) apply_layer(*file_options, result.options, origins);
    if (profile) apply_layer(*profile, result.options, origins);
    apply_layer(environment_options, result.options, origins);
    const auto sets_input = [](const Given& g) { return g.def->input; };
    if (std::any_of(command_line.given.begin(), command_line.given.end(), sets_input)) { result.options.input = InputMode::none; }
    try {
        OptionTable::apply(command_line.given, result.options, origins, "command line");
    } catch (const UsageError& e) {
        throw UsageError(cut_tokens(e.what(), args));
    }
    check_combinations(result.options);
    if (result.options.show_config || result.options.debug) {
        std::erase_if(origins, [](const Origin& origin) { return origin.option == "--show-config"; });
        const std::string text = fmt::format("{} {}", program_name(tool), show_config_text(result.options, origins));
        if (result.options.show_config) {
            result.action = CommandLine::Action::show_config;
            result.text = text;
        } else {
            result.config = text;
        }
    }
    if (tool == Tool::sub) result.notices = share_notices(table, command_line.given);
    return result;
}

}  // namespace mqtt
