// libFuzzer target: the WebSocket frames a broker sends (ws_frame.h FrameDecoder). The
// input is the byte stream; it is decoded whole and again in pieces cut where its first
// byte says, and both ways must agree: a frame may arrive split anywhere.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws_frame.h"

namespace {

struct Decoded {
    std::string data;
    std::vector<mqtt::ws::ControlFrame> control;
    std::optional<std::string> error;
};

/// Feeds `input` in pieces of `piece` bytes (0: whole), stopping at the first error.
Decoded decode(std::string_view input, std::size_t piece)
{
    Decoded out;
    mqtt::ws::FrameDecoder decoder;
    if (piece == 0) piece = input.size() + 1;
    for (std::size_t at = 0; at < input.size() && !out.error; at += piece) {
        if (auto fed = decoder.feed(input.substr(at, piece), out.data, out.control); !fed) out.error = fed.error();
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return 0;
    const std::size_t piece = bytes[0] % 16 + 1;
    const std::string_view input(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const Decoded whole = decode(input, 0);
    const Decoded split = decode(input, piece);

    // Payload bytes come only from the input, each at most once.
    std::size_t payload = whole.data.size();
    for (const auto& frame : whole.control) {
        if (frame.payload.size() > 125) std::abort();  // RFC 6455 5.5: control frames are short
        payload += frame.payload.size();
    }
    if (payload > input.size()) std::abort();
    if (whole.data != split.data || whole.error != split.error || whole.control.size() != split.control.size()) { std::abort(); }
    for (std::size_t i = 0; i < whole.control.size(); ++i) {
        if (whole.control[i].opcode != split.control[i].opcode || whole.control[i].payload != split.control[i].payload) {
            std::abort();
        }
    }
    return 0;
}
