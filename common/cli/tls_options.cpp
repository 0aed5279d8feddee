#include "tls_options.h"

#include <utility>

#include "text.h"

namespace mqtt {

namespace {

/// The options that only mean something over TLS, in the order the man page lists them.
std::optional<std::string> first_tls_only_option(const TlsOptions& tls)
{
    const std::pair<bool, const char*> options[] = {
        {tls.certfile.has_value(), "--cert"},     {tls.keyfile.has_value(), "--key"},
        {tls.keyform.has_value(), "--keyform"},   {tls.insecure, "--insecure"},
        {tls.alpn.has_value(), "--tls-alpn"},     {tls.version.has_value(), "--tls-version"},
        {tls.ciphers.has_value(), "--ciphers"},   {tls.keylog.has_value(), "--tls-keylog"},
        {tls.engine.has_value(), "--tls-engine"}, {tls.engine_kpass_sha1.has_value(), "--tls-engine-kpass-sha1"},
    };
    for (const auto& [given, name] : options) {
        if (given) return name;
    }
    return std::nullopt;
}

}  // namespace

TlsMode tls_mode(const Options& options)
{
    const TlsOptions& tls = options.tls;
    if (tls.no_tls) return TlsMode::off;
    if (tls.cafile || tls.capath) return TlsMode::ca_files;
    if (tls.psk) return TlsMode::psk;
    // mosquitto 2.0+: port 8883 alone means TLS with the system's certificates.
    if (tls.use_os_certs || options.port == 8883) return TlsMode::os_certs;
    return TlsMode::off;
}

Status tls_option_conflict(const TlsOptions& tls)
{
    if (tls.certfile.has_value() != tls.keyfile.has_value()) {
        return Error{"Both certfile and keyfile must be provided if one of them is set."};
    }
    if (tls.keyform && !tls.keyfile) return Error{"If keyform is set, keyfile must be also specified."};
    if (tls.engine_kpass_sha1 && (!tls.keyform || !tls.engine)) {
        return Error{"when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided."};
    }
    if ((tls.cafile || tls.capath) && tls.psk) return Error{"Only one of --psk or --cafile/--capath may be used at once."};
    if (tls.psk && !tls.psk_identity) return Error{"--psk-identity required if --psk used."};
    return {};
}

Status tls_option_error(const Options& options)
{
    const TlsOptions& tls = options.tls;
    if (tls.no_tls) return {};
    if (tls_mode(options) == TlsMode::off) {
        // Upstream ignores them and connects in plain text: the user meant TLS.
        if (auto name = first_tls_only_option(tls)) {
            return Error{*name + " needs TLS: also give --cafile, --capath, --psk or --tls-use-os-certs."};
        }
        return {};
    }
    // In the order upstream sets them up.
    if (tls.psk && (tls.psk->empty() || !is_hex(*tls.psk))) return Error{"Problem setting TLS-PSK options."};
    if (tls.keyform && !equal_nocase(*tls.keyform, "pem") && !equal_nocase(*tls.keyform, "engine")) {
        return Error{"Problem setting key form, it must be one of 'pem' or 'engine'."};
    }
    if (tls.engine_kpass_sha1 && (tls.engine_kpass_sha1->size() != 40 || !is_hex(*tls.engine_kpass_sha1))) {
        return Error{"Problem setting TLS engine key pass sha, is it a 40 character hex string?"};
    }
    // libmosquitto sends one protocol name, cut at 254 bytes; an empty one is dropped.
    if (tls.alpn && (tls.alpn->empty() || tls.alpn->size() > 254)) return Error{"Problem setting TLS ALPN protocol."};
    if (tls.version && *tls.version != "tlsv1.3" && *tls.version != "tlsv1.2" && *tls.version != "tlsv1.1") {
        return Error{"Problem setting TLS options, check the options are valid."};
    }
    return {};
}

}  // namespace mqtt
