#include "safe_file.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqtt {

Status create_empty_file(const std::string& path)
{
    std::string temporary = path + ".XXXXXX";
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);  // O_EXCL: a fresh file, mode 0600
    if (fd < 0) return Error{std::string(std::strerror(errno))};
    ::close(fd);
    // rename() replaces whatever the name points at (a symlink included) without opening it.
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return Error{std::string(std::strerror(error))};
    }
    return {};
}

Result<int> open_private_append(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == ELOOP) return Error{"it is a symbolic link"};
        if (errno == ENXIO) return Error{"it is not a regular file"};  // a FIFO or socket: nobody reads it
        return Error{std::string(std::strerror(errno))};
    }
    struct stat status {};
    std::string refused;
    if (::fstat(fd, &status) != 0) {
        refused = std::strerror(errno);
    } else if (!S_ISREG(status.st_mode)) {
        refused = "it is not a regular file";
    } else if (status.st_uid != ::geteuid()) {
        refused = "it belongs to another user";
    } else if (status.st_nlink != 1) {
        refused = "it has more than one name (a hard link)";
    } else if ((status.st_mode & 077) != 0) {
        refused = "other users may read it (chmod 600 it)";
    }
    if (!refused.empty()) {
        ::close(fd);
        return Error{refused};
    }
    // Blocking writes from here on (O_NONBLOCK only kept a planted FIFO from blocking open).
    ::fcntl(fd, F_SETFL, O_APPEND);
    return fd;
}

}  // namespace mqtt
