// Text from outside (a broker's reason string, a proxy's status line, a topic) made safe for
// a terminal before it reaches stderr: a peer must not be able to move the cursor, retitle
// the window, ring the bell or forge a line.
#pragma once

#include <string>
#include <string_view>

namespace mqtt {

/// `text` with every control character written as \xHH (lower-case hex): the C0 controls
/// (newline included), DEL, the C1 controls in their UTF-8 form (C2 80 - C2 9F) and every
/// byte that does not belong to a well-formed UTF-8 sequence (a lone 0x9b is CSI to an
/// 8-bit terminal). Other UTF-8 is kept. Escaping twice changes nothing more.
std::string escape_control(std::string_view text);

/// Each line of `text` escaped as escape_control does, the '\n' between lines kept: for
/// the stderr writers, whose own messages may have more than one line.
std::string escape_control_lines(std::string_view text);

}  // namespace mqtt
