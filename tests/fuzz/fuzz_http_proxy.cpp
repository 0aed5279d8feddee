// libFuzzer target: an HTTP proxy's answer to CONNECT (http_proxy.h parse_connect_response).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "http_proxy.h"
#include "terminal_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const std::string_view received(reinterpret_cast<const char*>(bytes), size);
    const auto answer = mqtt::parse_connect_response(received);
    if (const auto* refused = std::get_if<mqtt::ProxyRefused>(&answer)) {
        // It reaches stderr: no control byte of the proxy's may be left in it.
        if (mqtt::escape_control(refused->text) != refused->text) std::abort();
    } else if (const auto* connected = std::get_if<mqtt::ProxyConnected>(&answer)) {
        // The broker's first bytes are the input's tail; the headers alone open the tunnel too.
        if (connected->rest.size() + 4 > size || !received.ends_with(connected->rest)) std::abort();
        const auto again = mqtt::parse_connect_response(received.substr(0, size - connected->rest.size()));
        const auto* alone = std::get_if<mqtt::ProxyConnected>(&again);
        if (alone == nullptr || !alone->rest.empty()) std::abort();
    } else if (size > mqtt::k_max_proxy_header) {
        std::abort();  // waiting for more past the limit: an endless header would grow memory
    }
    return 0;
}
