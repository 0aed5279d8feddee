// libmosquitto's form of a property list (mosquitto_property*), built from the plain data
// of -D and freed when it goes out of scope, so no list leaks on any path.
#pragma once

#include <span>

#include <mosquitto.h>

#include "properties.h"

namespace mqtt {

class PropertyList {
public:
    PropertyList() = default;
    /// Builds the list in the order given. Throws std::bad_alloc when out of memory and
    /// Failure when libmosquitto refuses a value parse_property accepted (a bug).
    explicit PropertyList(std::span<const Property> properties);
    ~PropertyList();
    PropertyList(PropertyList&& other) noexcept;
    PropertyList& operator=(PropertyList&& other) noexcept;
    PropertyList(const PropertyList&) = delete;
    PropertyList& operator=(const PropertyList&) = delete;

    /// Takes ownership of a list libmosquitto built.
    static PropertyList adopt(mosquitto_property* list)
    {
        PropertyList result;
        result.m_list = list;
        return result;
    }
    /// Appends one property (same failures as the constructor).
    void add(const Property& property);
    /// The list for libmosquitto calls; nullptr when empty (no properties at all).
    const mosquitto_property* get() const { return m_list; }
    mosquitto_property* get() { return m_list; }
    /// Gives the list away, e.g. to mosquitto_will_set_v5, which owns it on success.
    mosquitto_property* release();
    bool empty() const { return m_list == nullptr; }

private:
    mosquitto_property* m_list = nullptr;
};

}  // namespace mqtt
