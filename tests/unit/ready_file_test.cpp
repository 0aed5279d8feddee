#include <doctest/doctest.h>

#include "temp_folder.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "ready_file.h"

namespace {

bool exists(const std::string& path)
{
    return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace

TEST_CASE("ready file: a stale one goes at construction, the new one comes with create()")
{
    unit::TempFolder folder;
    const std::string path = folder.path + "/ready";
    std::ofstream(path) << "left by an earlier run";
    REQUIRE(exists(path));
    const mqtt::ReadyFile ready(path);
    CHECK_FALSE(exists(path));
    CHECK(ready.create().ok());
    CHECK(exists(path));
    CHECK(std::filesystem::file_size(path) == 0);
}

TEST_CASE("ready file: a symlink planted after the start is replaced, its target left alone")
{
    unit::TempFolder folder;
    const std::string path = folder.path + "/ready";
    const std::string victim = folder.path + "/victim";
    std::ofstream(victim) << "precious";
    const mqtt::ReadyFile ready(path);
    // Another user, in a shared folder, while the subscription waits for its SUBACK:
    REQUIRE(::symlink(victim.c_str(), path.c_str()) == 0);
    CHECK(ready.create().ok());
    CHECK(std::filesystem::file_size(victim) == 8);
    CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(path)));
}

TEST_CASE("ready file: none asked for, none made, an impossible path gives the error line")
{
    CHECK(mqtt::ReadyFile("").create().ok());
    const auto created = mqtt::ReadyFile("/nonexistent/dir/ready").create();
    REQUIRE_FALSE(created.ok());
    CHECK(created.error() == "Error: Unable to create ready file \"/nonexistent/dir/ready\": No such file or directory.");
}
