// How mqtt-sub prints one message: the payload alone, or "topic payload" with -v, each
// followed by a newline unless -N. (-F format strings come with the compatibility issue.)
#pragma once

#include <string_view>

#include "options.h"
#include "sink.h"

namespace mqtt {

/// A received message as the formatter sees it.
struct Message {
    std::string_view topic;
    std::string_view payload;
    int qos = 0;
    bool retain = false;
    int mid = 0;
};

class Formatter {
public:
    explicit Formatter(const Options& options) : m_verbose(options.verbose), m_eol(!options.no_eol) {}
    /// Appends `message` as upstream prints it: nothing at all for an empty payload, and
    /// "topic (null)" with -v.
    void render(const Message& message, Sink& out) const;

private:
    bool m_verbose;
    bool m_eol;
};

}  // namespace mqtt
