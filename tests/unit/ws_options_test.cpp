#include <doctest/doctest.h>

#include "ws_options.h"

using namespace mqtt::ws;

TEST_CASE("ws options: --ws-header and --ws-path checks")
{
    CHECK(check_header("Authorization: Bearer x") == "");
    CHECK(check_header("X-Empty:") == "");
    CHECK(check_header("no colon") == "Invalid --ws-header \"no colon\": it must be \"Name: value\".");
    CHECK(check_header(": v") == "Invalid --ws-header \": v\": it must be \"Name: value\".");
    CHECK(check_header("Bad Name: v") == "Invalid --ws-header \"Bad Name: v\": it must be \"Name: value\".");
    CHECK(check_header("X: a\r\nY: b") == "Invalid --ws-header \"X: a\r\nY: b\": it must be one line.");
    CHECK(check_header("host: other") == "Invalid --ws-header \"host: other\": the tool sets host itself.");
    CHECK(check_header("Sec-WebSocket-Protocol: x") ==
          "Invalid --ws-header \"Sec-WebSocket-Protocol: x\": the tool sets Sec-WebSocket-Protocol itself.");
    CHECK(check_path("/") == "");
    CHECK(check_path("/mqtt?token=a%20b") == "");
    CHECK(check_path("mqtt") == "Invalid --ws-path \"mqtt\": it must start with '/' and hold no spaces or control characters.");
    CHECK(check_path("/a b") == "Invalid --ws-path \"/a b\": it must start with '/' and hold no spaces or control characters.");
    CHECK(check_path("") == "Invalid --ws-path \"\": it must start with '/' and hold no spaces or control characters.");
}
