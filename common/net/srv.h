// -S: find the broker through DNS SRV records (_mqtt._tcp.<domain>, or _secure-mqtt._tcp.
// with TLS), as mosquitto's -S would if Debian's libmosquitto were built with it (its
// mosquitto_connect_srv() returns MOSQ_ERR_NOT_SUPPORTED). Parsing the DNS answer and
// choosing a record (RFC 2782) are pure; lookup_srv() asks the system's resolver.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace mqtt {

struct SrvRecord {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target;  ///< without the final dot; "." (no service) is kept as "."

    bool operator==(const SrvRecord&) const = default;
};

/// The SRV records in the answer section of a DNS response (other types are skipped), or
/// why the message cannot be read.
Result<std::vector<SrvRecord>> parse_srv_answer(std::span<const unsigned char> message);

/// The record to connect to, RFC 2782: the lowest priority; among those, one picked at
/// random in proportion to the weights, `roll` being a number in [0, 1). None if there are
/// no records or the only one is "." (the domain says there is no such service); a "."
/// beside other records is skipped.
std::optional<SrvRecord> choose_srv(const std::vector<SrvRecord>& records, double roll);

/// The SRV name for a broker domain: _secure-mqtt._tcp.<domain> with TLS, else _mqtt._tcp.<domain>.
std::string srv_name(const std::string& domain, bool tls);

/// Looks `name` up and chooses a record; or the error line (status 6: the broker cannot be
/// found).
Result<SrvRecord> lookup_srv(const std::string& name);

}  // namespace mqtt
