#include "options.h"

#include <unistd.h>

namespace mqtt {

std::string Options::client_id() const
{
    if (!id_prefix.empty()) return id_prefix + std::to_string(getpid());
    return id;
}

bool Options::holds_secret() const
{
    return password || (proxy && proxy->password) || tls.psk || tls.keyfile || tls.engine_kpass_sha1;
}

}  // namespace mqtt
