// mqtt-pub: publish messages from the command line, a file or standard input.
#include "broker_link.h"
#include "publisher.h"
#include "probe.h"
#include "source.h"
#include "exit_status.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::pub, argc, argv, [](const mqtt::Options& options) {
        if (options.probe) return mqtt::run_probe(options);
        const auto start = mqtt::Clock::now();
        auto source = mqtt::make_source(options);  // -f and -s are read before connecting
        mqtt::BrokerLink link(options);
        mqtt::Publisher publisher(options, std::move(source));
        mqtt::Outcome outcome = link.run(publisher);
        // Whatever went wrong, say what became of the messages (--quiet silences it all).
        if (outcome.status != mqtt::ExitStatus::success) {
            if (auto account = publisher.account()) outcome.text += (outcome.text.empty() ? "" : "\n") + *account;
        }
        if (options.stats) {
            const double elapsed = std::chrono::duration<double>(mqtt::Clock::now() - start).count();
            mqtt::print_stats(publisher.stats().json("mqtt-pub", true, elapsed));
        }
        return outcome;
    });
}
