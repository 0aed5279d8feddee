#include "srv.h"

#include <arpa/nameser.h>
#include <fmt/format.h>
#include <netdb.h>
#include <random>
#include <resolv.h>

namespace mqtt {

namespace {

/// Reads big-endian 16-bit numbers and names (with compression) from a DNS message.
class Reader {
public:
    explicit Reader(std::span<const unsigned char> message) : m_message(message) {}

    bool u16(std::uint16_t& value)
    {
        if (m_at + 2 > m_message.size()) return false;
        value = static_cast<std::uint16_t>(m_message[m_at] << 8 | m_message[m_at + 1]);
        m_at += 2;
        return true;
    }
    bool skip(std::size_t count)
    {
        if (m_at + count > m_message.size()) return false;
        m_at += count;
        return true;
    }
    /// A domain name; dn_expand follows compression pointers and checks every bound.
    bool name(std::string& text)
    {
        char buffer[NS_MAXDNAME];
        const unsigned char* begin = m_message.data();
        const int used = dn_expand(begin, begin + m_message.size(), begin + m_at, buffer, sizeof buffer);
        if (used < 0) return false;
        m_at += static_cast<std::size_t>(used);
        text = buffer[0] ? buffer : ".";
        return true;
    }
    std::size_t at() const { return m_at; }

private:
    std::span<const unsigned char> m_message;
    std::size_t m_at = 0;
};

}  // namespace

Result<std::vector<SrvRecord>> parse_srv_answer(std::span<const unsigned char> message)
{
    const Error malformed{"malformed DNS answer"};
    Reader in(message);
    std::uint16_t id = 0, flags = 0, questions = 0, answers = 0, authority = 0, additional = 0;
    if (!in.u16(id) || !in.u16(flags) || !in.u16(questions) || !in.u16(answers) || !in.u16(authority) || !in.u16(additional)) {
        return malformed;
    }
    std::string name;
    for (std::uint16_t i = 0; i < questions; ++i) {
        if (!in.name(name) || !in.skip(4)) return malformed;  // type, class
    }
    std::vector<SrvRecord> records;
    for (std::uint16_t i = 0; i < answers; ++i) {
        std::uint16_t type = 0, rr_class = 0, length = 0;
        if (!in.name(name) || !in.u16(type) || !in.u16(rr_class) || !in.skip(4) || !in.u16(length)) return malformed;
        const std::size_t end = in.at() + length;
        if (end > message.size()) return malformed;
        if (type == ns_t_srv && rr_class == ns_c_in) {
            SrvRecord record;
            if (!in.u16(record.priority) || !in.u16(record.weight) || !in.u16(record.port) || !in.name(record.target) ||
                in.at() != end) {
                return malformed;
            }
            records.push_back(std::move(record));
        } else if (!in.skip(length)) {
            return malformed;
        }
    }
    return records;
}

std::optional<SrvRecord> choose_srv(const std::vector<SrvRecord>& records, double roll)
{
    // "." says there is no such service only as the one record (RFC 2782); beside real
    // targets it is no broker to connect to, and the real ones are still chosen from.
    std::vector<const SrvRecord*> brokers;
    for (const auto& r : records) {
        if (r.target != ".") brokers.push_back(&r);
    }
    if (brokers.empty()) return std::nullopt;
    std::uint16_t lowest = brokers.front()->priority;
    for (const auto* r : brokers) lowest = std::min(lowest, r->priority);
    // RFC 2782's weighted choice: a record of weight w gets a w/total share. A record of
    // weight 0 has "a very small chance" there; here it is chosen only when every weight of
    // the priority is 0, and then the first one is.
    unsigned long total = 0;
    for (const auto* r : brokers) {
        if (r->priority == lowest) total += r->weight;
    }
    const SrvRecord* chosen = nullptr;
    if (total == 0) {
        for (const auto* r : brokers) {
            if (r->priority == lowest) {
                chosen = r;
                break;
            }
        }
    } else {
        const double point = roll * static_cast<double>(total);
        unsigned long running = 0;
        for (const auto* r : brokers) {
            if (r->priority != lowest || r->weight == 0) continue;
            running += r->weight;
            chosen = r;
            if (point < static_cast<double>(running)) break;
        }
    }
    return *chosen;
}

std::string srv_name(const std::string& domain, bool tls)
{
    return (tls ? "_secure-mqtt._tcp." : "_mqtt._tcp.") + domain;
}

Result<SrvRecord> lookup_srv(const std::string& name)
{
    unsigned char answer[NS_MAXMSG];
    const int length = res_search(name.c_str(), ns_c_in, ns_t_srv, answer, sizeof answer);
    if (length < 0) return Error{fmt::format("Error: DNS SRV lookup of {} failed: {}.", name, hstrerror(h_errno))};
    auto parsed = parse_srv_answer(std::span<const unsigned char>(answer, static_cast<std::size_t>(length)));
    if (!parsed) return Error{fmt::format("Error: DNS SRV lookup of {}: {}.", name, parsed.error())};
    std::mt19937 engine(std::random_device{}());
    const double roll = std::uniform_real_distribution<double>(0.0, 1.0)(engine);
    auto chosen = choose_srv(*parsed, roll);
    if (!chosen) return Error{fmt::format("Error: DNS SRV lookup of {}: no MQTT broker offered.", name)};
    return *chosen;
}

}  // namespace mqtt
