#include "ready_file.h"

#include <fmt/format.h>
#include <unistd.h>

#include "safe_file.h"

namespace mqtt {

ReadyFile::ReadyFile(std::string path) : m_path(std::move(path))
{
    if (!m_path.empty()) ::unlink(m_path.c_str());
}

Status ReadyFile::create() const
{
    if (m_path.empty()) return {};
    // Not open(O_CREAT|O_TRUNC): in a shared folder another user may have planted a symlink
    // to a victim file at the path since the start.
    if (auto created = create_empty_file(m_path); !created.ok()) {
        return Error{fmt::format("Error: Unable to create ready file \"{}\": {}.", m_path, created.error())};
    }
    return {};
}

}  // namespace mqtt
