#include "private_socket.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include "error.h"
#include "exit_status.h"

namespace mqtt {

namespace {

constexpr std::string_view k_folder_name = "/mqtt-tools.XXXXXX";
constexpr std::string_view k_socket_name = "/s";

std::string environment(const char* name)
{
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

}  // namespace

Status shared_folder_problem(const std::string& folder)
{
    char resolved[PATH_MAX];
    if (::realpath(folder.c_str(), resolved) == nullptr) return Error{fmt::format("{}: {}", folder, std::strerror(errno))};
    // Every component counts: whoever can rename one of them can put another tree in its place.
    const std::string path = resolved;
    std::vector<std::string> components{"/"};
    for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        components.push_back(path.substr(0, slash));
    }
    if (path != "/") components.push_back(path);
    const uid_t self = ::geteuid();
    for (const std::string& component : components) {
        struct stat status {};
        if (::lstat(component.c_str(), &status) != 0) return Error{fmt::format("{}: {}", component, std::strerror(errno))};
        if (!S_ISDIR(status.st_mode)) return Error{fmt::format("{} is not a folder", component)};
        if (status.st_uid != 0 && status.st_uid != self) return Error{fmt::format("{} belongs to another user", component)};
        if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (status.st_mode & S_ISVTX) == 0) {
            return Error{fmt::format("{} is writable by other users and has no sticky bit", component)};
        }
    }
    return {};
}

bool peer_is_this_process(int fd)
{
    ucred peer{};
    socklen_t length = sizeof peer;
    return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 && peer.pid == ::getpid();
}

HeldSignals::HeldSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &m_previous);
}

HeldSignals::~HeldSignals()
{
    sigprocmask(SIG_SETMASK, &m_previous, nullptr);
}

PrivateSocket::PrivateSocket()
{
    // $XDG_RUNTIME_DIR is the user's own 0700 folder (pam_systemd), made for sockets.
    std::string parent = environment("XDG_RUNTIME_DIR");
    if (parent.empty() || !shared_folder_problem(parent).ok()) {
        parent = environment("TMPDIR");
        if (parent.empty()) parent = "/tmp";
        if (auto problem = shared_folder_problem(parent); !problem.ok()) {
            throw Failure(ExitStatus::usage,
                          fmt::format("Error: Unsafe folder for the bridge's private socket: {} (set TMPDIR or "
                                      "XDG_RUNTIME_DIR to a folder no other user can change).",
                                      problem.error()));
        }
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (parent.size() + k_folder_name.size() + k_socket_name.size() >= sizeof addr.sun_path) {
        throw Failure(ExitStatus::usage,
                      fmt::format("Error: The temporary folder path {} is too long for a unix socket.", parent));
    }
    std::string templ = parent + std::string(k_folder_name);
    if (::mkdtemp(templ.data()) == nullptr) {
        throw Failure(ExitStatus::usage,
                      fmt::format("Error: Unable to create a private folder in {}: {}.", parent, std::strerror(errno)));
    }
    m_dir = templ;
    m_path = m_dir + std::string(k_socket_name);
    std::memcpy(addr.sun_path, m_path.c_str(), m_path.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(m_fd, 1) != 0) {
        const int error = errno;
        remove();  // the destructor does not run for an object whose constructor throws
        throw Failure(ExitStatus::usage,
                      fmt::format("Error: Unable to open the unix socket {}: {}.", templ + std::string(k_socket_name),
                                  std::strerror(error)));
    }
}

PrivateSocket::~PrivateSocket()
{
    remove();
}

void PrivateSocket::remove()
{
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    if (!m_path.empty()) ::unlink(m_path.c_str());
    if (!m_dir.empty()) ::rmdir(m_dir.c_str());
    m_path.clear();
    m_dir.clear();
}

int PrivateSocket::accept()
{
    const int fd = ::accept4(m_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    const int error = errno;
    remove();
    if (fd < 0) {
        throw Failure(ExitStatus::connection_lost,
                      fmt::format("Error: No connection on the bridge's unix socket: {}.",
                                  error == EAGAIN ? "libmosquitto did not connect to it" : std::strerror(error)));
    }
    if (!peer_is_this_process(fd)) {
        ::close(fd);
        throw Failure(ExitStatus::connection_lost, "Error: Another process connected to the bridge's unix socket.");
    }
    return fd;
}

}  // namespace mqtt
