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
    case OnError::print:
        failure.warning = "Warning: " + text + "; printed raw.";
        break;
    }
    return failure;
}

}  // namespace mqtt
