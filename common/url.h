// Broker and proxy URLs: -L mqtt[s]://[username[:password]@]host[:port]/topic (and ws[s]://,
// which mosquitto 2.1 takes and we parse only to refuse with one text), split as upstream does (first '@', first ':', first '/'; no percent-decoding), and --proxy socks5h:// URLs.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace mqtt {

/// Why --ws and ws:// or wss:// URLs are refused, whichever asked for WebSockets.
inline constexpr const char* k_no_websockets =
    "Error: WebSockets (--ws, ws:// and wss:// URLs) are not supported: "
    "Debian's libmosquitto 2.0.11 has no WebSocket client.";

struct BrokerUrl {
    bool tls = false;         ///< mqtts:// or wss://
    bool websockets = false;  ///< ws:// or wss://
    std::string host;
    int port = 1883;
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::string topic;
};

/// The parsed URL, or the error text (without "Error: ").
std::variant<BrokerUrl, std::string> parse_url(const std::string& url);

/// A SOCKS5 proxy: socks5h://[username[:password]@]host[:port] (the proxy resolves names).
struct ProxyUrl {
    std::string host;
    int port = 1080;
    std::optional<std::string> username;
    std::optional<std::string> password;
};

/// The parsed --proxy URL, or the error text (without "Error: "). Credentials may escape
/// '%', ':' and '@' as %25, %3A and %40; IPv6 hosts go in brackets.
std::variant<ProxyUrl, std::string> parse_proxy_url(const std::string& url);

}  // namespace mqtt
