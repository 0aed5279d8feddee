#include <doctest/doctest.h>

#include <string>

#include "cli.h"
#include "completions.h"

namespace {

bool has_line(const std::string& script, const std::string& line)
{
    return script.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("completions: the option list is the parser's table, per tool")
{
    const auto pub = mqtt::option_list(mqtt::Tool::pub);
    REQUIRE(pub.size() > 2);
    CHECK(pub.front().names == std::vector<std::string>{"-h", "--host"});
    CHECK(pub.front().value == "host");
    CHECK(pub.front().group == "Connection");
    CHECK(pub.back().names == std::vector<std::string>{"--version"});
    const auto has = [](const std::vector<mqtt::OptionInfo>& list, const std::string& name) {
        for (const auto& info : list) {
            for (const auto& n : info.names) {
                if (n == name) return true;
            }
        }
        return false;
    };
    CHECK(has(pub, "--repeat"));
    CHECK_FALSE(has(pub, "--retained-only"));
    CHECK(has(mqtt::option_list(mqtt::Tool::sub), "--retained-only"));
    CHECK_FALSE(has(mqtt::option_list(mqtt::Tool::rr), "-l"));
}

TEST_CASE("completions: bash offers choices, files, directories and profiles after an option")
{
    const std::string script = mqtt::completion_script(mqtt::Shell::bash, mqtt::Tool::sub);
    CHECK(script.starts_with("# bash completion for mqtt-sub, generated from its option table"));
    CHECK(has_line(script,
                   "    -V|--protocol-version) mapfile -t COMPREPLY < <(compgen -W '5 311 31 mqttv5 mqttv311 "
                   "mqttv31' -- \"$cur\"); return ;;"));
    CHECK(has_line(script, "    --encoding) mapfile -t COMPREPLY < <(compgen -W 'hex base64' -- \"$cur\"); return ;;"));
    CHECK(has_line(script,
                   "    -D|--property) mapfile -t COMPREPLY < <(compgen -W 'connect subscribe unsubscribe "
                   "disconnect will' -- \"$cur\"); return ;;"));
    CHECK(has_line(script,
                   "        subscribe) mapfile -t COMPREPLY < <(compgen -W 'subscription-identifier "
                   "user-property' -- \"$cur\") ;;"));
    CHECK(has_line(script,
                   "    --capath|--proto-path) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "
                   "\"$cur\"); return ;;"));
    CHECK(has_line(script, "complete -F _mqtt_sub mqtt-sub"));
}

TEST_CASE("completions: zsh escapes the description, fish quotes it")
{
    const std::string zsh = mqtt::completion_script(mqtt::Shell::zsh, mqtt::Tool::pub);
    CHECK(zsh.starts_with("#compdef mqtt-pub\n"));
    CHECK(has_line(zsh, "  '*-q[quality of service, 0, 1 or 2 (default\\: 0)]:QoS:(0 1 2)' \\"));
    CHECK(has_line(zsh, "  '*--cafile[trust the CA certificates in this PEM file; turns TLS on, port 8883]:file:_files' \\"));
    const std::string fish = mqtt::completion_script(mqtt::Shell::fish, mqtt::Tool::rr);
    CHECK(has_line(fish, "complete -c mqtt-rr -f"));
    CHECK(has_line(fish, "complete -c mqtt-rr -s e -x -d 'topic to receive the response on (MQTT 5 default: a unique one)'"));
    CHECK(mqtt::completion_file_name(mqtt::Shell::fish, mqtt::Tool::rr) == "mqtt-rr.fish");
    CHECK(mqtt::completion_file_name(mqtt::Shell::zsh, mqtt::Tool::rr) == "_mqtt-rr");
}
