// The settings of one libmosquitto client that come straight from Options: protocol level,
// send maximum, TCP_NODELAY, credentials and a SOCKS5 proxy. The link (one client) and
// mqtt-bench (many) both start from here.
#pragma once

#include <mosquitto.h>

#include "options.h"

namespace mqtt {

/// Applies those settings to `mosq`. Throws UsageError when libmosquitto refuses the
/// credentials or the proxy.
void apply_client_options(mosquitto* mosq, const Options& options);

}  // namespace mqtt
