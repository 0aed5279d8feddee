// mqtt-pub: publish messages from the command line, a file or standard input.
#include "publisher.h"
#include "source.h"
#include "exit_status.h"
#include "tool_main.h"

int main(int argc, char** argv)
{
    return mqtt::tool_main(mqtt::Tool::pub, argc, argv, [](const mqtt::Options& options) {
        auto source = mqtt::make_source(options);  // -f and -s are read before connecting
        mqtt::Session session(options);
        mqtt::Publisher publisher(options, std::move(source));
        mqtt::Outcome outcome = session.run(publisher);
        // Whatever went wrong, say what became of the messages (--quiet silences it all).
        if (outcome.status != mqtt::ExitStatus::success) {
            if (auto account = publisher.account()) outcome.text += (outcome.text.empty() ? "" : "\n") + *account;
        }
        return outcome;
    });
}
