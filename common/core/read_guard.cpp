#include "read_guard.h"

#include <cassert>
#include <csetjmp>
#include <cstdlib>
#include <errno.h>
#include <fmt/format.h>

#include "diagnostics.h"

// GCC says -fsanitize=address with __SANITIZE_ADDRESS__; clang 14 (the fuzz build) only
// through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MQTT_TOOLS_LEAK_CHECKS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MQTT_TOOLS_LEAK_CHECKS 1
#endif
#endif
#if defined(MQTT_TOOLS_LEAK_CHECKS)
#include <sanitizer/lsan_interface.h>
#endif

namespace {

// Where an assertion inside mosquitto_loop_read jumps to; null outside it. A global because
// __assert_fail has no context argument; the tools are single-threaded.
std::jmp_buf* g_read_jump = nullptr;

// Sanitizer builds: what libmosquitto allocates while it reads is its own (a jump out of a
// failed assertion leaves its half-read packet behind, and the tool ends right after); our
// callbacks, run with the guard paused, are checked for leaks as everywhere else.
void leak_checks_off()
{
#if defined(MQTT_TOOLS_LEAK_CHECKS)
    __lsan_disable();
#endif
}

void leak_checks_on()
{
#if defined(MQTT_TOOLS_LEAK_CHECKS)
    __lsan_enable();
#endif
}

}  // namespace

// Takes the place of glibc's for the whole process (the executable comes first in symbol
// lookup, so libmosquitto's calls land here). Outside the guard it does what glibc's does.
extern "C" void __assert_fail(const char* assertion, const char* file, unsigned int line, const char* function) noexcept
{
    if (g_read_jump != nullptr) std::longjmp(*g_read_jump, 1);
    mqtt::print_raw(fmt::format("{}: {}:{}: {}{}Assertion `{}' failed.\n", program_invocation_short_name, file, line,
                                function ? function : "", function ? ": " : "", assertion));
    std::abort();
}

namespace mqtt {

int guarded_loop_read(mosquitto* mosq)
{
    std::jmp_buf jump;
    leak_checks_off();
    if (setjmp(jump) != 0) {
        g_read_jump = nullptr;
        leak_checks_on();
        return k_read_aborted;
    }
    g_read_jump = &jump;
    const int rc = mosquitto_loop_read(mosq, 1);
    g_read_jump = nullptr;
    leak_checks_on();
    return rc;
}

ReadGuardPause::ReadGuardPause() : m_saved(g_read_jump)
{
    g_read_jump = nullptr;
    if (m_saved != nullptr) leak_checks_on();
}

ReadGuardPause::~ReadGuardPause()
{
    if (m_saved != nullptr) leak_checks_off();
    g_read_jump = static_cast<std::jmp_buf*>(m_saved);
}

}  // namespace mqtt
