#include "ws_handshake.h"

#include "http_proxy.h"  // base64
#include "terminal_text.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <openssl/sha.h>

#include "text.h"

namespace mqtt::ws {

namespace {

constexpr std::string_view k_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string_view trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

/// True when the comma-separated list `value` holds `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token)
{
    while (!value.empty()) {
        const auto comma = value.find(',');
        if (lower_case(trim(value.substr(0, comma))) == token) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

std::string make_key(std::string_view sixteen_bytes)
{
    return base64(sixteen_bytes);
}

std::string accept_for(std::string_view key)
{
    const std::string text = std::string(key) + std::string(k_guid);
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return base64(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string upgrade_request(const UpgradeRequest& request, std::string_view key)
{
    // An IPv6 address goes in brackets; the port only when it is not the scheme's default.
    std::string host = request.host.find(':') != std::string::npos ? "[" + request.host + "]" : request.host;
    if (request.port != (request.tls ? 443 : 80)) host += ":" + std::to_string(request.port);
    std::string text = fmt::format("GET {} HTTP/1.1\r\n"
                                   "Host: {}\r\n"
                                   "Upgrade: websocket\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: {}\r\n"
                                   "Sec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Protocol: mqtt\r\n",
                                   request.path, host, key);
    for (const auto& line : request.headers) text += line + "\r\n";
    text += "\r\n";
    return text;
}

UpgradeResponse parse_upgrade_response(std::string_view received, std::string_view key)
{
    const auto end = received.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (received.size() > k_max_response_header) return Refused{"failed: the broker's answer has no end of headers"};
        // Not HTTP at all (e.g. an MQTT listener's answer): no need to wait for more.
        const std::string_view http = "HTTP/";
        if (received.substr(0, std::min(received.size(), http.size())) !=
            http.substr(0, std::min(received.size(), http.size()))) {
            return Refused{"failed: the broker did not answer in HTTP (is it a WebSocket port?)"};
        }
        return NeedMore{};
    }
    std::string_view head = received.substr(0, end + 2);
    const auto first_end = head.find("\r\n");
    const std::string_view status_line = head.substr(0, first_end);
    head.remove_prefix(first_end + 2);
    if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12 || status_line[8] != ' ') {
        return Refused{"failed: the broker did not answer in HTTP (is it a WebSocket port?)"};
    }
    const std::string_view code = status_line.substr(9, 3);
    const std::string_view reason = status_line.size() > 13 ? trim(status_line.substr(13)) : std::string_view();
    if (code != "101") {
        // The server's words reach the terminal: no control byte of theirs gets through.
        return Refused{escape_control(fmt::format("refused: HTTP {}{}{}", code, reason.empty() ? "" : " ", reason)),
                       is_gateway_error(code)};
    }
    bool upgrade = false, connection = false;
    std::string accept, protocol;
    bool has_protocol = false;
    while (!head.empty()) {
        const auto line_end = head.find("\r\n");
        const std::string_view line = head.substr(0, line_end);
        head.remove_prefix(line_end + 2);
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return Refused{"failed: the broker sent a malformed header line"};
        const std::string name = lower_case(trim(line.substr(0, colon)));
        const std::string_view value = trim(line.substr(colon + 1));
        if (name == "upgrade") upgrade = has_token(value, "websocket");
        if (name == "connection") connection = has_token(value, "upgrade");
        if (name == "sec-websocket-accept") accept = value;
        if (name == "sec-websocket-protocol") {
            has_protocol = true;
            protocol = value;
        }
    }
    if (!upgrade || !connection) return Refused{"failed: the broker's 101 answer does not upgrade to websocket"};
    if (accept != accept_for(key)) return Refused{"failed: wrong Sec-WebSocket-Accept from the broker"};
    // RFC 6455 4.1: a broker may choose no subprotocol, but never one we did not offer.
    if (has_protocol && protocol != "mqtt") {
        return Refused{fmt::format("failed: the broker chose the subprotocol \"{}\", not \"mqtt\"", escape_control(protocol))};
    }
    return Upgraded{std::string(received.substr(end + 4))};
}

}  // namespace mqtt::ws
