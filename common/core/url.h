// Broker and proxy URLs: -L mqtt[s]://[username[:password]@]host[:port]/topic and ws[s]://
// (mosquitto 2.1's), split as upstream does (first '@', first ':', first '/'; no
// percent-decoding), and --proxy socks5h:// and http:// URLs.
#pragma once

#include <optional>
#include <string>

#include "result.h"

namespace mqtt {

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
Result<BrokerUrl> parse_url(const std::string& url);

/// How --proxy reaches the broker: SOCKS5 (libmosquitto's own) or an HTTP CONNECT tunnel.
enum class ProxyKind { socks5h, http };

/// A proxy: socks5h://[username[:password]@]host[:port] (the proxy resolves names), or
/// http://[username[:password]@]host[:port] (HTTP CONNECT, Basic credentials).
struct ProxyUrl {
    ProxyKind kind = ProxyKind::socks5h;
    std::string host;
    int port = 1080;
    std::optional<std::string> username;
    std::optional<std::string> password;
};

/// The parsed --proxy URL, or the error text (without "Error: "). Credentials may escape
/// '%', ':' and '@' as %25, %3A and %40; IPv6 hosts go in brackets.
Result<ProxyUrl> parse_proxy_url(const std::string& url);

}  // namespace mqtt
