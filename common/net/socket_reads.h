// libmosquitto reads a packet with at least three read() calls (the command byte, the
// remaining length a byte at a time, then the rest), each a system call. SocketReads serves
// those calls from one buffer filled by a single read() of up to 16 KiB, so a stream of small
// packets costs one system call per buffer instead of three per packet. It takes the place
// of glibc's read() for the whole process (as read_guard.cpp does with __assert_fail), and
// serves only the one socket it is armed for, on the arming thread, while armed: BrokerLink
// arms it around its read loop on a plain TCP socket (not TLS, whose reads go through
// OpenSSL, and not the WebSocket or proxy bridge). Everywhere else read() is glibc's.
#pragma once

#include <cstddef>
#include <memory>
#include <sys/types.h>

namespace mqtt {

class SocketReads {
public:
    static constexpr std::size_t k_size = 16 * 1024;

    SocketReads();

    /// While an Armed lives, reads of `fd` on this thread are served by `reads`.
    class Armed {
    public:
        Armed(SocketReads& reads, int fd);
        ~Armed();
        Armed(const Armed&) = delete;
        Armed& operator=(const Armed&) = delete;
    };

    /// Bytes read from the socket that no caller has taken yet: the socket will not show
    /// them to poll(), so the loop must read again without waiting.
    bool buffered() const { return m_begin < m_end; }

    /// Drops what is buffered (a new connection: those bytes were the old socket's).
    void reset() { m_begin = m_end = 0; }

    /// read(fd, out, count) as the caller sees it: from the buffer, refilled by one read()
    /// when empty; a read at least as big as the buffer goes to `out` directly.
    ssize_t read(int fd, void* out, std::size_t count);

private:
    std::unique_ptr<char[]> m_buffer;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
};

}  // namespace mqtt
