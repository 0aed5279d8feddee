#include "watch.h"

#include <fmt/format.h>
#include <iterator>

namespace mqtt {

void Watch::start(std::string_view host, std::string& out)
{
    fmt::format_to(std::back_inserter(out), "\x1b[2J\x1b[1;1HBroker: {}\n", host);
}

void Watch::print(std::string_view topic, std::string_view text, std::string& out)
{
    auto [it, added] = m_lines.try_emplace(std::string(topic), m_next_line);
    if (added) ++m_next_line;
    fmt::format_to(std::back_inserter(out), "\x1b[{};1H\x1b[2K", it->second);
    out.append(text);
    fmt::format_to(std::back_inserter(out), "\x1b[{};1H", m_next_line);
}

}  // namespace mqtt
