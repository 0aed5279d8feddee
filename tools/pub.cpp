// mqtt-pub: publish messages from the command line, a file or standard input.
#include "publisher.h"
#include "source.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::pub, argc, argv, [](const mqtt::Options& options) {
        const auto start = mqtt::Clock::now();
        auto source = mqtt::make_source(options);  // -f and -s are read before connecting
        mqtt::Session session(options);
        mqtt::Publisher publisher(options, std::move(source));
        mqtt::Outcome outcome = session.run(publisher);
        if (options.stats) {
            const double elapsed = std::chrono::duration<double>(mqtt::Clock::now() - start).count();
            mqtt::print_stats(publisher.stats().json("mqtt-pub", true, elapsed));
        }
        return outcome;
    });
}
