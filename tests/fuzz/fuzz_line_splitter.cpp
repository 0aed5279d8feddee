// libFuzzer target: the -l / -0 record splitter of mqtt-pub (source.h LineBuffer), fed in
// pieces as reads bring them, and the LineSource that reads records from a file with it
// (plain, --encoding hex or base64, --json; --on-error skip). The first byte chooses the
// delimiter, the piece size and the record settings; the rest is the input.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "error.h"
#include "source.h"

namespace {

/// Splits `input` as LineSource does and checks that the records joined back are the input.
void split(std::string_view input, char delimiter, std::size_t piece)
{
    mqtt::LineBuffer buffer(delimiter);
    std::string joined;
    std::size_t records = 0;
    const auto take = [&](bool eof) {
        while (const auto line = buffer.next_line(eof)) {
            if (records++ > 0) joined += delimiter;
            joined.append(*line);
        }
    };
    for (std::size_t at = 0; at < input.size(); at += piece) {
        const std::string_view part = input.substr(at, piece);
        std::memcpy(buffer.reserve(part.size()), part.data(), part.size());
        buffer.commit(part.size());
        take(false);
    }
    take(true);
    if (buffer.pending() != 0) std::abort();
    // A last delimiter ends the last record; it does not start an empty one.
    if (!input.empty() && input.back() == delimiter) joined += delimiter;
    if (joined != input) std::abort();
}

/// Reads `input` through a LineSource as mqtt-pub would, counting what comes out.
void read_records(std::string_view input, mqtt::RecordSettings settings)
{
    const int fd = ::memfd_create("fuzz_line_splitter", MFD_CLOEXEC);
    if (fd < 0 || ::write(fd, input.data(), input.size()) != static_cast<ssize_t>(input.size()) ||
        ::lseek(fd, 0, SEEK_SET) != 0) {
        std::abort();
    }
    mqtt::LineSource source(fd, settings, true);
    std::size_t messages = 0;
    try {
        for (int turns = 0; !source.done(); ++turns) {
            if (turns > 100000) std::abort();  // a source that never ends would hang mqtt-pub
            if (const auto message = source.next()) {
                if (message->payload.size() > input.size()) std::abort();
                ++messages;
            } else if (source.fd() >= 0) {
                source.on_readable();
            } else if (!source.done()) {
                std::abort();  // nothing to read, nothing to send, not done: a hang
            }
        }
    } catch (const mqtt::Failure&) {
        return;
    }
    if (source.bytes_read() != input.size()) std::abort();
    // At most one message per record.
    std::size_t records = 0;
    for (const char c : input) records += c == settings.delimiter;
    if (messages > records + 1) std::abort();
    (void)source.error();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size == 0) return 0;
    const std::uint8_t choice = bytes[0];
    const std::string_view input(reinterpret_cast<const char*>(bytes) + 1, size - 1);
    const char delimiter = (choice & 1) ? '\0' : '\n';
    split(input, delimiter, (choice >> 1) % 8 + 1);

    mqtt::RecordSettings settings;
    settings.delimiter = delimiter;
    settings.on_error = mqtt::OnError::skip;
    settings.quiet = true;
    switch ((choice >> 4) % 4) {
    case 1: settings.encoding = mqtt::Encoding::hex; break;
    case 2: settings.encoding = mqtt::Encoding::base64; break;
    case 3:
        settings.json = true;
        settings.default_topic = (choice & 0x40) != 0;
        settings.mqtt5 = (choice & 0x80) != 0;
        break;
    default: break;
    }
    read_records(input, settings);
    return 0;
}
