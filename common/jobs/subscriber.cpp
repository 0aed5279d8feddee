#include "subscriber.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/ioctl.h>
#include <unistd.h>
#include <fmt/format.h>
#include <mqtt_protocol.h>

#include "decode_failure.h"
#include "diagnostics.h"
#include "exit_status.h"
#include "terminal_text.h"
#include "where_filter.h"

namespace mqtt {

namespace {

/// The formatter's options: with -w the watch puts each message on its line, so no newline.
Options formatter_options(const Options& options)
{
    Options copy = options;
    if (options.watch) copy.no_eol = true;
    return copy;
}

/// The tool's environment, for the --exec commands.
std::vector<std::string> own_environment()
{
    std::vector<std::string> out;
    for (char** entry = environ; entry && *entry; ++entry) out.emplace_back(*entry);
    return out;
}

}  // namespace

Subscriber::Subscriber(const Options& options, Sink& sink)
    : m_options(options),
      m_sink(sink),
      m_formatter(formatter_options(options)),
      m_filter(options),
      m_decoder(options.decode, options.proto_path),
      m_where(options.where.empty() ? nullptr : std::make_unique<WhereFilter>(options.where)),
      m_exec(options.exec.empty() ? nullptr
                                  : std::make_unique<ExecRunner>(options.exec, options.exec_jobs, own_environment())),
      m_ready_file(options.ready_file),
      m_random(std::random_device{}())
{
    // -W bounds the whole run, connecting included.
    m_stats.decoding = m_decoder.active();
    m_stats.filtering = m_where != nullptr;
    m_stats.executing = m_exec != nullptr;
    if (options.timeout > 0) m_deadline = Clock::now() + std::chrono::seconds(options.timeout);
    if (options.summary) {
        m_summary = std::make_unique<TopicSummary>(options.summary_topics, Clock::now());
        m_summary_live = ::isatty(sink.fd()) == 1;
        // On a terminal the table is redrawn twice a second unless the user says otherwise.
        const double every = options.summary_interval > 0.0 ? options.summary_interval : m_summary_live ? 0.5 : 0.0;
        m_summary_every = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(every));
        if (every > 0.0) m_summary_due = Clock::now() + m_summary_every;
        if (m_summary_live) {
            m_keys.open();
            m_sink.append("\x1b[2J");
            report_summary();
        }
    }
    if (options.watch) {
        m_watch.emplace();
        Watch::start(options.host, m_sink.buffer());
        m_sink.commit();
    }
}

void Subscriber::on_connected(Connection& connection, const mosquitto_property*)
{
    if (!m_options.topics.empty()) {
        int sub_options = 0;
        if (m_options.protocol == k_mqtt5) {
            // -R in MQTT 5 also asks the broker not to send retained messages at all.
            if (m_options.no_retained) sub_options |= MQTT_SUB_OPT_SEND_RETAIN_NEVER;
            if (m_options.retain_as_published) sub_options |= MQTT_SUB_OPT_RETAIN_AS_PUBLISHED;
        }
        const int rc = connection.subscribe(nullptr, m_options.topics, m_options.qos, sub_options,
                                            connection.properties(PropertyCommand::subscribe));
        if (rc != MOSQ_ERR_SUCCESS) {
            auto failed = subscribe_call_status(rc);
            connection.finish({failed.status, std::move(failed.text)});
            return;
        }
    }
    if (!m_options.unsubscribe.empty()) {
        connection.unsubscribe(nullptr, m_options.unsubscribe, connection.properties(PropertyCommand::unsubscribe));
    }
}

void Subscriber::on_subscribe(Connection& connection, int mid, std::span<const int> granted)
{
    if (m_options.debug && !m_options.quiet) {
        std::string line = fmt::format("Subscribed (mid: {}): ", mid);
        for (std::size_t i = 0; i < granted.size(); ++i) line += fmt::format("{}{}", i ? ", " : "", granted[i]);
        m_sink.append(line + "\n");
    }
    std::size_t refused = 0;
    std::string first;
    for (std::size_t i = 0; i < granted.size(); ++i) {
        if (granted[i] >= 0x80) {
            if (refused++ == 0 && i < m_options.topics.size()) {
                first = fmt::format("'{}' ({})", m_options.topics[i], mosquitto_reason_string(granted[i]));
            }
        }
    }
    if (refused == granted.size() && refused > 0) {
        connection.finish({ExitStatus::subscribe_refused, "All subscription requests were denied."});
    } else if (refused > 0) {
        connection.finish({ExitStatus::subscribe_refused,
                        fmt::format("Error: The broker refused {} of {} subscriptions, first {}.", refused,
                                    granted.size(), first)});
    } else if (!signal_ready(connection)) {
        return;
    } else if (m_options.exit_after_subscribe) {
        complete(connection, {ExitStatus::success, {}});
    } else {
        restart_idle_timer();
    }
}

bool Subscriber::signal_ready(Connection& connection)
{
    if (auto created = m_ready_file.create(); !created.ok()) {
        connection.finish({ExitStatus::usage, std::move(created.error())});
        return false;
    }
    return true;
}

void Subscriber::restart_idle_timer()
{
    if (m_options.idle_timeout > 0.0) {
        m_idle_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(m_options.idle_timeout));
    }
}

void Subscriber::on_unsubscribe(Connection& connection, int)
{
    // Only -U given (e.g. to end a durable session's subscription): the job is done.
    if (m_options.topics.empty()) complete(connection, {ExitStatus::success, {}});
}

void Subscriber::on_message(Connection& connection, const mosquitto_message& message, const mosquitto_property* properties)
{
    if (m_stopping) return;
    restart_idle_timer();
    if (m_options.retained_only && !message.retain) {
        complete(connection, {ExitStatus::success, {}});
        return;
    }
    if (m_options.no_retained && message.retain) return;
    const std::string_view topic = message.topic ? message.topic : "";
    const std::string_view payload(static_cast<const char*>(message.payload),
                                   message.payloadlen > 0 ? static_cast<std::size_t>(message.payloadlen) : 0);
    if (!m_filter.keeps(topic, payload)) return;
    Message view;
    view.topic = topic;
    view.payload = payload;
    view.qos = message.qos;
    view.retain = message.retain;
    view.mid = message.mid;
    view.properties = properties;
    // Only what is cleared is listed: live messages are neither printed nor counted.
    if (lists_removals() && (!message.retain || !message.topic)) return;
    // Cleared without --dry-run, a message is listed as received, not decoded; --summary
    // shows payloads as they came.
    const bool prints = (!lists_removals() || m_options.dry_run) && !m_summary;
    Decoded decoded;
    bool shown = true;
    if (m_decoder.active() && (prints || m_where)) {
        decoded = m_decoder.decode(view.topic, view.payload);
        view.decoded = &decoded;
        for (const std::string& line : decoded.warnings) connection.warn("Warning: " + line);
        if (decoded.kind == Decoded::Kind::failed && !judge_undecoded(connection, view, shown)) return;
    }
    if (m_where && !passes_where(connection, view)) return;
    if (lists_removals()) {
        if (m_options.dry_run) {
            if (shown && !print_message(connection, view)) return;
        } else if (const auto mid = remove_retained(connection, message.topic)) {
            std::string& record = m_cleared_records[*mid];
            view.decoded = nullptr;
            if (auto printed = m_formatter.render(view, record); !printed) connection.warn(printed.error());
        }
    } else if (m_exec) {
        // -C counts the messages handed to a command: one no rule matches is not.
        if (!shown || !chosen() || !m_exec->add(view)) return;
        report_failures(&connection);
        if (m_stopping) return;
    } else {
        if (m_options.remove_retained && message.retain && message.topic) remove_retained(connection, message.topic);
        // As upstream, a message the random filter skips still counts for -C.
        shown = shown && chosen();
        if (shown && m_summary) {
            m_summary->add(topic, payload, message.retain, Clock::now());
        } else if (shown && !print_message(connection, view)) {
            return;
        }
    }
    ++m_received;
    if (m_options.stats) {
        ++m_stats.received;
        m_stats.received_bytes += payload.size();
        if (const auto stamp = read_stamp(payload, properties)) {
            m_stats.latencies.add(static_cast<double>(unix_nanoseconds() - *stamp) / 1e6);
        }
    }
    if (m_options.msg_count > 0 && m_received >= m_options.msg_count) complete(connection, {ExitStatus::success, {}});
}

bool Subscriber::judge_undecoded(Connection& connection, const Message& view, bool& shown)
{
    ++m_stats.undecoded;
    // With --where a payload that does not decode has no JSON to judge: it never passes.
    const OnError action = m_where && m_options.decode_error == OnError::print ? OnError::skip : m_options.decode_error;
    DecodeFailure failure = judge_decode_failure(view.topic, *view.decoded, action);
    if (failure.stop) {
        complete(connection, std::move(*failure.stop));
        return false;
    }
    connection.warn(failure.warning);
    shown = failure.print;
    return !m_where;
}

bool Subscriber::passes_where(Connection& connection, const Message& view)
{
    const WhereFilter::Verdict verdict = m_where->judge(view);
    if (verdict == WhereFilter::Verdict::passes) return true;
    if (verdict == WhereFilter::Verdict::fails) return false;
    ++(verdict == WhereFilter::Verdict::not_json ? m_stats.not_json : m_stats.where_errors);
    DecodeFailure failure = judge_where_failure(where_failure_text(view.topic, verdict, m_where->reason()),
                                                m_options.decode_error, m_where_warned);
    if (failure.stop) {
        complete(connection, std::move(*failure.stop));
    } else if (!failure.warning.empty()) {
        connection.warn(failure.warning);
    }
    return false;
}

bool Subscriber::print_message(Connection& connection, Message& view)
{
    Status printed;
    if (m_watch) {
        m_rendered.clear();
        printed = m_formatter.render(view, m_rendered);
        m_watch->print(view.topic, m_rendered, m_sink.buffer());
    } else {
        printed = m_formatter.render(view, m_sink);
    }
    m_sink.commit();
    if (!printed) connection.warn(printed.error());
    return output_ok(connection);
}

std::optional<int> Subscriber::remove_retained(Connection& connection, const std::string& topic)
{
    // An empty retained message clears what the broker keeps for the topic.
    int mid = 0;
    const int rc = connection.publish(&mid, topic.c_str(), {}, 1, true, nullptr);
    if (rc == MOSQ_ERR_SUCCESS) {
        m_removals.insert(mid);
        return mid;
    }
    connection.warn(fmt::format("Warning: Unable to remove the retained message on '{}': {}.", escape_control(topic),
                                mosquitto_strerror(rc)));
    return std::nullopt;
}

void Subscriber::on_publish(Connection& connection, int mid, int reason, const mosquitto_property*)
{
    if (m_removals.erase(mid) == 0) return;
    auto record = m_cleared_records.extract(mid);
    if (reason >= 0x80) {
        connection.warn(fmt::format("Warning: The broker refused to remove a retained message: {}.", mosquitto_reason_string(reason)));
    } else if (!record.empty()) {
        // Listed only now that the broker has cleared it.
        m_sink.append(record.mapped());
        m_sink.commit();
        if (!output_ok(connection)) return;
    }
    if (m_removals.empty() && m_pending_outcome) connection.finish(std::move(*m_pending_outcome));
}

void Subscriber::complete(Connection& connection, Outcome outcome)
{
    m_stopping = true;
    if (m_removals.empty()) {
        connection.finish(std::move(outcome));
    } else if (!m_pending_outcome) {
        m_pending_outcome = std::move(outcome);  // -W still bounds the wait
    }
}

std::optional<Outcome> Subscriber::output_failure() const
{
    if (m_sink.error() == 0) return std::nullopt;
    return Outcome{ExitStatus::usage, fmt::format("Error: Unable to write to standard output: {}.", std::strerror(m_sink.error()))};
}

void Subscriber::end_for_output(Connection& connection)
{
    if (m_sink.closed()) {
        // The reader is gone (e.g. `| head -1`): nothing more can be delivered; end quietly.
        connection.finish({ExitStatus::success, {}});
    } else if (auto failed = output_failure()) {
        connection.finish(std::move(*failed));
    }
}

bool Subscriber::chosen()
{
    return m_options.random_filter >= 100.0 ||
           std::uniform_real_distribution<double>(0.0, 100.0)(m_random) < m_options.random_filter;
}

void Subscriber::on_job_fds(Connection& connection, const pollfd* fds, std::size_t count)
{
    m_exec->on_poll(fds, count);
    report_failures(&connection);
}

void Subscriber::report_failures(Connection* connection)
{
    for (const auto& failure : m_exec->take_failures()) {
        if (connection && m_options.decode_error == OnError::stop && !m_stopping) {
            complete(*connection, {ExitStatus::commands_failed, exec_failure_line(failure, "Error")});
        } else if (connection) {
            connection->warn(exec_failure_line(failure, "Warning"));
        } else if (!m_options.quiet) {
            print_line(exec_failure_line(failure, "Warning"));
        }
    }
}

Outcome Subscriber::finish_commands(Outcome outcome)
{
    if (!m_exec) return outcome;
    // -C, --idle-timeout and the like: the messages taken get their commands. Otherwise (a
    // signal, -W, a lost connection, --on-error stop) the running ones may finish a while.
    if (outcome.status == ExitStatus::timed_out) {
        m_exec->terminate_now();
    } else if (outcome.status != ExitStatus::success || m_signalled) {
        m_exec->wind_down(k_exec_grace);
    }
    const auto end = m_exec->drain(m_deadline);
    report_failures(nullptr);
    m_stats.commands = static_cast<std::uint64_t>(m_exec->finished());
    m_stats.commands_failed = static_cast<std::uint64_t>(m_exec->failed());
    if (outcome.status != ExitStatus::success) return outcome;
    if (end == ExecRunner::DrainEnd::timed_out) return {ExitStatus::timed_out, "Timed out"};
    if (m_exec->failed() > 0 && !m_options.exec_ignore_failures) {
        return {ExitStatus::commands_failed,
                fmt::format("Error: {} of {} commands failed.", m_exec->failed(), m_exec->finished())};
    }
    return outcome;
}

void Subscriber::on_tick(Connection& connection)
{
    if (m_exec) m_exec->on_tick();
    if (!output_ok(connection)) return;
    const auto now = Clock::now();
    if (m_summary_due && now >= *m_summary_due) {
        report_summary();
        // A loop that fell behind reports once, not once for each period missed.
        *m_summary_due += m_summary_every;
        if (*m_summary_due <= now) *m_summary_due = now + m_summary_every;
        if (!output_ok(connection)) return;
    }
    if (m_deadline && now >= *m_deadline) {
        connection.finish({ExitStatus::timed_out, "Timed out"});
    } else if (m_idle_end && now >= *m_idle_end && !m_stopping) {
        complete(connection, {ExitStatus::success, {}});
    }
}

std::optional<Clock::time_point> Subscriber::wake_at() const
{
    std::optional<Clock::time_point> at = m_deadline;
    for (const auto& other : {m_idle_end, m_exec ? m_exec->wake_at() : std::nullopt, m_summary_due}) {
        if (other && (!at || *other < *at)) at = other;
    }
    return at;
}

std::optional<Outcome> Subscriber::flush()
{
    m_sink.flush();
    return output_failure();
}

void Subscriber::report_summary()
{
    const auto now = Clock::now();
    if (m_summary_live) {
        winsize size{};
        const bool known = ::ioctl(m_sink.fd(), TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0;
        m_summary->append_table(m_sink.buffer(), now, known ? size.ws_col : 80, known ? size.ws_row : 24);
    } else {
        std::timespec wall{};
        std::timespec_get(&wall, TIME_UTC);
        m_summary->append_json(m_sink.buffer(), now, wall);
    }
    // Seen at once: the loop may sleep until the next report.
    m_sink.flush();
}

void Subscriber::on_input(Connection& connection)
{
    // q ends the job as a normal end does: status 0, the last table left on the screen.
    if (m_keys.quit_pressed() && !m_stopping) complete(connection, {ExitStatus::success, {}});
}

Outcome Subscriber::finish_summary(Outcome outcome)
{
    if (!m_summary) return outcome;
    if (!m_sink.closed() && m_sink.error() == 0) {
        report_summary();
        m_sink.flush();
    }
    m_keys.restore();
    if (outcome.status == ExitStatus::success) {
        if (auto failed = output_failure()) return *failed;
    }
    return outcome;
}

void Subscriber::on_signal(Connection& connection, int)
{
    // --exec: the commands running may finish (for a while), those waiting are dropped.
    m_signalled = true;
    if (m_exec) m_exec->wind_down(k_exec_grace);
    // Ctrl-C is how a person ends an open-ended subscription: success, as upstream.
    connection.finish({ExitStatus::success, {}});
}

}  // namespace mqtt
