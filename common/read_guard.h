// libmosquitto 2.0.11 aborts the process on some packets a broker can send: an unknown
// MQTT 5 property id makes property__read call log__printf(NULL, ...), which asserts. While
// guarded_loop_read runs, an assertion failure inside the library jumps back out of it, so
// that the session ends with a status and a line instead of SIGABRT and a core file.
#pragma once

#include <mosquitto.h>

namespace mqtt {

/// What guarded_loop_read returns when libmosquitto failed an assertion reading a packet:
/// the client must not be read from again (its packet state is half-updated).
inline constexpr int k_read_aborted = -1000;

/// mosquitto_loop_read(mosq, 1), or k_read_aborted.
int guarded_loop_read(mosquitto* mosq);

/// Suspends the guard while one of our callbacks runs inside the library: a jump must never
/// skip our own frames (their destructors).
class ReadGuardPause {
public:
    ReadGuardPause();
    ~ReadGuardPause();
    ReadGuardPause(const ReadGuardPause&) = delete;
    ReadGuardPause& operator=(const ReadGuardPause&) = delete;

private:
    void* m_saved;
};

}  // namespace mqtt
