// mqtt-pub: publish messages from the command line, a file or standard input.
#include "publisher.h"
#include "probe.h"
#include "source.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::pub, argc, argv, [](const mqtt::Options& options) {
        if (options.probe) return mqtt::run_probe(options);
        auto source = mqtt::make_source(options);  // -f and -s are read before connecting
        mqtt::Session session(options);
        mqtt::Publisher publisher(options, std::move(source));
        return session.run(publisher);
    });
}
