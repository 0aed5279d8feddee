// --probe (mqtt-pub, mqtt-sub): connect, print what the broker granted in its CONNACK (and
// what TLS was negotiated) as one JSON object on stdout, disconnect; the exit status is the
// connection's. One object is printed whatever happens, a failure included.
#pragma once

#include <optional>
#include <string>

#include "connection.h"
#include "options.h"
#include "sink.h"

namespace mqtt {

/// The probe's JSON object (one line, no newline) for a CONNACK with `reason_code` and
/// `flags` in `protocol`, its MQTT 5 `properties` (may be null) and the TLS state. A
/// refusal also carries "error" (the stderr line) and "status" (the exit status).
std::string probe_json(const Options& options, int reason_code, int flags, const mosquitto_property* properties,
                       const std::optional<TlsSummary>& tls);

/// The probe's object when no CONNACK came (nothing listens, TLS failed, no answer):
/// {"host", "port", "protocol", "connected": false, "error": the stderr line, "status"},
/// so that a script reading stdout (jq -e) never sees empty input and takes it as success.
std::string probe_failure_json(const Options& options, const Outcome& outcome);

/// Runs the probe with `options`, printing on stdout.
Outcome run_probe(const Options& options);

class Prober : public Client {
public:
    Prober(const Options& options, Sink& sink) : m_options(options), m_sink(sink) {}

    /// True once the object for a CONNACK is printed.
    bool printed() const { return m_printed; }
    void on_connected(Connection& connection, const mosquitto_property* properties) override;
    void on_refused(Connection& connection, int reason_code, const mosquitto_property* properties) override;
    std::optional<Outcome> flush() override;

private:
    void print(Connection& connection, int reason_code, const mosquitto_property* properties);

    const Options& m_options;
    Sink& m_sink;
    bool m_printed = false;
};

}  // namespace mqtt
