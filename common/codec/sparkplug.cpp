#include "sparkplug.h"

#include <array>
#include <bit>
#include <span>
#include <fmt/format.h>

#include "json.h"
#include "protobuf_raw.h"
#include "terminal_text.h"
#include "utf8.h"

namespace mqtt {

namespace {

using protobuf_wire::Field;
using protobuf_wire::Level;
using protobuf_wire::Scanner;
using protobuf_wire::Wire;

// The Sparkplug B data types (specification, "Datatypes"), by their number.
constexpr std::array<std::string_view, 35> k_types = {
    "Unknown",    "Int8",        "Int16",        "Int32",      "Int64",      "UInt8",       "UInt16",
    "UInt32",     "UInt64",      "Float",        "Double",     "Boolean",    "String",      "DateTime",
    "Text",       "UUID",        "DataSet",      "Bytes",      "File",       "Template",    "PropertySet",
    "PropertySetList", "Int8Array", "Int16Array", "Int32Array", "Int64Array", "UInt8Array", "UInt16Array",
    "UInt32Array", "UInt64Array", "FloatArray",  "DoubleArray", "BooleanArray", "StringArray", "DateTimeArray",
};
enum Type : std::uint32_t {
    int8 = 1, int16, int32, int64, uint8, uint16, uint32, uint64, float_, double_, boolean, string, date_time,
    text, uuid, data_set, bytes, file, template_, property_set, property_set_list, int8_array, int16_array,
    int32_array, int64_array, uint8_array, uint16_array, uint32_array, uint64_array, float_array, double_array,
    boolean_array, string_array, date_time_array,
};

/// What a value field of Metric, Template.Parameter, PropertyValue or DataSet.DataSetValue
/// holds: the oneof members the specification gives them all, in its order.
enum class Slot { int_value, long_value, float_value, double_value, boolean_value, string_value, bytes_value,
                  dataset_value, template_value, propertyset_value, propertysets_value, extension_value };

Wire wire_of(Slot slot)
{
    switch (slot) {
    case Slot::int_value:
    case Slot::long_value:
    case Slot::boolean_value:
        return protobuf_wire::varint;
    case Slot::float_value:
        return protobuf_wire::fixed32;
    case Slot::double_value:
        return protobuf_wire::fixed64;
    default:
        return protobuf_wire::length_delimited;
    }
}

std::string_view wire_name(unsigned wire)
{
    static constexpr std::string_view names[] = {"varint", "64-bit", "length-delimited", "start-group", "end-group", "32-bit"};
    return wire < 6 ? names[wire] : "unknown";
}

/// The value slots of a message: field number `first` holds slots[0], and so on.
struct Slots {
    std::uint32_t first;
    std::span<const Slot> slots;
    std::optional<Slot> at(std::uint32_t number) const
    {
        if (number < first || number - first >= slots.size()) return std::nullopt;
        return slots[number - first];
    }
};
constexpr Slot k_metric_slot_list[] = {Slot::int_value,     Slot::long_value,    Slot::float_value, Slot::double_value,
                                       Slot::boolean_value, Slot::string_value,  Slot::bytes_value, Slot::dataset_value,
                                       Slot::template_value, Slot::extension_value};
constexpr Slot k_parameter_slot_list[] = {Slot::int_value,     Slot::long_value,   Slot::float_value, Slot::double_value,
                                          Slot::boolean_value, Slot::string_value, Slot::extension_value};
constexpr Slot k_property_slot_list[] = {Slot::int_value,         Slot::long_value,         Slot::float_value,
                                         Slot::double_value,      Slot::boolean_value,      Slot::string_value,
                                         Slot::propertyset_value, Slot::propertysets_value, Slot::extension_value};
constexpr Slots k_metric_slots{10, k_metric_slot_list};           // Metric: int_value is field 10
constexpr Slots k_parameter_slots{3, k_parameter_slot_list};      // Template.Parameter: 3
constexpr Slots k_property_slots{3, k_property_slot_list};        // PropertyValue: 3
constexpr Slots k_dataset_value_slots{1, k_parameter_slot_list};  // DataSet.DataSetValue: 1, as Parameter's

/// MetaData's fields: all scalars.
struct MetaField {
    std::uint32_t number;
    std::string_view key;
    Slot slot;
};
constexpr MetaField k_metadata[] = {
    {1, "is_multi_part", Slot::boolean_value}, {2, "content_type", Slot::string_value},
    {3, "size", Slot::long_value},             {4, "seq", Slot::long_value},
    {5, "file_name", Slot::string_value},      {6, "file_type", Slot::string_value},
    {7, "md5", Slot::string_value},            {8, "description", Slot::string_value},
};

/// What the walk learns about a payload, for the run's state once it has decoded.
struct Seen {
    std::optional<std::uint64_t> seq;
    std::optional<std::uint64_t> bd_seq;
    struct Birth {
        std::uint64_t alias;
        std::string_view name;
        std::uint32_t type;
    };
    std::vector<Birth> births;
    std::optional<std::uint64_t> unknown_alias;  ///< the first alias without a birth
    std::size_t unknown_aliases = 0;
};

/// Writes one Payload through a ValueWriter. Templates hold metrics and property sets hold
/// property sets: the recursion is bounded by k_sparkplug_max_depth, whatever the input.
class Walk {
public:
    /// `aliases`: those of the payload's edge node (null: none known); `birth`: an NBIRTH or
    /// DBIRTH, whose metrics define aliases.
    Walk(std::string_view data, ValueWriter& writer, bool birth, const SparkplugAliases* aliases, Seen& seen)
        : m_data(data), m_writer(writer), m_birth(birth), m_aliases(aliases), m_seen(seen)
    {
    }

    DecodeStatus payload();

private:
    DecodeStatus scan(const Field& field, Level& level, std::size_t depth);
    DecodeStatus expect(const Field& field, Wire wire, std::string_view message) const;
    DecodeStatus written(const Field& field) const { return Error{DecodeError{m_writer.error(), field.offset}}; }
    std::string_view contents(const Field& field) const { return m_data.substr(field.begin, field.end - field.begin); }
    DecodeStatus metric(const Field& field, std::size_t depth, bool top);
    /// A value held in `slot` by `field`, as data type `type` (0: unknown) says.
    DecodeStatus value(std::uint32_t type, Slot slot, const Field& field, std::size_t depth);
    DecodeStatus array(std::uint32_t type, const Field& field);
    DecodeStatus dataset(const Field& field, std::size_t depth);
    DecodeStatus template_value(const Field& field, std::size_t depth);
    /// Template.Parameter and PropertyValue: {"name":..,"type":..,"value":..} or is_null.
    DecodeStatus typed(const Field& field, std::size_t depth, bool parameter);
    DecodeStatus property_set(const Field& field, std::size_t depth);
    DecodeStatus property_set_list(const Field& field, std::size_t depth);
    DecodeStatus metadata(const Field& field, std::size_t depth);
    bool text(std::string_view bytes) { return is_utf8(bytes) ? m_writer.text(bytes) : m_writer.bytes(bytes); }
    bool type_name(std::uint64_t type)
    {
        const std::string_view name = sparkplug_type_name(type);
        return name.empty() ? m_writer.unsigned_integer(type) : m_writer.text(name);
    }

    std::string_view m_data;
    ValueWriter& m_writer;
    bool m_birth;
    const SparkplugAliases* m_aliases;
    Seen& m_seen;
};

DecodeStatus Walk::scan(const Field& field, Level& level, std::size_t depth)
{
    if (depth > k_sparkplug_max_depth) {
        return Error{DecodeError{fmt::format("templates or property sets nested deeper than {} levels", k_sparkplug_max_depth),
                           field.offset}};
    }
    Scanner scanner(m_data, k_protobuf_max_depth);
    return scanner.scan(field.begin, field.end, level);
}

DecodeStatus Walk::expect(const Field& field, Wire wire, std::string_view message) const
{
    if (field.wire == wire) return {};
    return Error{DecodeError{fmt::format("field {} of a {} is {}, not {}", field.number, message, wire_name(field.wire),
                                   wire_name(wire)),
                       field.offset}};
}

DecodeStatus Walk::payload()
{
    Field whole;
    whole.end = m_data.size();
    Level level;
    if (auto status = scan(whole, level, 0); !status) return status;
    const Field* timestamp = nullptr;
    const Field* seq = nullptr;
    const Field* uuid = nullptr;
    const Field* body = nullptr;
    std::size_t metrics = 0;
    for (const Field& field : level.fields) {
        switch (field.number) {
        case 1:
            timestamp = &field;
            break;
        case 2:
            ++metrics;
            break;
        case 3:
            seq = &field;
            break;
        case 4:
            uuid = &field;
            break;
        case 5:
            body = &field;
            break;
        default:
            continue;
        }
        const Wire wire = field.number == 1 || field.number == 3 ? protobuf_wire::varint : protobuf_wire::length_delimited;
        if (auto status = expect(field, wire, "Payload"); !status) return status;
    }
    bool ok = m_writer.begin_map(std::nullopt);
    if (ok && timestamp) ok = m_writer.text("timestamp") && m_writer.unsigned_integer(timestamp->value);
    if (ok && seq) {
        m_seen.seq = seq->value;
        ok = m_writer.text("seq") && m_writer.unsigned_integer(seq->value);
    }
    if (ok && uuid) ok = m_writer.text("uuid") && text(contents(*uuid));
    if (!ok) return written(whole);
    if (!m_writer.text("metrics") || !m_writer.begin_array(metrics)) return written(whole);
    for (const Field& field : level.fields) {
        if (field.number != 2) continue;
        if (auto status = metric(field, 1, true); !status) return status;
    }
    if (body && !(m_writer.text("body") && m_writer.bytes(contents(*body)))) {
        return written(*body);
    }
    if (!m_writer.end_indefinite()) return written(whole);
    return {};
}

DecodeStatus Walk::metric(const Field& field, std::size_t depth, bool top)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    const Field* name = nullptr;
    const Field* alias = nullptr;
    const Field* timestamp = nullptr;
    const Field* datatype = nullptr;
    const Field* metadata = nullptr;
    const Field* properties = nullptr;
    const Field* value = nullptr;  // the oneof: the last one written wins (fields are grouped by number)
    bool historical = false;
    bool transient = false;
    bool null = false;
    for (const Field& member : level.fields) {
        if (const auto slot = k_metric_slots.at(member.number)) {
            if (auto status = expect(member, wire_of(*slot), "Metric"); !status) return status;
            if (!value || member.offset > value->offset) value = &member;
            continue;
        }
        const Field** at = nullptr;
        bool* flag = nullptr;
        switch (member.number) {
        case 1: at = &name; break;
        case 2: at = &alias; break;
        case 3: at = &timestamp; break;
        case 4: at = &datatype; break;
        case 5: flag = &historical; break;
        case 6: flag = &transient; break;
        case 7: flag = &null; break;
        case 8: at = &metadata; break;
        case 9: at = &properties; break;
        default: continue;
        }
        const bool delimited = member.number == 1 || member.number == 8 || member.number == 9;
        if (auto status = expect(member, delimited ? protobuf_wire::length_delimited : protobuf_wire::varint, "Metric");
            !status) {
            return status;
        }
        if (at) *at = &member;
        if (flag) *flag = member.value != 0;
    }
    std::string_view name_text;
    if (name) name_text = contents(*name);
    std::uint32_t type = datatype ? static_cast<std::uint32_t>(datatype->value) : 0;
    bool named = name != nullptr;
    if (!named && alias) {
        const auto known = m_aliases ? m_aliases->find(alias->value) : SparkplugAliases::const_iterator{};
        if (m_aliases && known != m_aliases->end()) {
            name_text = known->second.name;
            named = true;
            if (!datatype) type = known->second.type;
        } else {
            if (!m_seen.unknown_alias) m_seen.unknown_alias = alias->value;
            ++m_seen.unknown_aliases;
        }
    }
    if (top && m_birth && name && alias) m_seen.births.push_back({alias->value, name_text, type});
    if (top && name_text == "bdSeq" && value && (value->number == 10 || value->number == 11)) m_seen.bd_seq = value->value;

    bool ok = m_writer.begin_map(std::nullopt);
    if (ok && (named || alias)) ok = m_writer.text("name") && (named ? text(name_text) : m_writer.null());
    if (ok && alias) ok = m_writer.text("alias") && m_writer.unsigned_integer(alias->value);
    if (ok && timestamp) ok = m_writer.text("timestamp") && m_writer.unsigned_integer(timestamp->value);
    if (ok && type != 0) ok = m_writer.text("type") && type_name(type);
    if (!ok) return written(field);
    if (null) {
        if (!m_writer.text("is_null") || !m_writer.boolean(true)) return written(field);
    } else if (value) {
        if (!m_writer.text("value")) return written(*value);
        if (auto status = this->value(type, *k_metric_slots.at(value->number), *value, depth); !status) return status;
    }
    if (historical && !(m_writer.text("is_historical") && m_writer.boolean(true))) return written(field);
    if (transient && !(m_writer.text("is_transient") && m_writer.boolean(true))) return written(field);
    if (properties) {
        if (!m_writer.text("properties")) return written(*properties);
        if (auto status = property_set(*properties, depth + 1); !status) return status;
    }
    if (metadata) {
        if (!m_writer.text("metadata")) return written(*metadata);
        if (auto status = this->metadata(*metadata, depth + 1); !status) return status;
    }
    if (!m_writer.end_indefinite()) return written(field);
    return {};
}

DecodeStatus Walk::value(std::uint32_t type, Slot slot, const Field& field, std::size_t depth)
{
    bool ok = true;
    switch (slot) {
    case Slot::int_value:
    case Slot::long_value: {
        // Signed types are two's complement in the unsigned field (Int8 -1 as 0xff or as
        // 0xffffffff alike): the low bits of the type's width are read back as signed.
        const std::uint64_t raw = slot == Slot::int_value ? field.value & 0xffffffffU : field.value;
        switch (type) {
        case int8: ok = m_writer.signed_integer(static_cast<std::int8_t>(raw & 0xff)); break;
        case int16: ok = m_writer.signed_integer(static_cast<std::int16_t>(raw & 0xffff)); break;
        case int32: ok = m_writer.signed_integer(static_cast<std::int32_t>(raw & 0xffffffffU)); break;
        case int64: ok = m_writer.signed_integer(static_cast<std::int64_t>(raw)); break;
        case boolean: ok = m_writer.boolean(raw != 0); break;
        default: ok = m_writer.unsigned_integer(raw); break;
        }
        break;
    }
    case Slot::float_value:
        ok = m_writer.floating(std::bit_cast<float>(static_cast<std::uint32_t>(field.value)));
        break;
    case Slot::double_value:
        ok = m_writer.floating(std::bit_cast<double>(field.value));
        break;
    case Slot::boolean_value:
        ok = m_writer.boolean(field.value != 0);
        break;
    case Slot::string_value:
        ok = text(contents(field));
        break;
    case Slot::bytes_value:
        if (type >= int8_array && type <= date_time_array) return array(type, field);
        ok = m_writer.bytes(contents(field));
        break;
    case Slot::dataset_value:
        return dataset(field, depth + 1);
    case Slot::template_value:
        return template_value(field, depth + 1);
    case Slot::propertyset_value:
        return property_set(field, depth + 1);
    case Slot::propertysets_value:
        return property_set_list(field, depth + 1);
    case Slot::extension_value:
        ok = m_writer.bytes(contents(field));
        break;
    }
    if (!ok) return written(field);
    return {};
}

/// Reads `size` bytes little-endian.
std::uint64_t little_endian(const char* at, std::size_t size)
{
    std::uint64_t value = 0;
    for (std::size_t i = size; i-- > 0;) value = value << 8 | static_cast<unsigned char>(at[i]);
    return value;
}

DecodeStatus Walk::array(std::uint32_t type, const Field& field)
{
    const std::string_view data = contents(field);
    bool ok = true;
    if (type == string_array) {
        // Strings each ended by NUL (a last one without it is taken as it is).
        std::size_t count = 0;
        for (std::size_t at = 0; at < data.size(); ++count) {
            const std::size_t nul = data.find('\0', at);
            at = nul == std::string_view::npos ? data.size() : nul + 1;
        }
        ok = m_writer.begin_array(count);
        for (std::size_t at = 0; ok && at < data.size();) {
            const std::size_t nul = data.find('\0', at);
            const std::size_t end = nul == std::string_view::npos ? data.size() : nul;
            ok = text(data.substr(at, end - at));
            at = end + 1;
        }
        return ok ? DecodeStatus() : written(field);
    }
    if (type == boolean_array) {
        // A 4-byte little-endian count, then the values as bits, the first in the high bit.
        if (data.size() < 4) {
            return Error{DecodeError{fmt::format("BooleanArray of {} bytes: no 4-byte count", data.size()), field.offset}};
        }
        const std::uint64_t count = little_endian(data.data(), 4);
        if ((count + 7) / 8 > data.size() - 4) {
            return Error{DecodeError{fmt::format("BooleanArray of {} values in {} bytes", count, data.size() - 4),
                               field.offset}};
        }
        ok = m_writer.begin_array(count);
        for (std::uint64_t i = 0; ok && i < count; ++i) {
            const auto byte = static_cast<unsigned char>(data[4 + i / 8]);
            ok = m_writer.boolean((byte >> (7 - i % 8) & 1) != 0);
        }
        return ok ? DecodeStatus() : written(field);
    }
    std::size_t size = 8;
    switch (type) {
    case int8_array: case uint8_array: size = 1; break;
    case int16_array: case uint16_array: size = 2; break;
    case int32_array: case uint32_array: case float_array: size = 4; break;
    default: break;
    }
    if (data.size() % size != 0) {
        return Error{DecodeError{fmt::format("{} of {} bytes: not a multiple of {}", sparkplug_type_name(type), data.size(), size),
                           field.offset}};
    }
    ok = m_writer.begin_array(data.size() / size);
    for (std::size_t at = 0; ok && at < data.size(); at += size) {
        const std::uint64_t raw = little_endian(data.data() + at, size);
        switch (type) {
        case int8_array: ok = m_writer.signed_integer(static_cast<std::int8_t>(raw)); break;
        case int16_array: ok = m_writer.signed_integer(static_cast<std::int16_t>(raw)); break;
        case int32_array: ok = m_writer.signed_integer(static_cast<std::int32_t>(raw)); break;
        case int64_array: ok = m_writer.signed_integer(static_cast<std::int64_t>(raw)); break;
        case float_array: ok = m_writer.floating(std::bit_cast<float>(static_cast<std::uint32_t>(raw))); break;
        case double_array: ok = m_writer.floating(std::bit_cast<double>(raw)); break;
        default: ok = m_writer.unsigned_integer(raw); break;  // UInt*, DateTime (ms since 1970)
        }
    }
    return ok ? DecodeStatus() : written(field);
}

DecodeStatus Walk::dataset(const Field& field, std::size_t depth)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    const Field* columns_count = nullptr;
    std::vector<const Field*> columns;
    std::vector<std::uint32_t> types;
    std::vector<const Field*> rows;
    for (const Field& member : level.fields) {
        switch (member.number) {
        case 1:
            if (auto status = expect(member, protobuf_wire::varint, "DataSet"); !status) return status;
            columns_count = &member;
            break;
        case 2:
            if (auto status = expect(member, protobuf_wire::length_delimited, "DataSet"); !status) return status;
            columns.push_back(&member);
            break;
        case 3:
            // repeated uint32: one varint each, or packed in one length-delimited field.
            if (member.wire == protobuf_wire::length_delimited) {
                Scanner reader(m_data, 0);
                for (std::size_t at = member.begin; at < member.end;) {
                    std::uint64_t type = 0;
                    if (auto status = reader.read_varint(at, member.end, type, "a DataSet type"); !status) return status;
                    types.push_back(static_cast<std::uint32_t>(type));
                }
            } else {
                if (auto status = expect(member, protobuf_wire::varint, "DataSet"); !status) return status;
                types.push_back(static_cast<std::uint32_t>(member.value));
            }
            break;
        case 4:
            if (auto status = expect(member, protobuf_wire::length_delimited, "DataSet"); !status) return status;
            rows.push_back(&member);
            break;
        default:
            break;
        }
    }
    bool ok = m_writer.begin_map(std::nullopt);
    if (ok && columns_count) ok = m_writer.text("num_of_columns") && m_writer.unsigned_integer(columns_count->value);
    ok = ok && m_writer.text("columns") && m_writer.begin_array(columns.size());
    for (const Field* column : columns) ok = ok && text(contents(*column));
    ok = ok && m_writer.text("types") && m_writer.begin_array(types.size());
    for (const std::uint32_t type : types) ok = ok && type_name(type);
    ok = ok && m_writer.text("rows") && m_writer.begin_array(rows.size());
    if (!ok) return written(field);
    for (const Field* row : rows) {
        Level elements;
        if (auto status = scan(*row, elements, depth + 1); !status) return status;
        std::size_t count = 0;
        for (const Field& element : elements.fields) count += element.number == 1 ? 1 : 0;
        if (!m_writer.begin_array(count)) return written(*row);
        std::size_t column = 0;
        for (const Field& element : elements.fields) {
            if (element.number != 1) continue;
            if (auto status = expect(element, protobuf_wire::length_delimited, "DataSet.Row"); !status) return status;
            Level cell;
            if (auto status = scan(element, cell, depth + 2); !status) return status;
            const Field* held = nullptr;
            for (const Field& member : cell.fields) {
                const auto slot = k_dataset_value_slots.at(member.number);
                if (!slot) continue;
                if (auto status = expect(member, wire_of(*slot), "DataSet.DataSetValue"); !status) return status;
                if (!held || member.offset > held->offset) held = &member;
            }
            const std::uint32_t type = column < types.size() ? types[column] : 0;
            ++column;
            if (!held) {
                if (!m_writer.null()) return written(element);
                continue;
            }
            if (auto status = value(type, *k_dataset_value_slots.at(held->number), *held, depth + 2); !status) return status;
        }
    }
    if (!m_writer.end_indefinite()) return written(field);
    return {};
}

DecodeStatus Walk::template_value(const Field& field, std::size_t depth)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    const Field* version = nullptr;
    const Field* ref = nullptr;
    bool definition = false;
    std::size_t metrics = 0;
    std::size_t parameters = 0;
    for (const Field& member : level.fields) {
        if (member.number == 5) {
            if (auto status = expect(member, protobuf_wire::varint, "Template"); !status) return status;
            definition = member.value != 0;
            continue;
        }
        if (member.number < 1 || member.number > 4) continue;
        if (auto status = expect(member, protobuf_wire::length_delimited, "Template"); !status) return status;
        if (member.number == 1) version = &member;
        if (member.number == 2) ++metrics;
        if (member.number == 3) ++parameters;
        if (member.number == 4) ref = &member;
    }
    bool ok = m_writer.begin_map(std::nullopt);
    if (ok && version) ok = m_writer.text("version") && text(contents(*version));
    if (ok && ref) ok = m_writer.text("template_ref") && text(contents(*ref));
    if (ok && definition) ok = m_writer.text("is_definition") && m_writer.boolean(true);
    if (ok && parameters > 0) ok = m_writer.text("parameters") && m_writer.begin_array(parameters);
    if (!ok) return written(field);
    for (const Field& member : level.fields) {
        if (member.number != 3) continue;
        if (auto status = typed(member, depth + 1, true); !status) return status;
    }
    if (!m_writer.text("metrics") || !m_writer.begin_array(metrics)) return written(field);
    for (const Field& member : level.fields) {
        if (member.number != 2) continue;
        if (auto status = metric(member, depth + 1, false); !status) return status;
    }
    if (!m_writer.end_indefinite()) return written(field);
    return {};
}

DecodeStatus Walk::typed(const Field& field, std::size_t depth, bool parameter)
{
    const std::string_view message = parameter ? "Template.Parameter" : "PropertyValue";
    const Slots& slots = parameter ? k_parameter_slots : k_property_slots;
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    const Field* name = nullptr;
    const Field* type = nullptr;
    const Field* held = nullptr;
    bool null = false;
    for (const Field& member : level.fields) {
        if (const auto slot = slots.at(member.number)) {
            if (auto status = expect(member, wire_of(*slot), message); !status) return status;
            if (!held || member.offset > held->offset) held = &member;
        } else if (member.number == 1 || member.number == 2) {
            // Parameter: 1 name, 2 type. PropertyValue: 1 type, 2 is_null.
            const bool is_name = parameter && member.number == 1;
            if (auto status = expect(member, is_name ? protobuf_wire::length_delimited : protobuf_wire::varint, message);
                !status) {
                return status;
            }
            if (is_name) {
                name = &member;
            } else if (parameter || member.number == 1) {
                type = &member;
            } else {
                null = member.value != 0;
            }
        }
    }
    bool ok = m_writer.begin_map(std::nullopt);
    if (ok && name) ok = m_writer.text("name") && text(contents(*name));
    if (ok && type) ok = m_writer.text("type") && type_name(type->value);
    if (ok && null) ok = m_writer.text("is_null") && m_writer.boolean(true);
    if (!ok) return written(field);
    if (!null && held) {
        if (!m_writer.text("value")) return written(*held);
        const std::uint32_t kind = type ? static_cast<std::uint32_t>(type->value) : 0;
        if (auto status = value(kind, *slots.at(held->number), *held, depth); !status) return status;
    }
    if (!m_writer.end_indefinite()) return written(field);
    return {};
}

DecodeStatus Walk::property_set(const Field& field, std::size_t depth)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    std::vector<const Field*> keys;
    std::vector<const Field*> values;
    for (const Field& member : level.fields) {
        if (member.number != 1 && member.number != 2) continue;
        if (auto status = expect(member, protobuf_wire::length_delimited, "PropertySet"); !status) return status;
        (member.number == 1 ? keys : values).push_back(&member);
    }
    if (keys.size() != values.size()) {
        return Error{DecodeError{fmt::format("a PropertySet with {} keys and {} values", keys.size(), values.size()), field.offset}};
    }
    if (!m_writer.begin_map(keys.size())) return written(field);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!text(contents(*keys[i]))) return written(*keys[i]);
        if (auto status = typed(*values[i], depth + 1, false); !status) return status;
    }
    return {};
}

DecodeStatus Walk::property_set_list(const Field& field, std::size_t depth)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    std::size_t count = 0;
    for (const Field& member : level.fields) {
        if (member.number != 1) continue;
        if (auto status = expect(member, protobuf_wire::length_delimited, "PropertySetList"); !status) return status;
        ++count;
    }
    if (!m_writer.begin_array(count)) return written(field);
    for (const Field& member : level.fields) {
        if (member.number != 1) continue;
        if (auto status = property_set(member, depth + 1); !status) return status;
    }
    return {};
}

DecodeStatus Walk::metadata(const Field& field, std::size_t depth)
{
    Level level;
    if (auto status = scan(field, level, depth); !status) return status;
    const Field* found[std::size(k_metadata)] = {};
    for (const Field& member : level.fields) {
        for (std::size_t i = 0; i < std::size(k_metadata); ++i) {
            if (member.number != k_metadata[i].number) continue;
            if (auto status = expect(member, wire_of(k_metadata[i].slot), "MetaData"); !status) return status;
            found[i] = &member;
        }
    }
    if (!m_writer.begin_map(std::nullopt)) return written(field);
    for (std::size_t i = 0; i < std::size(k_metadata); ++i) {
        if (!found[i]) continue;
        if (!m_writer.text(k_metadata[i].key)) return written(*found[i]);
        if (auto status = value(0, k_metadata[i].slot, *found[i], depth); !status) return status;
    }
    if (!m_writer.end_indefinite()) return written(field);
    return {};
}

/// The parts of a Sparkplug topic: spBv1.0/GROUP/TYPE/EDGE_NODE[/DEVICE].
struct TopicParts {
    std::string_view type;
    std::string key;  ///< "GROUP/EDGE_NODE": whose state the message belongs to
};

std::optional<TopicParts> node_topic(std::string_view topic)
{
    constexpr std::string_view prefix = "spBv1.0/";
    if (!topic.starts_with(prefix)) return std::nullopt;
    std::string_view rest = topic.substr(prefix.size());
    std::string_view parts[4];
    std::size_t count = 0;
    while (count < 4) {
        const std::size_t slash = rest.find('/');
        parts[count++] = rest.substr(0, slash);
        if (slash == std::string_view::npos) {
            rest = {};
            break;
        }
        rest = rest.substr(slash + 1);
    }
    if (count < 3 || !rest.empty()) return std::nullopt;  // more than a device level
    TopicParts result;
    result.type = parts[1];
    result.key = fmt::format("{}/{}", parts[0], parts[2]);
    return result;
}

bool is_node_type(std::string_view type)
{
    return type == "NBIRTH" || type == "NDEATH" || type == "NDATA" || type == "NCMD" || type == "DBIRTH" ||
           type == "DDEATH" || type == "DDATA" || type == "DCMD";
}

/// spBv1.0/STATE/HOST (3.0: a JSON object) or STATE/HOST (before: ONLINE or OFFLINE).
DecodeStatus state_message(std::string_view topic, std::string_view payload, std::string& out)
{
    if (topic.starts_with("STATE/")) {
        if (payload != "ONLINE" && payload != "OFFLINE") {
            return Error{DecodeError{"a STATE payload before Sparkplug 3.0 is ONLINE or OFFLINE", 0}};
        }
        JsonWriter writer(out, false);
        writer.begin_object();
        writer.key("online");
        writer.boolean(payload == "ONLINE");
        writer.end_object();
        return {};
    }
    const std::size_t first = payload.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || payload[first] != '{' || !json_is_valid(payload)) {
        return Error{DecodeError{"a Sparkplug 3.0 STATE payload is a JSON object ({\"online\":...,\"timestamp\":...})", 0}};
    }
    JsonWriter writer(out, false);
    json_copy(payload, writer);
    return {};
}

}  // namespace

bool is_sparkplug_topic(std::string_view topic)
{
    if (topic.starts_with("spBv1.0/")) return true;
    if (!topic.starts_with("STATE/")) return false;
    const std::string_view host = topic.substr(6);
    return !host.empty() && host.find('/') == std::string_view::npos;
}

std::string_view sparkplug_type_name(std::uint64_t type)
{
    return type < k_types.size() ? k_types[type] : std::string_view();
}

SparkplugDecoder::Node* SparkplugDecoder::node(std::string_view key)
{
    if (const auto found = m_nodes.find(std::string(key)); found != m_nodes.end()) return &found->second;
    if (m_nodes.size() >= k_sparkplug_max_nodes) return nullptr;
    return &m_nodes[std::string(key)];
}

void SparkplugDecoder::forget_aliases(Node& node)
{
    for (const auto& [alias, known] : node.aliases) {
        m_alias_bytes -= known.name.size();
        --m_aliases;
    }
    node.aliases.clear();
}

DecodeStatus SparkplugDecoder::decode(std::string_view topic, std::string_view payload, std::string& out,
                                                    std::vector<std::string>& warnings)
{
    if (topic.starts_with("STATE/") || topic.starts_with("spBv1.0/STATE/")) return state_message(topic, payload, out);
    const auto parts = node_topic(topic);
    const bool tracked = parts && is_node_type(parts->type);
    Node* state = tracked ? node(parts->key) : nullptr;
    const std::string_view type = parts ? parts->type : std::string_view();
    const bool birth = type == "NBIRTH" || type == "DBIRTH";
    // An NBIRTH defines the node's aliases afresh: its own metrics are not looked up in the old ones.
    const SparkplugAliases* aliases = state && type != "NBIRTH" ? &state->aliases : nullptr;
    Seen seen;
    auto written = write_document(out, [&](ValueWriter& writer) -> DecodeStatus {
        seen = {};
        Walk walk(payload, writer, birth, aliases, seen);
        return walk.payload();
    });
    if (!written) return written;
    if (!tracked) return {};
    const std::string shown = escape_control(topic);
    if (!state) {
        if (!m_nodes_warned) {
            m_nodes_warned = true;
            warnings.push_back(fmt::format("Sparkplug: more than {} edge nodes; those after are not checked (seq, bdSeq) "
                                           "and their aliases are not learnt (from topic {}).",
                                           k_sparkplug_max_nodes, shown));
        }
        return {};
    }
    // bdSeq: an NDEATH names the session (NBIRTH) it ends; an NBIRTH with another bdSeq while
    // the node is online means its death went unseen.
    if (type == "NBIRTH") {
        if (state->online && state->bd_seq && seen.bd_seq && *state->bd_seq != *seen.bd_seq) {
            warnings.push_back(fmt::format("Sparkplug NBIRTH on topic {} has bdSeq {}, but the node's previous NBIRTH "
                                           "(bdSeq {}) had no NDEATH.",
                                           shown, *seen.bd_seq, *state->bd_seq));
        }
        state->bd_seq = seen.bd_seq;
        state->online = true;
        state->seq.reset();
        state->alias_warned = false;
        forget_aliases(*state);
    } else if (type == "NDEATH") {
        if (state->bd_seq && seen.bd_seq && *state->bd_seq != *seen.bd_seq) {
            warnings.push_back(fmt::format("Sparkplug NDEATH on topic {} has bdSeq {}, but the node's NBIRTH had bdSeq {}.",
                                           shown, *seen.bd_seq, *state->bd_seq));
        }
        state->online = false;
    }
    // seq: 0 in the NBIRTH, then one more (mod 256) in each message the node and its devices
    // publish; an NDEATH (the broker's will) and commands have none.
    if (type != "NDEATH" && type != "NCMD" && type != "DCMD") {
        if (!seen.seq) {
            warnings.push_back(fmt::format("Sparkplug message on topic {} has no seq.", shown));
        } else {
            const std::optional<std::uint64_t> expected =
                type == "NBIRTH" ? std::optional<std::uint64_t>(0)
                                 : state->seq ? std::optional<std::uint64_t>((*state->seq + 1) % 256) : std::nullopt;
            if (expected && *expected != *seen.seq) {
                warnings.push_back(fmt::format("Sparkplug seq on topic {} is {}, expected {}.", shown, *seen.seq, *expected));
            }
            state->seq = *seen.seq;
        }
    }
    if (seen.unknown_alias && !state->alias_warned) {
        state->alias_warned = true;
        warnings.push_back(fmt::format("Sparkplug message on topic {} uses metric alias {}{} with no birth seen: shown "
                                       "with \"name\":null (not warned again for this node until its NBIRTH).",
                                       shown, *seen.unknown_alias,
                                       seen.unknown_aliases > 1 ? fmt::format(" (and {} more)", seen.unknown_aliases - 1)
                                                                : std::string()));
    }
    for (const auto& learnt : seen.births) {
        if (const auto old = state->aliases.find(learnt.alias); old != state->aliases.end()) {
            m_alias_bytes -= old->second.name.size();
            --m_aliases;
            state->aliases.erase(old);
        }
        if (m_aliases >= k_sparkplug_max_aliases || m_alias_bytes + learnt.name.size() > k_sparkplug_max_alias_bytes) {
            if (!m_aliases_warned) {
                m_aliases_warned = true;
                warnings.push_back(fmt::format("Sparkplug: more than {} metric aliases or {} bytes of their names; "
                                               "those of later births are not learnt (from topic {}).",
                                               k_sparkplug_max_aliases, k_sparkplug_max_alias_bytes, shown));
            }
            break;
        }
        state->aliases[learnt.alias] = {std::string(learnt.name), learnt.type};
        ++m_aliases;
        m_alias_bytes += learnt.name.size();
    }
    return {};
}

}  // namespace mqtt
