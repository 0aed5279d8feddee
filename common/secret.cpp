#include "secret.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"

namespace mqtt {

namespace {

/// Closes an fd and restores the terminal's settings, whatever happens in between.
class Terminal {
public:
    explicit Terminal(int fd) : m_fd(fd) {}
    ~Terminal()
    {
        if (m_restore) ::tcsetattr(m_fd, TCSANOW, &m_saved);
        ::close(m_fd);
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    void echo_off()
    {
        if (::tcgetattr(m_fd, &m_saved) != 0) return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        m_restore = ::tcsetattr(m_fd, TCSANOW, &quiet) == 0;
    }
    void write(const std::string& text) const
    {
        if (::write(m_fd, text.data(), text.size()) < 0) {
            // The prompt is a courtesy; reading the answer is what matters.
        }
    }

private:
    int m_fd;
    termios m_saved{};
    bool m_restore = false;
};

/// `line` without a trailing "\n" or "\r\n".
void strip_line_end(std::string& line)
{
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

void keep_out_of_core_dumps()
{
    // Both: a core_pattern that pipes to a program (systemd-coredump) ignores a zero limit,
    // and a setuid-dumpable system may still dump a process that is not dumpable.
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

std::string read_password_file(const std::string& path)
{
    keep_out_of_core_dumps();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw UsageError(fmt::format("Error: Unable to read password file \"{}\": {}.", path, std::strerror(errno)));
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    // A password is one line: stop reading there (the file may be a FIFO or very large).
    while (text.find('\n') == std::string::npos && text.size() < 65536 && (n = ::read(fd, buffer, sizeof buffer)) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    const int error = errno;
    ::close(fd);
    if (n < 0) throw UsageError(fmt::format("Error: Unable to read password file \"{}\": {}.", path, std::strerror(error)));
    if (const auto end = text.find('\n'); end != std::string::npos) text.resize(end + 1);
    strip_line_end(text);
    if (text.size() > 65535) throw UsageError(fmt::format("Error: The password in \"{}\" is too long.", path));
    return text;
}

std::string prompt_password()
{
    keep_out_of_core_dumps();
    const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw UsageError("Error: -P -: there is no terminal to ask for the password (use --pw-file).");
    Terminal terminal(fd);
    terminal.write("Password: ");
    terminal.echo_off();
    std::string line;
    char c = 0;
    ssize_t n = 0;
    while ((n = ::read(fd, &c, 1)) == 1 && c != '\n') line += c;
    terminal.write("\n");
    if (n < 0 || (n == 0 && line.empty())) throw UsageError("Error: -P -: no password was typed.");
    strip_line_end(line);
    return line;
}

std::string redact_url(const std::string& url)
{
    const auto scheme_end = url.find("://");
    const std::size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    // The last '@', as parse_proxy_url splits: a password may hold '@' (hiding too much
    // beats showing part of a password).
    const auto at = url.rfind('@');
    if (at == std::string::npos || at < start) return url;
    const auto colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace mqtt
