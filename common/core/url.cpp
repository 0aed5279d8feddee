#include "url.h"

#include <algorithm>
#include <cctype>

#include "numbers.h"
#include "secret.h"

namespace mqtt {

namespace {

bool starts_with_nocase(const std::string& text, const std::string& prefix)
{
    if (text.size() < prefix.size()) return false;
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
}

/// Decodes the three escapes upstream allows in proxy credentials; nullopt for others.
std::optional<std::string> decode_credential(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        const std::string code = text.substr(i + 1, 2);
        if (code == "25") {
            out += '%';
        } else if (code == "3A" || code == "3a") {
            out += ':';
        } else if (code == "40") {
            out += '@';  // upstream decodes this to ':' by mistake
        } else {
            return std::nullopt;
        }
        i += 2;
    }
    return out;
}

}  // namespace

Result<ProxyUrl> parse_proxy_url(const std::string& url)
{
    ProxyUrl result;
    std::string rest;
    if (url.compare(0, 10, "socks5h://") == 0) {
        rest = url.substr(10);
    } else if (url.compare(0, 7, "http://") == 0) {
        result.kind = ProxyKind::http;
        rest = url.substr(7);
        if (!rest.empty() && rest.back() == '/') rest.pop_back();  // as curl takes http://host:port/
    } else {
        return Error{"Unsupported proxy protocol: " + redact_url(url)};
    }

    // The user information ends at the last '@' (RFC 3986, as curl): a password may hold '@'.
    const auto at = rest.rfind('@');
    if (at != std::string::npos) {
        const std::string credentials = rest.substr(0, at);
        rest = rest.substr(at + 1);
        const auto colon = credentials.find(':');
        const std::string user = credentials.substr(0, colon);
        if (colon != std::string::npos && credentials.find(':', colon + 1) != std::string::npos) {
            return Error{"Username cannot contain ':'."};
        }
        if (user.empty()) return Error{"Invalid proxy."};
        result.username = decode_credential(user);
        if (colon != std::string::npos) result.password = decode_credential(credentials.substr(colon + 1));
        if (!result.username || (colon != std::string::npos && !result.password)) return Error{"Invalid proxy."};
    }

    std::string port;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos) return Error{"Invalid proxy."};
        result.host = rest.substr(1, close - 1);
        const std::string after = rest.substr(close + 1);
        if (after.find('[') != std::string::npos || after.find(']') != std::string::npos) {
            return Error{"Duplicate IPv6 address."};
        }
        if (!after.empty()) {
            if (after.front() != ':') return Error{"Invalid proxy."};
            port = after.substr(1);
        }
    } else {
        const auto colon = rest.find(':');
        result.host = rest.substr(0, colon);
        if (colon != std::string::npos) port = rest.substr(colon + 1);
    }
    if (result.host.empty()) return Error{"Invalid proxy."};
    if (!port.empty() || rest.back() == ':') {
        const auto number = parse_integer(port, 1, 65535);
        if (!number) return Error{"Invalid proxy port " + port};
        result.port = static_cast<int>(*number);
    }
    return result;
}

Result<BrokerUrl> parse_url(const std::string& url)
{
    BrokerUrl result;
    std::string rest;
    if (starts_with_nocase(url, "mqtt://")) {
        rest = url.substr(7);
    } else if (starts_with_nocase(url, "mqtts://")) {
        rest = url.substr(8);
        result.tls = true;
        result.port = 8883;
    } else if (starts_with_nocase(url, "ws://")) {
        rest = url.substr(5);
        result.websockets = true;  // mosquitto 2.1's ports: 1883, and 8883 with TLS
    } else if (starts_with_nocase(url, "wss://")) {
        rest = url.substr(6);
        result.websockets = true;
        result.tls = true;
        result.port = 8883;
    } else {
        return Error{"Unsupported URL scheme."};
    }

    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 >= rest.size()) {
        return Error{"Invalid URL for -L argument specified - topic missing."};
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
        if (!port) return Error{"Invalid port given: " + authority.substr(colon + 1)};
        result.port = static_cast<int>(*port);
        authority.resize(colon);
    }
    if (authority.empty()) return Error{"Invalid URL for -L argument specified - host missing."};
    result.host = authority;
    return result;
}

}  // namespace mqtt
