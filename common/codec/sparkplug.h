// --decode sparkplug: Sparkplug B payloads (Protobuf on spBv1.0/... topics) as JSON, with
// metric aliases resolved from the births seen earlier in the run, and the node's seq and
// bdSeq checked (warnings). The schema is our own table of the specification's field numbers
// (mqtt-sub(1), DECODING), read with protobuf_wire's Scanner. STATE messages too: Sparkplug
// 3.0's spBv1.0/STATE/HOST (JSON) and the older STATE/HOST (ONLINE or OFFLINE).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "value_writer.h"

namespace mqtt {

/// Deepest nesting of templates in templates and property sets in property sets.
inline constexpr std::size_t k_sparkplug_max_depth = 32;
/// Metric aliases held for the whole run (all edge nodes); a birth beyond it is not learnt.
inline constexpr std::size_t k_sparkplug_max_aliases = 100000;
/// Bytes of metric names held for the aliases of the whole run.
inline constexpr std::size_t k_sparkplug_max_alias_bytes = 16 * 1024 * 1024;
/// Edge nodes whose seq, bdSeq and aliases are followed; later ones are decoded unchecked.
inline constexpr std::size_t k_sparkplug_max_nodes = 10000;

/// Whether the sparkplug codec reads messages on `topic`: spBv1.0/... or STATE/HOST.
bool is_sparkplug_topic(std::string_view topic);

/// The name the specification gives Sparkplug data type `type` ("Int32"), or "" when unknown.
std::string_view sparkplug_type_name(std::uint64_t type);

/// What a birth said of a metric alias.
struct SparkplugAlias {
    std::string name;
    std::uint32_t type = 0;
};
using SparkplugAliases = std::unordered_map<std::uint64_t, SparkplugAlias>;

/// Decodes the messages of one run: keeps the aliases, seq and bdSeq of each edge node.
class SparkplugDecoder {
public:
    /// Appends the JSON of `payload` (on `topic`) to `out`, and the run's warnings about it
    /// (whole sentences, without "Warning: ") to `warnings`; or returns why it does not decode
    /// (`out` and the state as they were).
    DecodeStatus decode(std::string_view topic, std::string_view payload, std::string& out,
                                      std::vector<std::string>& warnings);

private:
    struct Node {
        SparkplugAliases aliases;
        std::optional<std::uint64_t> seq;    ///< the last seen
        std::optional<std::uint64_t> bd_seq; ///< of the NBIRTH in force
        bool online = false;                 ///< an NBIRTH seen and no NDEATH since
        bool alias_warned = false;           ///< an unknown alias warned since the last NBIRTH
    };

    Node* node(std::string_view key);
    void forget_aliases(Node& node);

    std::unordered_map<std::string, Node> m_nodes;  ///< by "GROUP/EDGE_NODE"
    std::size_t m_aliases = 0;
    std::size_t m_alias_bytes = 0;
    bool m_nodes_warned = false;    ///< k_sparkplug_max_nodes reached
    bool m_aliases_warned = false;  ///< an alias limit reached
};

}  // namespace mqtt
