// The WebSocket opening handshake of RFC 6455 section 4, client side: the upgrade request
// for MQTT (subprotocol "mqtt") and the check of the broker's answer.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mqtt::ws {

/// What the upgrade request says besides the fixed headers.
struct UpgradeRequest {
    std::string host;  ///< the broker's name or address, for Host
    int port = 0;
    bool tls = false;                  ///< wss: the default port in Host is 443, not 80
    std::string path = "/mqtt";        ///< --ws-path, with any query string
    std::vector<std::string> headers;  ///< --ws-header lines, "Name: value"
};

/// The Sec-WebSocket-Key for 16 (random) bytes: their base64.
std::string make_key(std::string_view sixteen_bytes);
/// The Sec-WebSocket-Accept the broker must answer `key` with.
std::string accept_for(std::string_view key);

/// The request's bytes, up to and including the blank line.
std::string upgrade_request(const UpgradeRequest& request, std::string_view key);

/// The broker's answer so far is not complete: read more.
struct NeedMore {};
/// The broker switched to WebSocket; `rest` is what came after the headers (frame bytes).
struct Upgraded {
    std::string rest;
};
/// The broker refused or answered wrongly: the text for "Error: WebSocket upgrade ...".
struct Refused {
    std::string text;
    bool gateway_error = false;  ///< 502, 503 or 504: the broker behind a proxy may not be up yet
};
using UpgradeResponse = std::variant<NeedMore, Upgraded, Refused>;

/// Judges the bytes received so far in answer to a request carrying `key`.
UpgradeResponse parse_upgrade_response(std::string_view received, std::string_view key);

/// The largest answer header read before giving up on the broker.
inline constexpr std::size_t k_max_response_header = 16384;

}  // namespace mqtt::ws
