// Date: a civil calendar date (proleptic Gregorian), with no time and no
// time zone. Business dates in Mingjing are civil dates in Asia/Shanghai;
// to get "today" use Clock::today() (clock.h), never the system time zone.
//
// Supported range: 0001-01-01 to 9999-12-31. Functions that build a Date
// from already-trusted numbers state the range as a REQUIRES; functions that
// read outside input return an error instead.
//
// Thread-safety: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mingjing::core {

class Date {
 public:
  // 1970-01-01.
  constexpr Date() = default;

  // Parses "2025-01-26", "2025/01/26", "2025-1-6", "2025/1/6" and
  // "2025年1月26日" (also "2025年01月26日"), with blanks around it ignored.
  // The year has four digits; month and day one or two; "-" and "/" may not
  // be mixed.
  //
  // Success: the date. Failure (invalid_argument):
  //   empty or blank        "日期不能为空"
  //   not one of the forms  "日期格式不正确：2025.01.26（应为YYYY-MM-DD）"
  //   no such day           "日期不存在：2023-02-29" (also month 13, day 0, year 0000)
  static Result<Date> parse(std::string_view text);

  // Converts a spreadsheet date serial in Excel's 1900 date system: 1 is
  // 1900-01-01, 59 is 1900-02-28, 61 is 1900-03-01, 45658 is 2025-01-01.
  // The fraction of a double serial is the time of day and is dropped.
  //
  // Success: the date. Failure (invalid_argument):
  //   serial 60, Excel's fictitious 1900-02-29
  //       "Excel日期序列号60对应不存在的1900年2月29日"
  //   below 1, above 2958465 (9999-12-31), NaN or infinite
  //       "Excel日期序列号超出范围（应为1至2958465）"
  static Result<Date> from_excel_serial(int64_t serial);
  static Result<Date> from_excel_serial(double serial);
  // Any other integer type goes to the int64_t overload (so that a plain
  // int literal is not ambiguous).
  template <std::integral I>
  requires(!std::same_as<I, int64_t>) static Result<Date> from_excel_serial(I serial) {
    return from_excel_serial(static_cast<int64_t>(serial));
  }

  // REQUIRES: is_valid_ymd(year, month, day).
  static Date from_ymd(int year, int month, int day);

  // Days since 1970-01-01, which is day 0; earlier dates are negative.
  // REQUIRES: the result lies in the supported range.
  static Date from_days(int64_t days_since_epoch);

  // True if year/month/day name a real day in the supported range.
  static bool is_valid_ymd(int year, int month, int day);
  static bool is_leap_year(int year);
  static int days_in_month(int year, int month);  // REQUIRES: 1 <= month <= 12

  int year() const { return year_; }
  int month() const { return month_; }  // 1..12
  int day() const { return day_; }      // 1..31
  int64_t days_since_epoch() const { return days_; }
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int weekday() const;

  // REQUIRES: the result lies in the supported range.
  Date add_days(int days) const;
  // later - *this in days; negative if `later` is earlier.
  int days_until(Date later) const { return static_cast<int>(later.days_ - days_); }

  // "2025-01-26".
  std::string to_string() const;

  friend auto operator<=>(const Date& a, const Date& b) { return a.days_ <=> b.days_; }
  friend bool operator==(const Date& a, const Date& b) { return a.days_ == b.days_; }

 private:
  Date(int32_t days, int year, int month, int day);

  int32_t days_ = 0;
  int16_t year_ = 1970;
  int8_t month_ = 1;
  int8_t day_ = 1;
};

}  // namespace mingjing::core
