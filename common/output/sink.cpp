#include "sink.h"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace mqtt {

bool Sink::flush()
{
    write_all(m_buffer);
    m_buffer.clear();
    return !m_closed && m_error == 0;
}

bool Sink::write_through(std::string_view bytes)
{
    flush();
    write_all(bytes);
    return !m_closed && m_error == 0;
}

void Sink::write_all(std::string_view bytes)
{
    std::size_t done = 0;
    while (done < bytes.size() && !m_closed && m_error == 0) {
        const ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
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
}

}  // namespace mqtt
