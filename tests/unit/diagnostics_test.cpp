#include <doctest/doctest.h>

#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "diagnostics.h"

namespace {

/// What `write` prints on stderr, caught in memory.
template <class Write> std::string stderr_of(Write write)
{
    const int memory = memfd_create("stderr", MFD_CLOEXEC);
    REQUIRE(memory >= 0);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(memory, STDERR_FILENO);
    write();
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::string text(4096, '\0');
    const ssize_t n = ::pread(memory, text.data(), text.size(), 0);
    ::close(memory);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return text;
}

}  // namespace

TEST_CASE("diagnostics: a line is escaped and ends with one newline")
{
    CHECK(stderr_of([] { mqtt::print_line("Error: \x1b]0;pwned\a here"); }) == "Error: \\x1b]0;pwned\\x07 here\n");
    CHECK(stderr_of([] { mqtt::print_line("two\nlines"); }) == "two\nlines\n");
    CHECK(stderr_of([] { mqtt::print_line("caf\xc3\xa9"); }) == "caf\xc3\xa9\n");  // UTF-8 stays
}

TEST_CASE("diagnostics: raw bytes go out as they are")
{
    CHECK(stderr_of([] { mqtt::print_raw("\r50%\x1b[K"); }) == "\r50%\x1b[K");
}
