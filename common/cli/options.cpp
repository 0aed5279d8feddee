#include "options.h"

#include <unistd.h>

namespace mqtt {

std::string Options::client_id() const
{
    if (!id_prefix.empty()) return id_prefix + std::to_string(getpid());
    return id;
}

}  // namespace mqtt
