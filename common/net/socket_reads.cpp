#include "socket_reads.h"

#include <algorithm>
#include <cstring>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

thread_local mqtt::SocketReads* t_reads = nullptr;
thread_local int t_fd = -1;

/// The read(2) system call itself.
ssize_t raw_read(int fd, void* out, std::size_t count)
{
    return static_cast<ssize_t>(::syscall(SYS_read, fd, out, count));
}

}  // namespace

// Takes the place of glibc's read() for the whole process: the executable comes first in
// symbol lookup, so libmosquitto's calls land here. Unless armed for `fd`, it is the system
// call, with errno as glibc would set it.
extern "C" ssize_t read(int fd, void* out, std::size_t count)
{
    if (t_reads != nullptr && fd == t_fd) return t_reads->read(fd, out, count);
    return raw_read(fd, out, count);
}

namespace mqtt {

SocketReads::SocketReads() : m_buffer(std::make_unique<char[]>(k_size)) {}

SocketReads::Armed::Armed(SocketReads& reads, int fd)
{
    t_reads = &reads;
    t_fd = fd;
}

SocketReads::Armed::~Armed()
{
    t_reads = nullptr;
    t_fd = -1;
}

ssize_t SocketReads::read(int fd, void* out, std::size_t count)
{
    if (count == 0) return 0;
    if (m_begin == m_end) {
        // An empty buffer asks the socket every time: EAGAIN, EOF and errors reach the
        // caller as they are.
        if (count >= k_size) return raw_read(fd, out, count);
        const ssize_t got = raw_read(fd, m_buffer.get(), k_size);
        if (got <= 0) return got;
        m_begin = 0;
        m_end = static_cast<std::size_t>(got);
    }
    const std::size_t taken = std::min(count, m_end - m_begin);
    std::memcpy(out, m_buffer.get() + m_begin, taken);
    m_begin += taken;
    return static_cast<ssize_t>(taken);
}

}  // namespace mqtt
