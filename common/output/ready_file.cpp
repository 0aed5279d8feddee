#include "ready_file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace mqtt {

ReadyFile::ReadyFile(std::string path) : m_path(std::move(path))
{
    if (!m_path.empty()) ::unlink(m_path.c_str());
}

std::optional<std::string> ReadyFile::create() const
{
    if (m_path.empty()) return std::nullopt;
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return fmt::format("Error: Unable to create ready file \"{}\": {}.", m_path, std::strerror(errno));
    ::close(fd);
    return std::nullopt;
}

}  // namespace mqtt
