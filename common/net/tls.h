// TLS for the broker connection (--cafile ... --no-tls): which settings apply, by upstream's
// rules; the libmosquitto and OpenSSL calls that set them up; and one clear line when the
// handshake fails or the broker's certificate does not verify.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connection.h"
#include "options.h"
#include "tls_options.h"

struct mosquitto;
struct ssl_ctx_st;  // OpenSSL's SSL_CTX; only tls.cpp includes OpenSSL
struct ssl_st;      // OpenSSL's SSL

namespace mqtt {

/// Lines for stderr before connecting (--insecure says what it gives up).
std::vector<std::string> tls_warnings(const Options& options);

/// What the TLS callbacks need; lives as long as the TLS context (tls.cpp).
struct TlsContextData;

/// A connection that failed in TLS: the exit status and the one line for stderr.
struct TlsFailure {
    int status = 0;
    std::string text;
};

/// `failed` with the question a handshake raises when the port speaks no TLS: OpenSSL takes a
/// plain answer to its hello for "wrong version number", and a plain MQTT broker closing the
/// connection on it (mosquitto does) for "unexpected eof while reading".
TlsFailure with_tls_port_hint(TlsFailure failed, int port);

/// The TLS side of one connection: sets libmosquitto up as Options ask, then tells whether a
/// failed connection failed in TLS, and why.
class Tls {
public:
    /// Sets TLS up on `mosq` (nothing when tls_mode() is off). Throws Failure with status 1
    /// and upstream's line when a setting is refused (e.g. "Error: Problem setting TLS
    /// options: File not found.") or the key log file cannot be opened.
    Tls(mosquitto* mosq, const Options& options);
    ~Tls();
    Tls(const Tls&) = delete;
    Tls& operator=(const Tls&) = delete;

    bool enabled() const { return m_mode != TlsMode::off; }
    /// Takes each error line libmosquitto logs (MOSQ_LOG_ERR): its own set-up errors and the
    /// OpenSSL errors of a failed handshake, which it takes off OpenSSL's error queue.
    void note_error_log(const char* line);
    /// Why the connection failed before CONNACK, if TLS is the cause; nullopt otherwise.
    /// `in_connect`: it failed in the connect call, where libmosquitto also builds the TLS
    /// context (so its own error lines count, as set-up errors with status 1). `tls_error`:
    /// libmosquitto reported an error of the TLS layer, so TLS is the cause even when OpenSSL
    /// gave no reason (a TLS 1.3 broker that refuses us may reset the connection before its
    /// alert can be read).
    std::optional<TlsFailure> failure(bool in_connect, bool tls_error) const;

private:
    struct ContextFree {
        void operator()(ssl_ctx_st* ctx) const;
    };
    TlsMode m_mode = TlsMode::off;
    mosquitto* m_mosq = nullptr;
    std::unique_ptr<ssl_ctx_st, ContextFree> m_context;
    TlsContextData* m_data = nullptr;  ///< owned by m_context (its ex data)
    std::string m_setup_error;         ///< libmosquitto's first own error line
    std::string m_reason;              ///< OpenSSL's reason for the first error of the handshake
};

/// TLS that the tool runs itself on the bridge's connection (wss://, or TLS through an HTTP
/// proxy), where libmosquitto only sees a unix socket: a context built from the TLS options
/// as libmosquitto builds its own, with the same certificate checks and failure lines.
class BridgeTls {
public:
    /// Throws Failure with status 1 when a file or setting is refused.
    explicit BridgeTls(const Options& options);
    ~BridgeTls();
    BridgeTls(const BridgeTls&) = delete;
    BridgeTls& operator=(const BridgeTls&) = delete;

    /// A client SSL on the connected socket `fd` for the broker's host name (SNI).
    ssl_st* new_ssl(int fd) const;
    /// Why the handshake failed, from OpenSSL's state after SSL_connect returned an error.
    TlsFailure failure() const;

private:
    struct ContextFree {
        void operator()(ssl_ctx_st* ctx) const;
    };
    std::unique_ptr<ssl_ctx_st, ContextFree> m_context;
    TlsContextData* m_data = nullptr;  ///< owned by m_context
    std::string m_host;
    TlsMode m_mode = TlsMode::off;
};

/// What TLS negotiated on the connected `mosq`: version, cipher, the broker's certificate;
/// nullopt without TLS.
std::optional<TlsSummary> negotiated_tls(mosquitto* mosq);

}  // namespace mqtt
