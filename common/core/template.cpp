#include "template.h"

#include <climits>
#include <cstdlib>
#include <fmt/format.h>
#include <iterator>
#include <unistd.h>

#include "numbers.h"
#include "quote.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

/// The most bytes one number placeholder renders (2^64 has 20 digits).
constexpr std::size_t k_number_bytes = 20;
/// {iso}: "2026-12-06T14:12:40.123Z" (a year of more than four digits is longer).
constexpr std::size_t k_iso_bytes = 32;
constexpr std::size_t k_uuid_bytes = 36;

std::string unknown(std::string_view placeholder)
{
    return fmt::format("Unknown placeholder {}.", escape_control(quote_value(placeholder)));
}

std::optional<std::uint64_t> number(std::string_view text)
{
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    const auto n = parse_integer(std::string(text), 0, LLONG_MAX);
    if (!n) return std::nullopt;
    return static_cast<std::uint64_t>(*n);
}

void append_number(std::string& out, std::uint64_t n)
{
    const fmt::format_int digits(n);
    out.append(digits.data(), digits.size());
}

void append_hex(std::string& out, std::uint64_t bits, int digits)
{
    static constexpr char k_hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) out += k_hex[(bits >> (i * 4)) & 0xf];
}

}  // namespace

TemplateEnvironment TemplateEnvironment::system()
{
    TemplateEnvironment environment;
    environment.variable = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (!value) return std::nullopt;
        return std::string(value);
    };
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) environment.hostname = name;
    return environment;
}

void Template::add_literal(std::string_view text)
{
    if (text.empty()) return;
    if (!m_parts.empty() && m_parts.back().kind == Kind::literal) {
        m_parts.back().length += static_cast<std::uint32_t>(text.size());
    } else {
        m_parts.push_back({.kind = Kind::literal,
                           .offset = static_cast<std::uint32_t>(m_text.size()),
                           .length = static_cast<std::uint32_t>(text.size())});
    }
    m_text.append(text);
    m_max_size += text.size();
}

Status Template::add_placeholder(std::string_view name, const TemplateEnvironment& environment)
{
    const std::string placeholder = fmt::format("{{{}}}", name);
    const auto add = [&](Kind kind, std::size_t size, std::uint64_t a = 0, std::uint64_t b = 0) {
        m_parts.push_back({.kind = kind, .a = a, .b = b});
        m_max_size += size;
        m_dynamic = true;
    };
    if (name == "seq") {
        add(Kind::seq, k_number_bytes, 1);
    } else if (name.starts_with("seq:")) {
        const auto start = number(name.substr(4));
        if (!start) {
            return Error{
                fmt::format("Invalid placeholder {}: START must be a whole number.", escape_control(quote_value(placeholder)))};
        }
        add(Kind::seq, k_number_bytes, *start);
    } else if (name == "ts" || name == "ts_ms" || name == "ts_ns" || name == "iso") {
        const Kind kind = name == "ts" ? Kind::ts : name == "ts_ms" ? Kind::ts_ms : name == "ts_ns" ? Kind::ts_ns : Kind::iso;
        add(kind, kind == Kind::iso ? k_iso_bytes : k_number_bytes);
        m_time = true;
    } else if (name == "uuid") {
        add(Kind::uuid, k_uuid_bytes);
        m_random = true;
    } else if (name.starts_with("rand:")) {
        const std::string_view range = name.substr(5);
        const auto dash = range.find('-');
        const auto low = number(range.substr(0, dash));
        const auto high = dash == std::string_view::npos ? std::nullopt : number(range.substr(dash + 1));
        if (!low || !high || *low > *high) {
            return Error{fmt::format("Invalid placeholder {}: write {{rand:A-B}}, whole numbers A <= B.",
                                     escape_control(quote_value(placeholder)))};
        }
        add(Kind::rand, k_number_bytes, *low, *high);
        m_random = true;
    } else if (name.starts_with("env:")) {
        const std::string variable(name.substr(4));
        const auto value = environment.variable ? environment.variable(variable) : std::nullopt;
        if (!value) {
            return Error{
                fmt::format("The environment variable of placeholder {} is not set.", escape_control(quote_value(placeholder)))};
        }
        add_literal(*value);
    } else if (name == "hostname") {
        add_literal(environment.hostname);
    } else {
        return Error{unknown(placeholder)};
    }
    return {};
}

Status Template::assign(std::string_view text, const TemplateEnvironment& environment)
{
    m_text.clear();
    m_parts.clear();
    m_dynamic = m_time = m_random = false;
    m_max_size = 0;
    Status error;
    std::size_t at = 0;
    while (at < text.size() && error.ok()) {
        const std::size_t brace = text.find_first_of("{}", at);
        if (brace == std::string_view::npos) {
            add_literal(text.substr(at));
            break;
        }
        add_literal(text.substr(at, brace - at));
        const char c = text[brace];
        if (brace + 1 < text.size() && text[brace + 1] == c) {  // {{ or }}
            add_literal(text.substr(brace, 1));
            at = brace + 2;
            continue;
        }
        if (c == '}') {
            error = Error{fmt::format("A lone '}}' at byte {}: write }}}} for a literal brace.", brace + 1)};
            break;
        }
        const std::size_t close = text.find('}', brace + 1);
        if (close == std::string_view::npos) {
            error = Error{fmt::format("A '{{' at byte {} without its '}}': write {{{{ for a literal brace.", brace + 1)};
            break;
        }
        error = add_placeholder(text.substr(brace + 1, close - brace - 1), environment);
        at = close + 1;
    }
    if (!error.ok()) {
        m_text.clear();
        m_parts.clear();
        m_dynamic = m_time = m_random = false;
        m_max_size = 0;
    }
    return error;
}

void Template::render(std::string& out, const TemplateContext& context) const
{
    const auto seconds = static_cast<std::uint64_t>(context.now.tv_sec);
    const auto nanoseconds = static_cast<std::uint64_t>(context.now.tv_nsec);
    for (const Part& part : m_parts) {
        switch (part.kind) {
        case Kind::literal: out.append(m_text, part.offset, part.length); break;
        case Kind::seq: append_number(out, part.a + context.number - 1); break;
        case Kind::ts: append_number(out, seconds); break;
        case Kind::ts_ms: append_number(out, seconds * 1000 + nanoseconds / 1000000); break;
        case Kind::ts_ns: append_number(out, seconds * 1000000000 + nanoseconds); break;
        case Kind::iso: {
            std::tm utc{};
            ::gmtime_r(&context.now.tv_sec, &utc);
            fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                           utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, nanoseconds / 1000000);
            break;
        }
        case Kind::uuid: {
            // Version 4 (random), variant 10xx.
            const std::uint64_t high = ((*context.random)() & ~0xf000ULL) | 0x4000ULL;
            const std::uint64_t low = ((*context.random)() & ~(0xcULL << 60)) | (0x8ULL << 60);
            append_hex(out, high >> 32, 8);
            out += '-';
            append_hex(out, high >> 16, 4);
            out += '-';
            append_hex(out, high, 4);
            out += '-';
            append_hex(out, low >> 48, 4);
            out += '-';
            append_hex(out, low, 12);
            break;
        }
        case Kind::rand: append_number(out, std::uniform_int_distribution<std::uint64_t>(part.a, part.b)(*context.random)); break;
        }
    }
}

}  // namespace mqtt
