// Errors as values. Every service call that can fail for a reason the caller
// should handle returns Result<T> (or Status when there is no value).
//
// Error codes are protocol-neutral strings ("invalid_argument", "not_found",
// ...). The http module maps them to status codes in one table. `message` is
// the Chinese text a user may see; `field` names the offending input field,
// if any. Internal detail never goes into an Error: log it instead.
//
// Thread-safety: plain values, safe to copy across threads.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mingjing::core {

// The codes the whole program uses. http/ maps each to one status code.
namespace errc {
inline constexpr const char* kInvalidArgument = "invalid_argument";  // 400
inline constexpr const char* kUnauthorized = "unauthorized";         // 401
inline constexpr const char* kForbidden = "forbidden";               // 403
inline constexpr const char* kNotFound = "not_found";                // 404
inline constexpr const char* kConflict = "conflict";                 // 409
inline constexpr const char* kTooLarge = "too_large";                // 413
inline constexpr const char* kLocked = "locked";                     // 423
inline constexpr const char* kRateLimited = "rate_limited";          // 429
inline constexpr const char* kInternal = "internal";                 // 500
inline constexpr const char* kUnavailable = "unavailable";           // 503
}  // namespace errc

struct Error {
  std::string code;     // one of errc
  std::string message;  // Chinese, safe to show to the user
  std::string field;    // offending input field, or empty

  static Error invalid(std::string message, std::string field = {}) {
    return {errc::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error not_found(std::string message) { return {errc::kNotFound, std::move(message), {}}; }
  static Error forbidden(std::string message) { return {errc::kForbidden, std::move(message), {}}; }
  static Error conflict(std::string message, std::string field = {}) {
    return {errc::kConflict, std::move(message), std::move(field)};
  }
  static Error internal(std::string message = "服务器内部错误") {
    return {errc::kInternal, std::move(message), {}};
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status success() { return {}; }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  // REQUIRES: !ok()
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace mingjing::core
