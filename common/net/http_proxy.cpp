#include "http_proxy.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "terminal_text.h"

namespace mqtt {

bool is_gateway_error(std::string_view code)
{
    return code == "502" || code == "503" || code == "504";
}

std::string base64(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string connect_request(const std::string& host, int port, const std::optional<std::string>& username,
                            const std::optional<std::string>& password)
{
    const std::string target = fmt::format("{}:{}", host.find(':') != std::string::npos ? "[" + host + "]" : host, port);
    std::string text = fmt::format("CONNECT {0} HTTP/1.1\r\nHost: {0}\r\n", target);
    if (username) { text += "Proxy-Authorization: Basic " + base64(*username + ":" + password.value_or("")) + "\r\n"; }
    return text + "\r\n";
}

ProxyResponse parse_connect_response(std::string_view received)
{
    const auto end = received.find("\r\n\r\n");
    const std::string_view http = "HTTP/";
    const std::size_t n = std::min(received.size(), http.size());
    if (received.substr(0, n) != http.substr(0, n)) return ProxyRefused{"the proxy did not answer in HTTP"};
    if (end == std::string_view::npos) {
        if (received.size() > k_max_proxy_header) return ProxyRefused{"the proxy's answer has no end of headers"};
        return ProxyNeedMore{};
    }
    const std::string_view status_line = received.substr(0, received.find("\r\n"));
    if (status_line.size() < 12 || status_line[8] != ' ') return ProxyRefused{"the proxy did not answer in HTTP"};
    const std::string_view code = status_line.substr(9, 3);
    if (code[0] != '2') {
        std::string_view reason = status_line.size() > 13 ? status_line.substr(13) : std::string_view();
        // The proxy's words reach the terminal: no control byte of theirs gets through.
        return ProxyRefused{escape_control(fmt::format("CONNECT refused: HTTP {}{}{}", code, reason.empty() ? "" : " ", reason)),
                            is_gateway_error(code)};
    }
    return ProxyConnected{std::string(received.substr(end + 4))};
}

}  // namespace mqtt
