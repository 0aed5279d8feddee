#include <doctest/doctest.h>

#include "ws_options.h"

using namespace mqtt::ws;

TEST_CASE("ws options: --ws-header and --ws-path checks")
{
    CHECK(check_header("Authorization: Bearer x").ok());
    CHECK(check_header("X-Empty:").ok());
    CHECK(check_header("no colon").error() == "Invalid --ws-header \"no colon\": it must be \"Name: value\".");
    CHECK(check_header(": v").error() == "Invalid --ws-header \": v\": it must be \"Name: value\".");
    CHECK(check_header("Bad Name: v").error() == "Invalid --ws-header \"Bad Name: v\": it must be \"Name: value\".");
    CHECK(check_header("X: a\r\nY: b").error() == "Invalid --ws-header \"X: a\r\nY: b\": it must be one line.");
    CHECK(check_header("host: other").error() == "Invalid --ws-header \"host: other\": the tool sets host itself.");
    CHECK(check_header("Sec-WebSocket-Protocol: x").error() ==
          "Invalid --ws-header \"Sec-WebSocket-Protocol: x\": the tool sets Sec-WebSocket-Protocol itself.");
    CHECK(check_path("/").ok());
    CHECK(check_path("/mqtt?token=a%20b").ok());
    CHECK(check_path("mqtt").error() ==
          "Invalid --ws-path \"mqtt\": it must start with '/' and hold no spaces or control characters.");
    CHECK(check_path("/a b").error() ==
          "Invalid --ws-path \"/a b\": it must start with '/' and hold no spaces or control characters.");
    CHECK(check_path("").error() == "Invalid --ws-path \"\": it must start with '/' and hold no spaces or control characters.");
}
