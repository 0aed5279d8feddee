// Protobuf with a schema (--decode and --encode protobuf:FILE.proto:package.Message), done by
// our plugin mqtt-tools-protobuf.so (protobuf_plugin.h), which the tools dlopen at the
// first schema from beside them (<bin>/MQTT_TOOLS_PLUGIN_DIR, e.g. /usr/lib/mqtt-tools/plugins):
// libprotobuf linked into the tools instead would slow every run of them, schema or not.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "value_writer.h"

struct MqttProtobufApi;
struct MqttProtobufSchema;

namespace mqtt {

class ProtobufSchema {
public:
    /// Loads the plugin (once) and `file` (its imports searched in its own folder, then in
    /// `paths`), and finds the message type `message`; or the reason it cannot, e.g.
    /// "a.proto:3:7: \"Foo\" is not defined." (no "Error:", no full stop).
    static Result<std::unique_ptr<ProtobufSchema>> load(const std::string& file, const std::string& message,
                                                        const std::vector<std::string>& paths);
    ~ProtobufSchema();
    ProtobufSchema(const ProtobufSchema&) = delete;
    ProtobufSchema& operator=(const ProtobufSchema&) = delete;

    /// Appends the message `data` holds as one line of compact JSON, or returns why not.
    DecodeStatus to_json(std::string_view data, std::string& out);
    /// The message the JSON text `json` describes, serialized; valid until the next call. The
    /// error is a predicate: "is not JSON at byte 3: ...", "cannot be written as protobuf: ...".
    Result<std::string_view> from_json(std::string_view json);

private:
    ProtobufSchema(const MqttProtobufApi& api, MqttProtobufSchema* schema) : m_api(api), m_schema(schema) {}

    const MqttProtobufApi& m_api;
    MqttProtobufSchema* m_schema;
};

}  // namespace mqtt
