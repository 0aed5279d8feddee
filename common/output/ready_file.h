// --ready-file: an empty file that mqtt-sub and mqtt-rr create once their subscriptions are
// acknowledged, so that a script can start them in the background, wait for the file, and
// only then trigger what they wait for.
#pragma once

#include <optional>
#include <string>

#include "result.h"

namespace mqtt {

class ReadyFile {
public:
    /// Removes a file left at `path` by an earlier run: it must not announce this one.
    /// An empty path means no ready file; then nothing is ever created.
    explicit ReadyFile(std::string path);

    /// Creates the file. Returns the error line when it cannot be created.
    Status create() const;

private:
    std::string m_path;
};

}  // namespace mqtt
