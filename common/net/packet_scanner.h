// Follows the MQTT control packets of a byte stream by their fixed headers (a type byte,
// then the remaining length in 1 to 4 bytes), without keeping them: how the bridge holds a
// broker to -D connect maximum-packet-size, which libmosquitto 2.0.11 does not enforce.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace mqtt {

class PacketScanner {
public:
    /// Packets above `limit` bytes (fixed header included, as MQTT 5 3.1.2.11.4 counts) are
    /// refused.
    explicit PacketScanner(std::uint64_t limit = std::numeric_limits<std::uint64_t>::max()) : m_limit(limit) {}

    /// The first packet of the stream that is too large, or whose remaining length is
    /// malformed (a fifth length byte).
    struct Refusal {
        std::size_t offset = 0;  ///< where it starts in the bytes given to feed(); 0 when it began before them
        std::uint64_t size = 0;  ///< its whole size in bytes (0 when malformed)
        bool malformed = false;
    };

    /// Follows the next bytes of the stream; the refusal when one of them starts (or ends
    /// the header of) a packet that is refused. Once a packet is refused, nothing more is read.
    std::optional<Refusal> feed(std::string_view bytes);

    /// Between two packets: the next byte would start a new one.
    bool at_boundary() const { return m_state == State::type && !m_refused; }

private:
    enum class State { type, length, body };
    std::uint64_t m_limit;
    State m_state = State::type;
    std::size_t m_header = 0;       ///< bytes of the fixed header so far
    std::uint64_t m_remaining = 0;  ///< the remaining length being read, then the body bytes left
    unsigned m_shift = 0;
    std::size_t m_start = 0;  ///< where the packet started in the current feed() (0 if before it)
    bool m_refused = false;
};

}  // namespace mqtt
