// Files the tools write at a path a user gave, made so that nothing planted at that path
// (a symlink, a hard link, another user's file) is ever written through: --ready-file and
// --tls-keylog, often in a shared folder such as /tmp.
#pragma once

#include <optional>
#include <string>

#include "result.h"

namespace mqtt {

/// Puts a new empty file (mode 0600) at `path`: made under a temporary name in the same
/// folder, then renamed over `path`, so that a symlink there is replaced, never followed.
/// Returns the reason (strerror's text) when it cannot.
Status create_empty_file(const std::string& path);

/// Opens `path` for appending, creating it with mode 0600: never through a symlink, and
/// only a regular file of this user's with one link that no other user can read. Returns
/// the fd (O_CLOEXEC), or the reason why not (the sentence's end, without a period).
Result<int> open_private_append(const std::string& path);

}  // namespace mqtt
