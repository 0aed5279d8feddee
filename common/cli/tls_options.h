// The TLS options as upstream judges them (--cafile ... --no-tls): which kind of TLS they
// select, and the combinations and values it refuses. Setting TLS up is net/tls.h's job.
#pragma once

#include <optional>
#include <string>

#include "options.h"
#include "result.h"

namespace mqtt {

/// What the connection trusts, decided from Options alone.
enum class TlsMode {
    off,       ///< plain TCP (no TLS option, or --no-tls)
    ca_files,  ///< --cafile/--capath (plus the system's store with --tls-use-os-certs)
    psk,       ///< --psk
    os_certs,  ///< the system's store: --tls-use-os-certs, mqtts://, or -p 8883 alone
};

TlsMode tls_mode(const Options& options);

/// Upstream's checks between TLS options (certificate and key pairing, --keyform, the engine
/// key pass, --psk against --cafile/--capath, --psk-identity). They run even with --no-tls, as
/// upstream's do. Returns the error text without "Error: ", or nullopt.
Status tls_option_conflict(const TlsOptions& tls);

/// The values upstream refuses only when it sets TLS up (PSK key, --keyform, engine key pass,
/// ALPN, --tls-version), and options that would do nothing because no option turns TLS on.
/// Nothing is checked with --no-tls. Returns the error text without "Error: ", or nullopt.
Status tls_option_error(const Options& options);

}  // namespace mqtt
