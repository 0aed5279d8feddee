// Where mqtt-pub's messages come from: a fixed payload (-m -f -s -n, --repeat times) or
// standard input split into lines (-l), read in large blocks only as fast as they are sent.
// mqtt-rr's request is such a fixed payload.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "options.h"

namespace mqtt {

/// A growable byte window that splits what is appended into '\n'-terminated lines without
/// copying them. Pure: fed by LineSource, tested on its own.
class LineBuffer {
public:
    /// Room for at least `min` more bytes at the end (compacting or growing as needed).
    char* reserve(std::size_t min);
    /// `n` bytes were written at what reserve() returned.
    void commit(std::size_t n) { m_end += n; }
    /// The next complete line without its '\n' ('\r' kept). At end of input (`eof`), a last
    /// unterminated line is returned too. The view is valid until the next reserve().
    std::optional<std::string_view> next_line(bool eof);
    /// Bytes held that are not yet returned as lines.
    std::size_t pending() const { return m_end - m_begin; }

private:
    std::vector<char> m_data;
    std::size_t m_begin = 0;
    std::size_t m_end = 0;
    std::size_t m_scanned = 0;  ///< bytes after m_begin known to hold no '\n'
};

/// A sequence of payloads for the publisher.
class Source {
public:
    virtual ~Source() = default;
    /// The next payload if one is ready now, else nullopt. The view stays valid until the
    /// next call.
    virtual std::optional<std::string_view> next() = 0;
    /// The fd to poll for readability when next() had nothing and done() is false; -1: none.
    virtual int fd() const { return -1; }
    /// Reads what is available from fd(). Throws Failure on a read error.
    virtual void on_readable() {}
    /// No payload will come any more.
    virtual bool done() const = 0;
};

/// The same payload `count` times.
class FixedSource : public Source {
public:
    FixedSource(std::string payload, long count) : m_payload(std::move(payload)), m_left(count) {}
    std::optional<std::string_view> next() override;
    bool done() const override { return m_left == 0; }

private:
    std::string m_payload;
    long m_left;
};

/// One payload per line of a file descriptor (-l).
class LineSource : public Source {
public:
    explicit LineSource(int fd) : m_fd(fd) {}
    std::optional<std::string_view> next() override;
    int fd() const override { return m_eof ? -1 : m_fd; }
    void on_readable() override;
    bool done() const override { return m_eof && m_buffer.pending() == 0; }

private:
    int m_fd;
    bool m_eof = false;
    LineBuffer m_buffer;
};

/// All of `fd` (e.g. stdin for -s) up to the MQTT payload limit. Throws Failure (usage) with
/// upstream's text when it is too large or cannot be read.
std::string read_all(int fd, const std::string& what);
/// The whole file `path` (-f). Throws Failure (usage) with upstream's text.
std::string read_file(const std::string& path);

/// The one payload of -m, -f, -s or -n (mqtt-rr's request, mqtt-pub's repeated message),
/// reading the file or all of stdin now. Throws Failure (usage) with upstream's text.
std::string load_payload(const Options& options);

/// The source for `options` (-m -f -s -l -n), reading files and whole stdin now.
std::unique_ptr<Source> make_source(const Options& options);

}  // namespace mqtt
