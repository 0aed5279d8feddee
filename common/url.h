// Broker and proxy URLs: -L mqtt[s]://[username[:password]@]host[:port]/topic, split as
// upstream does (first '@', first ':', first '/'; no percent-decoding), and --proxy socks5h:// URLs.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace mqtt {

struct BrokerUrl {
    bool tls = false;  ///< mqtts://
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
