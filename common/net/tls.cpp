#include "tls.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fmt/format.h>
#include <mosquitto.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <string_view>
#include <unistd.h>

#include "error.h"
#include "exit_status.h"
#include "safe_file.h"
#include "text.h"

namespace mqtt {

namespace {

/// The system's CA directory as OpenSSL's default verify paths name it (SSL_CERT_DIR first).
std::string system_cert_dir()
{
    const char* env = std::getenv(X509_get_default_cert_dir_env());
    return env != nullptr && *env != '\0' ? env : X509_get_default_cert_dir();
}

/// OpenSSL's reason text for one of libmosquitto's "OpenSSL Error[n]: error:0A000086:..."
/// log lines: the code is parsed back, so the text does not depend on the line's layout.
std::string openssl_reason(std::string_view line)
{
    const auto at = line.find("error:");
    if (at == std::string_view::npos) return std::string(line);
    const std::string code_text(line.substr(at + 6, 8));
    char* end = nullptr;
    const unsigned long code = std::strtoul(code_text.c_str(), &end, 16);
    if (end != code_text.c_str() + code_text.size() || code_text.size() != 8) return std::string(line.substr(at));
    if (const char* reason = ERR_reason_error_string(code)) return reason;
    const auto colon = line.rfind(':');
    return std::string(line.substr(colon + 1));
}

std::string name_text(const X509_NAME* name)
{
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio == nullptr) return {};
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(size > 0 ? size : 0));
    BIO_free(bio);
    return text;
}

std::optional<std::string> time_text(const ASN1_TIME* time)
{
    std::tm tm{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                       tm.tm_min, tm.tm_sec);
}

}  // namespace

/// Attached to the SSL_CTX (as its ex data) so that it lives exactly as long as the context
/// libmosquitto holds.
struct TlsContextData {
    std::string host;
    bool check_host = true;
    int keylog_fd = -1;
    std::string psk_identity;
    std::string psk;                   ///< the key's bytes
    int verify_error = X509_V_OK;      ///< the last chain verification's result
    bool certificate_wanted = false;   ///< the broker asked for a client certificate we lack
    bool certificate_not_psk = false;  ///< --psk, but the broker authenticated with a certificate

    TlsContextData() = default;
    TlsContextData(const TlsContextData&) = delete;
    TlsContextData& operator=(const TlsContextData&) = delete;
    ~TlsContextData()
    {
        if (keylog_fd >= 0) ::close(keylog_fd);
    }
};

namespace {

void free_context_data(void*, void* data, CRYPTO_EX_DATA*, int, long, void*)
{
    delete static_cast<TlsContextData*>(data);  // ownership handed over in Tls::Tls
}

int context_data_index()
{
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_context_data);
    return index;
}

TlsContextData* context_data(const SSL* ssl)
{
    return static_cast<TlsContextData*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), context_data_index()));
}

int pass_preverify(int ok, X509_STORE_CTX*)
{
    return ok;
}

/// Verifies the broker's chain, then its host name with OpenSSL's own check. libmosquitto
/// 2.0.11 checks the host name in a per-certificate callback that cannot find its client on
/// a context it did not create (it refuses every certificate then), so ours replaces it.
int verify_broker_chain(X509_STORE_CTX* store, void* arg)
{
    auto* data = static_cast<TlsContextData*>(arg);
    X509_STORE_CTX_set_verify_cb(store, pass_preverify);
    if (data->check_host) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(store);
        // An address must match an IP entry of the certificate, a name a DNS entry (or CN).
        if (X509_VERIFY_PARAM_set1_ip_asc(param, data->host.c_str()) != 1) {
            X509_VERIFY_PARAM_set1_host(param, data->host.c_str(), data->host.size());
        }
    }
    const int ok = X509_verify_cert(store);
    data->verify_error = X509_STORE_CTX_get_error(store);
    return ok > 0 ? 1 : 0;
}

/// --psk: a broker that sends a certificate did not take the key (a TLS 1.3 server may
/// decline it and authenticate itself by certificate instead, which nothing here checks):
/// refused, or the key would authenticate nobody.
int refuse_certificate_for_psk(X509_STORE_CTX*, void* arg)
{
    static_cast<TlsContextData*>(arg)->certificate_not_psk = true;
    return 0;
}

/// What the broker's certificate made of the handshake, if it failed because of it.
std::optional<TlsFailure> certificate_failure(const TlsContextData* data)
{
    if (data == nullptr) return std::nullopt;
    if (data->certificate_not_psk) {
        return TlsFailure{ExitStatus::tls_failed,
                          "Error: TLS handshake failed: the broker did not take the pre-shared key (--psk) and sent a "
                          "certificate instead"};
    }
    if (data->verify_error != X509_V_OK) {
        return TlsFailure{ExitStatus::tls_failed,
                          fmt::format("Error: TLS handshake failed: certificate verify failed ({})",
                                      X509_verify_cert_error_string(data->verify_error))};
    }
    return std::nullopt;
}

/// Called when the broker asks for a client certificate and none was given: notes it, so that
/// a refusal can be explained, and goes on without one.
int note_certificate_wanted(SSL* ssl, X509**, EVP_PKEY**)
{
    if (TlsContextData* data = context_data(ssl)) data->certificate_wanted = true;
    return 0;
}

/// Appends one NSS key log line; a write failure must not break the connection.
void write_keylog(const SSL* ssl, const char* line)
{
    const TlsContextData* data = context_data(ssl);
    if (data == nullptr || data->keylog_fd < 0) return;
    std::string text = line;
    text += '\n';
    if (::write(data->keylog_fd, text.data(), text.size()) < 0) {
        // Best effort, as a debugging aid.
    }
}

/// Gives OpenSSL the identity and key of --psk for a TLS-PSK handshake (TLS 1.2 and 1.3).
unsigned int give_psk(SSL* ssl, const char* /*hint*/, char* identity, unsigned int max_identity, unsigned char* psk,
                      unsigned int max_psk)
{
    const TlsContextData* data = context_data(ssl);
    if (data == nullptr || data->psk_identity.size() >= max_identity || data->psk.size() > max_psk) return 0;
    std::memcpy(identity, data->psk_identity.c_str(), data->psk_identity.size() + 1);
    std::memcpy(psk, data->psk.data(), data->psk.size());
    return static_cast<unsigned int>(data->psk.size());
}

std::string hex_to_bytes(const std::string& hex)
{
    std::string bytes;
    // An odd digit count reads as if it had a leading 0, as libmosquitto's BN_hex2bn does.
    const std::string even = hex.size() % 2 ? "0" + hex : hex;
    for (std::size_t i = 0; i < even.size(); i += 2) { bytes += static_cast<char>(std::stoi(even.substr(i, 2), nullptr, 16)); }
    return bytes;
}

/// --tls-version (TLS 1.2 at least by default), --ciphers and --tls-alpn, and no
/// compression, as libmosquitto sets them on its own contexts. Throws Failure.
void set_versions_and_ciphers(SSL_CTX* ctx, const TlsOptions& tls)
{
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
    long lowest = TLS1_2_VERSION;
    if (tls.version == "tlsv1.3") lowest = TLS1_3_VERSION;
    if (tls.version == "tlsv1.1") lowest = TLS1_1_VERSION;
    SSL_CTX_set_min_proto_version(ctx, lowest);
    if (tls.ciphers && SSL_CTX_set_cipher_list(ctx, tls.ciphers->c_str()) != 1) {
        throw Failure(ExitStatus::usage,
                      fmt::format("Error: Unable to set TLS ciphers. Check cipher list \"{}\".", *tls.ciphers));
    }
    if (tls.alpn) {
        std::string wire(1, static_cast<char>(tls.alpn->size()));
        wire += *tls.alpn;
        if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                    static_cast<unsigned int>(wire.size())) != 0) {
            throw Failure(ExitStatus::usage, "Error: Problem setting TLS ALPN protocol.");
        }
    }
}

/// Sets up a TLS-PSK context the way libmosquitto would. libmosquitto 2.0.11 cannot do it on a
/// context it did not create (its PSK callback does not find its client there), so it gets
/// this one ready-made.
void set_up_psk(SSL_CTX* ctx, const TlsOptions& tls, TlsContextData& data)
{
    data.psk_identity = tls.psk_identity.value_or("");  // required by the option checks
    data.psk = hex_to_bytes(*tls.psk);
    set_versions_and_ciphers(ctx, tls);
    SSL_CTX_set_psk_client_callback(ctx, give_psk);
    // A PSK handshake has no server certificate: one that comes means the key was declined.
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_cert_verify_callback(ctx, refuse_certificate_for_psk, &data);
}

/// The reason of an alert the broker sent that nobody read: a TLS 1.3 broker refuses our
/// certificate after our side of the handshake is done, and when writing CONNECT then fails
/// (the broker reset the connection), the alert may still wait in the socket.
std::string pending_alert(mosquitto* mosq)
{
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq));
    if (ssl == nullptr) return {};
    ERR_clear_error();
    char byte = 0;
    std::string reason;
    if (SSL_read(ssl, &byte, 1) <= 0) {
        if (const char* text = ERR_reason_error_string(ERR_peek_error())) reason = text;
    }
    ERR_clear_error();
    return reason;
}

/// A client context carrying `data` (TlsContextData: host name check, key log file, the
/// result of the certificate check), with the callbacks that use it. Throws Failure.
SSL_CTX* new_context(const Options& options, bool check_host, TlsContextData*& data_out)
{
    const TlsOptions& tls = options.tls;
    auto data = std::make_unique<TlsContextData>();
    data->host = options.host;
    data->check_host = check_host;
    if (tls.keylog) {
        auto opened = open_private_append(*tls.keylog);
        if (!opened) {
            throw Failure(ExitStatus::usage,
                          fmt::format("Error: Unable to open key log file \"{}\": {}.", *tls.keylog, opened.error()));
        }
        data->keylog_fd = *opened;
    }
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) throw Failure(ExitStatus::usage, "Error: Unable to create SSL_CTX.");
    if (!SSL_CTX_set_ex_data(ctx, context_data_index(), data.get())) {
        SSL_CTX_free(ctx);
        throw Failure(ExitStatus::usage, "Error: Unable to set SSL_CTX ex data.");
    }
    data_out = data.release();  // the context owns it now (free_context_data)
    SSL_CTX_set_cert_verify_callback(ctx, verify_broker_chain, data_out);
    SSL_CTX_set_client_cert_cb(ctx, note_certificate_wanted);
    if (tls.keylog) SSL_CTX_set_keylog_callback(ctx, write_keylog);
    return ctx;
}

}  // namespace

void Tls::ContextFree::operator()(ssl_ctx_st* ctx) const
{
    SSL_CTX_free(ctx);
}

Tls::Tls(mosquitto* mosq, const Options& options) : m_mode(tls_mode(options)), m_mosq(mosq)
{
    if (m_mode == TlsMode::off) return;
    const TlsOptions& tls = options.tls;
    const auto refused = [](const std::string& text) { return Failure(ExitStatus::usage, text); };

    // Our own context, which libmosquitto fills with its defaults (CA, client certificate,
    // version, ciphers, ALPN) except for PSK: it carries the key log callback and the host
    // name check, and keeps the result of the certificate check for failure().
    // Port 0 is a unix socket: there is no host name to check (as libmosquitto).
    m_context.reset(new_context(options, !tls.insecure && options.effective_port() != 0, m_data));
    SSL_CTX* ctx = m_context.get();
    if (m_mode == TlsMode::psk) {
        set_up_psk(ctx, tls, *m_data);
        mosquitto_void_option(mosq, MOSQ_OPT_SSL_CTX, ctx);  // takes a reference of its own
        mosquitto_int_option(mosq, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
        return;
    }
    mosquitto_void_option(mosq, MOSQ_OPT_SSL_CTX, ctx);
    mosquitto_int_option(mosq, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 1);

    const char* cert = tls.certfile ? tls.certfile->c_str() : nullptr;
    const char* key = tls.keyfile ? tls.keyfile->c_str() : nullptr;
    int rc = MOSQ_ERR_SUCCESS;
    if (m_mode == TlsMode::ca_files) {
        rc = mosquitto_tls_set(mosq, tls.cafile ? tls.cafile->c_str() : nullptr, tls.capath ? tls.capath->c_str() : nullptr, cert,
                               key, nullptr);
    } else {
        // libmosquitto 2.0.11 takes a client certificate (and a context of ours) only together
        // with a CA file or directory: naming the system's CA directory, which its default
        // paths load anyway, lets --cert/--key work with the system's store too.
        const std::string dir = system_cert_dir();
        rc = mosquitto_tls_set(mosq, nullptr, dir.c_str(), cert, key, nullptr);
    }
    if (rc == MOSQ_ERR_INVAL) throw refused("Error: Problem setting TLS options: File not found.");
    if (rc != MOSQ_ERR_SUCCESS) throw refused(fmt::format("Error: Problem setting TLS options: {}.", mosquitto_strerror(rc)));
    if (tls.use_os_certs || m_mode == TlsMode::os_certs) mosquitto_int_option(mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);

    if (tls.insecure && mosquitto_tls_insecure_set(mosq, true) != MOSQ_ERR_SUCCESS) {
        throw refused("Error: Problem setting TLS insecure option.");
    }
    if (tls.engine && mosquitto_string_option(mosq, MOSQ_OPT_TLS_ENGINE, tls.engine->c_str()) != MOSQ_ERR_SUCCESS) {
        throw refused(fmt::format("Error: Problem setting TLS engine, is {} a valid engine?", *tls.engine));
    }
    if (tls.keyform && mosquitto_string_option(mosq, MOSQ_OPT_TLS_KEYFORM, tls.keyform->c_str()) != MOSQ_ERR_SUCCESS) {
        throw refused("Error: Problem setting key form, it must be one of 'pem' or 'engine'.");
    }
    if (tls.engine_kpass_sha1 &&
        mosquitto_string_option(mosq, MOSQ_OPT_TLS_ENGINE_KPASS_SHA1, tls.engine_kpass_sha1->c_str()) != MOSQ_ERR_SUCCESS) {
        throw refused("Error: Problem setting TLS engine key pass sha, is it a 40 character hex string?");
    }
    if (tls.alpn && mosquitto_string_option(mosq, MOSQ_OPT_TLS_ALPN, tls.alpn->c_str()) != MOSQ_ERR_SUCCESS) {
        throw refused("Error: Problem setting TLS ALPN protocol.");
    }
    // The certificate is always verified (1): --insecure only skips the host name, as in
    // mosquitto 2.0 (2.1 would verify nothing when --tls-version or --ciphers is given too).
    if ((tls.version || tls.ciphers) &&
        mosquitto_tls_opts_set(mosq, 1, tls.version ? tls.version->c_str() : nullptr,
                               tls.ciphers ? tls.ciphers->c_str() : nullptr) != MOSQ_ERR_SUCCESS) {
        throw refused("Error: Problem setting TLS options, check the options are valid.");
    }
}

Tls::~Tls() = default;

std::vector<std::string> tls_warnings(const Options& options)
{
    std::vector<std::string> lines;
    const TlsMode mode = tls_mode(options);
    if (options.tls.insecure && (mode == TlsMode::ca_files || mode == TlsMode::os_certs)) {
        lines.emplace_back("Warning: --insecure: the broker's certificate host name is not checked.");
    }
    return lines;
}

TlsFailure with_tls_port_hint(TlsFailure failed, int port)
{
    if (failed.text.ends_with(": wrong version number") || failed.text.ends_with(": unexpected eof while reading")) {
        failed.text += fmt::format(" (is port {} a TLS port?)", port);
    }
    return failed;
}

void Tls::note_error_log(const char* line)
{
    if (!enabled() || line == nullptr) return;
    std::string_view text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    if (text.rfind("OpenSSL Error[", 0) == 0) {
        if (m_reason.empty()) m_reason = openssl_reason(text);
    } else if (m_setup_error.empty() && !text.empty()) {
        m_setup_error = text.rfind("Error", 0) == 0 ? std::string(text) : "Error: " + std::string(text);
    }
}

std::optional<TlsFailure> Tls::failure(bool in_connect, bool tls_error) const
{
    if (!enabled()) return std::nullopt;
    if (auto failed = certificate_failure(m_data)) return failed;
    // libmosquitto builds the TLS context inside the connect call: its own error lines there
    // are about our files and settings (e.g. a CA file that holds no certificate).
    if (in_connect && !m_setup_error.empty()) return TlsFailure{ExitStatus::usage, m_setup_error};
    // Said the same way however the refusal reached us (TLS 1.3 brokers refuse after our
    // side of the handshake is done, and their alert may be lost to a reset).
    if (m_data != nullptr && m_data->certificate_wanted) {
        return TlsFailure{ExitStatus::tls_failed,
                          "Error: TLS handshake failed: the broker requires a client certificate (--cert and --key)"};
    }
    if (!m_reason.empty()) return TlsFailure{ExitStatus::tls_failed, "Error: TLS handshake failed: " + m_reason};
    if (tls_error) {
        const std::string alert = pending_alert(m_mosq);
        return TlsFailure{ExitStatus::tls_failed,
                          "Error: TLS handshake failed: " + (alert.empty() ? "the broker closed the connection" : alert)};
    }
    return std::nullopt;
}

void BridgeTls::ContextFree::operator()(ssl_ctx_st* ctx) const
{
    SSL_CTX_free(ctx);
}

BridgeTls::BridgeTls(const Options& options) : m_host(options.host), m_mode(tls_mode(options))
{
    const TlsOptions& tls = options.tls;
    const auto refused = [](const std::string& text) { return Failure(ExitStatus::usage, text); };
    if (tls.engine || (tls.keyform && equal_nocase(*tls.keyform, "engine"))) {
        throw refused("Error: --tls-engine and --keyform engine cannot be used with --ws or an http:// proxy.");
    }
    m_context.reset(new_context(options, !tls.insecure, m_data));
    SSL_CTX* ctx = m_context.get();
    if (m_mode == TlsMode::psk) {
        set_up_psk(ctx, tls, *m_data);
        return;
    }
    set_versions_and_ciphers(ctx, tls);
    // The chain is always verified; --insecure skips only the host name (verify_broker_chain).
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (tls.cafile || tls.capath) {
        if (SSL_CTX_load_verify_locations(ctx, tls.cafile ? tls.cafile->c_str() : nullptr,
                                          tls.capath ? tls.capath->c_str() : nullptr) != 1) {
            throw refused("Error: Problem setting TLS options: File not found.");
        }
    }
    if (tls.use_os_certs || m_mode == TlsMode::os_certs) SSL_CTX_set_default_verify_paths(ctx);
    if (tls.certfile) {
        if (SSL_CTX_use_certificate_chain_file(ctx, tls.certfile->c_str()) != 1) {
            throw refused(fmt::format("Error: Unable to load client certificate \"{}\".", *tls.certfile));
        }
        if (SSL_CTX_use_PrivateKey_file(ctx, tls.keyfile->c_str(), SSL_FILETYPE_PEM) != 1 ||
            SSL_CTX_check_private_key(ctx) != 1) {
            throw refused(fmt::format("Error: Unable to load client key file \"{}\".", *tls.keyfile));
        }
    }
    ERR_clear_error();
}

BridgeTls::~BridgeTls() = default;

ssl_st* BridgeTls::new_ssl(int fd) const
{
    SSL* ssl = SSL_new(m_context.get());
    if (ssl == nullptr) return nullptr;
    SSL_set_fd(ssl, fd);
    // SNI carries a name, never an address (RFC 6066, 3).
    unsigned char address[16];
    const bool is_address = inet_pton(AF_INET, m_host.c_str(), address) == 1 || inet_pton(AF_INET6, m_host.c_str(), address) == 1;
    if (!is_address) {
        // SSL_set_tlsext_host_name, without the macro's C cast
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(m_host.c_str()));
    }
    return ssl;
}

TlsFailure BridgeTls::failure() const
{
    if (auto failed = certificate_failure(m_data)) return *failed;
    if (m_data->certificate_wanted) {
        return TlsFailure{ExitStatus::tls_failed,
                          "Error: TLS handshake failed: the broker requires a client certificate (--cert and --key)"};
    }
    const unsigned long error = ERR_peek_error();
    const char* reason = error != 0 ? ERR_reason_error_string(error) : nullptr;
    return TlsFailure{ExitStatus::tls_failed,
                      std::string("Error: TLS handshake failed: ") + (reason ? reason : "the broker closed the connection")};
}

std::optional<TlsSummary> negotiated_tls(mosquitto* mosq)
{
    auto* ssl = static_cast<SSL*>(mosquitto_ssl_get(mosq));
    if (ssl == nullptr) return std::nullopt;
    TlsSummary summary;
    summary.version = SSL_get_version(ssl);
    if (const char* cipher = SSL_get_cipher_name(ssl)) summary.cipher = cipher;
    if (X509* peer = SSL_get1_peer_certificate(ssl)) {
        summary.peer_subject = name_text(X509_get_subject_name(peer));
        summary.peer_issuer = name_text(X509_get_issuer_name(peer));
        summary.peer_not_after = time_text(X509_get0_notAfter(peer));
        X509_free(peer);
    }
    return summary;
}

}  // namespace mqtt
