// The regular expressions of --grep and --grep-topic: RE2, which matches in time linear in
// the input with a bounded stack, so a payload from the network can neither overflow the
// stack nor stall the loop, and a match is never cut short by a limit.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "result.h"

namespace re2 {
class RE2;
}

namespace mqtt {

class Regex {
public:
    /// Compiles `expression` in RE2 syntax. Text is read as bytes (Latin-1), so that binary
    /// and non-UTF-8 payloads are searched too and a UTF-8 literal matches its own bytes.
    Regex(std::string_view expression, bool ignore_case);
    ~Regex();
    Regex(Regex&&) noexcept;
    Regex& operator=(Regex&&) noexcept;

    /// False when the expression did not compile; error() then says why.
    bool ok() const;
    std::string error() const;
    /// True when some part of `text` matches (a search: anchor with ^ and $ for all of it).
    bool search(std::string_view text) const;

private:
    std::unique_ptr<re2::RE2> m_re;
};

/// The error text for an invalid --grep/--grep-topic expression, or nullopt if it compiles.
Status check_regex(const std::string& expression, const std::string& option);

}  // namespace mqtt
