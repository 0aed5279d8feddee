#include "cbor_library.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <optional>

namespace mqtt {

namespace {

#define MQTT_TOOLS_TEXT(x) #x
#define MQTT_TOOLS_SONAME(major, minor) "libcbor.so." MQTT_TOOLS_TEXT(major) "." MQTT_TOOLS_TEXT(minor)
/// The libcbor the headers are of (Debian 12: libcbor.so.0.8, package libcbor0.8).
constexpr const char* k_libcbor = MQTT_TOOLS_SONAME(CBOR_MAJOR_VERSION, CBOR_MINOR_VERSION);
#undef MQTT_TOOLS_SONAME
#undef MQTT_TOOLS_TEXT

/// Sets `function` to the symbol `name` of `library`; false when it has none.
template <typename Function> bool take(void* library, const char* name, Function& function)
{
    void* symbol = dlsym(library, name);
    function = reinterpret_cast<Function>(symbol);
    return symbol != nullptr;
}

struct Loaded {
    std::optional<CborLibrary> functions;
    std::string error;
};

Loaded load()
{
    void* library = dlopen(k_libcbor, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return {std::nullopt, fmt::format("{} cannot be loaded: {}", k_libcbor, dlerror())};
    CborLibrary f{};
    const bool all = take(library, "cbor_stream_decode", f.stream_decode) && take(library, "cbor_encode_uint", f.encode_uint) &&
        take(library, "cbor_encode_negint", f.encode_negint) &&
        take(library, "cbor_encode_bytestring_start", f.encode_bytestring_start) &&
        take(library, "cbor_encode_string_start", f.encode_string_start) &&
        take(library, "cbor_encode_array_start", f.encode_array_start) &&
        take(library, "cbor_encode_map_start", f.encode_map_start) && take(library, "cbor_encode_tag", f.encode_tag) &&
        take(library, "cbor_encode_bool", f.encode_bool) && take(library, "cbor_encode_null", f.encode_null) &&
        take(library, "cbor_encode_undef", f.encode_undef) && take(library, "cbor_encode_ctrl", f.encode_ctrl) &&
        take(library, "cbor_encode_half", f.encode_half) && take(library, "cbor_encode_single", f.encode_single) &&
        take(library, "cbor_encode_double", f.encode_double);
    if (!all) return {std::nullopt, fmt::format("{} cannot be loaded: {}", k_libcbor, dlerror())};
    return {f, {}};
}

}  // namespace

const CborLibrary* cbor_library(std::string& error)
{
    static const Loaded loaded = load();
    error = loaded.error;
    return loaded.functions ? &*loaded.functions : nullptr;
}

}  // namespace mqtt
