#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <mosquitto.h>

#include "client_setup.h"
#include "error.h"

namespace {

std::size_t open_descriptors()
{
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

}  // namespace

TEST_CASE("new_client: a libmosquitto client holds no descriptor before it connects")
{
    mosquitto_lib_init();
    const std::size_t before = open_descriptors();
    mosquitto* mosq = mqtt::new_client("unit-client", true, nullptr);
    REQUIRE(mosq != nullptr);
    // mosquitto_new alone would have opened its wake socketpair: two more.
    CHECK(open_descriptors() == before);
    CHECK(mosquitto_socket(mosq) == -1);
    mosquitto_destroy(mosq);
    CHECK(open_descriptors() == before);

    // Outside new_client, socketpair() is the system call.
    int fds[2] = {-1, -1};
    CHECK(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    CHECK(open_descriptors() == before + 2);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("new_client: libmosquitto's refusal is the upstream line")
{
    // A persistent session needs an id.
    std::string line;
    try {
        mosquitto* mosq = mqtt::new_client("", false, nullptr);
        mosquitto_destroy(mosq);
    } catch (const mqtt::UsageError& error) {
        line = error.what();
    }
    CHECK(line == "Error: Invalid id.");
}
