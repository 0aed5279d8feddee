// mqtt-rr's job: subscribe to the response topic; once the broker acknowledges it (and
// --ready-file is created), publish the request, which in MQTT 5 carries the response
// topic and correlation data; print the first response through the formatter and
// disconnect. In MQTT 5 only a response with the request's correlation data counts (unless
// --no-correlation-check, for responders that do not copy it), so a
// stale (retained) or someone else's response is never taken for ours. In MQTT 3.1.1 the
// request cannot say where to answer: the user names the topic (-e), and the first message
// on it is the response. With --where, only a response that passes it counts.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "connection.h"
#include "format.h"
#include "options.h"
#include "payload_decoder.h"
#include "ready_file.h"
#include "sink.h"
#include "where_filter.h"

namespace mqtt {

/// `count` bytes from std::random_device (no seeding, no OpenSSL needed).
std::string random_bytes(std::size_t count);

/// A response topic nobody else uses: "mqtt-rr/response/" and 32 random hex digits.
std::string unique_response_topic();

/// How a response's correlation data (MQTT 5) compares with the request's.
enum class Correlation { matches, missing, different };
Correlation correlate(const mosquitto_property* properties, std::string_view expected);

class Requester : public Client {
public:
    /// `request` is the payload to send (already read from -m, -f, -s or -n).
    Requester(const Options& options, Sink& sink, std::string request);

    void on_connected(Connection& connection, const mosquitto_property* properties) override;
    void on_subscribe(Connection& connection, int mid, std::span<const int> granted) override;
    void pump(Connection& connection) override;
    void on_publish(Connection& connection, int mid, int reason, const mosquitto_property* properties) override;
    void on_message(Connection& connection, const mosquitto_message& message, const mosquitto_property* properties) override;
    void on_tick(Connection& connection) override;
    std::optional<Clock::time_point> deadline() const override { return m_deadline; }
    std::optional<Clock::time_point> wake_at() const override { return m_deadline; }
    /// One response at a time, as mosquitto_rr (its -C is fixed at 1).
    std::optional<int> receive_maximum() const override { return 1; }
    std::optional<Outcome> flush() override;

    const std::string& response_topic() const { return m_response_topic; }
    const std::string& correlation_data() const { return m_correlation; }

private:
    enum class State { connecting, subscribing, ready, waiting, done };

    /// Sends the request (from pump(), outside library callbacks, so it leaves at once).
    void send_request(Connection& connection);
    /// --where: whether a response passes; one that cannot be judged is warned about once,
    /// or ends the job (--on-error stop). Rejected ones leave the wait going.
    bool passes_where(Connection& connection, const Message& view);
    /// A line for -d, in order with the library's debug lines.
    void debug(const std::string& line);

    const Options& m_options;
    Sink& m_sink;
    Formatter m_formatter;
    PayloadDecoder m_decoder;              ///< --decode
    std::unique_ptr<WhereFilter> m_where;  ///< --where
    bool m_where_warned = false;           ///< a response --where could not judge was warned about
    ReadyFile m_ready_file;
    std::string m_request;
    std::string m_response_topic;
    std::string m_correlation;  ///< MQTT 5 only; empty with MQTT 3
    State m_state = State::connecting;
    int m_subscribe_mid = 0;
    long m_ignored = 0;                           ///< responses without the request's correlation data
    long m_rejected = 0;                          ///< responses --where rejected
    std::optional<Clock::time_point> m_deadline;  ///< -W
};

}  // namespace mqtt
