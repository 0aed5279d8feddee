// mqtt-sub --summary: per-topic counters (messages, bytes, a rate over the last seconds,
// last seen, retain flag, the start of the last payload) in memory that a broker with
// millions of topics cannot grow past a bound, rendered as JSON lines or as a terminal
// table. Pure: the caller passes the time, so tests need no clock and no sleep.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mqtt {

/// The rate is over this many whole seconds (the current one so far included).
inline constexpr int k_summary_window_s = 10;
/// The last payload is kept up to this many bytes (less, to end on a whole UTF-8 character).
inline constexpr std::size_t k_summary_payload_cap = 256;
/// Topic names kept apart take at most this many bytes in all; past it, new topics are folded.
inline constexpr std::size_t k_summary_topic_bytes = 16 * 1024 * 1024;

class TopicSummary {
public:
    using Time = std::chrono::steady_clock::time_point;

    /// What is known of one topic (or of the folded ones together).
    struct Row {
        std::uint64_t messages = 0;
        std::uint64_t bytes = 0;
        std::array<std::uint32_t, k_summary_window_s> per_second{};  ///< ring, by second since the start
        std::int64_t last_second = 0;                                ///< the second (since the start) of the last message
        Time last_seen{};
        bool retained = false;         ///< the retain flag of the last message
        std::size_t payload_size = 0;  ///< the last payload's whole length
        std::string payload;           ///< its first bytes (see k_summary_payload_cap)
    };

    /// A row as a report lists it.
    struct Entry {
        std::string_view topic;  ///< empty for the folded row
        const Row* row;
        double rate;  ///< messages per second
        bool folded;
    };

    /// Keeps at most `max_topics` topics apart; the rates count from `start`.
    TopicSummary(std::size_t max_topics, Time start);

    /// Counts one message on `topic`, received at `now`.
    void add(std::string_view topic, std::string_view payload, bool retain, Time now);

    /// The rows by rate (highest first), then messages, then topic; the folded row last.
    std::vector<Entry> sorted(Time now) const;
    /// Messages per second of `row` at `now`: those of the last k_summary_window_s whole
    /// seconds (the current one so far included), over that time, or over the time since
    /// the start when shorter, and over one second at least.
    double rate(const Row& row, Time now) const;
    std::size_t topics() const { return m_rows.size(); }
    std::uint64_t messages() const { return m_messages; }
    /// Topics folded into the "other topics" row, estimated (linear counting over 2^20 bits:
    /// within 2 % up to ten million; past about 14 million it stops growing).
    std::uint64_t folded_topics() const;

    /// One JSON line per row (see mqtt-sub(1), SUMMARY), each with "tst" `wall_now` (the
    /// report's time; a row's "last_seen" is told from it and `now`).
    void append_json(std::string& out, Time now, const std::timespec& wall_now) const;
    /// The terminal table for a screen of `width` columns and `height` lines, drawn from the
    /// top left over what was there; every topic and payload escaped (terminal_text.h).
    void append_table(std::string& out, Time now, int width, int height) const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    void count(Row& row, std::string_view payload, bool retain, Time now) const;
    std::int64_t second_of(Time now) const;
    void note_folded(std::string_view topic);

    std::size_t m_max_topics;
    Time m_start;
    std::unordered_map<std::string, Row, Hash, std::equal_to<>> m_rows;
    std::size_t m_topic_bytes = 0;
    std::uint64_t m_messages = 0;
    Row m_folded;                              ///< the topics past the bound, together
    std::vector<std::uint64_t> m_folded_bits;  ///< 2^20 bits, a topic's hash sets one
    std::size_t m_folded_zero_bits = 0;
};

}  // namespace mqtt
