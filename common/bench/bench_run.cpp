#include "bench_run.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <ctime>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <mosquitto.h>
#include <poll.h>
#include <mqtt_protocol.h>
#include <queue>
#include <random>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "bridge.h"
#include "client_setup.h"
#include "error.h"
#include "exit_status.h"
#include "private_socket.h"
#include "property_list.h"
#include "read_guard.h"
#include "tls.h"

namespace mqtt {

namespace {

/// One descriptor per client, its socket (new_client spares libmosquitto's socketpair).
constexpr std::uint64_t k_descriptors_per_client = 1;
/// Descriptors besides the clients': stdio, epoll, signalfd, TLS files, the loader's.
constexpr std::uint64_t k_descriptors_spare = 32;
/// Packets read from one socket per turn, so that one busy client cannot starve the rest.
constexpr int k_reads_per_turn = 64;
/// pubsub's subscribers take what all publishers send: each reads as many packets a turn as
/// its share of the publishers would send in one (k_reads_per_turn each), up to this.
constexpr int k_max_subscriber_reads_per_turn = 4096;
/// Messages one publisher sends per turn at most (a backlog catches up over a few turns).
constexpr int k_sends_per_turn = 64;

std::uint64_t realtime_ns()
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1000000000u + static_cast<std::uint64_t>(now.tv_nsec);
}

/// The reason in an error line, for the report's counts: "Error: SOCKS5 proxy: the proxy
/// failed." -> "SOCKS5 proxy: the proxy failed".
std::string reason_of(std::string text)
{
    if (text.starts_with("Error: ")) text.erase(0, 7);
    if (text.ends_with('.')) text.pop_back();
    return text;
}

double seconds_between(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

/// Raises the soft descriptor limit to the hard one; fails when that is too few for `clients`.
void raise_descriptor_limit(std::uint64_t clients)
{
    const std::uint64_t needed = clients * k_descriptors_per_client + k_descriptors_spare;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    if (limit.rlim_cur < limit.rlim_max && limit.rlim_cur < needed) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
        throw UsageError(fmt::format("Error: {} clients need about {} file descriptors (one each), but the hard limit "
                                     "(ulimit -Hn) is {}.",
                                     clients, needed, limit.rlim_cur));
    }
}

/// idle: not tried yet; waiting: failed (or lost), to be tried again (--connect-retries,
/// --reconnect-attempts); failed: given up.
enum class State { idle, waiting, connecting, connected, failed, lost, closed };

class Run;

struct BenchClient {
    Run* run = nullptr;
    std::uint32_t index = 0;      ///< in the run's list of clients, the epoll key
    std::uint32_t number = 0;     ///< publishers 0..c-1 (their %i and stream), subscribers after them
    bool publisher = false;
    bool subscriber = false;      ///< neither: conn's clients, which only stay connected
    mosquitto* mosq = nullptr;
    std::unique_ptr<Tls> tls;
    State state = State::idle;
    bool subscribed = false;      ///< subscribers: SUBACK in
    Clock::time_point connect_deadline{};
    Clock::time_point connect_intended{};  ///< of the attempt under way, for the connect latency
    int attempts = 0;             ///< connect attempts made (since the loss, when reconnecting)
    bool reconnecting = false;    ///< lost during the run, connecting again (--reconnect-attempts)
    int fd = -1;
    bool watching_write = false;  ///< EPOLLOUT is in the interest set
    // Publishers
    std::string topic;
    std::uint64_t seq = 0;        ///< the next sequence number to send
    bool blocked = false;         ///< waiting for the window or the socket; not in the schedule
    std::unordered_map<int, std::uint64_t> inflight;  ///< mid -> intended send time (QoS 1/2)
    // Subscribers
    StreamTracker tracker;
    std::uint64_t received = 0;
    // --ws, --proxy http://: the bridge between libmosquitto's unix socket and the broker.
    std::unique_ptr<Bridge> bridge;
    std::array<pollfd, 2> bridge_watched{{{-1, 0, 0}, {-1, 0, 0}}};  ///< the bridge's fds in the epoll set

    ~BenchClient()
    {
        if (mosq) mosquitto_destroy(mosq);  // before the TLS context it may use
        bridge.reset();
        tls.reset();
    }
};

class Run {
public:
    Run(const Options& options, const std::function<void(const BenchTick&)>& tick);
    ~Run();
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    BenchResult execute();

    // libmosquitto callbacks (userdata: the BenchClient)
    static void on_connect(mosquitto*, void* userdata, int rc, int flags, const mosquitto_property*);
    static void on_disconnect(mosquitto*, void* userdata, int rc, const mosquitto_property*);
    static void on_publish(mosquitto*, void* userdata, int mid, int reason, const mosquitto_property*);
    static void on_message(mosquitto*, void* userdata, const mosquitto_message* message, const mosquitto_property*);
    static void on_subscribe(mosquitto*, void* userdata, int mid, int count, const int* granted, const mosquitto_property*);

private:
    enum class Phase { connecting, sending, draining, done };

    void create_client(std::uint32_t number, bool publisher, bool subscriber);
    /// Starts the connections due; true when more are due at once (the next turn must not wait).
    bool start_connects(Clock::time_point now);
    void start_connect(BenchClient& client, Clock::time_point intended);
    void connect_failed(BenchClient& client, int status, const std::string& reason);
    void check_connect_deadlines(Clock::time_point now);
    /// A connection that was up is gone: counted, and with --reconnect-attempts made again.
    void connection_lost(BenchClient& client, bool by_broker);
    void reconnect_given_up(BenchClient& client, const std::string& reason);
    void watch(BenchClient& client);
    void unwatch(BenchClient& client);
    void handle_events(int timeout_ms);
    void connect_bridged(BenchClient& client, const mosquitto_property* properties);
    void pump_bridge(BenchClient& client, int fd, std::uint32_t events);
    void watch_bridge(BenchClient& client);
    void drop_bridge(BenchClient& client);
    void read_client(BenchClient& client);
    void write_client(BenchClient& client);
    void publish_due(BenchClient& client, Clock::time_point now);
    void schedule(BenchClient& client, Clock::time_point at);
    Clock::time_point intended(const BenchClient& client, std::uint64_t seq) const;
    std::uint64_t due_count(const BenchClient& client, Clock::time_point now) const;
    bool connecting_done() const;
    bool sending_done(Clock::time_point now) const;
    bool drained() const;
    bool any_alive() const;
    void start_sending(Clock::time_point now);
    void second_tick(Clock::time_point now);
    bool conn() const { return m_options.bench.mode == BenchMode::conn; }
    int timeout_ms(Clock::time_point now) const;
    void close_all();
    void take_signal();

    const Options& m_options;
    const std::function<void(const BenchTick&)>& m_tick;
    std::vector<std::unique_ptr<BenchClient>> m_clients;
    std::uint32_t m_publishers = 0;
    std::uint32_t m_run_id = 0;
    int m_epoll = -1;
    bool m_bridged = false;  ///< every client goes through a Bridge (--ws, --proxy http://)
    int m_signal_fd = -1;
    sigset_t m_old_mask{};
    Phase m_phase = Phase::connecting;
    bool m_interrupted = false;
    std::size_t m_next_connect = 0;
    std::uint64_t m_attempts = 0;       ///< connect calls made, retries included (the pace counts them)
    std::deque<std::pair<Clock::time_point, std::uint32_t>> m_retries;  ///< (when, client index)
    std::uint64_t m_reconnecting = 0;   ///< lost clients connecting again
    Clock::time_point m_connect_start{};
    Clock::time_point m_start{};        ///< of the schedule
    std::uint64_t m_start_ns = 0;       ///< the same instant in CLOCK_REALTIME
    Clock::time_point m_send_end{};     ///< when sending stopped
    Clock::time_point m_drain_deadline{};
    Clock::time_point m_next_tick{};
    std::priority_queue<std::pair<Clock::time_point, std::uint32_t>, std::vector<std::pair<Clock::time_point, std::uint32_t>>,
                        std::greater<>>
        m_schedule;  ///< (next intended send time, client index) of publishers that may send
    std::string m_payload;
    PropertyList m_publish_properties;
    std::string m_filter;  ///< what subscribers subscribe to: -t with %i as +
    std::unique_ptr<StreamsSent> m_expected;
    BenchResult m_result;
    std::optional<Outcome> m_first_failure;
    // For the line of each second.
    std::uint64_t m_tick_sent = 0, m_tick_acked = 0, m_tick_received = 0;
    std::uint64_t m_tick_connects = 0, m_tick_connect_failed = 0;
    Histogram m_tick_latency;
    std::uint64_t m_received = 0;
    int m_subscriber_reads = k_reads_per_turn;  ///< packets a subscriber reads per turn
};

Run::Run(const Options& options, const std::function<void(const BenchTick&)>& tick) : m_options(options), m_tick(tick)
{
    static const int init = mosquitto_lib_init();
    (void)init;
    std::signal(SIGPIPE, SIG_IGN);
    const auto& bench = options.bench;
    const auto clients = static_cast<std::uint32_t>(bench.clients);
    const std::uint32_t subscribers = bench.mode == BenchMode::sub      ? clients
                                      : bench.mode == BenchMode::pubsub ? static_cast<std::uint32_t>(bench.subscribers)
                                                                        : 0;
    m_publishers = bench.mode == BenchMode::pub || bench.mode == BenchMode::pubsub ? clients : 0;
    const std::uint32_t idle = bench.mode == BenchMode::conn ? clients : 0;
    raise_descriptor_limit(std::uint64_t{m_publishers} + subscribers + idle);
    if (subscribers > 0 && m_publishers > subscribers) {
        const std::uint64_t share = std::uint64_t{k_reads_per_turn} * (m_publishers / subscribers);
        m_subscriber_reads = static_cast<int>(std::min<std::uint64_t>(share, k_max_subscriber_reads_per_turn));
    }

    std::random_device random;
    m_run_id = random();
    m_result.run = m_run_id;
    m_payload.assign(bench.size, 'x');
    m_publish_properties = PropertyList(options.properties.publish);
    m_bridged = needs_bridge(options);
    std::string filter = options.topics.front();
    for (auto at = filter.find("%i"); at != std::string::npos; at = filter.find("%i", at + 1)) filter.replace(at, 2, "+");
    m_filter = filter;

    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    if (m_epoll < 0) throw Failure(ExitStatus::usage, fmt::format("Error: epoll: {}", std::strerror(errno)));
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, &m_old_mask);
    m_signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (m_signal_fd >= 0) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = UINT32_MAX;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_signal_fd, &event);
    }

    // Subscribers first: they connect and subscribe before anything is published.
    for (std::uint32_t i = 0; i < subscribers; ++i) create_client(m_publishers + i, false, true);
    for (std::uint32_t i = 0; i < m_publishers; ++i) create_client(i, true, false);
    for (std::uint32_t i = 0; i < idle; ++i) create_client(i, false, false);
}

Run::~Run()
{
    m_clients.clear();
    if (m_signal_fd >= 0) ::close(m_signal_fd);
    if (m_epoll >= 0) ::close(m_epoll);
    sigprocmask(SIG_SETMASK, &m_old_mask, nullptr);
}

void Run::create_client(std::uint32_t number, bool publisher, bool subscriber)
{
    auto client = std::make_unique<BenchClient>();
    client->run = this;
    client->index = static_cast<std::uint32_t>(m_clients.size());
    client->number = number;
    client->publisher = publisher;
    client->subscriber = subscriber;
    const std::string prefix = m_options.id_prefix.empty() ? fmt::format("mqtt-bench-{}-", ::getpid()) : m_options.id_prefix;
    const std::string id = prefix + std::to_string(number);
    client->mosq = new_client(id, true, client.get());
    mosquitto* mosq = client->mosq;
    apply_client_options(mosq, m_options);
    mosquitto_connect_v5_callback_set(mosq, on_connect);
    mosquitto_disconnect_v5_callback_set(mosq, on_disconnect);
    mosquitto_publish_v5_callback_set(mosq, on_publish);
    mosquitto_message_v5_callback_set(mosq, on_message);
    mosquitto_subscribe_v5_callback_set(mosq, on_subscribe);
    // With the bridge, TLS is the bridge's: libmosquitto's side is a plain unix socket.
    if (!m_bridged) client->tls = std::make_unique<Tls>(mosq, m_options);
    if (publisher) {
        client->topic = m_options.topics.front();
        const std::string n = std::to_string(number);
        for (auto at = client->topic.find("%i"); at != std::string::npos; at = client->topic.find("%i", at + n.size())) {
            client->topic.replace(at, 2, n);
        }
    }
    m_clients.push_back(std::move(client));
}

bool Run::start_connects(Clock::time_point now)
{
    // --connect-rate paces every attempt, retries included: attempt k may start at k/rate s.
    const double rate = m_options.bench.connect_rate;
    const auto slot = [&](std::uint64_t k) {
        return m_connect_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(static_cast<double>(k) / rate));
    };
    // A batch a turn, so that CONNACKs are read between the (blocking) connect calls.
    constexpr int k_connects_per_turn = 64;
    for (int started = 0; started < k_connects_per_turn && (rate <= 0.0 || slot(m_attempts) <= now); ++started) {
        const auto intended = rate > 0.0 ? slot(m_attempts) : now;
        if (!m_retries.empty() && m_retries.front().first <= now) {
            const auto [when, index] = m_retries.front();
            m_retries.pop_front();
            ++m_attempts;
            start_connect(*m_clients[index], std::max(when, intended));
        } else if (m_next_connect < m_clients.size()) {
            ++m_attempts;
            start_connect(*m_clients[m_next_connect++], intended);
        } else {
            return false;
        }
    }
    const bool waiting = m_next_connect < m_clients.size() || (!m_retries.empty() && m_retries.front().first <= now);
    return waiting && (rate <= 0.0 || slot(m_attempts) <= now);
}

void Run::start_connect(BenchClient& client, Clock::time_point intended)
{
    ++client.attempts;
    client.connect_intended = intended;
    PropertyList properties(m_options.properties.connect);
    if (m_options.protocol == k_mqtt5 && m_options.session_expiry && *m_options.session_expiry > 0) {
        Property expiry;
        expiry.identifier = MQTT_PROP_SESSION_EXPIRY_INTERVAL;
        expiry.type = PropertyType::int32;
        expiry.number = *m_options.session_expiry;
        properties.add(expiry);
    }
    if (m_bridged) {
        connect_bridged(client, properties.get());
        return;
    }
    const char* bind = m_options.bind_address.empty() ? nullptr : m_options.bind_address.c_str();
    errno = 0;
    const int rc = mosquitto_connect_bind_v5(client.mosq, m_options.host.c_str(), m_options.effective_port(),
                                             m_options.keepalive, bind, properties.get());
    const int error = errno;
    if (rc != MOSQ_ERR_SUCCESS) {
        const auto refused = bench_connect_call_status(rc, error);
        connect_failed(client, refused.status, refused.text);
        return;
    }
    client.state = State::connecting;
    if (m_options.connect_timeout > 0) client.connect_deadline = Clock::now() + std::chrono::seconds(m_options.connect_timeout);
    watch(client);
}

void Run::connect_bridged(BenchClient& client, const mosquitto_property* properties)
{
    // The bridge's set-up (TCP, TLS, the proxy's CONNECT, the WebSocket upgrade) is done
    // here, one client at a time, bounded by --connect-timeout or the keep-alive.
    const int seconds = m_options.connect_timeout > 0 ? m_options.connect_timeout : m_options.keepalive;
    const SetupDeadline bound{Clock::now() + std::chrono::seconds(seconds), false, seconds};
    drop_bridge(client);
    try {
        client.bridge = std::make_unique<Bridge>(m_options, bound);
        const HeldSignals held;  // the socket's folder exists from listen() to accept()
        const int rc = mosquitto_connect_bind_v5(client.mosq, client.bridge->listen().c_str(), 0, m_options.keepalive,
                                                 nullptr, properties);
        if (rc != MOSQ_ERR_SUCCESS) {
            drop_bridge(client);
            const auto failed = bridge_connect_call_status(rc);
            connect_failed(client, failed.status, reason_of(failed.text));
            return;
        }
        client.bridge->accept(mosquitto_socket(client.mosq));
    } catch (const Failure& failure) {
        drop_bridge(client);
        connect_failed(client, failure.status(), reason_of(failure.what()));
        return;
    }
    client.state = State::connecting;
    client.connect_deadline = bound.at;
    watch(client);
    watch_bridge(client);
}

void Run::drop_bridge(BenchClient& client)
{
    // Closing its fds took them out of the epoll set; their numbers may be another's soon.
    client.bridge.reset();
    client.bridge_watched = {{{-1, 0, 0}, {-1, 0, 0}}};
}

void Run::watch_bridge(BenchClient& client)
{
    // Keeps the epoll set equal to what the bridge wants polled now: its fds come and go.
    std::array<pollfd, 2> wanted{{{-1, 0, 0}, {-1, 0, 0}}};
    if (client.bridge) client.bridge->poll_fds(wanted.data());
    for (std::size_t slot = 0; slot < 2; ++slot) {
        const pollfd& now = wanted[slot];
        pollfd& had = client.bridge_watched[slot];
        if (had.fd == now.fd && had.events == now.events) continue;
        if (had.fd >= 0 && had.fd != now.fd) {
            const bool elsewhere = wanted[1 - slot].fd == had.fd;
            if (!elsewhere) epoll_ctl(m_epoll, EPOLL_CTL_DEL, had.fd, nullptr);
        }
        if (now.fd >= 0) {
            epoll_event event{};
            event.events = ((now.events & POLLIN) ? EPOLLIN : 0u) | ((now.events & POLLOUT) ? EPOLLOUT : 0u);
            event.data.u64 = client.index | (std::uint64_t{slot + 1} << 32);
            if (epoll_ctl(m_epoll, EPOLL_CTL_MOD, now.fd, &event) != 0) epoll_ctl(m_epoll, EPOLL_CTL_ADD, now.fd, &event);
        }
        had = now;
    }
}

void Run::pump_bridge(BenchClient& client, int fd, std::uint32_t events)
{
    if (!client.bridge) return;
    std::array<pollfd, 2> fds{{{-1, 0, 0}, {-1, 0, 0}}};
    const std::size_t count = client.bridge->poll_fds(fds.data());
    for (std::size_t i = 0; i < count; ++i) {
        if (fds[i].fd != fd) continue;
        fds[i].revents = static_cast<short>(((events & EPOLLIN) ? POLLIN : 0) | ((events & EPOLLOUT) ? POLLOUT : 0) |
                                            ((events & EPOLLHUP) ? POLLHUP : 0) | ((events & EPOLLERR) ? POLLERR : 0));
    }
    client.bridge->handle(fds.data(), count);
    watch_bridge(client);
}

void Run::connect_failed(BenchClient& client, int status, const std::string& reason)
{
    unwatch(client);
    const int retries = client.reconnecting ? m_options.bench.reconnect_attempts - 1 : m_options.bench.connect_retries;
    const bool retry = client.attempts <= retries && !m_interrupted;
    // The state first: libmosquitto may call on_disconnect inside mosquitto_disconnect,
    // which must not count this client a second time.
    client.state = retry ? State::waiting : State::failed;
    if (client.mosq && mosquitto_socket(client.mosq) >= 0) mosquitto_disconnect(client.mosq);
    if (retry) {
        // Tried again a second later (start_connect's call closes what is left of this one).
        if (!client.reconnecting) ++m_result.connect_retried;
        m_retries.emplace_back(Clock::now() + std::chrono::seconds(1), client.index);
        return;
    }
    ++m_tick_connect_failed;
    if (client.reconnecting) {
        reconnect_given_up(client, reason);
        return;
    }
    ++m_result.connect_failed[reason];
    if (!m_first_failure) {
        m_first_failure = Outcome{status, fmt::format("Error: client {} could not connect: {}.", client.number, reason)};
    }
}

void Run::check_connect_deadlines(Clock::time_point now)
{
    for (auto& c : m_clients) {
        if (c->state == State::connecting && c->connect_deadline != Clock::time_point{} && now >= c->connect_deadline) {
            connect_failed(*c, ExitStatus::no_connack, fmt::format("no CONNACK within {} s", m_options.connect_timeout));
        }
    }
}

void Run::connection_lost(BenchClient& client, bool by_broker)
{
    ++m_result.connections_lost;
    client.subscribed = false;
    client.blocked = false;
    // Its messages in flight stay there: libmosquitto sends them again after the next
    // CONNACK (their acknowledgement counts, its latency from their intended time), and
    // what is still unacknowledged at the end is counted so.
    if (m_options.bench.reconnect_attempts > 0 && !m_interrupted) {
        client.state = State::waiting;
        client.reconnecting = true;
        client.attempts = 0;
        ++m_reconnecting;
        m_retries.emplace_back(Clock::now() + std::chrono::seconds(1), client.index);
        return;
    }
    client.state = State::lost;
    if (by_broker && !m_first_failure) {
        m_first_failure = Outcome{ExitStatus::connection_lost, "Error: the broker closed connections during the run."};
    }
}

void Run::reconnect_given_up(BenchClient& client, const std::string& reason)
{
    client.state = State::failed;
    client.reconnecting = false;
    --m_reconnecting;
    ++m_result.reconnect_failed[reason];
    if (!m_first_failure) {
        m_first_failure = Outcome{ExitStatus::connection_lost,
                                  fmt::format("Error: client {} lost its connection and could not connect again: {}.", client.number, reason)};
    }
}

void Run::watch(BenchClient& client)
{
    const int fd = mosquitto_socket(client.mosq);
    if (fd < 0) return;
    epoll_event event{};
    const bool write = mosquitto_want_write(client.mosq);
    event.events = EPOLLIN | (write ? EPOLLOUT : 0u);
    event.data.u32 = client.index;
    const int op = client.fd == fd ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (op == EPOLL_CTL_MOD && write == client.watching_write) return;
    if (epoll_ctl(m_epoll, op, fd, &event) == 0) {
        client.fd = fd;
        client.watching_write = write;
    }
}

void Run::unwatch(BenchClient& client)
{
    if (client.fd >= 0) epoll_ctl(m_epoll, EPOLL_CTL_DEL, client.fd, nullptr);
    client.fd = -1;
    client.watching_write = false;
}

void Run::on_connect(mosquitto*, void* userdata, int rc, int, const mosquitto_property*)
{
    ReadGuardPause pause;
    auto& client = *static_cast<BenchClient*>(userdata);
    Run& run = *client.run;
    if (rc != 0) {
        run.connect_failed(client, connack_status(rc), connack_error_text(rc, run.m_options.protocol));
        return;
    }
    client.state = State::connected;
    ++run.m_tick_connects;
    if (client.subscriber) {
        mosquitto_subscribe_v5(client.mosq, nullptr, run.m_filter.c_str(), run.m_options.qos, 0, nullptr);
    }
    if (client.reconnecting) {
        // Back: a publisher catches up on its schedule (what fell due meanwhile leaves late,
        // its latency from its intended time).
        client.reconnecting = false;
        --run.m_reconnecting;
        ++run.m_result.reconnected;
        if (client.publisher && run.m_phase == Phase::sending) run.schedule(client, Clock::now());
        return;
    }
    ++run.m_result.connected;
    const auto now = Clock::now();
    const auto latency = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::max(now - client.connect_intended, Clock::duration{})).count());
    run.m_result.connect_latency.record(latency);
    if (run.conn()) run.m_tick_latency.record(latency);
}

void Run::on_disconnect(mosquitto*, void* userdata, int rc, const mosquitto_property*)
{
    ReadGuardPause pause;
    auto& client = *static_cast<BenchClient*>(userdata);
    Run& run = *client.run;
    client.fd = -1;  // libmosquitto closed it (which took it out of the epoll set)
    client.watching_write = false;
    if (client.state == State::connecting) {
        // A cause libmosquitto knows (a SOCKS5 refusal, a malformed packet) names the failure.
        const auto known = closed_connection_status({rc, run.m_options.protocol, false, run.m_options.keepalive, {}, {}});
        if (known) {
            run.connect_failed(client, known->status, reason_of(known->text));
        } else {
            run.connect_failed(client, ExitStatus::connection_lost, "connection closed before CONNACK");
        }
    } else if (client.state == State::connected) {
        run.connection_lost(client, rc != 0);
    }
}

void Run::on_publish(mosquitto*, void* userdata, int mid, int reason, const mosquitto_property*)
{
    ReadGuardPause pause;
    auto& client = *static_cast<BenchClient*>(userdata);
    Run& run = *client.run;
    const auto found = client.inflight.find(mid);
    if (found == client.inflight.end()) return;  // QoS 0: written, nothing to count
    const std::uint64_t intended = found->second;
    client.inflight.erase(found);
    if (reason >= 0x80) {
        ++run.m_result.refused[reason];
    } else {
        ++run.m_result.acked;
        ++run.m_tick_acked;
        const std::uint64_t now = realtime_ns();
        const std::uint64_t latency = now > intended ? now - intended : 0;
        run.m_result.ack_latency.record(latency);
        if (run.m_options.bench.mode == BenchMode::pub) run.m_tick_latency.record(latency);
    }
    if (client.blocked && run.m_phase == Phase::sending) {
        client.blocked = false;
        run.schedule(client, Clock::now());
    }
}

void Run::on_message(mosquitto*, void* userdata, const mosquitto_message* message, const mosquitto_property*)
{
    ReadGuardPause pause;
    auto& client = *static_cast<BenchClient*>(userdata);
    Run& run = *client.run;
    const std::string_view payload(static_cast<const char*>(message->payload), static_cast<std::size_t>(message->payloadlen));
    const auto header = read_header(payload);
    if (!header) {
        client.tracker.receive_foreign();
        return;
    }
    client.tracker.receive(*header);
    ++client.received;
    ++run.m_received;
    ++run.m_tick_received;
    const std::uint64_t now = realtime_ns();
    const std::uint64_t latency = now > header->intended_ns ? now - header->intended_ns : 0;
    run.m_result.receive_latency.record(latency);
    run.m_tick_latency.record(latency);
}

void Run::on_subscribe(mosquitto*, void* userdata, int, int count, const int* granted, const mosquitto_property*)
{
    ReadGuardPause pause;
    auto& client = *static_cast<BenchClient*>(userdata);
    Run& run = *client.run;
    if (count >= 1 && granted[0] >= 0x80) {
        ++run.m_result.connect_failed["subscription refused"];
        if (!run.m_first_failure) {
            run.m_first_failure = Outcome{ExitStatus::subscribe_refused,
                                          fmt::format("Error: the broker refused the subscription of client {}.", client.number)};
        }
    }
    client.subscribed = true;
}

Clock::time_point Run::intended(const BenchClient& client, std::uint64_t seq) const
{
    // Publishers start spread over one interval, not all at once.
    const double rate = m_options.rate;
    const double offset = (static_cast<double>(client.number) / std::max<std::uint32_t>(1, m_publishers)) / rate;
    const double at = offset + static_cast<double>(seq) / rate;
    return m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at));
}

std::uint64_t Run::due_count(const BenchClient& client, Clock::time_point now) const
{
    // The messages whose intended time has come, within -C and --duration.
    const double rate = m_options.rate;
    const double offset = (static_cast<double>(client.number) / std::max<std::uint32_t>(1, m_publishers)) / rate;
    double elapsed = seconds_between(m_start, now);
    if (m_options.bench.duration > 0.0) elapsed = std::min(elapsed, m_options.bench.duration - 1e-9);
    if (elapsed < offset) return 0;
    auto due = static_cast<std::uint64_t>(std::floor((elapsed - offset) * rate)) + 1;
    if (m_options.msg_count > 0) due = std::min<std::uint64_t>(due, static_cast<std::uint64_t>(m_options.msg_count));
    return due;
}

void Run::schedule(BenchClient& client, Clock::time_point at)
{
    m_schedule.emplace(at, client.index);
}

void Run::publish_due(BenchClient& client, Clock::time_point now)
{
    if (client.state != State::connected) return;
    const std::uint64_t due = due_count(client, now);
    const bool windowed = m_options.qos > 0;
    for (int sent = 0; client.seq < due && sent < k_sends_per_turn; ++sent) {
        if (windowed && client.inflight.size() >= static_cast<std::size_t>(m_options.max_inflight)) {
            client.blocked = true;
            return;
        }
        if (mosquitto_want_write(client.mosq)) {  // the socket is full: wait for it to drain
            client.blocked = true;
            watch(client);
            return;
        }
        const auto when = intended(client, client.seq);
        const std::uint64_t intended_ns = m_start_ns + static_cast<std::uint64_t>(
                                                           std::chrono::duration_cast<std::chrono::nanoseconds>(when - m_start).count());
        write_header(m_payload, {m_run_id, client.number, client.seq, intended_ns});
        int mid = 0;
        const int rc = mosquitto_publish_v5(client.mosq, &mid, client.topic.c_str(), static_cast<int>(m_payload.size()),
                                            m_payload.data(), m_options.qos, false, m_publish_properties.get());
        if (rc != MOSQ_ERR_SUCCESS) return;  // the connection is going; on_disconnect counts it
        ++client.seq;
        ++m_result.sent;
        ++m_tick_sent;
        if (windowed) client.inflight[mid] = intended_ns;
        if (client.state != State::connected) return;
    }
    watch(client);
    if (client.seq < due) {
        schedule(client, now);  // more due: next turn, after the others had theirs
    } else if (m_options.msg_count == 0 || client.seq < static_cast<std::uint64_t>(m_options.msg_count)) {
        const auto next = intended(client, client.seq);
        if (m_options.bench.duration <= 0.0 || seconds_between(m_start, next) < m_options.bench.duration) {
            schedule(client, next);
        }
    }
}

void Run::read_client(BenchClient& client)
{
    const int reads = client.subscriber ? m_subscriber_reads : k_reads_per_turn;
    for (int i = 0; i < reads && client.mosq && mosquitto_socket(client.mosq) >= 0; ++i) {
        errno = 0;
        const int rc = guarded_loop_read(client.mosq);
        if (rc == k_read_aborted) {
            // A packet libmosquitto cannot take: this client is done.
            if (client.state == State::connected) {
                connection_lost(client, false);
            } else if (client.state == State::connecting) {
                connect_failed(client, ExitStatus::connection_lost, "malformed packet from the broker");
            }
            unwatch(client);
            mosquitto_disconnect(client.mosq);
            return;
        }
        if (rc != MOSQ_ERR_SUCCESS || errno == EAGAIN || errno == EWOULDBLOCK) break;
    }
}

void Run::write_client(BenchClient& client)
{
    if (mosquitto_socket(client.mosq) >= 0 && mosquitto_want_write(client.mosq)) mosquitto_loop_write(client.mosq, 1);
    if (client.fd >= 0) watch(client);
    if (client.blocked && !mosquitto_want_write(client.mosq) && m_phase == Phase::sending) {
        client.blocked = false;
        schedule(client, Clock::now());
    }
}

void Run::take_signal()
{
    signalfd_siginfo info{};
    while (::read(m_signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) m_interrupted = true;
}

void Run::handle_events(int timeout_ms)
{
    // TLS inside a bridge may hold bytes that epoll cannot see: look again at once.
    bool busy = false;
    if (m_bridged) {
        for (const auto& c : m_clients) busy = busy || (c->bridge && c->bridge->busy());
    }
    epoll_event events[256];
    const int ready = epoll_wait(m_epoll, events, 256, busy ? 0 : timeout_ms);
    for (int i = 0; i < ready; ++i) {
        const std::uint64_t key = events[i].data.u64;
        if (key == UINT32_MAX) {
            take_signal();
            continue;
        }
        const auto id = static_cast<std::uint32_t>(key);
        if (id >= m_clients.size()) continue;
        BenchClient& client = *m_clients[id];
        if (const auto slot = key >> 32; slot > 0) {
            pump_bridge(client, client.bridge_watched[slot - 1].fd, events[i].events);
            continue;
        }
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_client(client);
        if (client.mosq && mosquitto_socket(client.mosq) >= 0) write_client(client);
    }
    if (busy) {
        for (auto& c : m_clients) {
            if (c->bridge && c->bridge->busy()) pump_bridge(*c, -1, 0);
        }
    }
}

bool Run::connecting_done() const
{
    return std::all_of(m_clients.begin(), m_clients.end(), [](const auto& c) {
        return c->state == State::failed || c->state == State::lost ||
               (c->state == State::connected && (!c->subscriber || c->subscribed));
    });
}

bool Run::any_alive() const
{
    return std::any_of(m_clients.begin(), m_clients.end(),
                       [](const auto& c) { return c->state == State::connected || c->reconnecting; });
}

bool Run::sending_done(Clock::time_point now) const
{
    if (m_interrupted || !any_alive()) return true;
    if (m_options.bench.duration > 0.0 && seconds_between(m_start, now) >= m_options.bench.duration) return true;
    if (m_options.msg_count > 0) {
        const auto count = static_cast<std::uint64_t>(m_options.msg_count);
        // pubsub's subscribers do not hold the end back: a message refused or lost would
        // keep them short for ever; the drain waits for what they still lack.
        const bool sub = m_options.bench.mode == BenchMode::sub;
        return std::all_of(m_clients.begin(), m_clients.end(), [&](const auto& c) {
            if (c->state != State::connected && !c->reconnecting) return true;
            if (c->publisher) return c->seq >= count;
            return !sub || c->received >= count;
        });
    }
    return false;
}

bool Run::drained() const
{
    if (m_reconnecting > 0) return false;  // its messages may still come
    for (const auto& c : m_clients) {
        if (c->state != State::connected) continue;
        if (c->publisher && (!c->inflight.empty() || mosquitto_want_write(c->mosq))) return false;
        if (c->subscriber && m_expected) {
            for (const auto& [key, sent] : *m_expected) {
                if (c->tracker.distinct(key.first, key.second) < sent) return false;
            }
        }
    }
    return true;
}

void Run::start_sending(Clock::time_point now)
{
    m_phase = Phase::sending;
    m_start = now;
    m_start_ns = realtime_ns();
    m_result.connect_seconds = seconds_between(m_connect_start, now);
    if (!conn()) m_next_tick = now + std::chrono::seconds(1);  // conn's seconds go on from the first connect
    for (std::size_t i = 0; i < m_clients.size(); ++i) {
        if (m_clients[i]->publisher && m_clients[i]->state == State::connected) {
            m_schedule.emplace(intended(*m_clients[i], 0), static_cast<std::uint32_t>(i));
        }
    }
}

void Run::second_tick(Clock::time_point now)
{
    BenchTick tick;
    tick.elapsed = seconds_between(conn() ? m_connect_start : m_start, now);
    tick.sent = m_tick_sent;
    tick.acked = m_tick_acked;
    tick.received = m_tick_received;
    tick.connects = m_tick_connects;
    tick.connect_failed = m_tick_connect_failed;
    tick.connected = static_cast<std::uint64_t>(
        std::count_if(m_clients.begin(), m_clients.end(), [](const auto& c) { return c->state == State::connected; }));
    tick.p99_ns = m_tick_latency.percentile(99.0);
    m_tick_sent = m_tick_acked = m_tick_received = m_tick_connects = m_tick_connect_failed = 0;
    m_tick_latency.reset();
    // While connecting only conn reports (the others' seconds count from their first send).
    if (m_tick && (m_phase != Phase::connecting || conn())) m_tick(tick);
    // Keep-alive for every connection, once a second.
    for (auto& c : m_clients) {
        if (c->state == State::connected || c->state == State::connecting) {
            mosquitto_loop_misc(c->mosq);
            if (c->mosq && mosquitto_socket(c->mosq) >= 0) write_client(*c);
        }
    }
    m_next_tick = now + std::chrono::seconds(1);
}

int Run::timeout_ms(Clock::time_point now) const
{
    Clock::time_point wake = std::min(now + std::chrono::milliseconds(100), m_next_tick);
    if (m_phase == Phase::sending && !m_schedule.empty()) wake = std::min(wake, m_schedule.top().first);
    if (!m_retries.empty()) wake = std::min(wake, m_retries.front().first);
    if (m_phase == Phase::sending && m_options.bench.duration > 0.0) {
        wake = std::min(wake, m_start + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(m_options.bench.duration)));
    }
    if (wake <= now) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wake - now).count());
}

void Run::close_all()
{
    for (auto& c : m_clients) {
        if (c->state == State::connected) {
            c->state = State::closed;  // first: libmosquitto may call on_disconnect inside the call
            mosquitto_disconnect_v5(c->mosq, 0, nullptr);
        }
    }
}

BenchResult Run::execute()
{
    // Connect: all at once, or --connect-rate per second.
    // Connect: all at once, or --connect-rate per second; a second a tick and the keep-alive.
    m_connect_start = Clock::now();
    m_next_tick = m_connect_start + std::chrono::seconds(1);
    while (m_phase == Phase::connecting) {
        const auto now = Clock::now();
        const bool more_now = start_connects(now);
        check_connect_deadlines(now);
        if (m_interrupted) break;
        if (m_next_connect == m_clients.size() && m_retries.empty() && connecting_done()) break;
        if (now >= m_next_tick) second_tick(now);
        handle_events(more_now ? 0
                               : std::min(timeout_ms(Clock::now()),
                                          m_options.bench.connect_rate > 0.0 || !m_retries.empty() ? 10 : 100));
    }
    const auto now = Clock::now();
    if (!any_alive() || m_interrupted) {
        m_result.outcome = m_interrupted ? Outcome{ExitStatus::interrupted, "Error: Interrupted before the run started."}
                                         : m_first_failure.value_or(Outcome{ExitStatus::unreachable, "Error: no client connected."});
        close_all();
        return std::move(m_result);
    }
    start_sending(now);

    // Send (sub: receive) until the end, then drain what is still on its way.
    while (m_phase != Phase::done) {
        auto now2 = Clock::now();
        if (m_reconnecting > 0) {
            start_connects(now2);
            check_connect_deadlines(now2);
        }
        if (m_phase == Phase::sending) {
            while (!m_schedule.empty() && m_schedule.top().first <= now2) {
                const auto index = m_schedule.top().second;
                m_schedule.pop();
                publish_due(*m_clients[index], now2);
            }
            if (sending_done(now2)) {
                m_phase = Phase::draining;
                m_send_end = now2;
                m_drain_deadline = now2 + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(m_options.bench.drain));
                if (m_options.bench.mode == BenchMode::pubsub) {
                    m_expected = std::make_unique<StreamsSent>();
                    for (const auto& c : m_clients) {
                        if (c->publisher) (*m_expected)[{m_run_id, c->number}] = c->seq;
                    }
                }
                // sub and conn end without draining: nothing of their own is on its way.
                if (m_options.bench.mode == BenchMode::sub || conn() || m_interrupted) m_phase = Phase::done;
            }
        }
        if (m_phase == Phase::draining && (drained() || !any_alive() || now2 >= m_drain_deadline || m_interrupted)) {
            m_phase = Phase::done;
        }
        if (m_phase == Phase::done) break;
        if (now2 >= m_next_tick) second_tick(now2);
        handle_events(timeout_ms(Clock::now()));
    }
    // Lost clients not back by the end.
    for (auto& c : m_clients) {
        if (!c->reconnecting) continue;
        if (c->state == State::connecting) {
            c->state = State::failed;  // first: on_disconnect must not count it again
            unwatch(*c);
            mosquitto_disconnect(c->mosq);
        }
        reconnect_given_up(*c, "the run ended first");
    }
    const auto end = m_send_end == Clock::time_point{} ? Clock::now() : m_send_end;
    m_result.seconds = seconds_between(m_start, end);
    if (m_options.bench.duration > 0.0) m_result.seconds = std::min(m_result.seconds, m_options.bench.duration);

    std::map<StreamKey, BenchStream> per_stream;
    for (const auto& c : m_clients) {
        if (c->publisher) {
            m_result.offered += std::max<std::uint64_t>(due_count(*c, end), c->seq);
            m_result.unacked += c->inflight.size();
        } else if (c->subscriber) {
            for (const auto& stream : c->tracker.streams(m_expected.get())) {
                BenchStream& total = per_stream[stream.key];
                total.key = stream.key;
                total.counts.add(stream.counts);
                m_result.streams.add(stream.counts);
            }
            m_result.streams.foreign += c->tracker.foreign();
        }
    }
    if (m_expected) {
        for (const auto& [key, sent] : *m_expected) {
            if (const auto found = per_stream.find(key); found != per_stream.end()) found->second.sent = sent;
        }
    }
    for (auto& [key, stream] : per_stream) m_result.per_stream.push_back(stream);
    close_all();
    // Let the DISCONNECTs leave (bounded: a second at most).
    const auto give_up = Clock::now() + std::chrono::seconds(1);
    while (Clock::now() < give_up) {
        bool pending = false;
        for (auto& c : m_clients) {
            if (c->state == State::closed && mosquitto_socket(c->mosq) >= 0 && mosquitto_want_write(c->mosq)) {
                mosquitto_loop_write(c->mosq, 1);
                pending = pending || mosquitto_want_write(c->mosq);
            }
        }
        if (!pending) break;
        handle_events(10);
    }
    // Through a bridge, the DISCONNECTs still have to reach the broker (and the WebSockets
    // be closed): a second at most for all of them.
    const auto bridges_until = Clock::now() + std::chrono::seconds(1);
    for (auto& c : m_clients) {
        if (c->bridge && c->state == State::closed) c->bridge->drain(bridges_until);
    }
    if (m_interrupted && (m_options.bench.duration > 0.0 || m_options.msg_count > 0)) {
        m_result.outcome = {ExitStatus::interrupted, "Error: Interrupted before the run was done."};
    } else if (m_first_failure) {
        m_result.outcome = *m_first_failure;
    }
    return std::move(m_result);
}

}  // namespace

BenchResult run_bench(const Options& options, const std::function<void(const BenchTick&)>& tick)
{
    Run run(options, tick);
    return run.execute();
}

}  // namespace mqtt
