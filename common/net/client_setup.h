// One libmosquitto client as our tools make it, and the settings that come straight from
// Options: protocol level, send maximum, TCP_NODELAY, credentials and a SOCKS5 proxy. The
// link (one client) and mqtt-bench (many) both start from here.
#pragma once

#include <string>

#include <mosquitto.h>

#include "options.h"

namespace mqtt {

/// mosquitto_new(id or NULL when empty, clean_session, userdata), without the socketpair
/// libmosquitto opens to wake its own select() loop: our tools drive the library from their
/// own loop on one thread, so the pair would only cost two descriptors per client and a
/// one-byte write() per packet queued. Throws UsageError ("Error: Invalid id.", "Error: Out
/// of memory.") when the library makes no client.
mosquitto* new_client(const std::string& id, bool clean_session, void* userdata);

/// Applies those settings to `mosq`. Throws UsageError when libmosquitto refuses the
/// credentials or the proxy.
void apply_client_options(mosquitto* mosq, const Options& options);

}  // namespace mqtt
