// mqtt-sub's output: one buffer in front of stdout, written when it fills and when the loop
// is about to wait (so a person sees each message at once and a pipe gets large writes).
#pragma once

#include <string>
#include <string_view>

namespace mqtt {

class Sink {
public:
    explicit Sink(int fd, std::size_t capacity = 64 * 1024) : m_fd(fd), m_capacity(capacity) {}

    void append(std::string_view bytes)
    {
        m_buffer.append(bytes);
        if (m_buffer.size() >= m_capacity) flush();
    }
    void append(char c)
    {
        m_buffer.push_back(c);
        if (m_buffer.size() >= m_capacity) flush();
    }
    /// The buffer itself, for a renderer that appends in place; call commit() after.
    std::string& buffer() { return m_buffer; }
    /// Writes the buffer out if what was appended to it filled it.
    void commit()
    {
        if (m_buffer.size() >= m_capacity) flush();
    }
    /// Writes everything buffered. Returns false once the reader has gone (EPIPE) or the
    /// fd fails; the error is then in closed() / error().
    bool flush();
    /// Writes what is buffered, then `bytes` from where they are: a large payload is
    /// printed without a copy. Returns as flush().
    bool write_through(std::string_view bytes);
    std::size_t capacity() const { return m_capacity; }
    /// The descriptor written to (mqtt-sub --summary asks whether it is a terminal).
    int fd() const { return m_fd; }
    /// The reader closed the pipe: end quietly.
    bool closed() const { return m_closed; }
    /// errno of a write failure other than EPIPE, 0 if none.
    int error() const { return m_error; }

private:
    void write_all(std::string_view bytes);

    int m_fd;
    std::size_t m_capacity;
    std::string m_buffer;
    bool m_closed = false;
    int m_error = 0;
};

}  // namespace mqtt
