#include "client_setup.h"

#include "error.h"

namespace mqtt {

void apply_client_options(mosquitto* mosq, const Options& options)
{
    mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, options.protocol);
    mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, options.max_inflight);
    if (options.nodelay) mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1);
    if (options.username || options.password) {
        const char* user = options.username ? options.username->c_str() : nullptr;
        const char* pass = options.password ? options.password->c_str() : nullptr;
        if (mosquitto_username_pw_set(mosq, user, pass) != MOSQ_ERR_SUCCESS) {
            throw UsageError("Error: Problem setting username and/or password.");
        }
    }
    if (const auto& proxy = options.proxy; proxy && proxy->kind == ProxyKind::socks5h) {
        const auto text = [](const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; };
        if (mosquitto_socks5_set(mosq, proxy->host.c_str(), proxy->port, text(proxy->username), text(proxy->password)) !=
            MOSQ_ERR_SUCCESS) {
            throw UsageError("Error: Invalid proxy.");
        }
    }
}

}  // namespace mqtt
