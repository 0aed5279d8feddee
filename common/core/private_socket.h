// The unix socket through which libmosquitto reaches the bridge (--ws, --proxy http://).
// libmosquitto connects by path and writes CONNECT, password included, at once: the path
// must lead to our socket and to nothing another user can put there.
#pragma once

#include <csignal>
#include <optional>
#include <string>

#include "result.h"

namespace mqtt {

/// Why another user could swap what is at or under `folder` (a path component, symlinks
/// resolved, that another user owns, or that others may write without the sticky bit),
/// or nullopt when only this user (and root) can change it.
Status shared_folder_problem(const std::string& folder);

/// True when the process at the other end of the connected unix socket `fd` is this one.
bool peer_is_this_process(int fd);

/// SIGINT, SIGTERM and SIGHUP wait while this lives (they are delivered when it ends): a
/// signal between making the socket's folder and removing it would leave the folder behind.
class HeldSignals {
public:
    HeldSignals();
    ~HeldSignals();
    HeldSignals(const HeldSignals&) = delete;
    HeldSignals& operator=(const HeldSignals&) = delete;

private:
    sigset_t m_previous{};
};

class PrivateSocket {
public:
    /// Listens on a socket in a new 0700 folder: under $XDG_RUNTIME_DIR when it is set and
    /// private, else under $TMPDIR (or /tmp), which must be safe (shared_folder_problem).
    /// Throws Failure (status 1) with the line when it cannot; nothing is left behind then.
    PrivateSocket();
    /// Removes the socket file and its folder if accept() has not.
    ~PrivateSocket();
    PrivateSocket(const PrivateSocket&) = delete;
    PrivateSocket& operator=(const PrivateSocket&) = delete;

    /// Where libmosquitto is to connect.
    const std::string& path() const { return m_path; }
    /// Takes the connection libmosquitto made (by now: a unix connect completes at once),
    /// removes the socket file and its folder, and returns the connection (non-blocking).
    /// Throws Failure (status 7) when there is none, or when it is not this process's.
    int accept();

private:
    void remove();

    std::string m_dir;
    std::string m_path;
    int m_fd = -1;
};

}  // namespace mqtt
