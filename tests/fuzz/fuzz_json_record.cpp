// libFuzzer target: one record of mqtt-pub --json (json_record.h parse_json_record) and
// the "tst" times in it (parse_tst). A record that parses is then sent the way mqtt-sub
// --json would print it (message_json.h, lossless) and read back: mqtt-sub --json piped
// into mqtt-pub --json must carry every message unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <variant>

#include "format.h"
#include "json_record.h"
#include "message_json.h"
#include "property_list.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(bytes), size);
    (void)mqtt::parse_tst(text);
    const auto parsed = mqtt::parse_json_record(text);
    const auto* record = (parsed.ok() ? &parsed.value() : nullptr);
    if (record == nullptr) {
        if (parsed.error().empty()) std::abort();  // a refusal always says why
        return 0;
    }
    // Escapes, base64 and hex only shrink: nothing in a record is longer than the record.
    if (record->payload.size() > size || (record->topic && record->topic->size() > size)) std::abort();
    if (record->qos && (*record->qos < 0 || *record->qos > 2)) std::abort();

    const mqtt::PropertyList properties(record->properties ? *record->properties : std::vector<mqtt::Property>{});
    const std::string topic = record->topic.value_or("t");
    mqtt::Message message;
    message.topic = topic;
    message.payload = record->payload;
    message.qos = record->qos.value_or(0);
    message.retain = record->retain.value_or(false);
    message.mid = message.qos > 0 ? 1 : 0;
    message.properties = properties.get();
    mqtt::Timestamp time;
    time.wall.tv_sec = 1588801680;
    gmtime_r(&time.wall.tv_sec, &time.local);
    for (const bool pretty : {false, true}) {
        std::string line;
        mqtt::append_message_json(line, message, time, mqtt::JsonPayload::lossless, pretty);
        const auto again = mqtt::parse_json_record(line);
        const auto* back = (again.ok() ? &again.value() : nullptr);
        if (back == nullptr || back->payload != record->payload || back->topic != topic || back->qos != message.qos ||
            back->retain != message.retain) {
            std::abort();
        }
        const std::vector<mqtt::Property> none;
        if ((back->properties ? *back->properties : none) != (record->properties ? *record->properties : none)) { std::abort(); }
    }
    return 0;
}
