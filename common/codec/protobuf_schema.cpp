#include "protobuf_schema.h"

#include <climits>
#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include "protobuf_plugin.h"

namespace mqtt {

namespace {

constexpr const char* k_plugin_name = "mqtt-tools-protobuf.so";

struct Loaded {
    const MqttProtobufApi* api = nullptr;
    std::string error;
};

/// The plugin beside the running tool: <folder of /proc/self/exe>/MQTT_TOOLS_PLUGIN_DIR/.
Loaded load_plugin()
{
    char exe[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return {nullptr, fmt::format("{} cannot be found: /proc/self/exe cannot be read", k_plugin_name)};
    std::string path(exe, static_cast<std::size_t>(length));
    path.resize(path.rfind('/') + 1);
    path += MQTT_TOOLS_PLUGIN_DIR "/";
    path += k_plugin_name;
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return {nullptr, fmt::format("{} cannot be loaded: {}", path, dlerror())};
    using Entry = const MqttProtobufApi* (*)();
    auto entry = reinterpret_cast<Entry>(dlsym(library, "mqtt_tools_protobuf_api"));
    const MqttProtobufApi* api = entry != nullptr ? entry() : nullptr;
    if (api == nullptr || api->version != k_protobuf_api_version) {
        return {nullptr, fmt::format("{} is not the plugin of this version of the tools", path)};
    }
    return {api, {}};
}

}  // namespace

Result<std::unique_ptr<ProtobufSchema>> ProtobufSchema::load(const std::string& file, const std::string& message,
                                                             const std::vector<std::string>& paths)
{
    static const Loaded plugin = load_plugin();
    if (plugin.api == nullptr) return Error{plugin.error};
    std::vector<const char*> path_texts;
    for (const auto& path : paths) path_texts.push_back(path.c_str());
    const char* error = nullptr;
    MqttProtobufSchema* schema = plugin.api->load(file.c_str(), message.c_str(), path_texts.data(), path_texts.size(), &error);
    if (schema == nullptr) return Error{std::string(error != nullptr ? error : "cannot be loaded")};
    return std::unique_ptr<ProtobufSchema>(new ProtobufSchema(*plugin.api, schema));
}

ProtobufSchema::~ProtobufSchema()
{
    m_api.release(m_schema);
}

DecodeStatus ProtobufSchema::to_json(std::string_view data, std::string& out)
{
    const char* text = nullptr;
    std::size_t size = 0;
    if (m_api.decode(m_schema, data.data(), data.size(), &text, &size) != 0) return Error{DecodeError{text, std::nullopt}};
    out.append(text, size);
    return {};
}

Result<std::string_view> ProtobufSchema::from_json(std::string_view json)
{
    const char* bytes = nullptr;
    std::size_t size = 0;
    if (m_api.encode(m_schema, json.data(), json.size(), &bytes, &size) != 0) return Error{std::string(bytes)};
    return std::string_view(bytes, size);
}

}  // namespace mqtt
