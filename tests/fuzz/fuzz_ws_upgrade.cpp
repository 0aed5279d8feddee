// libFuzzer target: the broker's answer to the WebSocket upgrade request
// (ws_handshake.h parse_upgrade_response), judged as it grows byte by byte would be.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "terminal_text.h"
#include "ws_handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    // The key of the RFC 6455 example: its accept value can then appear in the seeds.
    constexpr std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==";
    const std::string_view received(reinterpret_cast<const char*>(bytes), size);
    const auto answer = mqtt::ws::parse_upgrade_response(received, key);
    if (const auto* refused = std::get_if<mqtt::ws::Refused>(&answer)) {
        // It reaches stderr: no control byte of the server's may be left in it.
        if (mqtt::escape_control(refused->text) != refused->text) std::abort();
    } else if (const auto* upgraded = std::get_if<mqtt::ws::Upgraded>(&answer)) {
        // What follows the headers is the input's tail, and the headers alone upgrade too.
        if (upgraded->rest.size() + 4 > size || !received.ends_with(upgraded->rest)) std::abort();
        const auto head = received.substr(0, size - upgraded->rest.size());
        const auto again = mqtt::ws::parse_upgrade_response(head, key);
        const auto* alone = std::get_if<mqtt::ws::Upgraded>(&again);
        if (alone == nullptr || !alone->rest.empty()) std::abort();
    } else if (size > mqtt::ws::k_max_response_header) {
        std::abort();  // waiting for more past the limit: an endless header would grow memory
    }
    return 0;
}
