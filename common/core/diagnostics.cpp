#include "diagnostics.h"

#include <string>
#include <unistd.h>

#include "terminal_text.h"

namespace mqtt {

void print_line(std::string_view text)
{
    print_raw(escape_control_lines(text) + "\n");
}

void print_raw(std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t written = ::write(STDERR_FILENO, bytes.data(), bytes.size());
        // Nothing more useful can be done with a failed write to stderr.
        if (written <= 0) return;
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

}  // namespace mqtt
