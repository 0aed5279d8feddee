#include "turn_cork.h"

#include <cstddef>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

thread_local int t_fd = -1;     ///< the socket whose turn runs (-1: none)
thread_local int t_writes = 0;  ///< write() calls to t_fd in this turn
thread_local bool t_corked = false;

void set_cork(int fd, bool on)
{
    const int value = on ? 1 : 0;
    ::setsockopt(fd, IPPROTO_TCP, TCP_CORK, &value, sizeof value);
}

}  // namespace

// Takes the place of glibc's write() for the whole process: the executable comes first in
// symbol lookup, so libmosquitto's (and OpenSSL's socket) writes land here. It is the system
// call, with errno as glibc would set it, after corking the turn's socket at its second write.
extern "C" ssize_t write(int fd, const void* data, std::size_t count)
{
    if (fd == t_fd && ++t_writes == 2) {
        set_cork(fd, true);
        t_corked = true;
    }
    return static_cast<ssize_t>(::syscall(SYS_write, fd, data, count));
}

namespace mqtt::turn_cork {

void begin(int fd)
{
    end();
    t_fd = fd;
    t_writes = 0;
}

void end()
{
    if (t_corked && t_fd >= 0) set_cork(t_fd, false);
    forget();
}

void forget()
{
    t_fd = -1;
    t_writes = 0;
    t_corked = false;
}

bool corked()
{
    return t_corked;
}

}  // namespace mqtt::turn_cork
