#include "topic_summary.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "format.h"
#include "json.h"
#include "message_json.h"
#include "terminal_text.h"
#include "utf8.h"

namespace mqtt {

namespace {

constexpr std::size_t k_folded_bits = std::size_t{1} << 20;

/// The first bytes of `payload` kept for a row: at most the cap, ending on a whole UTF-8
/// character when the cut falls inside one (so UTF-8 stays UTF-8 in the JSON).
std::string_view kept_payload(std::string_view payload)
{
    if (payload.size() <= k_summary_payload_cap) return payload;
    std::size_t end = k_summary_payload_cap;
    for (int back = 0; back < 3 && end > 0 && (static_cast<unsigned char>(payload[end]) & 0xc0) == 0x80; ++back) --end;
    return payload.substr(0, end);
}

/// How many characters `text` (valid UTF-8, as escape_control makes it) shows.
std::size_t columns(std::string_view text)
{
    std::size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    return n;
}

/// `text` (valid UTF-8) cut to `width` characters, the last one then an ellipsis.
std::string fit(std::string text, std::size_t width)
{
    if (columns(text) <= width) return text;
    if (width == 0) return {};
    std::size_t kept = 0, at = 0;
    while (at < text.size()) {
        if ((static_cast<unsigned char>(text[at]) & 0xc0) != 0x80 && kept++ == width - 1) break;
        ++at;
    }
    text.resize(at);
    return text + "\u2026";
}

/// The age of a last message, in the unit that fits: 0s, 59s, 59m, 23h, 7d.
std::string age(std::chrono::steady_clock::duration since)
{
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(since).count();
    if (s < 60) return fmt::format("{}s", std::max<long long>(s, 0));
    if (s < 3600) return fmt::format("{}m", s / 60);
    if (s < 86400) return fmt::format("{}h", s / 3600);
    return fmt::format("{}d", s / 86400);
}

/// A rate as the JSON shows it: to two decimals.
std::string rate_text(double rate)
{
    return fmt::format("{}", std::round(rate * 100.0) / 100.0);
}

}  // namespace

TopicSummary::TopicSummary(std::size_t max_topics, Time start) : m_max_topics(max_topics), m_start(start) {}

std::int64_t TopicSummary::second_of(Time now) const
{
    if (now <= m_start) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(now - m_start).count();
}

void TopicSummary::count(Row& row, std::string_view payload, bool retain, Time now) const
{
    const std::int64_t second = std::max(second_of(now), row.last_second);
    if (row.messages == 0 || second - row.last_second >= k_summary_window_s) {
        row.per_second.fill(0);
    } else {
        for (std::int64_t s = row.last_second + 1; s <= second; ++s)
            row.per_second[static_cast<std::size_t>(s % k_summary_window_s)] = 0;
    }
    ++row.per_second[static_cast<std::size_t>(second % k_summary_window_s)];
    row.last_second = second;
    ++row.messages;
    row.bytes += payload.size();
    row.last_seen = now;
    row.retained = retain;
    row.payload_size = payload.size();
    row.payload.assign(kept_payload(payload));
}

void TopicSummary::add(std::string_view topic, std::string_view payload, bool retain, Time now)
{
    ++m_messages;
    auto found = m_rows.find(topic);
    if (found == m_rows.end()) {
        if (m_rows.size() >= m_max_topics || m_topic_bytes + topic.size() > k_summary_topic_bytes) {
            note_folded(topic);
            count(m_folded, payload, retain, now);
            return;
        }
        m_topic_bytes += topic.size();
        found = m_rows.emplace(std::string(topic), Row{}).first;
    }
    count(found->second, payload, retain, now);
}

void TopicSummary::note_folded(std::string_view topic)
{
    if (m_folded_bits.empty()) {
        m_folded_bits.assign(k_folded_bits / 64, 0);
        m_folded_zero_bits = k_folded_bits;
    }
    const std::size_t bit = Hash{}(topic) & (k_folded_bits - 1);
    std::uint64_t& word = m_folded_bits[bit / 64];
    const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
    if ((word & mask) == 0) {
        word |= mask;
        --m_folded_zero_bits;
    }
}

std::uint64_t TopicSummary::folded_topics() const
{
    if (m_folded_bits.empty()) return 0;
    const double m = static_cast<double>(k_folded_bits);
    const double zero = static_cast<double>(std::max<std::size_t>(m_folded_zero_bits, 1));
    return static_cast<std::uint64_t>(std::llround(-m * std::log(zero / m)));
}

double TopicSummary::rate(const Row& row, Time now) const
{
    const std::int64_t second = second_of(now);
    if (row.messages == 0 || second - row.last_second >= k_summary_window_s) return 0.0;
    const std::int64_t first = std::max<std::int64_t>(second - k_summary_window_s + 1, 0);
    std::uint64_t in_window = 0;
    for (std::int64_t s = std::max(first, row.last_second - k_summary_window_s + 1); s <= row.last_second; ++s) {
        in_window += row.per_second[static_cast<std::size_t>(s % k_summary_window_s)];
    }
    const double elapsed = now > m_start ? std::chrono::duration<double>(now - m_start).count() : 0.0;
    return static_cast<double>(in_window) / std::max(elapsed - static_cast<double>(first), 1.0);
}

std::vector<TopicSummary::Entry> TopicSummary::sorted(Time now) const
{
    std::vector<Entry> entries;
    entries.reserve(m_rows.size() + 1);
    for (const auto& [topic, row] : m_rows) entries.push_back({topic, &row, rate(row, now), false});
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.rate != b.rate) return a.rate > b.rate;
        if (a.row->messages != b.row->messages) return a.row->messages > b.row->messages;
        return a.topic < b.topic;
    });
    if (m_folded.messages > 0) entries.push_back({{}, &m_folded, rate(m_folded, now), true});
    return entries;
}

void TopicSummary::append_json(std::string& out, Time now, const std::timespec& wall_now) const
{
    Timestamp report;
    report.wall = wall_now;
    localtime_r(&report.wall.tv_sec, &report.local);
    const auto tst = json_timestamp(report);
    const auto wall_ns = static_cast<std::int64_t>(wall_now.tv_sec) * 1000000000 + wall_now.tv_nsec;
    for (const Entry& entry : sorted(now)) {
        const Row& row = *entry.row;
        JsonWriter json(out, false);
        json.begin_object();
        json.key("tst");
        json.string(tst.view());
        json.key("topic");
        if (entry.folded) {
            json.null();
            json.key("folded_topics");
            json.number(folded_topics());
        } else {
            json.string(entry.topic);
        }
        json.key("messages");
        json.number(row.messages);
        json.key("bytes");
        json.number(row.bytes);
        json.key("rate");
        json.raw(rate_text(entry.rate));
        const auto ago = std::chrono::duration_cast<std::chrono::nanoseconds>(now - row.last_seen).count();
        const std::int64_t seen_ns = wall_ns - std::max<std::int64_t>(ago, 0);
        Timestamp seen;
        seen.wall.tv_sec = static_cast<std::time_t>(seen_ns / 1000000000);
        seen.wall.tv_nsec = static_cast<long>(seen_ns % 1000000000);
        localtime_r(&seen.wall.tv_sec, &seen.local);
        json.key("last_seen");
        json.string(json_timestamp(seen).view());
        json.key("retain");
        json.boolean(row.retained);
        json.key("payloadlen");
        json.number(row.payload_size);
        if (is_utf8(row.payload)) {
            json.key("payload");
            json.string(row.payload);
        } else {
            json.key("payload_base64");
            json.base64_string(row.payload);
        }
        json.end_object();
        out += '\n';
    }
}

void TopicSummary::append_table(std::string& out, Time now, int width, int height) const
{
    const auto w = static_cast<std::size_t>(std::max(width, 20));
    const auto h = static_cast<std::size_t>(std::max(height, 4));
    const std::vector<Entry> entries = sorted(now);
    double total_rate = 0.0;
    for (const Entry& entry : entries) total_rate += entry.rate;

    std::vector<std::string> lines;
    std::string title =
        fmt::format("mqtt-sub --summary: {} topics, {} messages, {:.1f} msg/s", m_rows.size(), m_messages, total_rate);
    if (m_folded.messages > 0) title += fmt::format(", about {} more folded", folded_topics());
    lines.push_back(title + " (q quits)");

    // Rate, messages, bytes, age and retain flag take 41 columns; topic and payload share the rest.
    const std::size_t fixed = 41;
    const std::size_t rest = w > fixed + 10 ? w - fixed : 10;
    const std::size_t room = h - 3;  // the title, the header and the line the cursor waits on
    const std::size_t shown = entries.size() <= room ? entries.size() : room - 1;
    std::vector<std::string> topics;
    std::size_t topic_width = 5;
    for (std::size_t i = 0; i < shown; ++i) {
        topics.push_back(entries[i].folded ? fmt::format("(other topics: about {})", folded_topics())
                                           : escape_control(entries[i].topic));
        topic_width = std::max(topic_width, columns(topics.back()));
    }
    topic_width = std::min(topic_width, rest - rest / 3);
    const std::size_t payload_width = rest - topic_width - 1;
    lines.push_back(
        fmt::format("{:>9} {:>10} {:>11} {:>5} R {:<{}} PAYLOAD", "MSG/S", "MESSAGES", "BYTES", "LAST", "TOPIC", topic_width));
    for (std::size_t i = 0; i < shown; ++i) {
        const Row& row = *entries[i].row;
        std::string topic = fit(std::move(topics[i]), topic_width);
        topic.append(topic_width - columns(topic), ' ');
        lines.push_back(fmt::format("{:>9.1f} {:>10} {:>11} {:>5} {} {} {}", entries[i].rate, row.messages, row.bytes,
                                    age(now - row.last_seen), row.retained ? 'R' : '-', topic,
                                    fit(escape_control(row.payload), payload_width)));
    }
    if (shown < entries.size()) lines.push_back(fmt::format("(+{} more rows)", entries.size() - shown));

    out += "\x1b[H";
    for (const std::string& line : lines) {
        out += fit(line, w);
        out += "\x1b[K\n";
    }
    out += "\x1b[J";
}

}  // namespace mqtt
