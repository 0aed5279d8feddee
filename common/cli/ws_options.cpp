#include "ws_options.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <iterator>

#include "text.h"

namespace mqtt::ws {

namespace {

/// RFC 9110's tchar: what a header name is made of.
bool is_token_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
        std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

Status check_header(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), is_token_char)) {
        return Error{fmt::format("Invalid --ws-header \"{}\": it must be \"Name: value\".", line)};
    }
    if (line.find_first_of("\r\n") != std::string_view::npos) {
        return Error{fmt::format("Invalid --ws-header \"{}\": it must be one line.", line)};
    }
    static const char* const reserved[] = {
        "host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol"};
    const std::string name = lower_case(line.substr(0, colon));
    if (std::find(std::begin(reserved), std::end(reserved), name) != std::end(reserved)) {
        return Error{fmt::format("Invalid --ws-header \"{}\": the tool sets {} itself.", line, line.substr(0, colon))};
    }
    return {};
}

Status check_path(std::string_view path)
{
    if (path.empty() || path.front() != '/' ||
        std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
        return Error{
            fmt::format("Invalid --ws-path \"{}\": it must start with '/' and hold no spaces or control characters.", path)};
    }
    return {};
}

}  // namespace mqtt::ws
