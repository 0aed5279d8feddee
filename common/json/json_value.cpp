#include "json_value.h"

#include <charconv>
#include <utility>

#include "json_scan.h"

namespace mqtt {

namespace {

/// json_parse's builder: every value into its JsonValue, strings decoded.
class TreeBuilder {
public:
    using Slot = JsonValue*;
    using Kind = JsonValue::Kind;

    std::string* string_bytes(Slot value)
    {
        value->kind = Kind::string;
        return &value->text;
    }
    void token(Slot value, JsonToken token, std::string_view as_written)
    {
        if (token == JsonToken::number) {
            value->kind = Kind::number;
            value->text.assign(as_written);
        } else if (token == JsonToken::literal) {
            value->kind = as_written == "null" ? Kind::null : Kind::boolean;
            value->boolean = as_written == "true";
        }
    }
    void begin(Slot value, bool object)
    {
        value->kind = object ? Kind::object : Kind::array;
        if (!object) return;
        value->names.reserve(8);  // a record has about as many members: one allocation each
        value->values.reserve(8);
    }
    void end(Slot, bool) {}
    std::string* name(Slot object) { return &object->names.emplace_back(); }
    void key(Slot, std::string_view) {}
    Slot child(Slot container, bool) { return &container->values.emplace_back(); }
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view name) const
{
    if (kind != Kind::object) return nullptr;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) return &values[i];
    }
    return nullptr;
}

JsonValue* JsonValue::find(std::string_view name)
{
    return const_cast<JsonValue*>(std::as_const(*this).find(name));
}

std::optional<std::uint64_t> JsonValue::whole_number(std::uint64_t max) const
{
    if (kind != Kind::number) return std::nullopt;
    std::uint64_t n = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), n);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || n > max) return std::nullopt;
    return n;
}

Result<JsonValue, JsonError> json_parse(std::string_view text)
{
    JsonValue root;
    TreeBuilder builder;
    JsonScanner scanner(text, builder);
    if (!scanner.document(&root)) return Error{JsonError{scanner.error_offset(), std::string(scanner.error())}};
    return root;
}

}  // namespace mqtt
