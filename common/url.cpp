#include "url.h"

#include <algorithm>
#include <cctype>

#include "options.h"

namespace mqtt {

namespace {

bool starts_with_nocase(const std::string& text, const std::string& prefix)
{
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

}  // namespace

std::variant<BrokerUrl, std::string> parse_url(const std::string& url)
{
    BrokerUrl result;
    std::string rest;
    if (starts_with_nocase(url, "mqtt://")) {
        rest = url.substr(7);
    } else if (starts_with_nocase(url, "mqtts://")) {
        rest = url.substr(8);
        result.tls = true;
        result.port = 8883;
    } else if (starts_with_nocase(url, "ws://") || starts_with_nocase(url, "wss://")) {
        return std::string("WebSockets (ws:// and wss:// URLs) are not supported: "
                           "Debian's libmosquitto 2.0.11 has no WebSocket client.");
    } else {
        return std::string("Unsupported URL scheme.");
    }

    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 >= rest.size()) {
        return std::string("Invalid URL for -L argument specified - topic missing.");
    }
    result.topic = rest.substr(slash + 1);
    std::string authority = rest.substr(0, slash);

    const auto at = authority.find('@');
    if (at != std::string::npos) {
        const std::string credentials = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = credentials.find(':');
        if (colon == std::string::npos) {
            result.username = credentials;
        } else {
            result.username = credentials.substr(0, colon);
            result.password = credentials.substr(colon + 1);
        }
    }
    const auto colon = authority.find(':');
    if (colon != std::string::npos) {
        const auto port = parse_integer(authority.substr(colon + 1), 1, 65535);
        if (!port) return "Invalid port given: " + authority.substr(colon + 1);
        result.port = static_cast<int>(*port);
        authority.resize(colon);
    }
    if (authority.empty()) return std::string("Invalid URL for -L argument specified - host missing.");
    result.host = authority;
    return result;
}

}  // namespace mqtt
