// The one way a fallible parse or check says how it went: a Result<T> holds the value or the
// error, a Status (Result<void>) holds nothing or the error. The error is by default the
// stderr-ready text, without "Error: " where the caller adds the context; a parser with
// more to say (json_parse: the offset) names its own error type. Exceptions are kept for
// what ends the job (UsageError, Failure in error.h), thrown by the caller that knows so.
//
//     Result<int> parse_port(std::string_view text);   // return 1883; or return Error{"..."};
//     auto port = parse_port(text);
//     if (!port) throw UsageError(port.error());
//     use(*port);
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mqtt {

/// The tag that makes a Result an error: `return Error{"no such file"};`.
template <class E = std::string> struct Error {
    explicit Error(E error) : what(std::move(error)) {}
    E what;
};
Error(const char*)->Error<std::string>;
Error(std::string)->Error<std::string>;

/// A T, or the error that stopped the parse or check.
template <class T, class E = std::string> class [[nodiscard]] Result {
public:
    template <class U = T>
    requires(std::is_convertible_v<U&&, T> && !std::is_same_v<std::remove_cvref_t<U>, Result>) Result(U&& value)
        : m_state(std::in_place_index<0>, std::forward<U>(value))
    {}
    template <class G>
    requires std::is_constructible_v<E, G&&> Result(Error<G> error) : m_state(std::in_place_index<1>, std::move(error.what)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    /// The value; only when ok().
    T& value() & { return *std::get_if<0>(&m_state); }
    const T& value() const& { return *std::get_if<0>(&m_state); }
    T&& value() && { return std::move(*std::get_if<0>(&m_state)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    /// The error; only when !ok().
    const E& error() const { return *std::get_if<1>(&m_state); }
    E& error() { return *std::get_if<1>(&m_state); }

private:
    std::variant<T, E> m_state;
};

/// Nothing, or the error that stopped the check. Default-constructed (`return {};`) is ok.
template <class E> class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    template <class G>
    requires std::is_constructible_v<E, G&&> Result(Error<G> error) : m_error(std::move(error.what)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }

    /// The error; only when !ok().
    const E& error() const { return m_error; }
    E& error() { return m_error; }

private:
    E m_error{};
    bool m_failed = false;
};

using Status = Result<void>;

}  // namespace mqtt
