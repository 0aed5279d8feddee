// mqtt-pub --template: text with placeholders ({seq}, {ts}, {uuid}, {rand:1-6}, {env:HOME},
// {{ for a literal brace ...), compiled once into parts and rendered per message into a
// caller's reused buffer. Pure: the environment, the host name, the time and the random
// numbers come from the caller.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt {

/// What the constant placeholders stand for, resolved when a template is compiled.
struct TemplateEnvironment {
    /// {env:NAME}: the variable's value, or nullopt when it is not set.
    std::function<std::optional<std::string>(const std::string& name)> variable;
    std::string hostname;  ///< {hostname}

    /// The process's environment and gethostname().
    static TemplateEnvironment system();
};

/// What changes from one message to the next.
struct TemplateContext {
    std::uint64_t number = 1;           ///< the message's number, from 1: {seq} is number - 1 + START
    std::timespec now{};                ///< CLOCK_REALTIME, once per message (topic and payload agree)
    std::mt19937_64* random = nullptr;  ///< {uuid}, {rand:A-B}; needed when uses_random()
};

class Template {
public:
    /// Compiles `text` into this template, reusing its memory. On an error (an unknown
    /// placeholder, a lone brace, an unset variable) the error is the reason, a sentence
    /// without "Error: " that quotes the placeholder, and the template is empty.
    Status assign(std::string_view text, const TemplateEnvironment& environment);

    /// Appends the text for `context` to `out`.
    void render(std::string& out, const TemplateContext& context) const;

    /// Some part changes per message ({seq}, time, {uuid}, {rand}); else render() always
    /// gives the same text.
    bool dynamic() const { return m_dynamic; }
    bool uses_time() const { return m_time; }
    bool uses_random() const { return m_random; }
    /// The most bytes render() appends.
    std::size_t max_size() const { return m_max_size; }

private:
    enum class Kind : std::uint8_t { literal, seq, ts, ts_ms, ts_ns, iso, uuid, rand };
    struct Part {
        Kind kind;
        std::uint32_t offset = 0;  ///< literal: into m_text
        std::uint32_t length = 0;
        std::uint64_t a = 0;  ///< seq: START; rand: A
        std::uint64_t b = 0;  ///< rand: B
    };
    void add_literal(std::string_view text);
    Status add_placeholder(std::string_view name, const TemplateEnvironment& environment);

    std::string m_text;  ///< the literal parts, one after another
    std::vector<Part> m_parts;
    bool m_dynamic = false;
    bool m_time = false;
    bool m_random = false;
    std::size_t m_max_size = 0;
};

}  // namespace mqtt
