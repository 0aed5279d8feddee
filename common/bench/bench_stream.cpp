#include "bench_stream.h"

#include <algorithm>
#include <cstring>

namespace mqtt {

namespace {

constexpr char k_mark[4] = {'M', 'Q', 'B', '1'};

void put(std::string& out, std::size_t at, std::uint64_t value, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i) {
        out[at + static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
        value >>= 8;
    }
}

std::uint64_t get(std::string_view in, std::size_t at, int bytes)
{
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
    return value;
}

}  // namespace

void write_header(std::string& payload, const BenchHeader& header)
{
    std::memcpy(payload.data(), k_mark, sizeof k_mark);
    put(payload, 4, header.run, 4);
    put(payload, 8, header.publisher, 4);
    put(payload, 12, header.seq, 8);
    put(payload, 20, header.intended_ns, 8);
}

std::optional<BenchHeader> read_header(std::string_view payload)
{
    if (payload.size() < k_header_size || std::memcmp(payload.data(), k_mark, sizeof k_mark) != 0) return std::nullopt;
    return BenchHeader{static_cast<std::uint32_t>(get(payload, 4, 4)), static_cast<std::uint32_t>(get(payload, 8, 4)),
                       get(payload, 12, 8), get(payload, 20, 8)};
}

void StreamCounts::add(const StreamCounts& other)
{
    received += other.received;
    duplicated += other.duplicated;
    reordered += other.reordered;
    lost += other.lost;
    foreign += other.foreign;
}

void StreamTracker::receive(const BenchHeader& header)
{
    Stream& stream = m_streams[{header.run, header.publisher}];
    const std::uint64_t highest = stream.seen.empty() ? 0 : stream.seen.size() - 1;
    if (header.seq > highest + k_max_jump) {
        if (stream.received == 0) m_streams.erase({header.run, header.publisher});
        ++m_foreign;
        return;
    }
    ++stream.received;
    if (header.seq < stream.seen.size() && stream.seen[header.seq]) {
        ++stream.duplicated;
        return;
    }
    if (header.seq + 1 < stream.seen.size()) ++stream.reordered;
    if (header.seq >= stream.seen.size()) stream.seen.resize(header.seq + 1, false);
    stream.seen[header.seq] = true;
    ++stream.distinct;
    if (header.seq < stream.lowest) stream.lowest = header.seq;
}

std::uint64_t StreamTracker::distinct(std::uint32_t run, std::uint32_t publisher) const
{
    const auto found = m_streams.find({run, publisher});
    return found == m_streams.end() ? 0 : found->second.distinct;
}

std::vector<StreamReport> StreamTracker::streams(const StreamsSent* expected) const
{
    std::vector<StreamReport> out;
    const auto lost_of = [&](const StreamKey& key, const Stream* stream) -> std::uint64_t {
        if (!expected) return stream->seen.size() - stream->lowest - stream->distinct;
        const auto sent = expected->find(key);
        if (sent == expected->end()) return 0;  // not of this run (pubsub): no count to compare with
        std::uint64_t have = 0;
        if (stream) {
            for (std::uint64_t seq = 0; seq < sent->second && seq < stream->seen.size(); ++seq) have += stream->seen[seq] ? 1u : 0u;
        }
        return sent->second - have;
    };
    for (const auto& [key, stream] : m_streams) {
        out.push_back({key, {stream.received, stream.duplicated, stream.reordered, lost_of(key, &stream), 0}});
    }
    if (expected) {
        for (const auto& [key, sent] : *expected) {
            if (!m_streams.contains(key)) out.push_back({key, {0, 0, 0, lost_of(key, nullptr), 0}});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    }
    return out;
}

StreamCounts StreamTracker::counts(const StreamsSent* expected) const
{
    StreamCounts total;
    total.foreign = m_foreign;
    for (const auto& stream : streams(expected)) total.add(stream.counts);
    return total;
}

}  // namespace mqtt
