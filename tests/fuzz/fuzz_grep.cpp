// libFuzzer target: mqtt-sub's --grep / --grep-topic (message_filter.h over the RE2
// wrapper regex.h) on a payload and a topic from the network. Input: flags byte, then
// the expression, a NUL, and the payload (also used as the topic).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "flagged_input.h"
#include "message_filter.h"
#include "options.h"
#include "regex.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const auto input = fuzz::split_flagged(bytes, size);
    if (!input) return 0;
    const std::uint8_t flags = input->flags;
    const std::string expression(input->first);
    const std::string_view subject = input->second;

    const mqtt::Regex exact(expression, false);
    const mqtt::Regex any_case(expression, true);
    if (exact.ok() != any_case.ok()) std::abort();
    if (!exact.ok()) {
        if (exact.error().empty() || mqtt::check_regex(expression, "--grep").ok()) std::abort();
        return 0;
    }
    if (!mqtt::check_regex(expression, "--grep").ok()) std::abort();
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
