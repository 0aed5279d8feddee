// What mqtt-sub and mqtt-rr do with a message whose payload does not --decode, as --on-error
// says: print it raw (with a warning), skip it (with a warning), or stop the job (status 1);
// and what they do with a message that --where cannot judge.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "options.h"
#include "payload_decoder.h"
#include "connection.h"

namespace mqtt {

struct DecodeFailure {
    bool print = true;            ///< the message is printed raw
    std::string warning;          ///< the stderr line when the job goes on
    std::optional<Outcome> stop;  ///< --on-error stop: how the job ends
};

DecodeFailure judge_decode_failure(std::string_view topic, const Decoded& decoded, OnError action);

/// A message --where could not judge (`text`: where_failure_text's) never passes; `action`
/// stop ends the job (status 1), otherwise the first such message of the job is warned
/// about (`warned` remembers it), so that a busy '#' full of other payloads does not bury stderr.
DecodeFailure judge_where_failure(const std::string& text, OnError action, bool& warned);

}  // namespace mqtt
