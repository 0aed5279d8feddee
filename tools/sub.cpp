// mqtt-sub: subscribe to topic filters and print the messages that arrive.
#include <unistd.h>

#include "probe.h"
#include "sink.h"
#include "subscriber.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::sub, argc, argv, [](const mqtt::Options& options) {
        if (options.probe) return mqtt::run_probe(options);
        mqtt::Sink sink(STDOUT_FILENO);
        mqtt::Session session(options);
        mqtt::Subscriber subscriber(options, sink);
        return session.run(subscriber);
    });
}
