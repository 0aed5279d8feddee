#include <doctest/doctest.h>

#include "temp_folder.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "safe_file.h"

namespace {

std::string content(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The reason open_private_append gives, or "" when it opened the file.
std::string refusal(const std::string& path)
{
    auto opened = mqtt::open_private_append(path);
    if (auto* fd = (opened.ok() ? &opened.value() : nullptr)) {
        ::close(*fd);
        return "";
    }
    return opened.error();
}

}  // namespace

TEST_CASE("create_empty_file replaces a planted symlink instead of truncating its target")
{
    unit::TempFolder folder;
    const std::string victim = folder.path + "/victim";
    const std::string path = folder.path + "/ready";
    std::ofstream(victim) << "precious";
    REQUIRE(::symlink(victim.c_str(), path.c_str()) == 0);
    CHECK(mqtt::create_empty_file(path).ok());
    CHECK(content(victim) == "precious");
    CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(path)));
    CHECK(std::filesystem::file_size(path) == 0);
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
    // Nothing else is left in the folder: the temporary name became the file.
    CHECK(std::distance(std::filesystem::directory_iterator(folder.path), {}) == 2);
}

TEST_CASE("create_empty_file: a folder that is not there gives strerror's text")
{
    CHECK(mqtt::create_empty_file("/nonexistent/dir/ready").error() == "No such file or directory");
}

TEST_CASE("open_private_append creates a 0600 file and appends to it")
{
    unit::TempFolder folder;
    const std::string path = folder.path + "/keylog";
    for (const char* line : {"one\n", "two\n"}) {
        auto opened = mqtt::open_private_append(path);
        REQUIRE(opened.ok());
        const int fd = opened.value();
        CHECK(::write(fd, line, 4) == 4);
        ::close(fd);
    }
    CHECK(content(path) == "one\ntwo\n");
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
}

TEST_CASE("open_private_append never writes through a symlink, a hard link, a FIFO or a readable file")
{
    unit::TempFolder folder;
    const std::string victim = folder.path + "/victim";
    std::ofstream(victim) << "precious";
    ::chmod(victim.c_str(), 0600);

    const std::string link = folder.path + "/link";
    REQUIRE(::symlink(victim.c_str(), link.c_str()) == 0);
    CHECK(refusal(link) == "it is a symbolic link");

    const std::string dangling = folder.path + "/dangling";
    REQUIRE(::symlink((folder.path + "/nothing").c_str(), dangling.c_str()) == 0);
    CHECK(refusal(dangling) == "it is a symbolic link");
    CHECK_FALSE(std::filesystem::exists(folder.path + "/nothing"));

    const std::string hard = folder.path + "/hard";
    REQUIRE(::link(victim.c_str(), hard.c_str()) == 0);
    CHECK(refusal(hard) == "it has more than one name (a hard link)");

    const std::string fifo = folder.path + "/fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(refusal(fifo) == "it is not a regular file");

    const std::string readable = folder.path + "/readable";
    std::ofstream(readable) << "";
    ::chmod(readable.c_str(), 0644);
    CHECK(refusal(readable) == "other users may read it (chmod 600 it)");

    CHECK(content(victim) == "precious");
}
