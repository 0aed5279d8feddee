#include "protobuf_raw.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <utility>
#include <vector>

#include "utf8.h"

namespace mqtt {

namespace protobuf_wire {

DecodeStatus Scanner::read_varint(std::size_t& at, std::size_t end, std::uint64_t& value,
                                                std::string_view what)
{
    const std::size_t start = at;
    value = 0;
    // Ends by the 10th byte: it holds bit 63 alone, anything more is refused.
    for (unsigned shift = 0;; shift += 7) {
        if (at >= end) return fail(start, "truncated: the data ends inside {}", what);
        const auto byte = static_cast<unsigned char>(m_data[at++]);
        if (shift == 63 && byte > 1) return fail(start, "{} beyond 64 bits", what);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0) return {};
    }
}

DecodeStatus Scanner::scan(std::size_t begin, std::size_t end, Level& level)
{
    level = {};
    m_groups.clear();
    Field group;  // the outermost group open, written when it ends
    std::size_t at = begin;
    while (at < end) {
        const std::size_t tag_at = at;
        std::uint64_t tag = 0;
        if (auto status = read_varint(at, end, tag, "a tag"); !status) return status;
        if (tag > UINT32_MAX) return fail(tag_at, "a tag beyond 32 bits");
        Field field;
        field.number = static_cast<std::uint32_t>(tag >> 3);
        field.wire = static_cast<std::uint8_t>(tag & 7);
        field.offset = tag_at;
        if (field.number == 0) return fail(tag_at, "field number 0");
        switch (field.wire) {
        case varint:
            if (auto status = read_varint(at, end, field.value, "a varint"); !status) return status;
            break;
        case fixed64:
        case fixed32: {
            const std::size_t size = field.wire == fixed64 ? 8 : 4;
            if (end - at < size) {
                return fail(tag_at, "truncated: field {} needs {} bytes, {} are left", field.number, size, end - at);
            }
            for (std::size_t i = size; i-- > 0;) field.value = field.value << 8 | static_cast<unsigned char>(m_data[at + i]);
            at += size;
            break;
        }
        case length_delimited: {
            std::uint64_t length = 0;
            if (auto status = read_varint(at, end, length, "a length"); !status) return status;
            if (length > end - at) {
                return fail(tag_at, "truncated: field {} declares {} bytes, {} are left", field.number, length, end - at);
            }
            field.begin = at;
            at += static_cast<std::size_t>(length);
            field.end = at;
            break;
        }
        case start_group:
            if (m_groups.size() >= m_group_depth) {
                return fail(tag_at, "messages and groups nested deeper than {} levels", k_protobuf_max_depth);
            }
            if (m_groups.empty()) {
                group = field;
                group.begin = at;
            }
            m_groups.push_back(field.number);
            continue;
        case end_group:
            if (m_groups.empty()) return fail(tag_at, "an end-group tag (field {}) outside a group", field.number);
            if (m_groups.back() != field.number) {
                return fail(tag_at, "an end-group tag for field {} in group {}", field.number, m_groups.back());
            }
            m_groups.pop_back();
            if (!m_groups.empty()) continue;
            field = group;
            field.end = tag_at;
            break;
        default:
            return fail(tag_at, "field {} has the unknown wire type {}", field.number, field.wire);
        }
        if (m_groups.empty()) {
            if (level.fields.empty()) level.fields.reserve(8);  // one allocation for a small message
            level.fields.push_back(field);
        }
    }
    if (!m_groups.empty()) {
        return fail(group.offset, "truncated: group {} has no end-group tag", m_groups.front());
    }
    // Grouped by number, in the order each number first appears, as JSON keys must be unique.
    // Encoders write fields in the order of their numbers: then they are grouped already.
    const bool in_order = std::is_sorted(level.fields.begin(), level.fields.end(),
                                         [](const Field& a, const Field& b) { return a.number < b.number; });
    if (in_order) {
        for (std::size_t i = 0, first = 0; i < level.fields.size(); ++i) {
            if (i == 0 || level.fields[i].number != level.fields[first].number) {
                ++level.distinct;
                first = i;
            }
            ++level.fields[first].run;
        }
        return {};
    }
    std::vector<std::pair<std::uint32_t, std::size_t>> order;  // (number, place)
    order.reserve(level.fields.size());
    for (std::size_t i = 0; i < level.fields.size(); ++i) order.emplace_back(level.fields[i].number, i);
    std::sort(order.begin(), order.end());
    std::vector<std::pair<std::size_t, std::size_t>> rank(order.size());  // (first place of its number, place)
    for (std::size_t i = 0, run_start = 0; i < order.size(); ++i) {
        if (order[i].first != order[run_start].first) run_start = i;
        rank[i] = {order[run_start].second, order[i].second};
    }
    std::sort(rank.begin(), rank.end());
    std::vector<Field> grouped;
    grouped.reserve(rank.size());
    for (std::size_t i = 0, first = 0; i < rank.size(); ++i) {
        grouped.push_back(level.fields[rank[i].second]);
        if (i == 0 || rank[i].first != rank[i - 1].first) {
            ++level.distinct;
            first = i;
        }
        ++grouped[first].run;
    }
    level.fields = std::move(grouped);
    return {};
}

}  // namespace protobuf_wire

namespace {

using namespace protobuf_wire;

bool write_marker(ValueWriter& writer, std::string_view name, std::uint64_t value)
{
    return writer.begin_map(1) && writer.marker_key(name) && writer.unsigned_integer(value);
}

DecodeStatus walk(std::string_view data, ValueWriter& writer)
{
    std::vector<Level> stack(1);
    Scanner scanner(data, k_protobuf_max_depth - 1);
    if (auto status = scanner.scan(0, data.size(), stack.back()); !status) return status;
    if (!writer.begin_map(stack.back().distinct)) return Error{DecodeError{writer.error(), 0}};
    while (!stack.empty()) {
        Level& level = stack.back();
        if (level.next == level.fields.size()) {
            stack.pop_back();
            continue;
        }
        const Field field = level.fields[level.next++];
        bool ok = true;
        if (field.run > 0) {
            char digits[10];
            const auto end = std::to_chars(digits, digits + sizeof digits, field.number).ptr;
            ok = writer.text(std::string_view(digits, static_cast<std::size_t>(end - digits)));
            if (ok && field.run > 1) ok = writer.begin_array(field.run);
        }
        if (!ok) return Error{DecodeError{writer.error(), field.offset}};
        const std::string_view value = data.substr(field.begin, field.end - field.begin);
        // The level a nested message or group would be at, and how deep its groups may go.
        const std::size_t depth = stack.size() + 1;
        Scanner nested(data, depth < k_protobuf_max_depth ? k_protobuf_max_depth - depth : 0, field.wire == length_delimited);
        Level child;
        switch (field.wire) {
        case varint:
            ok = writer.unsigned_integer(field.value);
            break;
        case fixed32:
            ok = write_marker(writer, "$fixed32", field.value);
            break;
        case fixed64:
            ok = write_marker(writer, "$fixed64", field.value);
            break;
        case length_delimited:
            // protoc's guess: a message if it is one (and not empty), else text or bytes.
            if (!value.empty() && depth <= k_protobuf_max_depth && nested.scan(field.begin, field.end, child)) {
                ok = writer.begin_map(child.distinct);
                if (child.distinct > 0) stack.push_back(std::move(child));
            } else if (is_utf8(value)) {
                ok = writer.text(value);
            } else {
                ok = writer.bytes(value);
            }
            break;
        default:  // a group: its framing and depth were checked when its parent was read
            if (auto status = nested.scan(field.begin, field.end, child); !status) return status;
            ok = writer.begin_map(1) && writer.marker_key("$group") && writer.begin_map(child.distinct);
            if (child.distinct > 0) stack.push_back(std::move(child));
            break;
        }
        if (!ok) return Error{DecodeError{writer.error(), field.offset}};
    }
    return {};
}

}  // namespace

DecodeStatus protobuf_raw_to_json(std::string_view data, std::string& out)
{
    return write_document(out, [&](ValueWriter& writer) { return walk(data, writer); });
}

}  // namespace mqtt
