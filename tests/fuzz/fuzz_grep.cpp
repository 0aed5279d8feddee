// libFuzzer target: mqtt-sub's --grep / --grep-topic (message_filter.h over the RE2
// wrapper regex.h) on a payload and a topic from the network. Input: flags byte, then
// the expression, a NUL, and the payload (also used as the topic).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "message_filter.h"
#include "options.h"
#include "regex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return 0;
    const std::uint8_t flags = bytes[0];
    const std::string_view input(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const std::size_t nul = input.find('\0');
    if (nul == std::string_view::npos) return 0;
    const std::string expression(input.substr(0, nul));
    const std::string_view subject = input.substr(nul + 1);

    const mqtt::Regex exact(expression, false);
    const mqtt::Regex any_case(expression, true);
    if (exact.ok() != any_case.ok()) std::abort();
    if (!exact.ok()) {
        if (exact.error().empty() || !mqtt::check_regex(expression, "--grep")) std::abort();
        return 0;
    }
    if (mqtt::check_regex(expression, "--grep")) std::abort();
    const bool found = exact.search(subject);
    // Ignoring case only widens what matches.
    if (found && !any_case.search(subject)) std::abort();

    mqtt::Options options;
    options.grep_ignore_case = (flags & 1) != 0;
    if (flags & 2) {
        options.grep_topic = expression;
    } else {
        options.grep = expression;
    }
    const mqtt::MessageFilter filter(options);
    const bool kept = filter.keeps(subject, subject);
    if (kept != (options.grep_ignore_case ? any_case.search(subject) : found)) std::abort();
    return 0;
}
