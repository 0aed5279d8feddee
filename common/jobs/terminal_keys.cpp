#include "terminal_keys.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace mqtt {

bool TerminalKeys::open()
{
    if (m_fd >= 0) return true;
    const int fd = ::open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    termios raw{};
    if (::tcgetpgrp(fd) != ::getpgrp() || ::tcgetattr(fd, &m_saved) != 0) {
        ::close(fd);
        return false;
    }
    raw = m_saved;
    raw.c_lflag &= static_cast<tcflag_t>(~(ICANON | ECHO));
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &raw) != 0) {
        ::close(fd);
        return false;
    }
    m_fd = fd;
    return true;
}

bool TerminalKeys::quit_pressed()
{
    if (m_fd < 0) return false;
    char keys[64];
    for (;;) {
        const ssize_t n = ::read(m_fd, keys, sizeof keys);
        if (n > 0) {
            for (ssize_t i = 0; i < n; ++i) {
                if (keys[i] == 'q' || keys[i] == 'Q') return true;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) restore();
        return false;
    }
}

void TerminalKeys::restore()
{
    if (m_fd < 0) return;
    ::tcsetattr(m_fd, TCSANOW, &m_saved);
    ::close(m_fd);
    m_fd = -1;
}

}  // namespace mqtt
