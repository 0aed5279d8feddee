// The C interface of mqtt-tools-protobuf.so, the plugin that does Protobuf with a schema
// (--decode and --encode protobuf:FILE.proto:package.Message). libprotobuf is large: linked
// into the tools it would cost every run, decoding or not, its loading and the shared
// libstdc++ it brings (see protobuf_schema.h for the figures), so only the plugin links it
// and the tools dlopen the plugin at the first schema. Plain C types cross the boundary:
// the plugin and the tools each have their own libstdc++. Each text the plugin returns stays
// valid until the next call on the same schema.
#pragma once

#include <cstddef>

extern "C" {

/// A loaded schema: the .proto file, its imports and the message type (opaque).
struct MqttProtobufSchema;

struct MqttProtobufApi {
    /// k_protobuf_api_version: a plugin of another version is refused.
    unsigned version;
    /// Loads `file` (imports searched in its own folder, then `paths` in order) and finds
    /// `message`; null on failure with `*error` set ("FILE:LINE:COL: reason", or "no message
    /// type pkg.Msg in FILE"). `*error` lives until the next load.
    MqttProtobufSchema* (*load)(const char* file, const char* message, const char* const* paths, std::size_t path_count,
                                const char** error);
    /// Parses `data` as the message and writes it as one line of compact JSON: 0 and the JSON
    /// in `*out`/`*out_size`; non-zero and the reason in `*out` (NUL-terminated).
    int (*decode)(MqttProtobufSchema* schema, const char* data, std::size_t size, const char** out, std::size_t* out_size);
    /// Reads the JSON `json` (as decode writes it; field names as in the .proto or their
    /// json_name) and serializes the message: 0 and the bytes in `*out`/`*out_size`; non-zero
    /// and the reason in `*out` (NUL-terminated).
    int (*encode)(MqttProtobufSchema* schema, const char* json, std::size_t size, const char** out, std::size_t* out_size);
    void (*release)(MqttProtobufSchema* schema);
};

/// The plugin's one exported symbol.
const MqttProtobufApi* mqtt_tools_protobuf_api(void);
}

namespace mqtt {
inline constexpr unsigned k_protobuf_api_version = 1;
/// Deepest nesting of messages decoded or encoded (protobuf's default recursion limit).
inline constexpr int k_protobuf_schema_max_depth = 100;
}  // namespace mqtt
