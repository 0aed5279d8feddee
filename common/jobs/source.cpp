#include "source.h"

#include <cerrno>
#include <chrono>
#include <mqtt_protocol.h>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diagnostics.h"
#include "error.h"
#include "json_record.h"
#include "progress.h"
#include "sparkplug.h"
#include "stats.h"
#include "topic.h"

namespace mqtt {

namespace {

constexpr std::size_t k_block = 256 * 1024;  // one read() for many lines

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

}  // namespace

char* LineBuffer::reserve(std::size_t min)
{
    if (m_data.size() - m_end >= min) return m_data.data() + m_end;
    // Move the unread part to the front before growing: memory stays at about one block
    // plus the longest line.
    if (m_begin > 0) {
        std::memmove(m_data.data(), m_data.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_data.size() - m_end < min) m_data.resize(std::max(m_data.size() * 2, m_end + min));
    return m_data.data() + m_end;
}

std::optional<std::string_view> LineBuffer::next_line(bool eof)
{
    const char* start = m_data.data() + m_begin;
    const std::size_t available = m_end - m_begin;
    if (available == 0) return std::nullopt;
    const void* newline = std::memchr(start + m_scanned, m_delimiter, available - m_scanned);
    if (newline == nullptr) {
        m_scanned = available;
        if (!eof) return std::nullopt;
        m_begin = m_end;
        m_scanned = 0;
        return std::string_view(start, available);
    }
    const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - start);
    m_begin += length + 1;
    m_scanned = 0;
    if (m_begin == m_end) m_begin = m_end = 0;  // cheap reset: the view stays valid until reserve()
    return std::string_view(start, length);
}

std::optional<Outgoing> FixedSource::next()
{
    if (m_left == 0) return std::nullopt;
    --m_left;
    return Outgoing{.payload = m_payload};
}

RecordSettings RecordSettings::from(const Options& options)
{
    RecordSettings settings;
    settings.delimiter = options.null_records ? '\0' : '\n';
    settings.json = options.json;
    settings.encoding = options.encoding;
    settings.on_error = options.on_error;
    settings.quiet = options.quiet;
    settings.default_topic = !options.topics.empty();
    settings.mqtt5 = options.protocol == k_mqtt5;
    settings.keep_decoded = options.encode.has_value();
    return settings;
}

LineSource::LineSource(int fd, RecordSettings settings, bool owned)
    : m_fd(fd), m_owned(owned), m_settings(settings), m_buffer(settings.delimiter), m_errors(settings)
{
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
        const off_t at = ::lseek(fd, 0, SEEK_CUR);
        m_size = static_cast<std::uint64_t>(info.st_size - std::max<off_t>(at, 0));
    }
}

LineSource::~LineSource()
{
    if (m_owned) ::close(m_fd);
}

namespace {

const char* record_word(char delimiter, bool capital)
{
    if (delimiter == '\n') return capital ? "Line" : "line";
    return capital ? "Record" : "record";
}

/// `text` as the end of a sentence.
std::string sentence(const std::string& text)
{
    if (!text.empty() && (text.back() == '.' || text.back() == '?')) return text;
    return text + ".";
}

}  // namespace

bool RecordErrors::bad(std::uint64_t number, const std::string& why)
{
    if (m_on_error == OnError::stop) {
        m_stopped = true;
        // Whole sentences, not "{} {}": the man page's check finds the lines it quotes.
        m_stop_error = m_delimiter == '\n' ? fmt::format("Error: Line {}: {}", number, sentence(why))
                                           : fmt::format("Error: Record {}: {}", number, sentence(why));
        return false;
    }
    if (m_skipped++ == 0) m_first_skipped = number;
    if (!m_quiet) {
        const char* word = record_word(m_delimiter, true);
        print_line(fmt::format("Warning: {} {} skipped: {}", word, number, sentence(why)));
    }
    return true;
}

std::optional<std::string> RecordErrors::error() const
{
    if (m_stopped) return m_stop_error;
    if (m_skipped == 0) return std::nullopt;
    const char* word = record_word(m_delimiter, false);
    return fmt::format("Error: {} bad {}{} skipped (the first: {} {}).", m_skipped, word, m_skipped == 1 ? "" : "s", word,
                       m_first_skipped);
}

std::optional<std::string> LineSource::error() const
{
    return m_errors.error();
}

std::optional<Outgoing> LineSource::json_message(std::string_view record)
{
    auto parsed = parse_json_record(record, m_settings.keep_decoded);
    if (!parsed) {
        bad_record(parsed.error());
        return std::nullopt;
    }
    auto& json = *parsed;
    if (!json.topic && !m_settings.default_topic) {
        bad_record("no \"topic\", and no -t to fall back to");
        return std::nullopt;
    }
    if (json.properties && !json.properties->empty() && !m_settings.mqtt5) {
        bad_record("MQTT 5 properties, but the protocol is not MQTT 5 (-V 5)");
        return std::nullopt;
    }
    Outgoing out;
    m_decoded = std::move(json.payload);
    out.payload = m_decoded;
    if (json.topic) {
        m_topic = std::move(*json.topic);
        out.topic = m_topic.c_str();
    }
    out.qos = json.qos.value_or(-1);
    out.retain = json.retain ? (*json.retain ? 1 : 0) : -1;
    if (json.properties) {
        m_properties = PropertyList(*json.properties);
        out.properties = m_properties.get();
    }
    out.recorded_us = json.tst_us;
    m_decoded_value = std::move(json.payload_decoded);
    if (m_decoded_value) out.decoded = &*m_decoded_value;
    out.record = m_number;
    return out;
}

std::optional<Outgoing> LineSource::next()
{
    while (!m_errors.stopped()) {
        auto line = m_buffer.next_line(m_eof);
        if (!line) return std::nullopt;
        ++m_number;
        if (line->size() > k_max_payload) {
            throw Failure(ExitStatus::usage,
                          fmt::format("Error: Line too long: a message must be less than {} bytes.", k_max_payload));
        }
        if (m_settings.json) {
            // Blank lines (e.g. a last "\r\n", or a blank line jq left) carry no message.
            if (line->find_first_not_of(" \t\r\n") == std::string_view::npos) continue;
            if (auto message = json_message(*line)) return message;
            continue;
        }
        if (m_settings.encoding != Encoding::none) {
            auto decoded = decode(*line, m_settings.encoding);
            if (!decoded) {
                bad_record(fmt::format("not valid {}", encoding_name(m_settings.encoding)));
                continue;
            }
            m_decoded = std::move(*decoded);
            return Outgoing{.payload = m_decoded, .record = m_number};
        }
        return Outgoing{.payload = *line, .record = m_number};
    }
    return std::nullopt;
}

void LineSource::on_readable()
{
    if (m_eof) return;
    char* at = m_buffer.reserve(k_block);
    const ssize_t n = ::read(m_fd, at, k_block);
    if (n > 0) {
        m_buffer.commit(static_cast<std::size_t>(n));
        m_bytes_read += static_cast<std::uint64_t>(n);
        if (m_buffer.pending() > k_max_payload + k_block) {  // no newline in sight: stop growing
            throw Failure(ExitStatus::usage,
                          fmt::format("Error: Line too long: a message must be less than {} bytes.", k_max_payload));
        }
    } else if (n == 0) {
        m_eof = true;
    } else if (errno != EINTR && errno != EAGAIN) {
        throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read {}: {}.", m_settings.input, std::strerror(errno)));
    }
}

PacedSource::PacedSource(std::unique_ptr<Source> inner, double rate, bool recorded, Now now)
    : SourceDecorator(std::move(inner)), m_now(std::move(now)), m_recorded(recorded)
{
    if (rate > 0.0) m_interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
}

std::optional<Outgoing> PacedSource::next()
{
    const auto now = m_now();
    if (!m_held) {
        m_held = m_inner->next();
        if (!m_held) return std::nullopt;
        if (m_recorded) {
            m_due = now;
            if (m_held->recorded_us) {
                if (!m_origin) m_origin.emplace(now, *m_held->recorded_us);
                m_due = m_origin->first + std::chrono::microseconds(*m_held->recorded_us - m_origin->second);
            }
        } else {
            // Behind by more than a moment (input came slowly, or the broker held us back):
            // start afresh rather than send a burst to catch up.
            const auto slack = std::max<Clock::duration>(m_interval, std::chrono::milliseconds(50));
            if (!m_next || *m_next < now - slack) m_next = now;
            m_due = *m_next;
        }
    }
    if (now < m_due) return std::nullopt;
    if (!m_recorded) *m_next = m_due + m_interval;
    auto out = *m_held;
    m_held.reset();
    return out;
}

std::optional<std::chrono::steady_clock::time_point> PacedSource::wake_at() const
{
    if (!m_held) return std::nullopt;
    return m_due;
}

std::string read_all(int fd, const std::string& what)
{
    std::string data;
    for (;;) {
        const std::size_t used = data.size();
        data.resize(used + k_block);
        const ssize_t n = ::read(fd, data.data() + used, k_block);
        if (n < 0) {
            data.resize(used);
            if (errno == EINTR) continue;
            throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read {}: {}.", what, std::strerror(errno)));
        }
        data.resize(used + static_cast<std::size_t>(n));
        if (n == 0) break;
        if (data.size() > k_max_payload) {
            throw Failure(ExitStatus::usage, fmt::format("Error: Message length must be less than {} bytes.", k_max_payload));
        }
    }
    return data;
}

std::string read_file(const std::string& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw Failure(ExitStatus::usage, fmt::format("Error: Unable to open file \"{}\".", path));
    struct stat info {};
    if (::fstat(fd.get(), &info) == 0 && S_ISDIR(info.st_mode)) {
        throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read file \"{}\": it is a directory.", path));
    }
    return read_all(fd.get(), fmt::format("file \"{}\"", path));
}

TemplatedSource::TemplatedSource(std::unique_ptr<Source> inner, const Options& options, std::optional<std::string> payload,
                                 TemplateEnvironment environment)
    : SourceDecorator(std::move(inner)), m_environment(std::move(environment)), m_fixed(payload.has_value()),
      m_random(std::random_device{}()), m_errors(RecordSettings::from(options))
{
    if (!options.topics.empty()) {
        const std::string& topic = options.topics.front();
        if (auto compiled = m_topic.assign(topic, m_environment); !compiled) {
            throw Failure(ExitStatus::usage, "Error: -t: " + compiled.error());
        }
        // A topic that renders the same each time is rendered once (and left to the
        // publisher when it is -t as given, so that a topic alias still replaces it).
        m_topic_changes = m_topic.dynamic();
        if (!m_topic_changes) m_topic.render(m_topic_text, {});
        if (!m_topic_changes && m_topic_text == topic) m_topic_text.clear();
    }
    if (payload) {
        if (auto compiled = m_payload.assign(*payload, m_environment); !compiled) {
            throw Failure(ExitStatus::usage, "Error: -m: " + compiled.error());
        }
        if (!m_payload.dynamic()) m_payload.render(m_payload_text, {});  // the same every time
    }
}

std::optional<Outgoing> TemplatedSource::next()
{
    while (!m_errors.stopped()) {
        auto message = m_inner->next();
        if (!message) return message;
        ++m_record;
        const std::string_view given = message->payload;
        const bool compile = !m_fixed && given.find_first_of("{}") != std::string_view::npos;
        const bool render = compile || (m_fixed && m_payload.dynamic());
        if (compile) {
            if (auto compiled = m_payload.assign(given, m_environment); !compiled) {
                m_errors.bad(m_record, compiled.error());
                continue;
            }
        }
        TemplateContext context{.number = m_number + 1, .random = &m_random};
        if ((m_topic_changes && m_topic.uses_time()) || (render && m_payload.uses_time())) {
            ::clock_gettime(CLOCK_REALTIME, &context.now);
        }
        if (render) {
            m_payload_text.clear();
            m_payload.render(m_payload_text, context);
            if (m_payload_text.size() > k_max_payload) {
                const std::string why =
                    fmt::format("Once rendered, the message is {} bytes, more than {}", m_payload_text.size(), k_max_payload);
                if (m_fixed) throw Failure(ExitStatus::usage, "Error: -m: " + sentence(why));
                m_errors.bad(m_record, why);
                continue;
            }
        }
        if (m_fixed || render) message->payload = m_payload_text;
        if (m_topic_changes) {
            m_topic_text.clear();
            m_topic.render(m_topic_text, context);
            if (auto checked = check_publish_topic(m_topic_text, "-t"); !checked.ok())
                throw Failure(ExitStatus::usage, "Error: " + checked.error());
        }
        if (!m_topic_text.empty()) message->topic = m_topic_text.c_str();
        ++m_number;
        return message;
    }
    return std::nullopt;
}

std::optional<std::string> TemplatedSource::error() const
{
    if (auto error = m_errors.error()) return error;
    return m_inner->error();
}

namespace {

/// What --encode's error lines call the one payload.
const char* payload_name(const Options& options)
{
    return options.input == InputMode::message ? "-m message" : options.input == InputMode::file ? "file" : "standard input";
}

/// The encoding of `encoded` when it fits in a message, else why not ("... cannot be ...").
Result<std::string_view> within_limit(Result<std::string_view> encoded)
{
    if (encoded && encoded->size() > k_max_payload) {
        return Error{fmt::format("is {} bytes once encoded, more than {}", encoded->size(), k_max_payload)};
    }
    return encoded;
}

}  // namespace

EncodedSource::EncodedSource(std::unique_ptr<Source> inner, const Options& options, bool fixed)
    : SourceDecorator(std::move(inner)), m_encoder(*options.encode, options.proto_path), m_fixed(fixed),
      m_errors(RecordSettings::from(options))
{}

std::optional<Outgoing> EncodedSource::next()
{
    while (!m_errors.stopped()) {
        auto message = m_inner->next();
        if (!message) return message;
        ++m_number;
        auto encoded = within_limit(message->decoded ? m_encoder.encode(*message->decoded) : m_encoder.encode(message->payload));
        if (!encoded) {
            if (m_fixed) {
                throw Failure(ExitStatus::usage,
                              fmt::format("Error: --encode {}: the -m message {}.", m_encoder.chain().text, encoded.error()));
            }
            m_errors.bad(message->record != 0 ? message->record : m_number,
                         fmt::format("--encode {}: the payload {}", m_encoder.chain().text, encoded.error()));
            continue;
        }
        message->payload = *encoded;
        message->decoded = nullptr;
        return message;
    }
    return std::nullopt;
}

std::optional<std::string> EncodedSource::error() const
{
    if (auto error = m_errors.error()) return error;
    return m_inner->error();
}

std::string encode_payload(const Options& options, std::string payload)
{
    if (!options.encode) return payload;
    PayloadEncoder encoder(*options.encode, options.proto_path);
    auto encoded = within_limit(encoder.encode(payload));
    if (!encoded) {
        throw Failure(
            ExitStatus::usage,
            fmt::format("Error: --encode {}: the {} {}.", options.encode->text, payload_name(options), encoded.error()));
    }
    return std::string(*encoded);
}

StampedSource::StampedSource(std::unique_ptr<Source> inner, const Options& options)
    : SourceDecorator(std::move(inner)), m_mqtt5(options.protocol == k_mqtt5), m_default(options.properties.publish)
{}

std::optional<Outgoing> StampedSource::next()
{
    auto message = m_inner->next();
    if (!message) return message;
    const std::string stamp = std::to_string(unix_nanoseconds());
    if (m_mqtt5) {
        mosquitto_property* copy = nullptr;
        const mosquitto_property* base = message->properties.value_or(m_default.get());
        if (base && mosquitto_property_copy_all(&copy, base) != MOSQ_ERR_SUCCESS) throw std::bad_alloc();
        m_properties = PropertyList();
        if (mosquitto_property_add_string_pair(&copy, MQTT_PROP_USER_PROPERTY, k_stamp_property, stamp.c_str()) !=
            MOSQ_ERR_SUCCESS) {
            mosquitto_property_free_all(&copy);
            throw std::bad_alloc();
        }
        m_properties = PropertyList::adopt(copy);
        message->properties = m_properties.get();
    } else {
        m_payload.assign(k_stamp_prefix);
        m_payload += stamp;
        m_payload += ';';
        m_payload += message->payload;
        message->payload = m_payload;
    }
    return message;
}

namespace {

std::string raw_payload(const Options& options)
{
    switch (options.input) {
    case InputMode::message: return options.message;
    case InputMode::file: return read_file(options.file);
    case InputMode::stdin_whole: {
        std::string payload = read_all(STDIN_FILENO, "standard input");
        if (payload.empty()) throw Failure(ExitStatus::usage, "Error: Zero length input.");
        return payload;
    }
    case InputMode::sparkplug_rebirth: {
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        return sparkplug_rebirth_payload(
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
    }
    case InputMode::stdin_lines:
    case InputMode::null_message:
    case InputMode::none: break;
    }
    return {};
}

}  // namespace

std::string load_payload(const Options& options)
{
    std::string payload = raw_payload(options);
    if (options.encoding == Encoding::none || options.input == InputMode::null_message) return payload;
    auto decoded = decode(payload, options.encoding);
    if (!decoded) {
        const char* what = options.input == InputMode::message ? "-m message"
            : options.input == InputMode::file                 ? "file"
                                                               : "standard input";
        throw Failure(ExitStatus::usage, fmt::format("Error: The {} is not valid {}.", what, encoding_name(options.encoding)));
    }
    return std::move(*decoded);
}

std::unique_ptr<Source> make_source(const Options& options)
{
    std::unique_ptr<Source> source;
    if (options.streams()) {
        int fd = STDIN_FILENO;
        if (options.input == InputMode::file) {
            fd = ::open(options.file.c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0) throw Failure(ExitStatus::usage, fmt::format("Error: Unable to open file \"{}\".", options.file));
        }
        RecordSettings settings = RecordSettings::from(options);
        if (fd != STDIN_FILENO) settings.input = fmt::format("file \"{}\"", options.file);
        source = std::make_unique<LineSource>(fd, settings, fd != STDIN_FILENO);
    } else if (options.input == InputMode::none) {
        return std::make_unique<FixedSource>(std::string(), 0);
    } else if (options.templated) {
        source = std::make_unique<TemplatedSource>(std::make_unique<FixedSource>(std::string(), options.repeat), options,
                                                   load_payload(options));
    } else {
        source = std::make_unique<FixedSource>(encode_payload(options, load_payload(options)), options.repeat);
    }
    if (options.templated && options.streams()) {
        source = std::make_unique<TemplatedSource>(std::move(source), options, std::nullopt);
    }
    if (options.encode && (options.streams() || options.templated)) {
        source = std::make_unique<EncodedSource>(std::move(source), options, !options.streams());
    }
    if (options.rate > 0.0 || options.pace_recorded) {
        source = std::make_unique<PacedSource>(std::move(source), options.rate, options.pace_recorded);
    }
    if (options.stamp) source = std::make_unique<StampedSource>(std::move(source), options);
    if (options.progress) source = std::make_unique<ProgressSource>(std::move(source), options);
    return source;
}

}  // namespace mqtt
