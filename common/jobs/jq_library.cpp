#include "jq_library.h"

#include <dlfcn.h>
#include <utility>

namespace mqtt {

namespace {

/// Sets `slot` to the function `name` of `library`; false when it has none.
template <typename Function> bool resolve(void* library, const char* name, Function& slot)
{
    void* symbol = dlsym(library, name);
    slot = reinterpret_cast<Function>(symbol);
    return symbol != nullptr;
}

std::pair<JqLibrary, std::string> load()
{
    JqLibrary jq{};
    void* library = dlopen(k_libjq, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return {jq, dlerror()};
    const bool complete = resolve(library, "jq_init", jq.init) && resolve(library, "jq_teardown", jq.teardown) &&
        resolve(library, "jq_set_error_cb", jq.set_error_cb) && resolve(library, "jq_compile", jq.compile) &&
        resolve(library, "jq_start", jq.start) && resolve(library, "jq_next", jq.next) &&
        resolve(library, "jq_halted", jq.halted) && resolve(library, "jv_parse_sized", jq.parse_sized) &&
        resolve(library, "jv_get_kind", jq.get_kind) && resolve(library, "jv_copy", jq.copy) &&
        resolve(library, "jv_free", jq.free) && resolve(library, "jv_invalid_has_msg", jq.invalid_has_msg) &&
        resolve(library, "jv_invalid_get_msg", jq.invalid_get_msg) && resolve(library, "jv_string_value", jq.string_value) &&
        resolve(library, "jv_string_sized", jq.string_sized) && resolve(library, "jv_dump_string", jq.dump_string) &&
        resolve(library, "jv_number", jq.number) && resolve(library, "jv_bool", jq.boolean) &&
        resolve(library, "jv_array", jq.array) && resolve(library, "jv_array_append", jq.array_append) &&
        resolve(library, "jv_object", jq.object) && resolve(library, "jv_object_set", jq.object_set) &&
        resolve(library, "jv_invalid", jq.invalid) && resolve(library, "jv_null", jq.null);
    if (!complete) return {jq, dlerror()};
    return {jq, {}};
}

}  // namespace

const JqLibrary* load_jq(std::string& error)
{
    static const std::pair<JqLibrary, std::string> loaded = load();
    error = loaded.second;
    return loaded.second.empty() ? &loaded.first : nullptr;
}

}  // namespace mqtt
