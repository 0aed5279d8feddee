// libjq (jq 1.6, Debian's libjq1), loaded at the first --where rather than by the dynamic
// loader: linking it (and the libonig it pulls in) costs every start of every tool about
// 0.7 M instructions and 0.9 MiB of RSS, --where or not (bench/README.md).
#pragma once

#include <jq.h>
#include <string>

namespace mqtt {

/// The libjq functions --where calls, resolved from the loaded library.
struct JqLibrary {
    decltype(&jq_init) init;
    decltype(&jq_teardown) teardown;
    decltype(&jq_set_error_cb) set_error_cb;
    decltype(&jq_compile) compile;
    decltype(&jq_start) start;
    decltype(&jq_next) next;
    decltype(&jq_halted) halted;
    decltype(&jv_parse_sized) parse_sized;
    decltype(&jv_get_kind) get_kind;
    decltype(&jv_copy) copy;
    decltype(&jv_free) free;
    decltype(&jv_invalid_has_msg) invalid_has_msg;
    decltype(&jv_invalid_get_msg) invalid_get_msg;
    decltype(&jv_string_value) string_value;
    decltype(&jv_string_sized) string_sized;
    decltype(&jv_dump_string) dump_string;
    decltype(&jv_number) number;
    decltype(&jv_bool) boolean;
    decltype(&jv_array) array;
    decltype(&jv_array_append) array_append;
    decltype(&jv_object) object;
    decltype(&jv_object_set) object_set;
    decltype(&jv_invalid) invalid;
    decltype(&jv_null) null;
};

/// The name dlopen() is given: the library of Debian's package libjq1.
inline constexpr const char* k_libjq = "libjq.so.1";

/// libjq's functions, loaded once; null, and `error` says why, when it cannot be loaded.
const JqLibrary* load_jq(std::string& error);

}  // namespace mqtt
