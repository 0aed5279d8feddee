#include "packet_scanner.h"

#include <algorithm>

namespace mqtt {

std::optional<PacketScanner::Refusal> PacketScanner::feed(std::string_view bytes)
{
    if (m_refused) return std::nullopt;
    m_start = 0;
    std::size_t at = 0;
    while (at < bytes.size()) {
        switch (m_state) {
        case State::type:
            m_start = at;
            m_header = 1;
            m_remaining = 0;
            m_shift = 0;
            m_state = State::length;
            ++at;
            break;
        case State::length: {
            const auto byte = static_cast<std::uint8_t>(bytes[at++]);
            ++m_header;
            m_remaining |= static_cast<std::uint64_t>(byte & 0x7f) << m_shift;
            m_shift += 7;
            if (byte & 0x80) {
                if (m_header == 5) {  // a fourth length byte that says more follow
                    m_refused = true;
                    return Refusal{m_start, 0, true};
                }
                break;
            }
            const std::uint64_t size = m_header + m_remaining;
            if (size > m_limit) {
                m_refused = true;
                return Refusal{m_start, size, false};
            }
            m_state = m_remaining == 0 ? State::type : State::body;
            break;
        }
        case State::body: {
            const std::uint64_t take = std::min<std::uint64_t>(m_remaining, bytes.size() - at);
            at += static_cast<std::size_t>(take);
            m_remaining -= take;
            if (m_remaining == 0) m_state = State::type;
            break;
        }
        }
    }
    return std::nullopt;
}

}  // namespace mqtt
