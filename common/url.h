// -L URLs: mqtt[s]://[username[:password]@]host[:port]/topic, split as upstream does
// (first '@', first ':', first '/'; no percent-decoding).
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

}  // namespace mqtt
