#include "where_filter.h"

#include <array>
#include <charconv>
#include <fmt/format.h>
#include <cstdlib>
#include <span>
#include <vector>

#include "error.h"
#include "jq_library.h"
#include "json_scan.h"
#include "message_json.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

/// The variables, in the order of the facts array. Each is bound only when the expression
/// names it (a name it does not contain cannot be referred to), so that a plain `.temp > 30`
/// runs on the payload's value alone, without the array and the binding (bench/README.md).
constexpr std::array<std::string_view, 4> k_variables{"topic", "qos", "retain", "properties"};

/// The variables are bound from the second element of each input, [json, [facts]], by a
/// prefix on the same line as the expression: jq's line numbers stay right, a trailing
/// `# comment` comments out nothing of ours, and `def`s and `,` at the top of the
/// expression keep their meaning (`as` and `|` take everything to their right). The facts
/// are not compiled in as constants (jq_compile_args) because they change per message.
std::string prefix_binding(std::span<const bool, 4> bound)
{
    std::string names;
    for (std::size_t i = 0; i < k_variables.size(); ++i) {
        if (bound[i]) names += fmt::format("{}${}", names.empty() ? "" : ", ", k_variables[i]);
    }
    return names.empty() ? std::string() : fmt::format(".[1] as [{}] | .[0] | ", names);
}

/// Longest text of jq's kept in a message (a jq message may quote the payload or program).
constexpr std::size_t k_max_reason = 200;

/// `text` as one stderr-safe line: its first line, at most k_max_reason bytes (cut at a
/// character boundary), control characters escaped.
std::string one_line(std::string_view text)
{
    text = text.substr(0, text.find('\n'));
    bool cut = false;
    if (text.size() > k_max_reason) {
        std::size_t end = k_max_reason;
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
        text = text.substr(0, end);
        cut = true;
    }
    return escape_control(text) + (cut ? "..." : "");
}

/// A jq error value's text: a string as it is, anything else (error({...})) as JSON.
std::string message_text(const JqLibrary& jq, jv message)
{
    std::string text;
    if (jq.get_kind(message) == JV_KIND_STRING) {
        text = jq.string_value(message);
        jq.free(message);
    } else {
        jv dumped = jq.dump_string(message, 0);
        text = jq.string_value(dumped);
        jq.free(dumped);
    }
    return text;
}

/// jq's compile messages, e.g. "jq: error: syntax error, unexpected $end (Unix shell
/// quoting issues?) at <top-level>, line 1:\n<the program>", then "jq: 1 compile error".
struct CompileErrors {
    const JqLibrary* jq;
    std::vector<std::string> lines;
};

void collect_error(void* data, jv message)
{
    auto& errors = *static_cast<CompileErrors*>(data);
    std::string text = message_text(*errors.jq, message);
    if (errors.lines.size() < 8) errors.lines.push_back(std::move(text));
}

void drop_error(void* data, jv message)
{
    static_cast<const JqLibrary*>(data)->free(message);
}

/// The usage error's line: jq's first message without its "jq: error: " and the program
/// text it quotes (which holds our prefix).
std::string compile_error_text(const std::vector<std::string>& lines)
{
    std::string_view first = lines.empty() ? std::string_view("it does not compile") : std::string_view(lines.front());
    if (first.starts_with("jq: error: ")) first.remove_prefix(11);
    first = first.substr(0, first.find('\n'));
    if (first.ends_with(':')) first.remove_suffix(1);
    std::size_t errors = 0;
    for (const auto& line : lines) errors += line.starts_with("jq: error") ? 1u : 0u;
    std::string text = fmt::format("Error: Invalid --where expression: {}", one_line(first));
    if (errors > 1) text += fmt::format(" (and {} more error{})", errors - 1, errors == 2 ? "" : "s");
    return text + ".";
}

/// Builds jq's value of a payload through the project's JSON grammar (json_scan.h): the
/// same texts as --decode json accepts (strict UTF-8, nesting at most 1000), with the same
/// error texts, and a fifth fewer instructions per message than jv_parse_sized, whose
/// character-at-a-time parser was most of --where's cost per message (bench/README.md).
class JvBuilder {
public:
    using Slot = JsonInOrder;

    explicit JvBuilder(const JqLibrary& jq) : m_jq(jq) {}
    ~JvBuilder()
    {
        for (auto& frame : m_frames) {
            m_jq.free(frame.container);
            m_jq.free(frame.key);
        }
        m_jq.free(m_root);
    }
    JvBuilder(const JvBuilder&) = delete;
    JvBuilder& operator=(const JvBuilder&) = delete;

    /// The value built, once the scan succeeded (the builder no longer owns it).
    jv take()
    {
        jv root = m_root;
        m_root = m_jq.invalid();
        return root;
    }

    std::string* string_bytes(Slot) { return &m_text; }
    std::string* name(Slot) { return &m_text; }
    void key(Slot, std::string_view)
    {
        Frame& frame = m_frames.back();
        m_jq.free(frame.key);
        frame.key = string(m_text);
    }
    void token(Slot, JsonToken kind, std::string_view as_written)
    {
        if (kind == JsonToken::string) {
            add(string(m_text));
        } else if (kind == JsonToken::number) {
            double number = 0.0;
            // The grammar checked the number. Out of range (1e999, 1e-999), strtod's answer
            // (±infinity, 0), as jq's own parser gives.
            const auto result = std::from_chars(as_written.data(), as_written.data() + as_written.size(), number);
            if (result.ec == std::errc::result_out_of_range) number = std::strtod(std::string(as_written).c_str(), nullptr);
            add(m_jq.number(number));
        } else {
            add(as_written == "true" ? m_jq.boolean(1) : as_written == "false" ? m_jq.boolean(0) : m_jq.null());
        }
    }
    void begin(Slot, bool object) { m_frames.push_back({object ? m_jq.object() : m_jq.array(), m_jq.invalid()}); }
    void end(Slot, bool)
    {
        Frame frame = m_frames.back();
        m_frames.pop_back();
        m_jq.free(frame.key);
        add(frame.container);
    }
    Slot child(Slot, bool) { return {}; }

private:
    struct Frame {
        jv container;
        jv key;  ///< an object's member name, until its value comes
    };

    jv string(const std::string& text) { return m_jq.string_sized(text.data(), static_cast<int>(text.size())); }
    void add(jv value)
    {
        if (m_frames.empty()) {
            m_jq.free(m_root);
            m_root = value;
            return;
        }
        Frame& frame = m_frames.back();
        if (m_jq.get_kind(frame.container) == JV_KIND_OBJECT) {
            frame.container = m_jq.object_set(frame.container, frame.key, value);
            frame.key = m_jq.invalid();
        } else {
            frame.container = m_jq.array_append(frame.container, value);
        }
    }

    const JqLibrary& m_jq;
    std::vector<Frame> m_frames;
    jv m_root = m_jq.invalid();
    std::string m_text;  ///< the last string or member name, decoded
};

}  // namespace

WhereFilter::WhereFilter(const std::string& expression)
{
    std::string load_error;
    m_jq = load_jq(load_error);
    if (m_jq == nullptr) throw UsageError(fmt::format("Error: --where needs {}: {}.", k_libjq, one_line(load_error)));
    if (expression.find('\0') != std::string::npos) throw UsageError("Error: Invalid --where expression: it holds a NUL byte.");
    m_state = m_jq->init();
    if (m_state == nullptr) throw UsageError("Error: --where: jq could not be initialised.");
    CompileErrors errors{m_jq, {}};
    m_jq->set_error_cb(m_state, collect_error, &errors);
    for (std::size_t i = 0; i < k_variables.size(); ++i) m_binds[i] = expression.find(k_variables[i]) != std::string::npos;
    const std::string program = prefix_binding(m_binds) + expression;
    const bool compiled = m_jq->compile(m_state, program.c_str()) != 0;
    // Errors at run time come back from jq_next; nothing else is reported through the callback.
    m_jq->set_error_cb(m_state, drop_error, const_cast<JqLibrary*>(m_jq));
    if (!compiled) {
        std::string text = compile_error_text(errors.lines);
        m_jq->teardown(&m_state);
        throw UsageError(text);
    }
}

WhereFilter::~WhereFilter()
{
    if (m_state != nullptr) m_jq->teardown(&m_state);
}

WhereFilter::Verdict WhereFilter::judge(std::string_view json, const WhereFacts& facts)
{
    const JqLibrary& jq = *m_jq;
    JvBuilder builder(jq);
    JsonScanner<JvBuilder> scanner(json, builder);
    if (!scanner.document({})) {
        m_reason = one_line(fmt::format("{} at byte {}", scanner.error(), scanner.error_offset()));
        return Verdict::not_json;
    }
    jv value = builder.take();
    jv input = value;
    if (m_binds[0] || m_binds[1] || m_binds[2] || m_binds[3]) {
        jv bound = jq.array();
        if (m_binds[0]) bound = jq.array_append(bound, jq.string_sized(facts.topic.data(), static_cast<int>(facts.topic.size())));
        if (m_binds[1]) bound = jq.array_append(bound, jq.number(facts.qos));
        if (m_binds[2]) bound = jq.array_append(bound, jq.boolean(facts.retain));
        if (m_binds[3]) bound = jq.array_append(bound, properties_value(facts.properties));
        input = jq.array_append(jq.array_append(jq.array(), value), bound);
    }
    jq.start(m_state, input, 0);
    // Only the first output counts: the rest is never computed.
    jv result = jq.next(m_state);
    const jv_kind kind = jq.get_kind(result);
    if (kind != JV_KIND_INVALID) {
        jq.free(result);
        return kind == JV_KIND_FALSE || kind == JV_KIND_NULL ? Verdict::fails : Verdict::passes;
    }
    if (!jq.invalid_has_msg(jq.copy(result)) || jq.halted(m_state)) {
        // No output (`empty`, `select` that rejects), or `halt`/`halt_error`.
        jq.free(result);
        return Verdict::fails;
    }
    m_reason = one_line(message_text(jq, jq.invalid_get_msg(result)));
    return Verdict::error;
}

jv WhereFilter::properties_value(const mosquitto_property* properties)
{
    const JqLibrary& jq = *m_jq;
    if (properties == nullptr) return jq.object();
    m_properties.clear();
    append_properties_json(m_properties, properties);
    jv value = jq.parse_sized(m_properties.data(), static_cast<int>(m_properties.size()));
    if (jq.get_kind(value) != JV_KIND_INVALID) return value;
    jq.free(value);
    return jq.object();
}

WhereFilter::Verdict WhereFilter::judge(const Message& message)
{
    const std::string_view json = message.has_decoded() ? message.decoded->value : message.payload;
    return judge(json, {message.topic, message.qos, message.retain, message.properties});
}

std::string where_failure_text(std::string_view topic, WhereFilter::Verdict verdict, std::string_view reason)
{
    if (verdict == WhereFilter::Verdict::not_json) {
        return fmt::format("Message payload on topic {} is not JSON for --where: {}", escape_control(topic), reason);
    }
    return fmt::format("--where failed on the message on topic {}: {}", escape_control(topic), reason);
}

}  // namespace mqtt
