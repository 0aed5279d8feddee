#include "client_setup.h"

#include <cerrno>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"

namespace {

/// Set while new_client runs on this thread: socketpair() fails.
thread_local bool t_no_wake_pair = false;

}  // namespace

// Takes the place of glibc's socketpair() for the whole process (the executable comes first
// in symbol lookup, so libmosquitto's call lands here). libmosquitto 2.0 makes the pair in
// mosquitto_new and carries on without it when it cannot (a warning to a log callback that is
// not set yet, then no wake byte written in packet__queue); only mosquitto_loop() and
// loop_start() need it, and we run neither. Elsewhere it is the system call.
extern "C" int socketpair(int domain, int type, int protocol, int fds[2])
{
    if (t_no_wake_pair) {
        errno = EMFILE;
        return -1;
    }
    return static_cast<int>(::syscall(SYS_socketpair, domain, type, protocol, fds));
}

namespace mqtt {

mosquitto* new_client(const std::string& id, bool clean_session, void* userdata)
{
    t_no_wake_pair = true;
    mosquitto* mosq = mosquitto_new(id.empty() ? nullptr : id.c_str(), clean_session, userdata);
    const int error = errno;
    t_no_wake_pair = false;
    if (mosq == nullptr) throw UsageError(error == EINVAL ? "Error: Invalid id." : "Error: Out of memory.");
    return mosq;
}

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
