// libFuzzer target: -L broker URLs, --proxy URLs and the redaction of their passwords.
#include <cstddef>
#include <cstdint>
#include <string>

#include "secret.h"
#include "url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    (void)mqtt::parse_url(text);
    (void)mqtt::parse_proxy_url(text);
    (void)mqtt::redact_url(text);
    return 0;
}
