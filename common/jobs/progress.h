// --progress: one line on stderr, rewritten in place, while mqtt-pub streams a regular file
// (messages, bytes, rate, percent, time left). Only when stderr is a terminal and not
// --quiet; otherwise the source passes through untouched.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "source.h"

namespace mqtt {

/// What the progress line shows, from the counts so far (pure, for tests).
std::string progress_line(std::uint64_t messages, std::uint64_t bytes, std::uint64_t size, double elapsed_s);

class ProgressSource : public SourceDecorator {
public:
    ProgressSource(std::unique_ptr<Source> inner, const Options& options);
    std::optional<Outgoing> next() override;

private:
    void show(bool last);

    using Clock = std::chrono::steady_clock;
    bool m_active;
    bool m_finished = false;
    std::uint64_t m_messages = 0;
    Clock::time_point m_start;
    Clock::time_point m_shown{};
};

}  // namespace mqtt
