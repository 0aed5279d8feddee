#include "format.h"

namespace mqtt {

void Formatter::render(const Message& message, Sink& out) const
{
    if (message.payload.empty()) {
        if (m_verbose && m_eol) {
            out.append(message.topic);
            out.append(" (null)\n");
        }
        return;
    }
    if (m_verbose) {
        out.append(message.topic);
        out.append(' ');
    }
    out.append(message.payload);
    if (m_eol) out.append('\n');
}

}  // namespace mqtt
