// mqtt-rr: publish a request and print the response (MQTT 5 request/response, or a plain
// subscribe and publish with MQTT 3.1.1).
#include <unistd.h>

#include "broker_link.h"
#include "requester.h"
#include "sink.h"
#include "source.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::rr, argc, argv, [](const mqtt::Options& options) {
        // -f and -s are read (and --encode applied) before connecting
        std::string request = mqtt::encode_payload(options, mqtt::load_payload(options));
        mqtt::Sink sink(STDOUT_FILENO);
        mqtt::BrokerLink link(options);
        mqtt::Requester requester(options, sink, std::move(request));
        return link.run(requester);
    });
}
