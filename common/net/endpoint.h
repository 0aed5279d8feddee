// Where a connection goes, in words for its error lines: a setting may come from an options
// file, a profile, an MQTT_* variable, -L, SRV or the port-8883 TLS rule, so a line that
// says only "Connection refused" leaves the user guessing which broker refused.
#pragma once

#include <optional>
#include <string>

#include "options.h"

namespace mqtt {

/// The target an SRV lookup (-S) chose, and the SRV name it came from.
struct SrvTarget {
    std::string host;
    int port = 0;
    std::string name;  ///< e.g. _mqtt._tcp.example.com
};

/// The broker as the session reaches it, e.g. "127.0.0.1 port 1883 over TLS via SOCKS5
/// proxy 10.0.0.1:1080", "unix socket /run/mosquitto.sock", or "mqtt1.example.com port 1883
/// over TCP, from SRV _mqtt._tcp.example.com". Control bytes in host names are escaped.
std::string endpoint_text(const Options& options, const std::optional<SrvTarget>& srv);

/// `line` naming `endpoint`, upstream's words first so that scripts matching them still
/// match: "Error: Connection refused (broker <endpoint>)", or for a line that ends a
/// sentence, "Unable to connect (Lookup error.). Broker: <endpoint>."
std::string with_endpoint(const std::string& line, const std::string& endpoint);

}  // namespace mqtt
