// mqtt-bench's run: every client (libmosquitto, no thread of its own) in one epoll loop,
// publishers on an open-loop schedule, subscribers accounting per stream, and the counters
// and latency histograms the report prints.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench_stream.h"
#include "connection.h"
#include "histogram.h"
#include "options.h"

namespace mqtt {

/// One publisher's stream as all the subscribers together saw it.
struct BenchStream {
    StreamKey key;                      ///< run id and publisher number
    std::optional<std::uint64_t> sent;  ///< pubsub: what its publisher sent (each subscriber expects all of it)
    StreamCounts counts;                ///< summed over the subscribers
};

/// Everything a run counted. Latencies are nanoseconds from the intended send time (the
/// schedule's, not the moment the message could leave: coordinated omission corrected).
struct BenchResult {
    double seconds = 0.0;          ///< of the send phase (sub: of receiving; conn: of holding)
    double connect_seconds = 0.0;  ///< from the first connect call to the last CONNACK or failure
    std::uint64_t connected = 0;
    std::map<std::string, std::uint64_t> connect_failed;  ///< by reason, clients given up on
    std::uint64_t connect_retried = 0;  ///< attempts made again after one failed (--connect-retries)
    std::uint64_t connections_lost = 0;  ///< each loss, also of a client that connected again
    std::uint64_t reconnected = 0;  ///< lost connections made again (--reconnect-attempts)
    std::map<std::string, std::uint64_t> reconnect_failed;  ///< by reason, lost clients given up on
    std::uint64_t offered = 0;     ///< messages the schedule called for
    std::uint64_t sent = 0;        ///< taken by libmosquitto for sending
    std::uint64_t acked = 0;       ///< QoS 1/2: PUBACK/PUBCOMP with success
    std::map<int, std::uint64_t> refused;  ///< QoS 1/2: by reason code
    std::uint64_t unacked = 0;     ///< QoS 1/2: never acknowledged (sent = acked + refused + unacked)
    std::uint32_t run = 0;         ///< this process's run id, in the header of what it publishes
    StreamCounts streams;          ///< every subscriber's
    std::vector<BenchStream> per_stream;  ///< by run id and publisher number
    Histogram ack_latency;
    Histogram receive_latency;
    Histogram connect_latency;     ///< CONNECT (its intended time when paced) to CONNACK
    Outcome outcome;               ///< the exit status and line of a run that went wrong
};

/// The counters of one second, for the progress line.
struct BenchTick {
    double elapsed = 0.0;
    std::uint64_t sent = 0, acked = 0, received = 0;  ///< during that second
    std::uint64_t connects = 0, connect_failed = 0;   ///< CONNACKs and clients given up on, that second
    std::uint64_t connected = 0;  ///< connections up now
    /// Of that second's publish-to-receive (pub: publish-to-ack; conn: connect) latency.
    std::uint64_t p99_ns = 0;
};

/// Runs mqtt-bench as `options` say, calling `tick` once a second while it runs. Throws
/// UsageError or Failure for what stops it before any client connects (descriptor limit,
/// TLS files).
BenchResult run_bench(const Options& options, const std::function<void(const BenchTick&)>& tick);

}  // namespace mqtt
