// mqtt-bench's messages: the header each payload starts with (who sent it, its number, when
// it was meant to leave), and what a subscriber makes of the messages of each stream.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mqtt {

/// The first k_header_size bytes of every payload, big-endian: "MQB1", the run id (one per
/// mqtt-bench process), the publisher's number, the sequence number from 0, and the
/// intended send time in nanoseconds since the epoch (CLOCK_REALTIME, so that another
/// process on the same host can read it).
struct BenchHeader {
    std::uint32_t run = 0;
    std::uint32_t publisher = 0;
    std::uint64_t seq = 0;
    std::uint64_t intended_ns = 0;
};

inline constexpr std::size_t k_header_size = 28;

/// Writes `header` over the first k_header_size bytes of `payload` (which has them).
void write_header(std::string& payload, const BenchHeader& header);
/// The header of `payload`; nullopt for a payload too short or without the mark.
std::optional<BenchHeader> read_header(std::string_view payload);

/// Totals of one subscriber's streams (or of many: add()).
struct StreamCounts {
    std::uint64_t received = 0;    ///< messages with a header, duplicates included
    std::uint64_t duplicated = 0;  ///< a sequence number seen before
    std::uint64_t reordered = 0;   ///< a new number below the highest one seen
    std::uint64_t lost = 0;        ///< numbers expected but never seen
    std::uint64_t foreign = 0;     ///< payloads without a header, or numbers too far ahead to track

    void add(const StreamCounts& other);
};

/// A stream: the run id and the publisher's number.
using StreamKey = std::pair<std::uint32_t, std::uint32_t>;
/// What each publisher sent: stream -> messages.
using StreamsSent = std::map<StreamKey, std::uint64_t>;

/// The counts of one stream (its foreign is 0: a payload without a header has no stream).
struct StreamReport {
    StreamKey key;
    StreamCounts counts;
};

/// What one subscriber received, per stream (run id and publisher number). The memory is
/// one bit per sequence number up to the highest one seen; a number more than
/// k_max_jump ahead of a stream's highest is counted as foreign instead.
class StreamTracker {
public:
    static constexpr std::uint64_t k_max_jump = 1u << 24;

    /// Counts one message of `header`'s stream.
    void receive(const BenchHeader& header);
    /// Counts a payload without a header.
    void receive_foreign() { ++m_foreign; }
    /// Payloads without a header, and numbers too far ahead to track.
    std::uint64_t foreign() const { return m_foreign; }
    /// The totals. `expected` (run id, publisher) -> how many messages it sent: a stream of
    /// it lacking numbers below that count has lost them, even one never seen. Without
    /// `expected`, a stream's losses are the gaps between its lowest and highest numbers.
    StreamCounts counts(const StreamsSent* expected) const;
    /// The counts of each stream, by run id and publisher: every stream seen, and with
    /// `expected` every stream of it too (one never seen has lost all it sent). counts() is
    /// their sum and the foreign payloads.
    std::vector<StreamReport> streams(const StreamsSent* expected) const;
    /// Distinct messages received of one stream.
    std::uint64_t distinct(std::uint32_t run, std::uint32_t publisher) const;

private:
    struct Stream {
        std::vector<bool> seen;  ///< by sequence number
        std::uint64_t lowest = UINT64_MAX;
        std::uint64_t distinct = 0;
        std::uint64_t received = 0;
        std::uint64_t duplicated = 0;
        std::uint64_t reordered = 0;
    };
    std::map<StreamKey, Stream> m_streams;
    std::uint64_t m_foreign = 0;
};

}  // namespace mqtt
