#include "property_list.h"

#include <fmt/format.h>
#include <new>
#include <utility>

#include "error.h"

namespace mqtt {

PropertyList::PropertyList(std::span<const Property> properties)
{
    for (const auto& property : properties) add(property);
}

PropertyList::~PropertyList()
{
    mosquitto_property_free_all(&m_list);
}

PropertyList::PropertyList(PropertyList&& other) noexcept : m_list(std::exchange(other.m_list, nullptr)) {}

PropertyList& PropertyList::operator=(PropertyList&& other) noexcept
{
    if (this != &other) {
        mosquitto_property_free_all(&m_list);
        m_list = std::exchange(other.m_list, nullptr);
    }
    return *this;
}

mosquitto_property* PropertyList::release()
{
    return std::exchange(m_list, nullptr);
}

void PropertyList::add(const Property& p)
{
    const int id = p.identifier;
    int rc = MOSQ_ERR_INVAL;
    switch (p.type) {
    case PropertyType::byte: rc = mosquitto_property_add_byte(&m_list, id, static_cast<std::uint8_t>(p.number)); break;
    case PropertyType::int16: rc = mosquitto_property_add_int16(&m_list, id, static_cast<std::uint16_t>(p.number)); break;
    case PropertyType::int32: rc = mosquitto_property_add_int32(&m_list, id, p.number); break;
    case PropertyType::varint: rc = mosquitto_property_add_varint(&m_list, id, p.number); break;
    case PropertyType::binary:
        rc = mosquitto_property_add_binary(&m_list, id, p.value.data(), static_cast<std::uint16_t>(p.value.size()));
        break;
    case PropertyType::string: rc = mosquitto_property_add_string(&m_list, id, p.value.c_str()); break;
    case PropertyType::string_pair: rc = mosquitto_property_add_string_pair(&m_list, id, p.key.c_str(), p.value.c_str()); break;
    }
    if (rc == MOSQ_ERR_NOMEM) throw std::bad_alloc();
    if (rc != MOSQ_ERR_SUCCESS) {
        throw Failure(ExitStatus::usage, fmt::format("Error adding property {}: {}", p.name, mosquitto_strerror(rc)));
    }
}

}  // namespace mqtt
