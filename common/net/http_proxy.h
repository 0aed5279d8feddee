// The HTTP CONNECT step of --proxy http://: the request that asks a proxy for a tunnel to
// the broker, and the check of the proxy's answer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mqtt {

/// Base64 (RFC 4648): Basic credentials here, WebSocket keys in ws_handshake.
std::string base64(std::string_view bytes);

/// A gateway's HTTP status (502, 503, 504): what a proxy answers while the server behind
/// it is not up yet.
bool is_gateway_error(std::string_view code);

/// The CONNECT request for `host`:`port`, with Basic credentials when a user is given.
std::string connect_request(const std::string& host, int port, const std::optional<std::string>& username,
                            const std::optional<std::string>& password);

/// The proxy's answer is not complete yet.
struct ProxyNeedMore {};
/// The tunnel is open; `rest` came after the headers (the broker's first bytes).
struct ProxyConnected {
    std::string rest;
};
/// The proxy refused: the text for "Error: HTTP proxy: <text>.".
struct ProxyRefused {
    std::string text;
    bool gateway_error = false;  ///< 502, 503 or 504: the broker behind it may not be up yet
};
using ProxyResponse = std::variant<ProxyNeedMore, ProxyConnected, ProxyRefused>;

/// The largest answer header read before giving up on the proxy.
inline constexpr std::size_t k_max_proxy_header = 16384;

/// Judges the bytes the proxy sent so far.
ProxyResponse parse_connect_response(std::string_view received);

}  // namespace mqtt
