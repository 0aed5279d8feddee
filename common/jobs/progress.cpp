#include "progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include "diagnostics.h"

namespace mqtt {

namespace {

constexpr auto k_every = std::chrono::milliseconds(250);

}  // namespace

std::string progress_line(std::uint64_t messages, std::uint64_t bytes, std::uint64_t size, double elapsed_s)
{
    const double rate = elapsed_s > 0.0 ? static_cast<double>(messages) / elapsed_s : 0.0;
    const double fraction = size > 0 ? static_cast<double>(bytes) / static_cast<double>(size) : 1.0;
    std::string line = fmt::format("{} messages, {:.1f} MB, {:.0f}/s, {:.0f}%", messages, static_cast<double>(bytes) / 1e6, rate,
                                   fraction * 100.0);
    if (bytes > 0 && bytes < size) {
        const auto left = static_cast<long>(elapsed_s * (1.0 - fraction) / fraction + 0.5);
        line += fmt::format(", ETA {}:{:02}", left / 60, left % 60);
    }
    return line;
}

ProgressSource::ProgressSource(std::unique_ptr<Source> inner, const Options& options)
    : SourceDecorator(std::move(inner)),
      m_active(!options.quiet && ::isatty(STDERR_FILENO) == 1 && m_inner->input_size().has_value()), m_start(Clock::now())
{}

void ProgressSource::show(bool last)
{
    const auto now = Clock::now();
    if (!last && now - m_shown < k_every) return;
    m_shown = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    // Back to the start of the line, the new text, the rest of the old one cleared.
    std::string text = "\r" + progress_line(m_messages, m_inner->bytes_read(), *m_inner->input_size(), elapsed) + "\x1b[K";
    if (last) text += "\n";
    print_raw(text);  // best effort
}

std::optional<Outgoing> ProgressSource::next()
{
    auto message = m_inner->next();
    if (!m_active || m_finished) return message;
    if (message) {
        ++m_messages;
        show(false);
    } else if (m_inner->done()) {
        m_finished = true;
        show(true);
    }
    return message;
}

}  // namespace mqtt
