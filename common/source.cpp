#include "source.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

namespace mqtt {

namespace {

constexpr std::size_t k_block = 256 * 1024;  // one read() for many lines

class Fd {
public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd()
    {
        if (m_fd >= 0) ::close(m_fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

}  // namespace

char* LineBuffer::reserve(std::size_t min)
{
    if (m_data.size() - m_end >= min) return m_data.data() + m_end;
    // Move the unread part to the front before growing: memory stays at about one block
    // plus the longest line.
    if (m_begin > 0) {
        std::memmove(m_data.data(), m_data.data() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_data.size() - m_end < min) m_data.resize(std::max(m_data.size() * 2, m_end + min));
    return m_data.data() + m_end;
}

std::optional<std::string_view> LineBuffer::next_line(bool eof)
{
    const char* start = m_data.data() + m_begin;
    const std::size_t available = m_end - m_begin;
    if (available == 0) return std::nullopt;
    const void* newline = std::memchr(start + m_scanned, '\n', available - m_scanned);
    if (newline == nullptr) {
        m_scanned = available;
        if (!eof) return std::nullopt;
        m_begin = m_end;
        m_scanned = 0;
        return std::string_view(start, available);
    }
    const auto length = static_cast<std::size_t>(static_cast<const char*>(newline) - start);
    m_begin += length + 1;
    m_scanned = 0;
    if (m_begin == m_end) m_begin = m_end = 0;  // cheap reset: the view stays valid until reserve()
    return std::string_view(start, length);
}

std::optional<std::string_view> FixedSource::next()
{
    if (m_left == 0) return std::nullopt;
    --m_left;
    return std::string_view(m_payload);
}

std::optional<std::string_view> LineSource::next()
{
    auto line = m_buffer.next_line(m_eof);
    if (line && line->size() > k_max_payload) {
        throw Failure(ExitStatus::usage, fmt::format("Error: Line too long: a message must be less than {} bytes.", k_max_payload));
    }
    return line;
}

void LineSource::on_readable()
{
    if (m_eof) return;
    char* at = m_buffer.reserve(k_block);
    const ssize_t n = ::read(m_fd, at, k_block);
    if (n > 0) {
        m_buffer.commit(static_cast<std::size_t>(n));
        if (m_buffer.pending() > k_max_payload + k_block) {  // no newline in sight: stop growing
            throw Failure(ExitStatus::usage, fmt::format("Error: Line too long: a message must be less than {} bytes.", k_max_payload));
        }
    } else if (n == 0) {
        m_eof = true;
    } else if (errno != EINTR && errno != EAGAIN) {
        throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read standard input: {}.", std::strerror(errno)));
    }
}

std::string read_all(int fd, const std::string& what)
{
    std::string data;
    for (;;) {
        const std::size_t used = data.size();
        data.resize(used + k_block);
        const ssize_t n = ::read(fd, data.data() + used, k_block);
        if (n < 0) {
            data.resize(used);
            if (errno == EINTR) continue;
            throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read {}: {}.", what, std::strerror(errno)));
        }
        data.resize(used + static_cast<std::size_t>(n));
        if (n == 0) break;
        if (data.size() > k_max_payload) {
            throw Failure(ExitStatus::usage, fmt::format("Error: Message length must be less than {} bytes.", k_max_payload));
        }
    }
    return data;
}

std::string read_file(const std::string& path)
{
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw Failure(ExitStatus::usage, fmt::format("Error: Unable to open file \"{}\".", path));
    struct stat info {};
    if (::fstat(fd.get(), &info) == 0 && S_ISDIR(info.st_mode)) {
        throw Failure(ExitStatus::usage, fmt::format("Error: Unable to read file \"{}\": it is a directory.", path));
    }
    return read_all(fd.get(), fmt::format("file \"{}\"", path));
}

std::string load_payload(const Options& options)
{
    switch (options.input) {
    case InputMode::message:
        return options.message;
    case InputMode::file:
        return read_file(options.file);
    case InputMode::stdin_whole: {
        std::string payload = read_all(STDIN_FILENO, "standard input");
        if (payload.empty()) throw Failure(ExitStatus::usage, "Error: Zero length input.");
        return payload;
    }
    case InputMode::stdin_lines:
    case InputMode::null_message:
    case InputMode::none:
        break;
    }
    return {};
}

std::unique_ptr<Source> make_source(const Options& options)
{
    switch (options.input) {
    case InputMode::stdin_lines:
        return std::make_unique<LineSource>(STDIN_FILENO);
    case InputMode::none:
        return std::make_unique<FixedSource>(std::string(), 0);
    case InputMode::message:
    case InputMode::file:
    case InputMode::stdin_whole:
    case InputMode::null_message:
        break;
    }
    return std::make_unique<FixedSource>(load_payload(options), options.repeat);
}

}  // namespace mqtt
