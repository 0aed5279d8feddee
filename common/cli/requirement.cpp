#include "requirement.h"

#include <array>
#include <cmath>
#include <fmt/format.h>

#include "numbers.h"
#include "quote.h"

namespace mqtt {

namespace {

constexpr std::array<const char*, 6> k_latencies = {"p50", "p90", "p99", "p99.9", "p99.99", "max"};
constexpr std::array<const char*, 13> k_counters = {"lost",     "duplicated", "reordered", "received", "sent",
                                                    "acked",    "refused",    "unacked",   "connect_failed",
                                                    "connections_lost", "foreign", "reconnected", "reconnect_failed"};

bool one_of(std::string_view name, const auto& names)
{
    for (const char* known : names) {
        if (name == known) return true;
    }
    return false;
}

std::string trimmed(std::string_view text)
{
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return std::string(text);
}

}  // namespace

bool Requirement::latency() const
{
    return one_of(name, k_latencies);
}

bool Requirement::met_by(double measured) const
{
    switch (op) {
    case Op::less: return measured < value;
    case Op::less_equal: return measured <= value;
    case Op::greater: return measured > value;
    case Op::greater_equal: return measured >= value;
    case Op::equal: break;
    }
    return measured == value;
}

std::string requirement_names()
{
    std::string names;
    for (const char* name : k_latencies) names += std::string(names.empty() ? "" : ", ") + name;
    for (const char* name : k_counters) names += std::string(", ") + name;
    return names + ", rate";
}

Result<std::vector<Requirement>> parse_requirements(std::string_view text)
{
    std::vector<Requirement> list;
    for (std::string_view rest = text; ;) {
        const auto comma = rest.find(',');
        const std::string part = trimmed(rest.substr(0, comma));
        const std::string shown = quote_value(part);
        const auto op_at = part.find_first_of("<>=");
        if (op_at == std::string::npos || op_at == 0) {
            return Error{fmt::format("--require {}: expected NAME OP VALUE, e.g. p99<20ms or lost=0.", shown)};
        }
        Requirement r;
        r.text = part;
        r.name = trimmed(std::string_view(part).substr(0, op_at));
        std::size_t value_at = op_at + 1;
        const char first = part[op_at];
        const bool or_equal = value_at < part.size() && part[value_at] == '=';
        if (or_equal) ++value_at;
        r.op = first == '<' ? (or_equal ? Requirement::Op::less_equal : Requirement::Op::less)
             : first == '>' ? (or_equal ? Requirement::Op::greater_equal : Requirement::Op::greater)
                            : Requirement::Op::equal;
        std::string value = trimmed(std::string_view(part).substr(value_at));
        if (r.latency()) {
            double scale = 1e6;  // milliseconds
            for (const auto& [unit, ns] : {std::pair{"us", 1e3}, std::pair{"ms", 1e6}, std::pair{"s", 1e9}}) {
                if (value.ends_with(unit)) {
                    value.resize(value.size() - std::string_view(unit).size());
                    scale = ns;
                    break;
                }
            }
            const auto number = parse_non_negative(value);
            if (!number) return Error{fmt::format("--require {}: a latency is a number with us, ms or s.", shown)};
            r.value = *number * scale;
        } else if (r.name == "rate") {
            const auto number = parse_non_negative(value);
            if (!number) return Error{fmt::format("--require {}: a rate is a number of messages per second.", shown)};
            r.value = *number;
        } else if (one_of(r.name, k_counters)) {
            const auto number = parse_integer(value, 0, 1LL << 53);
            if (!number) return Error{fmt::format("--require {}: a count is a whole number.", shown)};
            r.value = static_cast<double>(*number);
        } else {
            return Error{fmt::format("--require {}: unknown name; known: {}.", shown, requirement_names())};
        }
        list.push_back(std::move(r));
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return list;
}

}  // namespace mqtt
