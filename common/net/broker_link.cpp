#include "broker_link.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fmt/format.h>
#include <mqtt_protocol.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bridge.h"
#include "client_setup.h"
#include "diagnostics.h"
#include "endpoint.h"
#include "error.h"
#include "exit_status.h"
#include "srv.h"
#include "turn_cork.h"

namespace mqtt {

namespace {

constexpr int k_max_reads_per_turn = 4096;  // packets read before other fds get a turn
constexpr auto k_disconnect_grace = std::chrono::seconds(5);

/// `fd` if it is a TCP socket (corking applies), else -1 (a unix socket: --unix, the bridge).
int tcp_socket(int fd)
{
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
    return address.ss_family == AF_INET || address.ss_family == AF_INET6 ? fd : -1;
}

BrokerLink& link_of(void* userdata)
{
    return *static_cast<BrokerLink*>(userdata);
}

/// A property the link adds to CONNECT itself.
Property number_property(int identifier, PropertyType type, std::uint32_t value)
{
    Property property;
    property.identifier = identifier;
    property.type = type;
    property.name = mosquitto_property_identifier_to_string(identifier);
    property.number = value;
    return property;
}

/// SIGINT, SIGTERM and SIGHUP arrive through a signalfd so that the poll loop sees them as
/// input: the job ends in order, with buffered output written (SIGHUP's default action
/// would kill the tool with that output unwritten).
int make_signal_fd()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void ignore_signal(int) {}

/// Interrupts the blocking TCP connect inside libmosquitto at `deadline`: SIGALRM without
/// SA_RESTART makes connect() fail with EINTR. Restores the previous handler when done.
class ConnectAlarm {
public:
    explicit ConnectAlarm(std::optional<Clock::time_point> deadline)
    {
        if (!deadline) return;
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(*deadline - Clock::now()).count();
        struct sigaction action {};
        action.sa_handler = ignore_signal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGALRM, &action, &m_previous);
        itimerval timer{};
        timer.it_value.tv_sec = static_cast<time_t>(left / 1000000);
        timer.it_value.tv_usec = static_cast<suseconds_t>(std::max<long long>(left % 1000000, 1));
        setitimer(ITIMER_REAL, &timer, nullptr);
        m_armed = true;
    }
    ~ConnectAlarm()
    {
        if (!m_armed) return;
        itimerval off{};
        setitimer(ITIMER_REAL, &off, nullptr);
        sigaction(SIGALRM, &m_previous, nullptr);
    }
    ConnectAlarm(const ConnectAlarm&) = delete;
    ConnectAlarm& operator=(const ConnectAlarm&) = delete;

private:
    struct sigaction m_previous {};
    bool m_armed = false;
};

/// A failure that a broker or proxy still starting causes, so that connecting again may
/// succeed: nothing listens or the name is not known yet (6), nobody answers (19), a proxy
/// or port forwarder refuses or closes (transient).
bool worth_retrying(const Outcome& failed)
{
    return failed.status == ExitStatus::unreachable || failed.status == ExitStatus::no_connack || failed.transient;
}

const char* signal_name(int signal)
{
    switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
    }
}

}  // namespace

void Client::on_signal(Connection& connection, int signal)
{
    connection.finish(
        {ExitStatus::interrupted, fmt::format("Error: Interrupted by {} before the job was done.", signal_name(signal))});
}

BrokerLink::BrokerLink(const Options& options) : m_options(options)
{
    static const int init = mosquitto_lib_init();
    (void)init;
    // A reader that goes away must show up as EPIPE from write(), not kill us.
    std::signal(SIGPIPE, SIG_IGN);

    const std::string id = options.client_id();
    m_mosq = new_client(id, options.clean_session, this);
    try {
        configure();
    } catch (...) {
        // The destructor does not run for a half-built object: free what exists so far.
        mosquitto_destroy(m_mosq);  // first, as in the destructor: it may use the TLS context
        m_mosq = nullptr;
        m_tls.reset();
        throw;
    }
}

BrokerLink::~BrokerLink()
{
    if (m_mosq) mosquitto_destroy(m_mosq);
    if (m_signal_fd >= 0) ::close(m_signal_fd);
}

void BrokerLink::warn(const std::string& text) const
{
    if (m_options.quiet) return;
    print_line(text);
}

void BrokerLink::configure()
{
    apply_client_options(m_mosq, m_options);
    mosquitto_connect_v5_callback_set(m_mosq, on_connect_cb);
    mosquitto_disconnect_v5_callback_set(m_mosq, on_disconnect_cb);
    mosquitto_publish_v5_callback_set(m_mosq, on_publish_cb);
    mosquitto_message_v5_callback_set(m_mosq, on_message_cb);
    mosquitto_subscribe_v5_callback_set(m_mosq, on_subscribe_cb);
    mosquitto_unsubscribe_v5_callback_set(m_mosq, on_unsubscribe_cb);

    if (!m_options.will.topic.empty()) {
        const auto& will = m_options.will;
        PropertyList properties(m_options.properties.will);
        if (mosquitto_will_set_v5(m_mosq, will.topic.c_str(), static_cast<int>(will.payload.size()), will.payload.data(),
                                  will.qos, will.retain, properties.get()) != MOSQ_ERR_SUCCESS) {
            throw UsageError("Error: Problem setting will.");
        }
        properties.release();  // libmosquitto owns the list once the will is set
    }
    const bool bridged = needs_bridge(m_options);
    m_publish_properties = PropertyList(m_options.properties.publish);
    m_subscribe_properties = PropertyList(m_options.properties.subscribe);
    m_unsubscribe_properties = PropertyList(m_options.properties.unsubscribe);
    m_disconnect_properties = PropertyList(m_options.properties.disconnect);
    if (bridged) {
        // The bridge runs TLS itself: libmosquitto's side is a plain unix socket.
        Options plain = m_options;
        plain.tls.no_tls = true;
        m_tls.emplace(m_mosq, plain);
    } else {
        m_tls.emplace(m_mosq, m_options);
    }
    for (const auto& line : tls_warnings(m_options)) warn(line);
    // libmosquitto logs why a TLS handshake failed (and takes it off OpenSSL's error queue).
    if (m_options.debug || m_tls->enabled()) mosquitto_log_callback_set(m_mosq, on_log_cb);
}

Outcome BrokerLink::connect(const Client& client)
{
    // -D connect first; the command line checked that -x does not give the same property.
    PropertyList properties(m_options.properties.connect);
    if (m_options.protocol == k_mqtt5) {
        if (m_options.session_expiry && *m_options.session_expiry > 0) {
            properties.add(number_property(MQTT_PROP_SESSION_EXPIRY_INTERVAL, PropertyType::int32, *m_options.session_expiry));
        }
        // The job's own limit (e.g. mqtt-sub -C below 20, mqtt-rr's single response); a
        // receive-maximum given with -D wins, as with mosquitto_sub.
        if (const auto maximum = client.receive_maximum();
            maximum && !m_options.properties.find(PropertyCommand::connect, MQTT_PROP_RECEIVE_MAXIMUM)) {
            properties.add(number_property(MQTT_PROP_RECEIVE_MAXIMUM, PropertyType::int16, static_cast<std::uint32_t>(*maximum)));
        }
    }
    const char* bind = m_options.bind_address.empty() ? nullptr : m_options.bind_address.c_str();
    const auto deadline = client.deadline();
    if (deadline && Clock::now() >= *deadline) return {ExitStatus::timed_out, "Timed out"};
    // --connect-timeout bounds the TCP (and TLS) connect here, or the bridge's set-up, and
    // the wait for CONNACK in the loop; -W, when sooner, wins.
    m_connect_deadline.reset();
    m_cork_fd = -1;
    turn_cork::forget();
    if (m_options.connect_timeout > 0) m_connect_deadline = Clock::now() + std::chrono::seconds(m_options.connect_timeout);
    auto alarm_at = deadline;
    if (m_connect_deadline && (!alarm_at || *m_connect_deadline < *alarm_at)) alarm_at = m_connect_deadline;
    if (needs_bridge(m_options)) return connect_bridge(deadline, properties.get());
    std::string host = m_options.host;
    int port = m_options.effective_port();
    if (m_options.srv) {
        // Debian's libmosquitto has no SRV support (mosquitto_connect_srv: not supported).
        // The resolver's own timeouts bound the lookup (RES_OPTIONS can shorten them).
        const std::string name = srv_name(m_options.host, m_options.tls.selects_tls_port());
        auto found = lookup_srv(name);
        if (!found) return {ExitStatus::unreachable, found.error()};
        host = found->target;
        port = found->port;
        m_srv_target = SrvTarget{host, port, name};
        if (deadline && Clock::now() >= *deadline) return {ExitStatus::timed_out, "Timed out"};
    }
    int rc = MOSQ_ERR_SUCCESS;
    int error = 0;
    {
        ConnectAlarm alarm(alarm_at);
        errno = 0;
        rc = mosquitto_connect_bind_v5(m_mosq, host.c_str(), port, m_options.keepalive, bind, properties.get());
        error = errno;
    }
    if (rc == MOSQ_ERR_SUCCESS) {
        m_cork_fd = tcp_socket(mosquitto_socket(m_mosq));
        m_first_reply = FirstReply::none;
        turn_cork::forget();
        m_reads.reset();
        return {};
    }
    if (deadline && Clock::now() >= *deadline) return {ExitStatus::timed_out, "Timed out"};
    if (m_connect_deadline && Clock::now() >= *m_connect_deadline) {
        return {ExitStatus::unreachable,
                fmt::format("Error: Connecting to the broker timed out after {} seconds.", m_options.connect_timeout)};
    }
    // The handshake may end inside the connect call: as a TLS error, or as EPROTO (what
    // libmosquitto makes of any OpenSSL error) when a TLS 1.3 broker refuses us as CONNECT
    // is written; plain TCP errors are never EPROTO.
    if (rc == MOSQ_ERR_TLS || (rc == MOSQ_ERR_ERRNO && error == EPROTO)) {
        if (auto failed = tls_failure(true, true)) return *failed;
    }
    auto failed = connect_call_status(rc, error);
    return {failed.status, std::move(failed.text)};
}

Outcome BrokerLink::connect_bridge(std::optional<Clock::time_point> deadline, const mosquitto_property* properties)
{
    // The set-up steps and CONNACK share --connect-timeout's deadline; the keep-alive
    // interval bounds them too, as it bounds CONNACK; -W wins when it is the sooner.
    SetupDeadline bound{Clock::now() + std::chrono::seconds(m_options.keepalive), false, m_options.keepalive};
    if (m_connect_deadline && *m_connect_deadline < bound.at) bound = {*m_connect_deadline, false, m_options.connect_timeout};
    if (deadline && *deadline < bound.at) bound = {*deadline, true, 0};
    try {
        ConnectAlarm alarm(bound.at);  // the name lookup cannot be given a deadline otherwise
        m_bridge = std::make_unique<Bridge>(m_options, bound);
    } catch (const Failure& failure) {
        return {failure.status(), failure.what(), failure.transient()};
    }
    // From the socket's folder made to its removal: a signal now would leave it behind.
    const HeldSignals held;
    try {
        const int rc = mosquitto_connect_bind_v5(m_mosq, m_bridge->listen().c_str(), 0, m_options.keepalive, nullptr, properties);
        if (rc != MOSQ_ERR_SUCCESS) {
            m_bridge.reset();
            auto failed = bridge_connect_call_status(rc);
            return {failed.status, std::move(failed.text)};
        }
        m_bridge->accept(mosquitto_socket(m_mosq));
    } catch (const Failure& failure) {
        m_bridge.reset();
        return {failure.status(), failure.what()};
    }
    return {};
}

const mosquitto_property* BrokerLink::properties(PropertyCommand command) const
{
    switch (command) {
    case PropertyCommand::publish: return m_publish_properties.get();
    case PropertyCommand::subscribe: return m_subscribe_properties.get();
    case PropertyCommand::unsubscribe: return m_unsubscribe_properties.get();
    case PropertyCommand::disconnect: return m_disconnect_properties.get();
    default: return nullptr;
    }
}

bool BrokerLink::want_write() const
{
    return mosquitto_want_write(m_mosq);
}

int BrokerLink::publish(int* mid, const char* topic, std::string_view payload, int qos, bool retain,
                        const mosquitto_property* properties)
{
    return mosquitto_publish_v5(m_mosq, mid, topic, static_cast<int>(payload.size()), payload.data(), qos, retain, properties);
}

namespace {

/// libmosquitto's view of a list of filters: pointers into `filters`.
std::vector<char*> filter_pointers(std::span<const std::string> filters)
{
    std::vector<char*> pointers;
    pointers.reserve(filters.size());
    for (const auto& filter : filters) pointers.push_back(const_cast<char*>(filter.c_str()));
    return pointers;
}

}  // namespace

int BrokerLink::subscribe(int* mid, std::span<const std::string> filters, int qos, int options,
                          const mosquitto_property* properties)
{
    std::vector<char*> pointers = filter_pointers(filters);
    return mosquitto_subscribe_multiple(m_mosq, mid, static_cast<int>(pointers.size()), pointers.data(), qos, options,
                                        properties);
}

int BrokerLink::unsubscribe(int* mid, std::span<const std::string> filters, const mosquitto_property* properties)
{
    std::vector<char*> pointers = filter_pointers(filters);
    return mosquitto_unsubscribe_multiple(m_mosq, mid, static_cast<int>(pointers.size()), pointers.data(), properties);
}

std::optional<TlsSummary> BrokerLink::tls_summary() const
{
    return negotiated_tls(m_mosq);
}

std::optional<Outcome> BrokerLink::tls_failure(bool in_connect, bool tls_error) const
{
    if (answered()) return std::nullopt;
    auto failed = m_tls->failure(in_connect, tls_error);
    if (!failed) return std::nullopt;
    const TlsFailure hinted = with_tls_port_hint(*failed, broker_port());
    return Outcome{hinted.status, hinted.text};
}

Outcome BrokerLink::naming_endpoint(Outcome outcome) const
{
    // Only failures to reach the broker: once it answered CONNECT, the user knows which one
    // it was; -W ("Timed out") and a signal keep upstream's exact lines, and set-up errors
    // (status 1) are about local files and options.
    const int status = outcome.status;
    const bool reaching = status == ExitStatus::unreachable || status == ExitStatus::connection_lost ||
        status == ExitStatus::tls_failed || status == ExitStatus::http_refused || status == ExitStatus::no_connack;
    if (answered() || !reaching || outcome.text.empty()) return outcome;
    // -S that found no broker names the SRV name in its line already.
    if (m_options.srv && !m_srv_target) return outcome;
    outcome.text = with_endpoint(outcome.text, endpoint_text(m_options, m_srv_target));
    return outcome;
}

void BrokerLink::finish(Outcome outcome)
{
    if (m_outcome) return;
    m_outcome = std::move(outcome);
    m_finish_deadline = Clock::now() + k_disconnect_grace;
    switch (m_state) {
    case LinkState::connected:
        // Inside a library callback, DISCONNECT must wait: libmosquitto marks the client
        // disconnected at once, so a packet still unread in the same turn (an UNSUBACK
        // after the SUBACK that ended -E, the next message after -C) counts as a protocol
        // error and the socket closes without the queued DISCONNECT, as if we had crashed
        // (the broker then publishes the will). The loop sends it after the callback.
        if (m_callback_depth > 0) {
            m_disconnect_due = true;
        } else {
            send_disconnect();
        }
        break;
    case LinkState::disconnecting: break;  // the broker's close ends the loop
    case LinkState::connecting:
    case LinkState::refused:
    case LinkState::closed_unanswered:
    case LinkState::closed_answered: close(); break;
    }
}

void BrokerLink::send_disconnect()
{
    m_disconnect_due = false;
    if (m_state != LinkState::connected) return;
    m_state = LinkState::disconnecting;
    // Uncorked first: libmosquitto closes the socket right after writing DISCONNECT, and a
    // close with unread bytes (an UNSUBACK, say) resets the connection, discarding whatever
    // the cork still held (the DISCONNECT, the last QoS 0 messages).
    turn_cork::end();
    // Outside a callback this writes DISCONNECT at once; the socket then closes and
    // on_disconnect ends the loop.
    mosquitto_disconnect_v5(m_mosq, MQTT_RC_NORMAL_DISCONNECTION, m_disconnect_properties.get());
}

int BrokerLink::poll_timeout(const Client& client) const
{
    auto now = Clock::now();
    // loop_misc must run about once a second for keep-alive pings and their time-outs.
    auto next = now + std::chrono::seconds(1);
    if (auto wake = client.wake_at()) next = std::min(next, *wake);
    if (m_outcome) next = std::min(next, m_finish_deadline);
    if (m_connect_deadline && !answered()) next = std::min(next, *m_connect_deadline);
    if (next <= now || (m_bridge && m_bridge->busy()) || buffered_input(client)) return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
    return static_cast<int>(ms);
}

void BrokerLink::step(Client& client)
{
    int timeout_ms = poll_timeout(client);
    if (timeout_ms != 0) {
        // About to sleep: show the user everything so far, and learn if stdout went away.
        client.flush();
        client.on_tick(*this);
        if (closed()) return;
        timeout_ms = poll_timeout(client);
    }

    pollfd fds[5 + k_max_job_fds];
    nfds_t count = 0;
    const int sock = mosquitto_socket(m_mosq);
    int sock_index = -1, input_index = -1, signal_index = -1;
    // A job that can take no more messages (back-pressure) gets none read for it.
    const bool reads = client.takes_messages();
    const bool writes = sock >= 0 && mosquitto_want_write(m_mosq);
    // (Not watched at all when neither: a hang-up would wake poll() over and over.)
    if (sock >= 0 && (reads || writes)) {
        sock_index = static_cast<int>(count);
        fds[count++] = {sock, static_cast<short>((reads ? POLLIN : 0) | (writes ? POLLOUT : 0)), 0};
    }
    const int input = m_state == LinkState::connected && !m_outcome ? client.input_fd() : -1;
    if (input >= 0) {
        input_index = static_cast<int>(count);
        fds[count++] = {input, POLLIN, 0};
    }
    if (m_signal_fd >= 0) {
        signal_index = static_cast<int>(count);
        fds[count++] = {m_signal_fd, POLLIN, 0};
    }

    const std::size_t bridge_index = count;
    const std::size_t bridge_count = m_bridge ? m_bridge->poll_fds(fds + count) : 0;
    count += bridge_count;
    const std::size_t job_index = count;
    const std::size_t job_count = client.job_fds(fds + count, k_max_job_fds);
    count += job_count;

    turn_cork::end();  // what this turn wrote leaves now
    const int ready = ::poll(fds, count, timeout_ms);
    // Everything written from here to the next poll() (acknowledgements sent while reading,
    // messages published) leaves in as few TCP segments as possible: the broker then reads
    // many packets per wake-up instead of one (3x less broker CPU for a QoS 0 stream). The
    // cork goes on at the turn's second write, so a turn that writes one packet or none
    // spends no system call on it (turn_cork.h).
    if (m_cork_fd >= 0 && mosquitto_socket(m_mosq) == m_cork_fd) turn_cork::begin(m_cork_fd);
    if (ready < 0 && errno != EINTR) {
        finish({ExitStatus::connection_lost, fmt::format("Error: poll: {}", std::strerror(errno))});
        return;
    }

    if (bridge_count > 0 && ready >= 0) m_bridge->handle(fds + bridge_index, bridge_count);
    if (sock_index >= 0) {
        // Bytes already read from the socket are input that poll() cannot see.
        if (buffered_input(client)) fds[sock_index].revents |= POLLIN;
        const short revents = fds[sock_index].revents;
        if ((revents & (POLLIN | POLLHUP | POLLERR)) && reads) {
            if (!answered() && m_first_reply == FirstReply::none && m_cork_fd >= 0 && !m_tls->enabled()) {
                note_first_reply(sock);
            }
            // loop_read handles a few packets per call; drain the socket before polling again.
            std::optional<SocketReads::Armed> armed;
            if (m_cork_fd >= 0 && m_cork_fd == sock && !m_tls->enabled()) armed.emplace(m_reads, sock);
            for (int i = 0; i < k_max_reads_per_turn && mosquitto_socket(m_mosq) >= 0 && !m_disconnect_due && !m_malformed &&
                 client.takes_messages();
                 ++i) {
                errno = 0;
                const int rc = guarded_loop_read(m_mosq);
                if (rc == k_read_aborted) {
                    refuse_malformed();
                    return;
                }
                if (rc != MOSQ_ERR_SUCCESS || errno == EAGAIN || errno == EWOULDBLOCK) break;
            }
        }
        if (m_disconnect_due) send_disconnect();
        if ((revents & POLLOUT) && mosquitto_socket(m_mosq) >= 0) mosquitto_loop_write(m_mosq, 1);
    }
    // After the socket: acknowledgements that came with the signal still count.
    if (signal_index >= 0 && (fds[signal_index].revents & POLLIN)) take_signal(client);
    if (input_index >= 0 && (fds[input_index].revents & (POLLIN | POLLHUP | POLLERR))) { client.on_input(*this); }
    if (job_count > 0 && ready > 0) client.on_job_fds(*this, fds + job_index, job_count);
    if (mosquitto_socket(m_mosq) >= 0) mosquitto_loop_misc(m_mosq);
}

void BrokerLink::note_first_reply(int fd)
{
    unsigned char byte = 0;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 1) {
        // 0x15 and 0x16 begin TLS alert and handshake records; no MQTT packet from a broker does.
        m_first_reply = byte == 0x15 || byte == 0x16 ? FirstReply::tls : FirstReply::mqtt;
    } else if (n < 0 && errno == ECONNRESET) {
        m_first_reply = FirstReply::reset;
    }
}

void BrokerLink::refuse_malformed()
{
    m_malformed = true;
    const bool was_connected = m_state == LinkState::connected;
    if (m_outcome) {
        // Already ending: the loop runs on, reading nothing, until the socket goes; a
        // DISCONNECT still due is the one below.
        if (was_connected) m_state = LinkState::disconnecting;
    } else {
        // The loop ends now, without the normal DISCONNECT that finish() would send.
        close();
        finish({ExitStatus::connection_lost, "Error: The broker sent a malformed packet."});
    }
    if (was_connected) {
        turn_cork::end();
        mosquitto_disconnect_v5(m_mosq, MQTT_RC_MALFORMED_PACKET, nullptr);
    }
}

bool BrokerLink::buffered_input(const Client& client) const
{
    // After a malformed packet nothing is read again: what is buffered is no reason to wake.
    return !m_malformed && m_reads.buffered() && mosquitto_socket(m_mosq) == m_cork_fd && m_cork_fd >= 0 &&
        client.takes_messages();
}

void BrokerLink::take_signal(Client& client)
{
    signalfd_siginfo info{};
    if (::read(m_signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        client.on_signal(*this, static_cast<int>(info.ssi_signo));
    }
}

bool BrokerLink::pause(Client& client, Clock::time_point until)
{
    for (;;) {
        client.flush();
        client.on_tick(*this);  // -W
        if (m_outcome) return false;
        const auto now = Clock::now();
        if (now >= until) return true;
        auto next = until;
        if (auto wake = client.wake_at()) next = std::min(next, std::max(*wake, now));
        pollfd fd{m_signal_fd, POLLIN, 0};
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
        if (::poll(&fd, 1, static_cast<int>(ms)) > 0 && (fd.revents & POLLIN)) take_signal(client);
        if (m_outcome) return false;
    }
}

void BrokerLink::reset_connection_state()
{
    m_reconnect_pending = false;
    m_state = LinkState::connecting;
    m_disconnect_due = false;
}

bool BrokerLink::wait_for_broker(Client& client, const Outcome& failed)
{
    if (!m_wait_until || failed.status == ExitStatus::success || !worth_retrying(failed)) return false;
    const auto now = Clock::now();
    if (now >= *m_wait_until) return false;
    const bool go_on = pause(client, std::min(now + m_wait_delay, *m_wait_until));
    m_wait_delay = std::min(m_wait_delay * 2, k_last_wait_delay);
    return go_on;
}

Outcome BrokerLink::connect_first(Client& client)
{
    for (;;) {
        Outcome outcome = connect(client);
        if (!wait_for_broker(client, outcome)) return m_outcome.value_or(std::move(outcome));
    }
}

bool BrokerLink::reconnect(Client& client)
{
    reset_connection_state();
    Outcome failed;
    for (;;) {
        const auto now = Clock::now();
        if (now >= *m_reconnect_give_up) break;
        if (!pause(client, std::min(now + m_reconnect_delay, *m_reconnect_give_up))) return false;
        m_reconnect_delay = std::min(m_reconnect_delay * 2, k_last_reconnect_delay);
        failed = connect(client);
        if (failed.status == ExitStatus::success) return true;
        // A refusal that will not change by trying again ends the job; a set-up step
        // nobody answered (a broker still starting) is tried again, as a missing CONNACK is.
        if (!worth_retrying(failed)) {
            m_outcome = std::move(failed);
            return false;
        }
    }
    std::string why = failed.text.rfind("Error: ", 0) == 0 ? failed.text.substr(7) : failed.text;
    if (why.ends_with('.')) why.pop_back();  // it goes in parentheses before the line's own period
    m_outcome = Outcome{ExitStatus::connection_lost,
                        fmt::format("{} No new connection within {} seconds{}", m_lost_text, m_options.reconnect_timeout,
                                    why.empty() ? "." : fmt::format(" ({}).", why))};
    return false;
}

Outcome BrokerLink::run(Client& client)
{
    m_client = &client;
    if (m_options.wait_for_broker > 0) m_wait_until = Clock::now() + std::chrono::seconds(m_options.wait_for_broker);
    if (Outcome failed = connect_first(client); failed.status != 0) return naming_endpoint(std::move(failed));
    // Only now: until the TCP connect returns, Ctrl-C must still stop the program at once.
    m_signal_fd = make_signal_fd();

    for (;;) {
        run_connection(client);
        // --wait-for-broker: a first connection that ended before any CONNACK (a port
        // forwarder that accepts and closes while its broker starts, no CONNACK in time).
        if (m_wait_until && m_outcome && worth_retrying(*m_outcome)) {
            const Outcome failed = *m_outcome;
            m_outcome.reset();
            reset_connection_state();
            if (wait_for_broker(client, failed)) {
                Outcome again = connect_first(client);
                if (again.status == ExitStatus::success) continue;
                if (!m_outcome) m_outcome = std::move(again);
            }
            if (!m_outcome) m_outcome = failed;
            break;
        }
        if (!m_reconnect_pending || m_outcome || !reconnect(client)) break;
    }
    // Only a failed handshake closes the socket without a disconnect callback.
    if (!m_outcome) m_outcome = tls_failure(false, true);
    Outcome outcome =
        naming_endpoint(m_outcome.value_or(Outcome{ExitStatus::connection_lost, "Error: The connection was lost."}));
    // What was received before the end is written now; if it cannot be, the job failed.
    if (auto failed = client.flush(); failed && outcome.status == ExitStatus::success) outcome = *failed;
    m_client = nullptr;
    return outcome;
}

void BrokerLink::run_connection(Client& client)
{
    while (!closed()) {
        try {
            if (m_disconnect_due) send_disconnect();
            if (!answered() && m_connect_deadline && Clock::now() >= *m_connect_deadline) {
                if (m_reconnect_give_up && !m_outcome) {
                    // A reconnect the broker does not answer (still starting up): try again;
                    // the next connect closes this socket.
                    m_reconnect_pending = true;
                    break;
                }
                finish({ExitStatus::no_connack,
                        fmt::format("Error: The broker did not answer CONNECT within {} seconds.", m_options.connect_timeout)});
                break;
            }
            client.on_tick(*this);
            if (m_state == LinkState::connected && !m_outcome) client.pump(*this);
            if (closed()) break;
            if (m_outcome && Clock::now() >= m_finish_deadline) break;  // DISCONNECT never got out
            if (mosquitto_socket(m_mosq) < 0) {
                close();
                break;
            }
            step(client);
        } catch (const Failure& failure) {
            finish({failure.status(), failure.what()});
        }
    }
    // libmosquitto's last bytes (its DISCONNECT) are still in the bridge.
    if (m_bridge) m_bridge->drain(Clock::now() + std::chrono::seconds(2));
}

void BrokerLink::on_connect_cb(mosquitto*, void* userdata, int rc, int flags, const mosquitto_property* properties)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (self.closed()) {
        // A CONNACK read in the same turn as the job ended (-W, a signal): the link stays
        // closed, and knows it was answered.
        self.m_state = LinkState::closed_answered;
    } else {
        self.m_state = rc == 0 ? LinkState::connected : LinkState::refused;
    }
    self.m_wait_until.reset();  // the broker is up: --wait-for-broker is over
    self.m_connack_flags = flags;
    if (rc != 0) {
        if (self.m_client && !self.m_outcome) self.m_client->on_refused(self, rc, properties);
        self.finish({connack_status(rc), connack_error_text(rc, self.m_options.protocol)});
        return;
    }
    // The reconnect window stays open until this connection proves stable (see on_disconnect).
    if (self.m_reconnect_give_up) self.m_reconnected_at = Clock::now();
    std::uint16_t receive_maximum = 0;
    if (properties && mosquitto_property_read_int16(properties, MQTT_PROP_RECEIVE_MAXIMUM, &receive_maximum, false)) {
        self.m_receive_maximum = receive_maximum;
    }
    if (self.m_client && !self.m_outcome) self.m_client->on_connected(self, properties);
}

void BrokerLink::on_disconnect_cb(mosquitto*, void* userdata, int rc, const mosquitto_property* properties)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    const bool was_connected = self.connected();
    self.close();
    if (self.m_outcome) return;
    if (self.m_bridge && self.m_bridge->failure()) {
        const Failure& failure = *self.m_bridge->failure();
        self.m_outcome = Outcome{failure.status(), failure.what()};
        return;
    }
    const bool was_answered = self.answered();
    // After the TCP connect all I/O is TLS when it is on: an errno error is OpenSSL's.
    if (auto failed = self.tls_failure(false, rc == MOSQ_ERR_ERRNO)) {
        // e.g. a TLS 1.3 broker's alert about our certificate, read after the handshake
        self.m_outcome = std::move(failed);
        return;
    }
    ClosedConnection ended{rc, self.m_options.protocol, was_answered, self.m_options.keepalive, {}, self.m_options.client_id()};
    // 2.0.11 frees the DISCONNECT's properties first, later versions pass its reason string.
    char* text = nullptr;
    if (properties && mosquitto_property_read_string(properties, MQTT_PROP_REASON_STRING, &text, false)) {
        ended.reason_string = text;
        free(text);
    }
    if (auto status = closed_connection_status(ended)) {
        self.m_outcome = Outcome{status->status, std::move(status->text)};
    } else {
        // A TLS listener resets a plain CONNECT (mosquitto) or sends a TLS alert.
        const bool tls_reply = self.m_first_reply == FirstReply::tls || self.m_first_reply == FirstReply::reset;
        const std::optional<int> tls_port = tls_reply ? std::optional<int>(self.broker_port()) : std::nullopt;
        self.lost(was_connected, lost_connection_text(rc, was_answered, tls_port));
    }
}

void BrokerLink::lost(bool was_connected, std::string text)
{
    // A connection that worked once is made again (a broker restart, a network blip); so
    // is one that fails while doing that. Never the first one: a script must learn at once
    // that its broker is not there. A reconnect lost again at once did not end the outage:
    // its window goes on, so a broker that accepts and drops every connection cannot keep
    // us forever.
    const bool unstable = m_reconnected_at && Clock::now() - *m_reconnected_at < k_takeover_window;
    const bool reconnecting = m_reconnect_give_up.has_value() && (!was_connected || unstable);
    // mosquitto 2.0 closes a connection whose client id another client takes without a
    // DISCONNECT: a reconnect closed again at once means the other one took it back.
    // Ending here leaves the session to the other client instead of a fight for it.
    const std::string id = m_options.client_id();
    if (was_connected && unstable && !id.empty()) {
        m_outcome = Outcome{ExitStatus::taken_over,
                            fmt::format("Error: Session taken over: another client connected with the client id '{}' "
                                        "(the broker closed the connection again at once).",
                                        id)};
        return;
    }
    if (!(was_connected || reconnecting) || !m_client || !m_client->reconnects() || m_options.reconnect_timeout <= 0) {
        // Closed before any CONNACK: what a port forwarder does while its broker starts.
        m_outcome = Outcome{ExitStatus::connection_lost, std::move(text), !was_connected && !answered()};
        return;
    }
    if (!reconnecting) {
        m_lost_text = std::move(text);
        m_reconnect_give_up = Clock::now() + std::chrono::seconds(m_options.reconnect_timeout);
        m_reconnected_at.reset();
        m_reconnect_delay = k_first_reconnect_delay;
    }
    if (was_connected) m_client->on_connection_lost(*this);
    m_reconnect_pending = true;
}

void BrokerLink::on_publish_cb(mosquitto*, void* userdata, int mid, int reason, const mosquitto_property* properties)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (self.m_client) self.m_client->on_publish(self, mid, reason, properties);
}

void BrokerLink::on_message_cb(mosquitto*, void* userdata, const mosquitto_message* message, const mosquitto_property* properties)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (self.m_client && message && !self.m_outcome) self.m_client->on_message(self, *message, properties);
}

void BrokerLink::on_subscribe_cb(mosquitto*, void* userdata, int mid, int count, const int* granted, const mosquitto_property*)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (self.m_client && !self.m_outcome) {
        self.m_client->on_subscribe(self, mid, std::span<const int>(granted, static_cast<std::size_t>(std::max(count, 0))));
    }
}

void BrokerLink::on_unsubscribe_cb(mosquitto*, void* userdata, int mid, const mosquitto_property*)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (self.m_client && !self.m_outcome) self.m_client->on_unsubscribe(self, mid);
}

void BrokerLink::on_log_cb(mosquitto*, void* userdata, int level, const char* text)
{
    BrokerLink& self = link_of(userdata);
    const InCallback in_callback(self);
    if (level == MOSQ_LOG_ERR) self.m_tls->note_error_log(text);
    if (!self.m_options.debug) return;
    // Keep debug lines in order with the messages printed before them.
    if (self.m_client) self.m_client->flush();
    std::string line = text ? text : "";
    line += '\n';
    if (::write(STDOUT_FILENO, line.data(), line.size()) < 0) {
        // Debug output is best effort.
    }
}

}  // namespace mqtt
