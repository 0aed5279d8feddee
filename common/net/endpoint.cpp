#include "endpoint.h"

#include <fmt/format.h>

#include "quote.h"
#include "terminal_text.h"
#include "tls_options.h"

namespace mqtt {

namespace {

/// A host name as an error line shows it: control bytes escaped, and in quotes when it holds
/// a space or tab (an options file keeps a trailing one, as mosquitto's does), so that the
/// space shows.
std::string shown_host(const std::string& host)
{
    const std::string shown = escape_control(host);
    return host.find_first_of(" \t") == std::string::npos ? shown : quote_value(shown);
}

/// `host:port`, an IPv6 address in brackets.
std::string host_port(const std::string& host, int port)
{
    const std::string shown = shown_host(host);
    return host.find(':') == std::string::npos ? fmt::format("{}:{}", shown, port) : fmt::format("[{}]:{}", shown, port);
}

}  // namespace

std::string endpoint_text(const Options& options, const std::optional<SrvTarget>& srv)
{
    if (!srv && options.effective_port() == 0) return "unix socket " + shown_host(options.host);
    const bool tls = tls_mode(options) != TlsMode::off;
    const char* transport = options.websockets ? (tls ? "wss" : "ws") : (tls ? "TLS" : "TCP");
    std::string text = srv ? fmt::format("{} port {} over {}", shown_host(srv->host), srv->port, transport)
                           : fmt::format("{} port {} over {}", shown_host(options.host), options.effective_port(), transport);
    if (const auto& proxy = options.proxy) {
        text += fmt::format(" via {} proxy {}", proxy->kind == ProxyKind::http ? "HTTP" : "SOCKS5",
                            host_port(proxy->host, proxy->port));
    }
    if (srv) text += ", from SRV " + escape_control(srv->name);
    return text;
}

std::string with_endpoint(const std::string& line, const std::string& endpoint)
{
    if (line.ends_with('.')) return fmt::format("{} Broker: {}.", line, endpoint);
    return fmt::format("{} (broker {})", line, endpoint);
}

}  // namespace mqtt
