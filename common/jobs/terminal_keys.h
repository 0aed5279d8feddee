// mqtt-sub --summary on a terminal: the keys a person presses (q quits), read from the
// controlling terminal without waiting for Enter and without echo. The terminal's settings
// are put back on every way out: restore(), and the destructor for the others.
#pragma once

#include <termios.h>

namespace mqtt {

class TerminalKeys {
public:
    TerminalKeys() = default;
    TerminalKeys(const TerminalKeys&) = delete;
    TerminalKeys& operator=(const TerminalKeys&) = delete;
    ~TerminalKeys() { restore(); }

    /// Opens /dev/tty and turns line editing and echo off, when this process is in the
    /// terminal's foreground (a background job would be stopped by SIGTTOU). False when it
    /// cannot: there are no keys then, and SIGINT still ends the job.
    bool open();
    /// The descriptor to poll for keys, or -1.
    int fd() const { return m_fd; }
    /// Reads the keys typed so far; true when one of them is q (or Q). At the end of the
    /// terminal (hang-up) it stops reading.
    bool quit_pressed();
    /// Puts the terminal's settings back and closes it (again: nothing).
    void restore();

private:
    int m_fd = -1;
    termios m_saved{};
};

}  // namespace mqtt
