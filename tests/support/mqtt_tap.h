// A relay between the tools and a test::Broker that records the MQTT packets passing both
// ways, so that a test sees exactly which MQTT 5 properties a tool sent and which ones
// reached it: mosquitto logs no properties, and mqtt-sub does not print them.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace test {

/// One MQTT control packet as decoded from the bytes that went through the tap.
struct Packet {
    std::string type;                          ///< "CONNECT", "PUBLISH", ... ("MALFORMED" if undecodable)
    std::vector<std::string> properties;       ///< MQTT 5 properties in wire order, "name=value"
    std::string client_id;                     ///< CONNECT
    std::string will_topic;                    ///< CONNECT with a will
    std::vector<std::string> will_properties;  ///< CONNECT with a will, as `properties`
    std::string topic;                         ///< PUBLISH ("" when it carries only a topic alias)
    std::string payload;                       ///< PUBLISH
    std::vector<std::string> filters;          ///< SUBSCRIBE, UNSUBSCRIBE
    int reason = -1;                           ///< DISCONNECT reason code, when present
};

/// The properties of a packet as one line, "name=value name=value"; user properties are
/// "user-property=key:value", numbers decimal, strings and binary data as their bytes.
std::string describe(const std::vector<std::string>& properties);

/// Listens on a free 127.0.0.1 port and relays every connection to the broker at
/// 127.0.0.1:`broker_port`, one background thread for all of them. Stops when destroyed.
class Tap {
public:
    explicit Tap(int broker_port);
    ~Tap();
    Tap(const Tap&) = delete;
    Tap& operator=(const Tap&) = delete;

    std::string port_str() const;

    /// The packets the client that connected with `client_id` sent so far (all of its
    /// connections, in order).
    std::vector<Packet> sent_by(const std::string& client_id) const;
    /// The packets the broker sent to that client so far.
    std::vector<Packet> received_by(const std::string& client_id) const;
    /// Waits (bounded) until the client `client_id` has sent a packet of `type`.
    bool wait_for_sent(const std::string& client_id, const std::string& type,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

}  // namespace test
