#include "endpoint.h"

#include <fmt/format.h>

#include "terminal_text.h"
#include "tls_options.h"

namespace mqtt {

namespace {

/// `host:port`, an IPv6 address in brackets.
std::string host_port(const std::string& host, int port)
{
    const std::string shown = escape_control(host);
    return host.find(':') == std::string::npos ? fmt::format("{}:{}", shown, port) : fmt::format("[{}]:{}", shown, port);
}

}  // namespace

std::string endpoint_text(const Options& options, const std::optional<SrvTarget>& srv)
{
    if (!srv && options.effective_port() == 0) return "unix socket " + escape_control(options.host);
    const bool tls = tls_mode(options) != TlsMode::off;
    const char* transport = options.websockets ? (tls ? "wss" : "ws") : (tls ? "TLS" : "TCP");
    std::string text = srv ? fmt::format("{} port {} over {}", escape_control(srv->host), srv->port, transport)
                           : fmt::format("{} port {} over {}", escape_control(options.host), options.effective_port(),
                                         transport);
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
