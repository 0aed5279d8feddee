#include "sink.h"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace mqtt {

bool Sink::flush()
{
    std::size_t done = 0;
    while (done < m_buffer.size() && !m_closed && m_error == 0) {
        const ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN) {
            // stdout may be a non-blocking fd shared with another process: wait until it drains.
            pollfd p{m_fd, POLLOUT, 0};
            ::poll(&p, 1, 1000);
        } else if (errno == EPIPE) {
            m_closed = true;
        } else if (errno != EINTR) {
            m_error = errno;
        }
    }
    m_buffer.clear();
    return !m_closed && m_error == 0;
}

}  // namespace mqtt
