#include "decode_failure.h"

#include "exit_status.h"

namespace mqtt {

DecodeFailure judge_decode_failure(std::string_view topic, const Decoded& decoded, OnError action)
{
    const std::string text = decode_failure_text(topic, decoded);
    DecodeFailure failure;
    switch (action) {
    case OnError::stop:
        failure.print = false;
        failure.stop = Outcome{ExitStatus::usage, "Error: " + text + "."};
        break;
    case OnError::skip:
        failure.print = false;
        failure.warning = "Warning: " + text + "; skipped.";
        break;
    case OnError::print: failure.warning = "Warning: " + text + "; printed raw."; break;
    }
    return failure;
}

DecodeFailure judge_where_failure(const std::string& text, OnError action, bool& warned)
{
    DecodeFailure failure;
    failure.print = false;
    if (action == OnError::stop) {
        failure.stop = Outcome{ExitStatus::usage, "Error: " + text + "."};
    } else if (!warned) {
        warned = true;
        failure.warning = "Warning: " + text + "; such messages do not pass (counted by --stats, warned once).";
    }
    return failure;
}

}  // namespace mqtt
