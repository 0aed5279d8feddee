// mqtt-sub's job: subscribe to the filters (then create --ready-file), print each message
// that passes -R, -T, --grep, --where, --retained-only and --random-filter through the formatter,
// clear retained messages with --remove-retained (with --json or --dry-run: list what it
// clears or would clear), and end on -C, -E, -W, --idle-timeout, a signal or a closed
// stdout. With -w each topic's messages go to its own terminal line; with --summary they are
// counted per topic instead (topic_summary.h), shown as a live table on a terminal, else as
// JSON lines at the end and every --summary-interval.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <set>
#include <vector>

#include "connection.h"
#include "exec_runner.h"
#include "format.h"
#include "message_filter.h"
#include "options.h"
#include "payload_decoder.h"
#include "ready_file.h"
#include "sink.h"
#include "stats.h"
#include "terminal_keys.h"
#include "topic_summary.h"
#include "watch.h"
#include "where_filter.h"

namespace mqtt {

class Subscriber : public Client {
public:
    Subscriber(const Options& options, Sink& sink);

    void on_connected(Connection& connection, const mosquitto_property* properties) override;
    void on_message(Connection& connection, const mosquitto_message& message, const mosquitto_property* properties) override;
    void on_subscribe(Connection& connection, int mid, std::span<const int> granted) override;
    void on_unsubscribe(Connection& connection, int mid) override;
    void on_publish(Connection& connection, int mid, int reason, const mosquitto_property* properties) override;
    void on_tick(Connection& connection) override;
    std::optional<Clock::time_point> wake_at() const override;
    std::optional<Clock::time_point> deadline() const override { return m_deadline; }
    /// -C below 20: the broker need not push more unacknowledged messages than we will take.
    std::optional<int> receive_maximum() const override
    {
        if (m_options.msg_count > 0 && m_options.msg_count < 20) return static_cast<int>(m_options.msg_count);
        return std::nullopt;
    }
    std::optional<Outcome> flush() override;
    std::size_t job_fds(pollfd* fds, std::size_t room) override { return m_exec ? m_exec->poll_fds(fds, room) : 0; }
    void on_job_fds(Connection& connection, const pollfd* fds, std::size_t count) override;
    /// --exec: no more messages while the queue of commands is full (unless ending: those are dropped).
    bool takes_messages() const override { return !m_exec || m_stopping || !m_exec->full(); }
    /// After the broker's loop ended with `outcome`: lets the --exec commands finish (see
    /// ExecRunner::drain) and says whether some failed (status 16). The outcome to exit with.
    Outcome finish_commands(Outcome outcome);
    void on_signal(Connection& connection, int signal) override;
    bool reconnects() const override { return true; }
    /// --summary on a terminal: the keys typed there (q ends the job).
    int input_fd() const override { return m_keys.fd(); }
    void on_input(Connection& connection) override;
    /// After the broker's loop ended with `outcome`: --summary's last report (the JSON lines,
    /// or the table left on the terminal, whose settings are put back). The outcome to exit
    /// with (a failed write of the report makes it one).
    Outcome finish_summary(Outcome outcome);
    /// What was received so far (--stats).
    TransferStats& stats() { return m_stats; }

private:
    /// Ends the job with `outcome` once every --remove-retained publish is acknowledged.
    void complete(Connection& connection, Outcome outcome);
    /// Publishes the empty retained message that clears `topic`; its mid, or nullopt (warned).
    std::optional<int> remove_retained(Connection& connection, const std::string& topic);
    /// --remove-retained with --json or --dry-run: the output lists only the retained
    /// messages cleared (or that would be), so that it can be replayed to restore them.
    bool lists_removals() const { return m_options.remove_retained && (m_options.json || m_options.dry_run); }
    void restart_idle_timer();
    /// --random-filter's draw: whether this message is printed (or run).
    bool chosen();
    /// Prints one message as -F, -v, --json or -w say; false when the job ends because of it
    /// (stdout failed).
    bool print_message(Connection& connection, Message& view);
    /// A payload that did not --decode: warned about or the job ends (--on-error); `shown`
    /// says whether it is printed raw. False when the message goes no further (the job
    /// ends, or --where, which cannot judge it).
    bool judge_undecoded(Connection& connection, const Message& view, bool& shown);
    /// --where: whether the message passes; one that cannot be judged is counted, and
    /// warned about once or ends the job (--on-error stop).
    bool passes_where(Connection& connection, const Message& view);
    /// --exec: reports the commands that failed since the last call (or ends the job on the
    /// first with --on-error stop).
    void report_failures(Connection* connection);
    /// Creates --ready-file; false (and the job ends) if it cannot be created.
    bool signal_ready(Connection& connection);
    /// False (and the job ends) once stdout is gone or failing; inline, as every message asks.
    bool output_ok(Connection& connection)
    {
        if (!m_sink.closed() && m_sink.error() == 0) return true;
        end_for_output(connection);
        return false;
    }
    /// Ends the job because stdout is gone (quietly) or failing.
    void end_for_output(Connection& connection);
    std::optional<Outcome> output_failure() const;
    /// --summary: the report now (the table redrawn, or a JSON line per topic).
    void report_summary();

    const Options& m_options;
    Sink& m_sink;
    Formatter m_formatter;
    MessageFilter m_filter;
    PayloadDecoder m_decoder;              ///< --decode
    std::unique_ptr<WhereFilter> m_where;  ///< --where
    std::unique_ptr<ExecRunner> m_exec;    ///< --exec
    bool m_where_warned = false;           ///< a message --where could not judge was warned about
    std::optional<Watch> m_watch;          ///< -w
    std::string m_rendered;                ///< -w: one message, before it goes to its line
    ReadyFile m_ready_file;
    long m_received = 0;
    bool m_signalled = false;                  ///< SIGINT, SIGTERM or SIGHUP ended the job
    bool m_stopping = false;                   ///< done; waiting for removals to be acknowledged
    std::optional<Outcome> m_pending_outcome;  ///< the outcome once they are
    std::set<int> m_removals;                  ///< mids of unacknowledged --remove-retained publishes
    /// --remove-retained --json: the record of each cleared message, by the mid of its
    /// removal, printed once the broker acknowledges that removal.
    std::map<int, std::string> m_cleared_records;
    std::mt19937 m_random;                        ///< --random-filter
    std::optional<Clock::time_point> m_deadline;  ///< -W
    std::optional<Clock::time_point> m_idle_end;  ///< --idle-timeout, from the SUBACK on
    TransferStats m_stats;
    std::unique_ptr<TopicSummary> m_summary;         ///< --summary
    bool m_summary_live = false;                     ///< --summary on a terminal: the table
    Clock::duration m_summary_every{};               ///< how often a report is due (zero: at the end only)
    std::optional<Clock::time_point> m_summary_due;  ///< the next report
    TerminalKeys m_keys;                             ///< --summary on a terminal: q quits
};

}  // namespace mqtt
