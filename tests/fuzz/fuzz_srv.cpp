// libFuzzer target: a DNS answer to the -S SRV query (srv.h parse_srv_answer), then the
// RFC 2782 choice among its records with a roll taken from the first byte.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "srv.h"
#include "terminal_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return 0;
    const double roll = bytes[0] / 256.0;
    const auto parsed = mqtt::parse_srv_answer(std::span<const unsigned char>(bytes + 1, size - 1));
    const auto* records = (parsed.ok() ? &parsed.value() : nullptr);
    if (records == nullptr) return 0;
    // An SRV record takes at least 17 bytes of the message (a one-byte owner name or pointer
    // is 1-2, then type, class, TTL, length, priority, weight, port and the target's 1+).
    if (records->size() * 17 > size) std::abort();
    std::uint16_t lowest = 0xffff;
    bool any_broker = false;
    for (const auto& record : *records) {
        // The target is printed in error lines and passed to the resolver: one line, no control bytes.
        if (record.target.empty() || record.target.size() > 1025 || mqtt::escape_control(record.target) != record.target) {
            std::abort();
        }
        if (record.target == ".") continue;  // no service: never chosen
        any_broker = true;
        lowest = std::min(lowest, record.priority);
    }
    // A broker is chosen exactly when the answer offers one, from its best priority.
    const auto chosen = mqtt::choose_srv(*records, roll);
    if (chosen.has_value() != any_broker) std::abort();
    if (chosen &&
        (chosen->priority != lowest || chosen->target == "." ||
         std::find(records->begin(), records->end(), *chosen) == records->end())) {
        std::abort();
    }
    return 0;
}
