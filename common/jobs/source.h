// Where mqtt-pub's messages come from: a fixed payload (-m -f -s -n, --repeat times) or
// standard input or a file split into records (-l lines, -0, --json objects), read in
// large blocks only as fast as they are sent, maybe paced (--rate, --pace recorded).
// mqtt-rr's request is such a fixed payload.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "json_value.h"
#include "options.h"
#include "payload_encoder.h"
#include "property_list.h"
#include "template.h"

namespace mqtt {

/// A growable byte window that splits what is appended into '\n'-terminated lines (or
/// records ending in another delimiter) without copying them. Pure: fed by LineSource,
/// tested on its own.
class LineBuffer {
public:
    explicit LineBuffer(char delimiter = '\n') : m_delimiter(delimiter) {}
    /// Room for at least `min` more bytes at the end (compacting or growing as needed).
    char* reserve(std::size_t min);
    /// `n` bytes were written at what reserve() returned.
    void commit(std::size_t n) { m_end += n; }
    /// The next complete line without its delimiter ('\r' kept). At end of input (`eof`), a last
    /// unterminated line is returned too. The view is valid until the next reserve().
    std::optional<std::string_view> next_line(bool eof);
    /// Bytes held that are not yet returned as lines.
    std::size_t pending() const { return m_end - m_begin; }

private:
    std::vector<char> m_data;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::size_t m_scanned = 0;  ///< bytes after m_begin known to hold no delimiter
    char m_delimiter;
};

/// One message for the publisher: its payload and what its record says beyond it. Views
/// and pointers stay valid until the source's next call.
struct Outgoing {
    std::string_view payload;
    const char* topic = nullptr;  ///< nullptr: -t
    int qos = -1;                 ///< -1: -q
    int retain = -1;              ///< -1: -r (else 0 or 1)
    /// The record's own properties (maybe none), which replace -D publish; unset: -D publish.
    std::optional<const mosquitto_property*> properties = std::nullopt;
    std::optional<std::int64_t> recorded_us = std::nullopt;  ///< the record's tst, for --pace recorded
    /// The record's payload_decoded (kept with --encode only), encoded in place of `payload`.
    const JsonValue* decoded = nullptr;
    std::uint64_t record = 0;  ///< the number of the record it came from (from 1); 0: not from a stream
};

/// A sequence of messages for the publisher.
class Source {
public:
    virtual ~Source() = default;
    /// The next message if one is ready now, else nullopt.
    virtual std::optional<Outgoing> next() = 0;
    /// The fd to poll for readability when next() had nothing and done() is false; -1: none.
    virtual int fd() const { return -1; }
    /// Reads what is available from fd(). Throws Failure on a read error.
    virtual void on_readable() {}
    /// No message will come any more.
    virtual bool done() const = 0;
    /// When next() may have a message without new input (pacing), if ever.
    virtual std::optional<std::chrono::steady_clock::time_point> wake_at() const { return std::nullopt; }
    /// Once done(): the error line when the input was not all good (a bad record), else nullopt.
    virtual std::optional<std::string> error() const { return std::nullopt; }
    /// Input bytes consumed so far (in messages sent or skipped), and the input's size when
    /// known (a regular file).
    virtual std::uint64_t bytes_read() const { return 0; }
    virtual std::optional<std::uint64_t> input_size() const { return std::nullopt; }
};

/// The same payload `count` times.
class FixedSource : public Source {
public:
    FixedSource(std::string payload, long count) : m_payload(std::move(payload)), m_left(count) {}
    std::optional<Outgoing> next() override;
    bool done() const override { return m_left == 0; }

private:
    std::string m_payload;
    long m_left;
};

/// How LineSource reads its records.
struct RecordSettings {
    char delimiter = '\n';               ///< -0: NUL
    bool json = false;                   ///< --json: each record is a JSON object (JsonRecord)
    Encoding encoding = Encoding::none;  ///< --encoding: each record is the payload encoded
    OnError on_error = OnError::stop;
    bool quiet = false;                    ///< no warnings for skipped records
    bool default_topic = false;            ///< -t given: a JSON record may leave its topic out
    bool mqtt5 = false;                    ///< JSON records may carry properties
    bool keep_decoded = false;             ///< --encode: JSON records' payload_decoded is kept
    std::string input = "standard input";  ///< for read errors: or "file \"<path>\""

    static RecordSettings from(const Options& options);
};

/// The bad records of a stream, each reported with its number ("Line 3"); --on-error says
/// whether the rest is still sent (skip: a warning each) or the stream stops there.
class RecordErrors {
public:
    explicit RecordErrors(const RecordSettings& settings)
        : m_delimiter(settings.delimiter), m_on_error(settings.on_error), m_quiet(settings.quiet)
    {}
    /// Reports record `number` as bad because of `why` (a sentence); false when the stream
    /// stops there.
    bool bad(std::uint64_t number, const std::string& why);
    bool stopped() const { return m_stopped; }
    /// The error line when some record was bad, else nullopt.
    std::optional<std::string> error() const;

private:
    char m_delimiter;
    OnError m_on_error;
    bool m_quiet;
    bool m_stopped = false;
    std::string m_stop_error;
    std::uint64_t m_skipped = 0;
    std::uint64_t m_first_skipped = 0;
};

/// One message per record of a file descriptor: -l lines, -0 records, --json objects.
/// A record that cannot be sent is reported with its number; --on-error says whether the
/// rest is still sent.
class LineSource : public Source {
public:
    /// Reads `fd` (closed at the end when `owned`).
    explicit LineSource(int fd, RecordSettings settings = {}, bool owned = false);
    ~LineSource() override;
    LineSource(const LineSource&) = delete;
    LineSource& operator=(const LineSource&) = delete;

    std::optional<Outgoing> next() override;
    int fd() const override { return m_eof || m_errors.stopped() ? -1 : m_fd; }
    void on_readable() override;
    bool done() const override { return m_errors.stopped() || (m_eof && m_buffer.pending() == 0); }
    std::optional<std::string> error() const override;
    std::uint64_t bytes_read() const override { return m_bytes_read - m_buffer.pending(); }
    std::optional<std::uint64_t> input_size() const override { return m_size; }

private:
    /// Reports the current record as bad; false when the source stops there.
    bool bad_record(const std::string& why) { return m_errors.bad(m_number, why); }
    /// The message of a JSON record, or nullopt (bad_record() was called).
    std::optional<Outgoing> json_message(std::string_view record);

    int m_fd;
    bool m_owned;
    RecordSettings m_settings;
    bool m_eof = false;
    LineBuffer m_buffer;
    std::uint64_t m_number = 0;  ///< of the current record, from 1
    std::uint64_t m_bytes_read = 0;
    std::optional<std::uint64_t> m_size;
    RecordErrors m_errors;
    std::string m_decoded;                     ///< the current record's payload, when decoded
    std::optional<JsonValue> m_decoded_value;  ///< the current JSON record's payload_decoded
    std::string m_topic;                       ///< the current JSON record's topic
    PropertyList m_properties;                 ///< the current JSON record's properties
};

/// A source that wraps another and passes everything on; subclasses change next().
class SourceDecorator : public Source {
public:
    explicit SourceDecorator(std::unique_ptr<Source> inner) : m_inner(std::move(inner)) {}
    std::optional<Outgoing> next() override { return m_inner->next(); }
    int fd() const override { return m_inner->fd(); }
    void on_readable() override { m_inner->on_readable(); }
    bool done() const override { return m_inner->done(); }
    std::optional<std::chrono::steady_clock::time_point> wake_at() const override { return m_inner->wake_at(); }
    std::optional<std::string> error() const override { return m_inner->error(); }
    std::uint64_t bytes_read() const override { return m_inner->bytes_read(); }
    std::optional<std::uint64_t> input_size() const override { return m_inner->input_size(); }

protected:
    std::unique_ptr<Source> m_inner;
};

/// Holds each message of `inner` back until it is due: at most `rate` messages per second,
/// or (`recorded`) with the gaps between the records' tst times. Messages without a tst
/// go at once. `now` tells the time (a test gives its own clock).
class PacedSource : public SourceDecorator {
public:
    using Now = std::function<std::chrono::steady_clock::time_point()>;
    PacedSource(std::unique_ptr<Source> inner, double rate, bool recorded, Now now = std::chrono::steady_clock::now);
    std::optional<Outgoing> next() override;
    int fd() const override { return m_held ? -1 : m_inner->fd(); }
    bool done() const override { return !m_held && m_inner->done(); }
    std::optional<std::chrono::steady_clock::time_point> wake_at() const override;

private:
    using Clock = std::chrono::steady_clock;
    Now m_now;
    Clock::duration m_interval{};  ///< --rate: between two messages
    bool m_recorded;
    std::optional<Outgoing> m_held;                                      ///< read from inner, not yet due
    Clock::time_point m_due{};                                           ///< of m_held
    std::optional<Clock::time_point> m_next;                             ///< --rate: when the next message is due
    std::optional<std::pair<Clock::time_point, std::int64_t>> m_origin;  ///< recorded: first send, its tst
};

/// mqtt-pub --template: each message of `inner` with the placeholders of -t and of its payload
/// rendered (core/template.h) into buffers reused from one message to the next. The one
/// payload of -m (or -n) is compiled once; each record of a stream (-l) is compiled as it
/// comes, a bad one reported as RecordErrors says.
class TemplatedSource : public SourceDecorator {
public:
    /// `payload`: the one payload, sent as many times as `inner` has messages; nullopt: the
    /// payload of each of `inner`'s messages. Throws Failure (usage) when -t or `payload`
    /// does not compile.
    TemplatedSource(std::unique_ptr<Source> inner, const Options& options, std::optional<std::string> payload,
                    TemplateEnvironment environment = TemplateEnvironment::system());
    std::optional<Outgoing> next() override;
    int fd() const override { return m_errors.stopped() ? -1 : m_inner->fd(); }
    bool done() const override { return m_errors.stopped() || m_inner->done(); }
    std::optional<std::string> error() const override;

private:
    TemplateEnvironment m_environment;
    Template m_topic;
    Template m_payload;
    bool m_topic_changes = false;  ///< -t renders differently per message
    bool m_fixed = false;          ///< m_payload was compiled once
    std::string m_topic_text;      ///< the current message's topic
    std::string m_payload_text;    ///< the current message's payload
    std::mt19937_64 m_random;
    std::uint64_t m_number = 0;  ///< messages rendered: {seq}
    std::uint64_t m_record = 0;  ///< messages read from `inner`, for the bad records' numbers
    RecordErrors m_errors;
};

/// mqtt-pub --encode: each message of `inner` with its payload (or its record's
/// payload_decoded) encoded (codec/payload_encoder.h). A payload that cannot be is a bad
/// record as RecordErrors says; the one payload of -m (--template) is a usage error.
class EncodedSource : public SourceDecorator {
public:
    EncodedSource(std::unique_ptr<Source> inner, const Options& options, bool fixed);
    std::optional<Outgoing> next() override;
    int fd() const override { return m_errors.stopped() ? -1 : m_inner->fd(); }
    bool done() const override { return m_errors.stopped() || m_inner->done(); }
    std::optional<std::string> error() const override;

private:
    PayloadEncoder m_encoder;
    bool m_fixed;
    std::uint64_t m_number = 0;  ///< messages read from `inner`, for those not from a record
    RecordErrors m_errors;
};

/// Adds the send time to each message of `inner` (--stamp): a user property with MQTT 5
/// (to the record's properties or -D publish), else a "stamp:<ns>;" payload prefix.
class StampedSource : public SourceDecorator {
public:
    StampedSource(std::unique_ptr<Source> inner, const Options& options);
    std::optional<Outgoing> next() override;

private:
    bool m_mqtt5;
    PropertyList m_default;     ///< -D publish
    PropertyList m_properties;  ///< the current message's, stamp included
    std::string m_payload;      ///< MQTT 3: the current payload with its prefix
};

/// All of `fd` (e.g. stdin for -s) up to the MQTT payload limit. Throws Failure (usage) with
/// upstream's text when it is too large or cannot be read.
std::string read_all(int fd, const std::string& what);
/// The whole file `path` (-f). Throws Failure (usage) with upstream's text.
std::string read_file(const std::string& path);

/// The one payload of -m, -f, -s or -n (mqtt-rr's request, mqtt-pub's repeated message),
/// reading the file or all of stdin now. Throws Failure (usage) with upstream's text.
std::string load_payload(const Options& options);

/// `payload`, the one payload of -m, -f or -s, as --encode writes it (unchanged without
/// --encode). Throws Failure (usage) when it cannot be encoded, e.g. "Error: --encode cbor:
/// the -m message is not JSON at byte 3: unterminated string."
std::string encode_payload(const Options& options, std::string payload);

/// The source for `options` (-m -f -s -l -n, --json, -0, paced by --rate or --pace),
/// reading files and whole stdin now (except the files that stream: --json -f, -0 -f).
std::unique_ptr<Source> make_source(const Options& options);

}  // namespace mqtt
