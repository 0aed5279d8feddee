#include "regex.h"

#include <re2/re2.h>

namespace mqtt {

Regex::Regex(std::string_view expression, bool ignore_case)
{
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingLatin1);
    options.set_case_sensitive(!ignore_case);
    options.set_log_errors(false);  // the caller reports error() its own way
    m_re = std::make_unique<RE2>(re2::StringPiece(expression.data(), expression.size()), options);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

bool Regex::ok() const
{
    return m_re->ok();
}

std::string Regex::error() const
{
    return m_re->error();
}

bool Regex::search(std::string_view text) const
{
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *m_re);
}

Status check_regex(const std::string& expression, const std::string& option)
{
    const Regex compiled(expression, false);
    if (compiled.ok()) return {};
    return Error{"Invalid " + option + " expression '" + expression + "': " + compiled.error()};
}

}  // namespace mqtt
