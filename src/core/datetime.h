// DateTime: an instant on the time line with millisecond precision, shown
// as civil time in Asia/Shanghai. Shanghai is fixed at UTC+08:00: China has
// kept no daylight saving time since 1991, so no time-zone database is used.
//
// Supported range: local times 0001-01-01 00:00:00.000 to
// 9999-12-31 23:59:59.999.
//
// Thread-safety: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/result.h"

namespace mingjing::core {

class DateTime {
 public:
  // Milliseconds between Shanghai local time and UTC.
  static constexpr int64_t kShanghaiOffsetMs = 8 * 3600 * 1000;

  // The Unix epoch, 1970-01-01 08:00:00 in Shanghai.
  constexpr DateTime() = default;

  // Parses "2025-01-26 09:30", "2025-01-26 09:30:00", "2025-01-26T09:30:00",
  // optionally with fractional seconds ("09:30:00.5", up to 9 digits; digits
  // past milliseconds are dropped) and a zone: "Z", "+08:00", "-05:00" or
  // "+0800". No zone means Shanghai local time. The date part takes any form
  // Date::parse accepts ("2025/1/26 9:30" too); the hour may have one digit,
  // minutes and seconds have two. Blanks around the text are ignored.
  //
  // Success: the instant. Failure (invalid_argument):
  //   empty or blank           "时间不能为空"
  //   not one of the forms     "时间格式不正确：...（应为YYYY-MM-DD HH:MM[:SS]）"
  //   a bad date part          the message of Date::parse
  //   hour > 23, minute or second > 59   "时间不存在：2025-01-26 24:00"
  //   offset beyond ±18:00     "时区偏移不正确：2025-01-26T09:30+19:00"
  //   outside the supported range        "时间超出范围：..."
  // Not an error: a date with no time ("2025-01-26") is rejected as a bad
  // format rather than read as midnight; callers wanting that use Date::parse.
  static Result<DateTime> parse(std::string_view text);

  // REQUIRES: the instant lies in the supported range.
  static constexpr DateTime from_unix_ms(int64_t unix_ms) { return DateTime(unix_ms); }

  // The instant at the given Shanghai local time.
  // REQUIRES: 0 <= hour <= 23, 0 <= minute, second <= 59, 0 <= ms <= 999.
  static DateTime from_local(Date date, int hour = 0, int minute = 0, int second = 0, int ms = 0);

  constexpr int64_t unix_ms() const { return unix_ms_; }

  // The civil date in Shanghai.
  Date local_date() const;
  // Milliseconds since the start of the local day, 0 .. 86'399'999.
  int64_t local_ms_of_day() const;

  // "2025-01-26 09:30:00", Shanghai time; milliseconds are not shown.
  std::string to_string() const;
  // "2025-01-26T09:30:00+08:00", or "2025-01-26T09:30:00.250+08:00" when the
  // milliseconds are not zero, so that parse(to_iso8601()) round-trips.
  std::string to_iso8601() const;

  friend constexpr auto operator<=>(DateTime, DateTime) = default;
  friend constexpr bool operator==(DateTime, DateTime) = default;

 private:
  explicit constexpr DateTime(int64_t unix_ms) : unix_ms_(unix_ms) {}

  int64_t unix_ms_ = 0;
};

}  // namespace mingjing::core
