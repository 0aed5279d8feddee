#include "show_config.h"

#include <algorithm>
#include <fmt/format.h>
#include <string_view>

#include "quote.h"
#include "secret.h"
#include "terminal_text.h"

namespace mqtt {

namespace {

/// A setting every run has: its value from Options, and the options that set it.
struct Essential {
    const char* option;
    std::vector<const char*> set_by;
    std::string (*value)(const Options&);
};

const char* protocol_text(int protocol)
{
    return protocol == k_mqtt31 ? "mqttv31" : protocol == k_mqtt311 ? "mqttv311" : "mqttv5";
}

const std::vector<Essential>& essentials()
{
    static const std::vector<Essential> list = {
        {"--host", {"--host", "--url", "--unix"}, [](const Options& o) { return o.host; }},
        {"--port", {"--port", "--url", "--unix"}, [](const Options& o) { return std::to_string(o.effective_port()); }},
        {"--protocol-version",
         {"--protocol-version", "-x", "--property"},
         [](const Options& o) { return std::string(protocol_text(o.protocol)); }},
        {"--keepalive", {"--keepalive"}, [](const Options& o) { return std::to_string(o.keepalive); }},
        {"--connect-timeout", {"--connect-timeout"}, [](const Options& o) { return std::to_string(o.connect_timeout); }},
        {"--qos", {"--qos"}, [](const Options& o) { return std::to_string(o.qos); }},
        {"--id",
         {"--id", "--id-prefix"},
         [](const Options& o) { return o.client_id().empty() ? std::string("(the broker assigns one)") : o.client_id(); }},
    };
    return list;
}

bool secret(std::string_view option)
{
    return option == "--password" || option == "--psk" || option == "--tls-engine-kpass-sha1";
}

/// A value as the report shows it: masked if secret, a URL's password hidden, in quotes
/// when a space or nothing would not show, cut when long.
std::string shown(std::string_view option, const std::string& value)
{
    if (secret(option)) return "***";
    const std::string text = option == "--url" || option == "--proxy" ? redact_url(value) : value;
    if (text.empty() || text.find_first_of(" \t") != std::string::npos) return quote_value(text);
    return cut_value(text);
}

/// A line of the report, control bytes escaped (before padding, so that columns stay).
std::string line(const std::string& setting, const std::string& source)
{
    return fmt::format("  {:<40} {}\n", escape_control(setting), escape_control(source));
}

std::string setting_of(const Origin& origin)
{
    std::string text = origin.option;
    for (const auto& value : origin.values) text += " " + shown(origin.option, value);
    return text;
}

}  // namespace

std::string show_config_text(const Options& options, const std::vector<Origin>& origins)
{
    std::string out = "settings in effect (value, then where it came from; secrets masked):\n";
    std::vector<std::string> covered;
    for (const auto& essential : essentials()) {
        const Origin* last = nullptr;
        for (const auto& origin : origins) {
            const auto& by = essential.set_by;
            if (std::find(by.begin(), by.end(), origin.option) != by.end()) last = &origin;
        }
        std::string source = "default";
        if (last) {
            source = last->source;
            if (last->option != essential.option) source += " (" + last->option + ")";
        } else if (std::string_view(essential.option) == "--port" && options.tls.selects_tls_port()) {
            source = "default with TLS";
        }
        out += line(std::string(essential.option) + " " + essential.value(options), source);
        covered.emplace_back(essential.option);
    }
    for (std::size_t i = 0; i < origins.size(); ++i) {
        const Origin& origin = origins[i];
        if (std::find(covered.begin(), covered.end(), origin.option) != covered.end()) continue;
        // Of an option that replaces its value, the last one given is in effect.
        const auto later = std::find_if(origins.begin() + static_cast<std::ptrdiff_t>(i) + 1, origins.end(),
                                        [&](const Origin& o) { return o.option == origin.option; });
        if (!origin.adds && later != origins.end()) continue;
        out += line(setting_of(origin), origin.source);
    }
    return out;
}

}  // namespace mqtt
