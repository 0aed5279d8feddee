// mqtt-sub -w/--watch (mosquitto 2.1): the terminal as a table with one line per topic, each
// showing the topic's latest message. Pure: it only appends ANSI escape sequences and text
// to an output buffer, so that the bytes can be tested exactly.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace mqtt {

class Watch {
public:
    /// What goes out before anything else: clear the screen, cursor to the top left
    /// (ESC[2J ESC[1;1H), then "Broker: <host>" on line 1.
    static void start(std::string_view host, std::string& out);

    /// Appends `text` (one message as the formatter renders it, without its newline) on the
    /// line of `topic`: a topic seen for the first time gets the next free line (from line
    /// 2). The cursor goes to the start of that line, the line is cleared (ESC[2K: a
    /// shorter message leaves nothing of the previous one, unlike mosquitto_sub), and after
    /// the text the cursor waits on the line below the last one, where a shell prompt or an
    /// error line can follow. A text with newlines spills over the lines below it.
    void print(std::string_view topic, std::string_view text, std::string& out);

private:
    std::unordered_map<std::string, int> m_lines;  ///< topic -> terminal line (1-based)
    int m_next_line = 2;                           ///< line 1 shows the broker
};

}  // namespace mqtt
