// RFC 6455 frames as a WebSocket client sends and receives them: masked binary frames out,
// unmasked frames in, decoded incrementally so that a frame may arrive split anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace mqtt::ws {

enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

/// The largest frame payload taken from a broker: an MQTT packet is at most 256 MiB + 5.
inline constexpr std::uint64_t k_max_frame_payload = 268435461;

/// Appends one final (FIN) client frame carrying `payload`, masked with `mask` (RFC 6455
/// 5.3: every client frame is masked; the key must be unpredictable, so it comes from
/// the caller's random source).
void append_frame(std::string& out, Opcode opcode, std::string_view payload, std::uint32_t mask);

/// A control frame the broker sent (close, ping or pong), whole.
struct ControlFrame {
    Opcode opcode;
    std::string payload;
};

/// Reads the broker's frames from a byte stream: the payloads of binary messages (and their
/// continuation frames) become one stream of MQTT bytes; control frames come out whole.
class FrameDecoder {
public:
    /// Decodes `input`, appending message bytes to `data` and control frames to `control`.
    /// The error is the text (for "Error: WebSocket: <text>.") when the broker broke the
    /// protocol; the decoder must not be fed again then.
    Status feed(std::string_view input, std::string& data, std::vector<ControlFrame>& control);

    /// True while a frame's payload is still to come (a long frame arrives in pieces).
    bool inside_frame() const { return m_in_payload && m_left > 0; }

private:
    Status start_frame();

    std::string m_header;      ///< bytes of the current frame's header so far
    std::uint64_t m_left = 0;  ///< payload bytes of the current frame still to come
    bool m_in_payload = false;
    Opcode m_opcode = Opcode::binary;
    bool m_fin = true;
    bool m_in_message = false;  ///< a binary message continues in the next frame
    std::string m_control;      ///< the payload of a control frame so far
};

/// The text of a close frame's payload for messages: "1000" or "1008 policy violation".
std::string close_reason(std::string_view payload);

}  // namespace mqtt::ws
