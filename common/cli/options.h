// Everything a tool was asked to do, as a plain value: built once from argv by cli.cpp,
// read by the session, publisher and subscriber. No CLI11 here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "encoding.h"
#include "numbers.h"
#include "url.h"
#include "decode_spec.h"
#include "exec_spec.h"
#include "format_spec.h"
#include "properties.h"
#include "requirement.h"

namespace mqtt {

enum class Tool { pub, sub, rr, bench };

/// mqtt-bench's subcommand: what its clients do (conn: only connect and stay connected).
enum class BenchMode { conn, pub, sub, pubsub };

/// What mqtt-bench runs (the rest comes from the shared fields of Options: -t, -q, -M,
/// --rate, -C, --json). No CLI11 here either.
struct BenchOptions {
    BenchMode mode = BenchMode::pub;
    int clients = 1;                  ///< -c: connections (conn), publishers (pub, pubsub) or subscribers (sub)
    int subscribers = 1;              ///< --subscribers: pubsub's subscribing clients
    double total_rate = 0.0;          ///< --total-rate: messages per second over all publishers
    std::size_t size = 64;            ///< -s: payload bytes, header included
    double duration = 0.0;            ///< --duration seconds; 0 = until -C or a signal
    double drain = 2.0;               ///< --drain: seconds to wait for the last messages
    double connect_rate = 0.0;        ///< --connect-rate: new connections per second; 0 = at once
    int connect_retries = 0;          ///< --connect-retries: attempts after a failed one, per client
    int reconnect_attempts = 0;       ///< --reconnect-attempts: connects after a lost connection, per loss; 0 = none
    std::vector<Requirement> require; ///< --require: the thresholds of a CI check
    std::string csv;                  ///< --csv: the file of the per-second series; empty = none
};

/// Where the payload of mqtt-pub (or mqtt-rr's request) comes from (-m, -f, -s, -l, -n).
enum class InputMode { none, message, file, stdin_whole, stdin_lines, null_message };

/// --on-error: what mqtt-pub does with an input record it cannot publish (stop, skip), and
/// what mqtt-sub and mqtt-rr do with a payload that does not --decode (print, skip, stop).
enum class OnError { stop, skip, print };

/// MQTT protocol levels as they go on the wire (and as libmosquitto numbers them).
inline constexpr int k_mqtt31 = 3;
inline constexpr int k_mqtt311 = 4;
inline constexpr int k_mqtt5 = 5;

/// The largest payload MQTT can carry in one PUBLISH (upstream's MQTT_MAX_PAYLOAD).
inline constexpr std::size_t k_max_payload = 268435455;

/// mqtt-sub --summary-topics: the default and the largest (see output/topic_summary.h).
inline constexpr std::size_t k_summary_default_topics = 10000;
inline constexpr std::size_t k_summary_max_topics = 1000000;

struct Will {
    std::string topic;
    std::string payload;
    int qos = 0;
    bool retain = false;
    bool payload_given = false;
};

/// The TLS options as given (--cafile ... --no-tls); common/tls.cpp decides what they mean.
/// A string option given with an empty value is still "given", as upstream's.
struct TlsOptions {
    std::optional<std::string> cafile;
    std::optional<std::string> capath;
    std::optional<std::string> certfile;      ///< --cert
    std::optional<std::string> keyfile;       ///< --key
    std::optional<std::string> keyform;       ///< "pem" or "engine"
    std::optional<std::string> engine;        ///< --tls-engine
    std::optional<std::string> engine_kpass_sha1;
    std::optional<std::string> alpn;          ///< --tls-alpn
    std::optional<std::string> version;       ///< --tls-version, lower case
    std::optional<std::string> ciphers;
    std::optional<std::string> psk;           ///< hex key
    std::optional<std::string> psk_identity;
    std::optional<std::string> keylog;        ///< --tls-keylog file
    bool insecure = false;
    bool use_os_certs = false;                ///< --tls-use-os-certs; set by -L mqtts:// too
    bool no_tls = false;                      ///< --no-tls: every other TLS option is ignored

    /// --cafile, --capath or --psk: the options that make 8883 the default port.
    bool selects_tls_port() const { return !no_tls && (cafile || capath || psk); }
};

struct Options {
    Tool tool = Tool::pub;

    // Connection
    std::string host = "localhost";
    std::optional<int> port;          ///< unset: 1883, or 8883 with --cafile/--capath/--psk
    std::string bind_address;         ///< -A
    bool nodelay = false;             ///< --nodelay: TCP_NODELAY
    std::optional<ProxyUrl> proxy;    ///< --proxy: SOCKS5 (libmosquitto's) or HTTP CONNECT (the bridge's)
    bool srv = false;                 ///< -S: the broker from DNS SRV records of -h's domain
    bool websockets = false;          ///< --ws, -L ws:// or wss://: MQTT over WebSockets (common/bridge)
    std::string ws_path = "/mqtt";    ///< --ws-path: the upgrade request's path and query
    std::vector<std::string> ws_headers;  ///< --ws-header: "Name: value" lines for the upgrade
    TlsOptions tls;
    int keepalive = 60;
    int connect_timeout = 10;         ///< --connect-timeout seconds (TCP/TLS/proxy/upgrade and CONNACK); 0 = none
    int wait_for_broker = 0;          ///< --wait-for-broker: seconds to retry the first connection; 0 = fail at once
    int reconnect_timeout = 30;       ///< --reconnect-timeout: seconds to keep reconnecting (pub, sub); 0 = never
    std::string id;                   ///< -i; empty: the broker assigns one (v3.1: random)
    std::string id_prefix;            ///< -I; the id is prefix + pid
    std::optional<std::string> username;
    std::optional<std::string> password;
    int protocol = k_mqtt311;
    bool clean_session = true;        ///< -c clears it
    std::optional<std::uint32_t> session_expiry;  ///< -x; 0xFFFFFFFF is "never"
    int max_inflight = 20;            ///< -M
    bool debug = false;
    bool quiet = false;
    bool show_config = false;         ///< --show-config: print the settings and their sources, run nothing
    Will will;
    PropertyLists properties;         ///< -D, per packet; any of them selects MQTT 5
    bool probe = false;               ///< --probe: print the CONNACK as JSON, disconnect

    // Topics and QoS
    std::vector<std::string> topics;  ///< pub: exactly one; rr: the request topic; sub: the filters
    int qos = 0;

    // mqtt-pub, and mqtt-rr's request
    InputMode input = InputMode::none;
    std::string message;              ///< -m text
    std::string file;                 ///< -f path
    bool retain = false;
    long repeat = 1;
    double repeat_delay = 0.0;        ///< seconds
    OnError on_error = OnError::stop; ///< --on-error, for --json and --encoding records
    double rate = 0.0;                ///< --rate: messages per second; 0 = as fast as possible
    bool pace_recorded = false;       ///< --pace recorded: the gaps between the records' tst
    bool templated = false;           ///< --template: placeholders in -t, -m and -l lines (core/template.h)
    bool stamp = false;               ///< --stamp: the send time in each message (see stats.h)
    bool progress = false;            ///< --progress: a progress line on a terminal's stderr
    bool stats = false;               ///< --stats: one JSON object of counters on stderr at the end

    // Both directions
    bool json = false;                ///< --json: sub prints, pub reads one JSON object per record
    bool null_records = false;        ///< -0: records end in NUL instead of newline
    Encoding encoding = Encoding::none;  ///< --encoding: payloads as hex or base64 text

    // mqtt-rr
    std::string response_topic;       ///< -e; empty: with MQTT 5 the requester picks a unique one
    /// Correlation data for the request when the user chose it (to come with -D publish
    /// correlation-data); unset: the requester makes up 16 random bytes.
    std::optional<std::string> correlation_data;
    /// --no-correlation-check: the first message on the response topic is the response, as
    /// with MQTT 3 (for responders that do not copy the correlation data).
    bool no_correlation_check = false;

    // mqtt-sub (and what mqtt-rr shares: output, -R, --retain-as-published, -W, --ready-file)
    bool verbose = false;             ///< -v
    bool no_eol = false;              ///< -N
    bool watch = false;               ///< -w: one terminal line per topic
    std::optional<ParsedFormat> format;  ///< -F, parsed; it takes precedence over -v
    bool pretty = false;              ///< --pretty: indented JSON for %j and %J
    bool no_color = false;            ///< --no-color: --pretty never colours
    /// --pretty colours its JSON: stdout is a terminal, no --no-color, NO_COLOR unset or
    /// empty. Decided by the tool at start (want_colour), never by an option.
    bool colour = false;
    std::optional<DecodeChain> encode;  ///< --encode (mqtt-pub, mqtt-rr's request)
    std::vector<DecodeRule> decode;   ///< --decode, in the order given (the first match wins)
    std::vector<std::string> proto_path;  ///< --proto-path: folders for a .proto schema's imports
    OnError decode_error = OnError::print;  ///< --on-error for payloads that do not decode
    long msg_count = 0;               ///< -C; 0 = unlimited
    int timeout = 0;                  ///< -W seconds (pub: for everything to be acknowledged); 0 = none
    bool no_retained = false;         ///< -R
    bool retained_only = false;
    bool exit_after_subscribe = false;  ///< -E
    bool retain_as_published = false;
    bool remove_retained = false;
    bool dry_run = false;             ///< --dry-run: --remove-retained lists, clears nothing
    double random_filter = 100.0;     ///< --random-filter: percent of messages printed
    std::string grep;                 ///< --grep: payload regular expression ("" = none)
    std::string grep_topic;           ///< --grep-topic
    bool grep_ignore_case = false;    ///< --grep-ignore-case: both match letters of either case
    std::string ready_file;           ///< --ready-file: created once every SUBACK is in
    std::string where;                ///< --where: a jq expression a message's JSON must satisfy ("" = none)
    std::vector<ExecRule> exec;       ///< --exec, in the order given (the first match wins)
    int exec_jobs = 1;                ///< --exec-jobs: commands running at once
    bool exec_ignore_failures = false;  ///< --exec-ignore-failures: failed commands leave the status 0
    double idle_timeout = 0.0;        ///< --idle-timeout seconds; 0 = none
    bool summary = false;             ///< --summary: per-topic counters instead of each message
    double summary_interval = 0.0;    ///< --summary-interval seconds: a report that often (0 = at the end only)
    std::size_t summary_topics = k_summary_default_topics;  ///< --summary-topics: topics kept apart, the rest folded into one row
    std::vector<std::string> filter_out;   ///< -T
    std::vector<std::string> unsubscribe;  ///< -U
    std::string share;                ///< --share: -t and -U become $share/<share>/<filter> ("" = none)

    // mqtt-bench
    BenchOptions bench;

    /// The port the session connects to.
    int effective_port() const { return port.value_or(tls.selects_tls_port() ? 8883 : 1883); }
    /// The client id sent in CONNECT ("" lets the broker choose).
    std::string client_id() const;
    /// A password (-P, --pw-file, -L, MQTT_PASSWORD), a proxy's password, a PSK, or a private
    /// key (--key: it may be protected by a passphrase OpenSSL asks for) is in memory.
    bool holds_secret() const;
    /// mqtt-pub reads its messages as a stream of records (-l, -0, --json), not one payload.
    bool streams() const { return input == InputMode::stdin_lines || json || (null_records && input == InputMode::file); }
};

}  // namespace mqtt
