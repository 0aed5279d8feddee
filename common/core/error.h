// The two ways a job fails before it is done: a usage error (bad options or input, found
// before connecting) and a Failure (anything later). Only main() catches them.
#pragma once

#include <stdexcept>
#include <string>

#include "exit_status.h"

namespace mqtt {

/// Bad options or unusable input. what() is the first stderr line (upstream's text where
/// there is one); main() adds the "--help" hint and exits with ExitStatus::usage.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The job failed with a status from the exit table. what() is the one stderr line.
class Failure : public std::runtime_error {
public:
    /// `transient`: a broker or proxy that is still starting fails so (see --wait-for-broker).
    Failure(int status, const std::string& text, bool transient = false)
        : std::runtime_error(text), m_status(status), m_transient(transient)
    {}
    int status() const { return m_status; }
    bool transient() const { return m_transient; }

private:
    int m_status;
    bool m_transient;
};

}  // namespace mqtt
