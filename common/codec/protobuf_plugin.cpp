// mqtt-tools-protobuf.so (see protobuf_plugin.h): a .proto loaded with libprotobuf's
// compiler::Importer, payloads parsed into a DynamicMessage and walked by Reflection into our
// ValueWriter (the one JSON writer, and the markers of mqtt-sub(1) DECODING); JSON read back
// into a message by the same names. Recursion follows the message's nesting, which both ways
// stop at k_protobuf_schema_max_depth (libprotobuf's parser at its default limit, 100).
#include "protobuf_plugin.h"

#include <algorithm>
#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fmt/format.h>
#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "encoding.h"
#include "json_value.h"
#include "utf8.h"
#include "value_writer.h"

namespace {

namespace pb = google::protobuf;
using mqtt::Error;
using mqtt::JsonValue;
using Kind = JsonValue::Kind;

/// The first error the importer reports, as "FILE:LINE:COL: reason" (1-based, as protoc).
class Collector : public pb::compiler::MultiFileErrorCollector {
public:
    void AddError(const std::string& filename, int line, int column, const std::string& message) override
    {
        if (!first.empty()) return;
        first = line < 0 ? fmt::format("{}: {}", filename, message)
                         : fmt::format("{}:{}:{}: {}", filename, line + 1, column + 1, message);
    }
    void AddWarning(const std::string&, int, int, const std::string&) override {}

    std::string first;
};

/// libprotobuf's log lines (e.g. a proto3 string that is not UTF-8) caught rather than
/// printed on stderr: the last one is the reason a parse failed.
std::string g_last_log;
void catch_log(pb::LogLevel, const char*, int, const std::string& message)
{
    g_last_log = message;
    while (!g_last_log.empty() && (g_last_log.back() == ' ' || g_last_log.back() == '.' || g_last_log.back() == '\n')) {
        g_last_log.pop_back();  // the failure line ends with its own full stop
    }
}

std::string folder_of(const std::string& file)
{
    const std::size_t slash = file.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : file.substr(0, slash);
}

std::string base_of(const std::string& file)
{
    const std::size_t slash = file.rfind('/');
    return slash == std::string::npos ? file : file.substr(slash + 1);
}

}  // namespace

struct MqttProtobufSchema {
    pb::compiler::DiskSourceTree tree;
    Collector errors;
    std::unique_ptr<pb::compiler::Importer> importer;
    pb::DynamicMessageFactory factory;
    const pb::Descriptor* type = nullptr;
    std::unique_ptr<pb::Message> message;
    std::string out;
    std::string error;
};

namespace {

using Schema = MqttProtobufSchema;

// ---- decoding: Reflection into the ValueWriter

bool write_message(const pb::Message& message, mqtt::ValueWriter& out, int depth);

/// A string field's text, or {"$bytes":...} when it is not UTF-8 (proto2 allows that), so
/// that --encode gets the same bytes back.
bool write_string(const pb::FieldDescriptor& field, const std::string& value, mqtt::ValueWriter& out)
{
    if (field.type() == pb::FieldDescriptor::TYPE_BYTES || !mqtt::is_utf8(value)) return out.bytes(value);
    return out.text(value);
}

/// One value of `field` (element `index` when repeated, -1 when singular).
bool write_value(const pb::Message& message, const pb::FieldDescriptor& field, int index, mqtt::ValueWriter& out, int depth)
{
    const pb::Reflection& r = *message.GetReflection();
    const bool repeated = index >= 0;
    switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
        return out.signed_integer(repeated ? r.GetRepeatedInt32(message, &field, index) : r.GetInt32(message, &field));
    case pb::FieldDescriptor::CPPTYPE_INT64:
        return out.signed_integer(repeated ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
        return out.unsigned_integer(repeated ? r.GetRepeatedUInt32(message, &field, index) : r.GetUInt32(message, &field));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
        return out.unsigned_integer(repeated ? r.GetRepeatedUInt64(message, &field, index) : r.GetUInt64(message, &field));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
        return out.floating(repeated ? r.GetRepeatedDouble(message, &field, index) : r.GetDouble(message, &field));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
        return out.single(repeated ? r.GetRepeatedFloat(message, &field, index) : r.GetFloat(message, &field));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
        return out.boolean(repeated ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field));
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const int number = repeated ? r.GetRepeatedEnumValue(message, &field, index) : r.GetEnumValue(message, &field);
        const pb::EnumValueDescriptor* value = field.enum_type()->FindValueByNumber(number);
        return value != nullptr ? out.text(value->name()) : out.signed_integer(number);
    }
    case pb::FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& value = repeated ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                            : r.GetStringReference(message, &field, &scratch);
        return write_string(field, value, out);
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        return write_message(repeated ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field), out,
                             depth + 1);
    }
    return false;
}

/// A map key as the JSON member name (protobuf's JSON mapping: numbers and bools as text).
std::string map_key(const pb::Message& entry, const pb::FieldDescriptor& key)
{
    const pb::Reflection& r = *entry.GetReflection();
    switch (key.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: return std::to_string(r.GetInt32(entry, &key));
    case pb::FieldDescriptor::CPPTYPE_INT64: return std::to_string(r.GetInt64(entry, &key));
    case pb::FieldDescriptor::CPPTYPE_UINT32: return std::to_string(r.GetUInt32(entry, &key));
    case pb::FieldDescriptor::CPPTYPE_UINT64: return std::to_string(r.GetUInt64(entry, &key));
    case pb::FieldDescriptor::CPPTYPE_BOOL: return r.GetBool(entry, &key) ? "true" : "false";
    default: return r.GetString(entry, &key);
    }
}

/// A map field as an object, its entries in the order of their keys (numbers by value):
/// libprotobuf keeps no order, and --encode writes them so (deterministic serialization).
bool write_map(const pb::Message& message, const pb::FieldDescriptor& field, mqtt::ValueWriter& out, int depth)
{
    const pb::Reflection& r = *message.GetReflection();
    const int size = r.FieldSize(message, &field);
    const pb::FieldDescriptor& key = *field.message_type()->map_key();
    const pb::FieldDescriptor& value = *field.message_type()->map_value();
    struct Entry {
        std::string name;
        const pb::Message* entry;
    };
    std::vector<Entry> entries;
    entries.reserve(static_cast<std::size_t>(size));
    for (int i = 0; i < size; ++i) {
        const pb::Message& entry = r.GetRepeatedMessage(message, &field, i);
        entries.push_back({map_key(entry, key), &entry});
    }
    const bool numeric =
        key.cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING && key.cpp_type() != pb::FieldDescriptor::CPPTYPE_BOOL;
    std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
        if (!numeric) return a.name < b.name;
        const bool a_negative = a.name.starts_with('-'), b_negative = b.name.starts_with('-');
        if (a_negative != b_negative) return a_negative;
        if (a.name.size() != b.name.size()) return (a.name.size() < b.name.size()) != a_negative;
        return (a.name < b.name) != a_negative;
    });
    // A key given more than once: the last entry wins, as when libprotobuf reads a map.
    std::vector<Entry> unique;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i + 1 < entries.size() && entries[i + 1].name == entries[i].name) continue;
        unique.push_back(std::move(entries[i]));
    }
    if (!out.begin_map(unique.size())) return false;
    for (const Entry& e : unique) {
        // A key that is not UTF-8 (a proto2 string) is bytes: the map is then written as
        // {"$map":[[key,value],...]}, as is one with a key starting with '$'.
        if (!(mqtt::is_utf8(e.name) ? out.text(e.name) : out.bytes(e.name)) || !write_value(*e.entry, value, -1, out, depth)) {
            return false;
        }
    }
    return true;
}

/// An object of the fields set, by their .proto names, in field-number order; extensions as
/// "[full.name]"; fields the schema does not know as "$unknown": their bytes.
bool write_message(const pb::Message& message, mqtt::ValueWriter& out, int depth)
{
    if (depth > mqtt::k_protobuf_schema_max_depth) return false;  // the parser's limit already holds it
    const pb::Reflection& r = *message.GetReflection();
    std::vector<const pb::FieldDescriptor*> fields;
    r.ListFields(message, &fields);
    const pb::UnknownFieldSet& unknown = r.GetUnknownFields(message);
    if (!out.begin_map(fields.size() + (unknown.empty() ? 0 : 1))) return false;
    for (const pb::FieldDescriptor* field : fields) {
        if (!out.text(field->is_extension() ? "[" + field->full_name() + "]" : field->name())) return false;
        if (field->is_map()) {
            if (!write_map(message, *field, out, depth)) return false;
        } else if (field->is_repeated()) {
            const int size = r.FieldSize(message, field);
            if (!out.begin_array(static_cast<std::uint64_t>(size))) return false;
            for (int i = 0; i < size; ++i) {
                if (!write_value(message, *field, i, out, depth)) return false;
            }
        } else if (!write_value(message, *field, -1, out, depth)) {
            return false;
        }
    }
    if (!unknown.empty()) {
        std::string bytes;
        unknown.SerializeToString(&bytes);
        if (!out.marker_key("$unknown") || !out.bytes(bytes)) return false;
    }
    return true;
}

int decode(Schema* schema, const char* data, std::size_t size, const char** out, std::size_t* out_size)
{
    schema->message->Clear();
    g_last_log.clear();
    const bool parsed = size <= static_cast<std::size_t>(std::numeric_limits<int>::max()) &&
        schema->message->ParsePartialFromArray(data, static_cast<int>(size));
    if (!parsed) {
        schema->error =
            fmt::format("not a valid {} message (truncated, malformed or nested deeper than {}){}{}", schema->type->full_name(),
                        mqtt::k_protobuf_schema_max_depth, g_last_log.empty() ? "" : ": ", g_last_log);
        *out = schema->error.c_str();
        return 1;
    }
    schema->out.clear();
    auto written = mqtt::write_document(schema->out, [&](mqtt::ValueWriter& writer) -> mqtt::DecodeStatus {
        if (!write_message(*schema->message, writer, 1) || !writer.done()) {
            return mqtt::Error{
                mqtt::DecodeError{writer.error().empty() ? "cannot be written as JSON" : writer.error(), std::nullopt}};
        }
        return {};
    });
    if (!written) {
        schema->error = written.error().reason;
        *out = schema->error.c_str();
        return 1;
    }
    *out = schema->out.data();
    *out_size = schema->out.size();
    return 0;
}

// ---- encoding: JSON values into the message

/// Where in the document a value is, for error lines: "sensors[2].value".
struct Path {
    std::vector<std::string> parts;
    std::string text() const
    {
        std::string s;
        for (const auto& p : parts) {
            if (!s.empty() && !p.starts_with('[')) s += '.';
            s += p;
        }
        return s;
    }
};

struct EncodeError {
    std::string reason;
};
using EncodeStatus = mqtt::Result<void, EncodeError>;

std::string kind_name(const JsonValue& v)
{
    switch (v.kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "a boolean";
    case Kind::number: return "the number " + v.text;
    case Kind::string: return "a string";
    case Kind::array: return "an array";
    case Kind::object: return "an object";
    }
    return "?";
}

const char* type_name(const pb::FieldDescriptor& field)
{
    return field.type_name();
}

/// A whole number written as a JSON number or string, in [min, max].
template <typename T> std::optional<T> whole(const JsonValue& v)
{
    if (v.kind != Kind::number && v.kind != Kind::string) return std::nullopt;
    std::string_view text = v.text;
    T value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<double> real(const JsonValue& v)
{
    if (v.kind == Kind::number) {
        static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
        return strtod_l(v.text.c_str(), nullptr, c_locale);
    }
    std::string_view special;
    if (v.kind == Kind::string) special = v.text;  // protobuf's JSON mapping
    if (v.kind == Kind::object && v.names.size() == 1 && v.names[0] == "$float" && v.values[0].kind == Kind::string) {
        special = v.values[0].text;
    }
    if (special == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (special == "Infinity") return std::numeric_limits<double>::infinity();
    if (special == "-Infinity") return -std::numeric_limits<double>::infinity();
    return std::nullopt;
}

/// The bytes of {"$bytes":"<base64>"}, or of a string (base64 for a bytes field, as protobuf's
/// JSON mapping has it; the text itself for a string field).
std::optional<std::string> byte_value(const JsonValue& v, bool base64_string)
{
    if (v.kind == Kind::string) return base64_string ? mqtt::decode_base64(v.text) : std::optional<std::string>(v.text);
    if (v.kind == Kind::object && v.names.size() == 1 && v.names[0] == "$bytes" && v.values[0].kind == Kind::string) {
        return mqtt::decode_base64(v.values[0].text);
    }
    return std::nullopt;
}

EncodeStatus fill_message(const JsonValue& json, pb::Message& message, Path& path, int depth);

/// Sets `field` (adds to it when repeated) of `message` from `v`.
EncodeStatus set_value(const JsonValue& v, pb::Message& message, const pb::FieldDescriptor& field, Path& path, int depth)
{
    const pb::Reflection& r = *message.GetReflection();
    const bool add = field.is_repeated();
    const auto wrong = [&](std::string_view wanted) {
        return Error{EncodeError{fmt::format("{}: {} where {} is wanted", path.text(), kind_name(v), wanted)}};
    };
    switch (field.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32: {
        const auto n = whole<std::int32_t>(v);
        if (!n) return wrong(fmt::format("an integer of {} (-2^31 to 2^31-1)", type_name(field)));
        add ? r.AddInt32(&message, &field, *n) : r.SetInt32(&message, &field, *n);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_INT64: {
        const auto n = whole<std::int64_t>(v);
        if (!n) return wrong(fmt::format("an integer of {} (-2^63 to 2^63-1)", type_name(field)));
        add ? r.AddInt64(&message, &field, *n) : r.SetInt64(&message, &field, *n);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT32: {
        const auto n = whole<std::uint32_t>(v);
        if (!n) return wrong(fmt::format("an integer of {} (0 to 2^32-1)", type_name(field)));
        add ? r.AddUInt32(&message, &field, *n) : r.SetUInt32(&message, &field, *n);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_UINT64: {
        const auto n = whole<std::uint64_t>(v);
        if (!n) return wrong(fmt::format("an integer of {} (0 to 2^64-1)", type_name(field)));
        add ? r.AddUInt64(&message, &field, *n) : r.SetUInt64(&message, &field, *n);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
        const auto n = real(v);
        if (!n) return wrong("a number");
        add ? r.AddDouble(&message, &field, *n) : r.SetDouble(&message, &field, *n);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        const auto n = real(v);
        if (!n) return wrong("a number");
        // What rounds to a finite float is one: everything below the midpoint between float's
        // largest value and 2^128. The shortest text of FLT_MAX, 3.4028235e+38, is above
        // FLT_MAX as a double, and is what --decode writes for it.
        constexpr double float_limit = 0x1.ffffffp+127;  // 2^128 - 2^103
        if (std::isfinite(*n) && std::fabs(*n) >= float_limit) {
            return Error{EncodeError{fmt::format("{}: {} is beyond what a float holds", path.text(), v.text)}};
        }
        const auto f = static_cast<float>(*n);
        add ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL:
        if (v.kind != Kind::boolean) return wrong("true or false");
        add ? r.AddBool(&message, &field, v.boolean) : r.SetBool(&message, &field, v.boolean);
        break;
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
        std::optional<int> number;
        if (v.kind == Kind::string) {
            if (const auto* value = field.enum_type()->FindValueByName(v.text)) number = value->number();
        } else if (const auto n = whole<std::int32_t>(v); n && v.kind == Kind::number) {
            // An open (proto3) enum keeps numbers it does not name; a closed one does not.
            const bool open = field.enum_type()->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO3;
            if (open || field.enum_type()->FindValueByNumber(*n) != nullptr) number = *n;
        }
        if (!number) return wrong(fmt::format("a value of {}", field.enum_type()->full_name()));
        add ? r.AddEnumValue(&message, &field, *number) : r.SetEnumValue(&message, &field, *number);
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_STRING: {
        const bool is_bytes = field.type() == pb::FieldDescriptor::TYPE_BYTES;
        auto bytes = byte_value(v, is_bytes);
        if (!bytes) return wrong(is_bytes ? "{\"$bytes\":\"<base64>\"} or a base64 string" : "a string");
        if (!is_bytes && field.file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO3 && !mqtt::is_utf8(*bytes)) {
            // libprotobuf would write it, and every proto3 reader refuse it.
            return Error{
                EncodeError{fmt::format("{}: a proto3 string must be UTF-8 (bytes are for a bytes field)", path.text())}};
        }
        add ? r.AddString(&message, &field, std::move(*bytes)) : r.SetString(&message, &field, std::move(*bytes));
        break;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
        if (v.kind != Kind::object) return wrong(fmt::format("an object ({})", field.message_type()->full_name()));
        pb::Message* child = add ? r.AddMessage(&message, &field) : r.MutableMessage(&message, &field);
        return fill_message(v, *child, path, depth + 1);
    }
    }
    return {};
}

/// A map field's entries from an object, each member name read as the key's type; or from
/// {"$map":[[key,value],...]}, as maps with keys that are not UTF-8 or start with '$' are written.
EncodeStatus fill_map(const JsonValue& v, pb::Message& message, const pb::FieldDescriptor& field, Path& path, int depth)
{
    const auto not_map = [&] {
        return Error{EncodeError{fmt::format("{}: {} where an object (a map) is wanted", path.text(), kind_name(v))}};
    };
    if (v.kind != Kind::object) return not_map();
    std::vector<std::pair<std::string, const JsonValue*>> entries;
    if (v.names.size() == 1 && v.names[0] == "$map") {
        const JsonValue& pairs = v.values[0];
        if (pairs.kind != Kind::array) return not_map();
        for (const JsonValue& pair : pairs.values) {
            std::optional<std::string> key;
            if (pair.kind == Kind::array && pair.values.size() == 2) key = byte_value(pair.values[0], false);
            if (!key)
                return Error{
                    EncodeError{fmt::format("{}: \"$map\" must be written {{\"$map\":[[<key>,<value>],...]}}", path.text())}};
            entries.emplace_back(std::move(*key), &pair.values[1]);
        }
    } else {
        for (std::size_t i = 0; i < v.names.size(); ++i) entries.emplace_back(v.names[i], &v.values[i]);
    }
    const pb::FieldDescriptor& key = *field.message_type()->map_key();
    const pb::FieldDescriptor& value = *field.message_type()->map_value();
    for (const auto& [name, item] : entries) {
        path.parts.push_back(fmt::format("[{}]", name));
        JsonValue key_json;
        key_json.kind = key.cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL ? Kind::boolean
            : key.cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING         ? Kind::string
                                                                            : Kind::number;
        key_json.text = name;
        key_json.boolean = name == "true";
        pb::Message* entry = message.GetReflection()->AddMessage(&message, &field);
        if ((key_json.kind == Kind::boolean && name != "true" && name != "false") ||
            !set_value(key_json, *entry, key, path, depth)) {
            return Error{EncodeError{fmt::format("{}: the key {} is not of type {}", path.text(), name, key.type_name())}};
        }
        if (auto status = set_value(*item, *entry, value, path, depth); !status) return status;
        path.parts.pop_back();
    }
    return {};
}

/// The field named `name` (its .proto name, its json_name, or "[extension.full_name]").
const pb::FieldDescriptor* find_field(const pb::Message& message, const std::string& name)
{
    const pb::Descriptor& type = *message.GetDescriptor();
    if (const auto* field = type.FindFieldByName(name)) return field;
    for (int i = 0; i < type.field_count(); ++i) {
        if (type.field(i)->json_name() == name) return type.field(i);
    }
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
        const auto* extension = type.file()->pool()->FindExtensionByName(name.substr(1, name.size() - 2));
        if (extension != nullptr && extension->containing_type() == &type) return extension;
    }
    return nullptr;
}

EncodeStatus fill_message(const JsonValue& json, pb::Message& message, Path& path, int depth)
{
    const pb::Descriptor& type = *message.GetDescriptor();
    if (depth > mqtt::k_protobuf_schema_max_depth) {
        return Error{
            EncodeError{fmt::format("{}: messages nested deeper than {}", path.text(), mqtt::k_protobuf_schema_max_depth)}};
    }
    const pb::Reflection& r = *message.GetReflection();
    std::vector<const pb::FieldDescriptor*> seen;
    for (std::size_t i = 0; i < json.names.size(); ++i) {
        const std::string& name = json.names[i];
        const JsonValue& v = json.values[i];
        if (name == "$unknown") {
            auto bytes = byte_value(v, false);
            if (v.kind == Kind::string || !bytes ||
                !r.MutableUnknownFields(&message)->ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) {
                return Error{EncodeError{fmt::format("{}{}$unknown must be {{\"$bytes\":\"<base64>\"}} of Protobuf fields",
                                                     path.text(), path.parts.empty() ? "" : ".")}};
            }
            continue;
        }
        const pb::FieldDescriptor* field = find_field(message, name);
        if (field == nullptr) {
            return Error{EncodeError{fmt::format("{}{}{}: {} has no field of that name", path.text(),
                                                 path.parts.empty() ? "" : ".", name, type.full_name())}};
        }
        path.parts.push_back(field->name());
        if (std::find(seen.begin(), seen.end(), field) != seen.end()) {
            return Error{EncodeError{fmt::format("{}: given twice", path.text())}};
        }
        seen.push_back(field);
        if (const pb::OneofDescriptor* oneof = field->real_containing_oneof(); oneof != nullptr && v.kind != Kind::null) {
            if (const auto* other = r.GetOneofFieldDescriptor(message, oneof)) {
                return Error{EncodeError{
                    fmt::format("{}: {} is set too, and both are of oneof {}", path.text(), other->name(), oneof->name())}};
            }
        }
        EncodeStatus status;
        if (v.kind == Kind::null) {
            // Unset, as protobuf's JSON mapping reads null.
        } else if (field->is_map()) {
            status = fill_map(v, message, *field, path, depth);
        } else if (field->is_repeated()) {
            if (v.kind != Kind::array)
                return Error{EncodeError{fmt::format("{}: {} where an array is wanted", path.text(), kind_name(v))}};
            for (std::size_t e = 0; e < v.values.size() && status; ++e) {
                path.parts.push_back(fmt::format("[{}]", e));
                status = set_value(v.values[e], message, *field, path, depth);
                if (status) path.parts.pop_back();
            }
        } else {
            status = set_value(v, message, *field, path, depth);
        }
        if (!status) return status;
        path.parts.pop_back();
    }
    return {};
}

int encode(Schema* schema, const char* json, std::size_t size, const char** out, std::size_t* out_size)
{
    const auto fail = [&](std::string reason) {
        schema->error = std::move(reason);
        *out = schema->error.c_str();
        return 1;
    };
    auto parsed = mqtt::json_parse(std::string_view(json, size));
    if (!parsed) return fail(fmt::format("is not JSON at byte {}: {}", parsed.error().offset + 1, parsed.error().what));
    if (parsed->kind != Kind::object) {
        return fail(fmt::format("cannot be written as protobuf: {} where an object ({}) is wanted", kind_name(*parsed),
                                schema->type->full_name()));
    }
    schema->message->Clear();
    Path path;
    if (auto status = fill_message(*parsed, *schema->message, path, 1); !status) {
        return fail("cannot be written as protobuf: " + status.error().reason);
    }
    schema->out.clear();
    {
        pb::io::StringOutputStream stream(&schema->out);
        pb::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);  // map entries in key order
        if (!schema->message->SerializePartialToCodedStream(&coded)) return fail("cannot be written as protobuf: too large");
    }
    *out = schema->out.data();
    *out_size = schema->out.size();
    return 0;
}

// ---- loading

Schema* load(const char* file, const char* message, const char* const* paths, std::size_t path_count, const char** error)
{
    static std::string load_error;
    pb::SetLogHandler(catch_log);
    auto schema = std::make_unique<Schema>();
    const std::string path(file);
    schema->tree.MapPath("", folder_of(path));
    for (std::size_t i = 0; i < path_count; ++i) schema->tree.MapPath("", paths[i]);
    schema->importer = std::make_unique<pb::compiler::Importer>(&schema->tree, &schema->errors);
    const pb::FileDescriptor* loaded = schema->importer->Import(base_of(path));
    if (loaded == nullptr) {
        load_error = schema->errors.first.empty() ? fmt::format("{}: cannot be loaded", path) : schema->errors.first;
        *error = load_error.c_str();
        return nullptr;
    }
    schema->type = schema->importer->pool()->FindMessageTypeByName(message);
    if (schema->type == nullptr) {
        std::string known;
        for (int i = 0; i < loaded->message_type_count() && i < 8; ++i) {
            known += fmt::format("{}{}", i == 0 ? "" : ", ", loaded->message_type(i)->full_name());
        }
        load_error = fmt::format("{}: no message type {} (the file has: {})", path, message, known.empty() ? "none" : known);
        *error = load_error.c_str();
        return nullptr;
    }
    schema->message.reset(schema->factory.GetPrototype(schema->type)->New());
    return schema.release();
}

void release(Schema* schema)
{
    delete schema;
}

constexpr MqttProtobufApi k_api{mqtt::k_protobuf_api_version, load, decode, encode, release};

}  // namespace

extern "C" __attribute__((visibility("default"))) const MqttProtobufApi* mqtt_tools_protobuf_api(void)
{
    return &k_api;
}
