// mqtt-sub: subscribe to topic filters and print the messages that arrive.
#include <unistd.h>

#include "broker_link.h"
#include "probe.h"
#include "sink.h"
#include "subscriber.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::sub, argc, argv, [](const mqtt::Options& options) {
        if (options.probe) return mqtt::run_probe(options);
        const auto start = mqtt::Clock::now();
        mqtt::Sink sink(STDOUT_FILENO);
        mqtt::BrokerLink link(options);
        mqtt::Subscriber subscriber(options, sink);
        mqtt::Outcome outcome = subscriber.finish_commands(link.run(subscriber));
        if (options.stats) {
            const double elapsed = std::chrono::duration<double>(mqtt::Clock::now() - start).count();
            mqtt::print_stats(subscriber.stats().json("mqtt-sub", false, elapsed));
        }
        return outcome;
    });
}
