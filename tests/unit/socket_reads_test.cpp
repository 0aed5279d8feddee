#include <doctest/doctest.h>

#include <cerrno>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include "socket_reads.h"

namespace {

/// A connected non-blocking socket pair: `ours` is read through SocketReads, `peer` writes.
struct Buffered {
    Buffered()
    {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
        ours = fds[0];
        peer = fds[1];
    }
    ~Buffered()
    {
        ::close(ours);
        if (peer >= 0) ::close(peer);
    }
    Buffered(const Buffered&) = delete;
    Buffered& operator=(const Buffered&) = delete;

    void send(const std::string& bytes) const
    {
        REQUIRE(::write(peer, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
    }
    /// read(ours, ..., count) through the process-wide read(), as libmosquitto calls it.
    std::string take(std::size_t count, ssize_t* result = nullptr) const
    {
        std::string out(count, '\0');
        const ssize_t got = ::read(ours, out.data(), count);
        if (result != nullptr) *result = got;
        out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        return out;
    }

    mqtt::SocketReads reads;
    int ours = -1;
    int peer = -1;
};

}  // namespace

TEST_CASE("socket reads: small reads are served from one read of the socket, in order")
{
    Buffered socket;
    socket.send("abc");
    mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
    CHECK(socket.take(1) == "a");
    CHECK(socket.reads.buffered());
    // Bytes that arrive now stay in the socket until the buffer is empty: the next reads
    // come from the buffer, a read larger than what it holds gets only that.
    socket.send("def");
    CHECK(socket.take(1) == "b");
    CHECK(socket.take(5) == "c");
    CHECK_FALSE(socket.reads.buffered());
    CHECK(socket.take(5) == "def");
}

TEST_CASE("socket reads: an empty socket, the end of the stream and an error reach the caller as they are")
{
    Buffered socket;
    mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
    ssize_t result = 0;
    errno = 0;
    CHECK(socket.take(1, &result).empty());
    CHECK(result == -1);
    CHECK((errno == EAGAIN || errno == EWOULDBLOCK));

    socket.send("x");
    CHECK(socket.take(1) == "x");
    ::close(socket.peer);
    socket.peer = -1;
    CHECK(socket.take(1, &result).empty());
    CHECK(result == 0);

    char byte = 0;
    errno = 0;
    CHECK(::read(-1, &byte, 1) == -1);
    CHECK(errno == EBADF);
}

TEST_CASE("socket reads: only the armed socket on the arming thread, only while armed")
{
    Buffered socket;
    Buffered other;
    socket.send("12");
    other.send("xy");
    {
        mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
        CHECK(socket.take(1) == "1");
        // Another fd is read as glibc reads it: both bytes, nothing kept.
        CHECK(other.take(1) == "x");
        CHECK_FALSE(other.reads.buffered());
        CHECK(other.take(1) == "y");
    }
    // Disarmed: the socket itself answers, and what is still buffered waits for the next arming.
    socket.send("3");
    CHECK(socket.reads.buffered());
    CHECK(socket.take(5) == "3");
    mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
    CHECK(socket.take(5) == "2");
}

TEST_CASE("socket reads: a read as big as the buffer goes to the caller's memory directly")
{
    Buffered socket;
    const std::string big(mqtt::SocketReads::k_size + 100, 'z');
    socket.send(big);
    mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
    CHECK(socket.take(mqtt::SocketReads::k_size) == big.substr(0, mqtt::SocketReads::k_size));
    CHECK_FALSE(socket.reads.buffered());
    CHECK(socket.take(1) == "z");
    CHECK(socket.reads.buffered());
    CHECK(socket.take(500) == std::string(99, 'z'));
}

TEST_CASE("socket reads: reset drops what a closed connection left in the buffer")
{
    Buffered socket;
    socket.send("old!");
    mqtt::SocketReads::Armed armed(socket.reads, socket.ours);
    CHECK(socket.take(1) == "o");
    socket.reads.reset();
    CHECK_FALSE(socket.reads.buffered());
    socket.send("new");
    CHECK(socket.take(10) == "new");
}
