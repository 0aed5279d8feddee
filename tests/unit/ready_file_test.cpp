#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "ready_file.h"

namespace {

/// A private folder for the test, removed at the end.
struct Folder {
    std::string path;
    Folder()
    {
        std::string templ = std::filesystem::temp_directory_path().string() + "/ready_file_test.XXXXXX";
        REQUIRE(::mkdtemp(templ.data()) != nullptr);
        path = templ;
    }
    ~Folder() { std::filesystem::remove_all(path); }
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
};

bool exists(const std::string& path)
{
    return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace

TEST_CASE("ready file: a stale one goes at construction, the new one comes with create()")
{
    Folder folder;
    const std::string path = folder.path + "/ready";
    std::ofstream(path) << "left by an earlier run";
    REQUIRE(exists(path));
    const mqtt::ReadyFile ready(path);
    CHECK_FALSE(exists(path));
    CHECK_FALSE(ready.create());
    CHECK(exists(path));
    CHECK(std::filesystem::file_size(path) == 0);
}

TEST_CASE("ready file: none asked for, none made, an impossible path gives the error line")
{
    CHECK_FALSE(mqtt::ReadyFile("").create());
    const auto error = mqtt::ReadyFile("/nonexistent/dir/ready").create();
    REQUIRE(error);
    CHECK(*error == "Error: Unable to create ready file \"/nonexistent/dir/ready\": No such file or directory.");
}
