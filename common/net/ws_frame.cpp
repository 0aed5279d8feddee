#include "ws_frame.h"

#include <fmt/format.h>

namespace mqtt::ws {

namespace {

constexpr std::uint8_t k_fin = 0x80;
constexpr std::uint8_t k_rsv = 0x70;
constexpr std::uint8_t k_mask_bit = 0x80;

bool is_control(Opcode opcode)
{
    return (static_cast<std::uint8_t>(opcode) & 0x08) != 0;
}

/// How long the header is, given its first two bytes (without a mask: the broker's).
std::size_t header_size(std::uint8_t second)
{
    const std::uint8_t length = second & 0x7f;
    return length == 126 ? 4 : length == 127 ? 10 : 2;
}

}  // namespace

void append_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask)
{
    out += static_cast<char>(k_fin | static_cast<std::uint8_t>(opcode));
    const std::uint64_t size = payload.size();
    if (size < 126) {
        out += static_cast<char>(k_mask_bit | size);
    } else if (size <= 0xffff) {
        out += static_cast<char>(k_mask_bit | 126);
        out += static_cast<char>(size >> 8);
        out += static_cast<char>(size & 0xff);
    } else {
        out += static_cast<char>(k_mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xff);
    }
    const unsigned char key[4] = {static_cast<unsigned char>(mask >> 24), static_cast<unsigned char>(mask >> 16),
                                  static_cast<unsigned char>(mask >> 8), static_cast<unsigned char>(mask)};
    out.append(reinterpret_cast<const char*>(key), 4);
    const std::size_t start = out.size();
    out.append(payload);
    char* p = out.data() + start;
    for (std::size_t i = 0; i < payload.size(); ++i) p[i] = static_cast<char>(static_cast<unsigned char>(p[i]) ^ key[i & 3]);
}

Status FrameDecoder::start_frame()
{
    const auto first = static_cast<std::uint8_t>(m_header[0]);
    const auto second = static_cast<std::uint8_t>(m_header[1]);
    if (first & k_rsv) return Error{"the broker sent a frame with reserved bits set"};
    if (second & k_mask_bit) return Error{"the broker sent a masked frame"};
    m_fin = (first & k_fin) != 0;
    const std::uint8_t code = first & 0x0f;
    std::uint64_t length = second & 0x7f;
    if (length == 126) {
        length =
            (static_cast<std::uint64_t>(static_cast<std::uint8_t>(m_header[2])) << 8) | static_cast<std::uint8_t>(m_header[3]);
    } else if (length == 127) {
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | static_cast<std::uint8_t>(m_header[i]);
    }
    switch (code) {
    case 0:
        if (!m_in_message) return Error{"the broker sent a continuation frame outside a message"};
        break;
    case 1: return Error{"the broker sent a text frame (MQTT needs binary frames)"};
    case 2:
        if (m_in_message) return Error{"the broker started a message inside another"};
        break;
    case 8:
    case 9:
    case 10:
        if (!m_fin) return Error{"the broker sent a fragmented control frame"};
        if (length > 125) return Error{"the broker sent a control frame longer than 125 bytes"};
        break;
    default: return Error{fmt::format("the broker sent a frame with the unknown opcode {}", code)};
    }
    if (length > k_max_frame_payload) return Error{fmt::format("the broker sent a frame of {} bytes", length)};
    m_opcode = static_cast<Opcode>(code);
    if (!is_control(m_opcode)) m_in_message = !m_fin;
    m_left = length;
    m_in_payload = true;
    m_control.clear();
    return {};
}

Status FrameDecoder::feed(std::string_view input, std::string& data, std::vector<ControlFrame>& control)
{
    while (true) {
        if (!m_in_payload) {
            // The header: 2 bytes, then 2 or 8 more for a longer length.
            while (!input.empty() &&
                   (m_header.size() < 2 || m_header.size() < header_size(static_cast<std::uint8_t>(m_header[1])))) {
                m_header += input.front();
                input.remove_prefix(1);
            }
            if (m_header.size() < 2 || m_header.size() < header_size(static_cast<std::uint8_t>(m_header[1]))) { return {}; }
            if (auto started = start_frame(); !started) return started;
            m_header.clear();
        }
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(m_left, input.size()));
        if (is_control(m_opcode)) {
            m_control.append(input.substr(0, take));
        } else {
            data.append(input.substr(0, take));
        }
        input.remove_prefix(take);
        m_left -= take;
        if (m_left > 0) return {};
        m_in_payload = false;
        if (is_control(m_opcode)) control.push_back({m_opcode, std::move(m_control)});
        if (input.empty()) return {};
    }
}

std::string close_reason(std::string_view payload)
{
    if (payload.size() < 2) return "no status";
    const unsigned code =
        (static_cast<unsigned>(static_cast<std::uint8_t>(payload[0])) << 8) | static_cast<std::uint8_t>(payload[1]);
    std::string text = std::to_string(code);
    if (payload.size() > 2) text += " " + std::string(payload.substr(2));
    return text;
}

}  // namespace mqtt::ws
