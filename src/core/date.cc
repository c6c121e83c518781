#include "core/date.h"

#include <cassert>
#include <cmath>

#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr int64_t kMinDays = -719162;  // 0001-01-01
constexpr int64_t kMaxDays = 2932896;  // 9999-12-31

// Howard Hinnant's days_from_civil: days since 1970-01-01.
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int y, m, d;
};

// Howard Hinnant's civil_from_days.
Ymd civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d};
}

// Reads `min_digits` to `max_digits` ASCII digits from the front of `s`.
bool take_number(std::string_view& s, std::size_t min_digits, std::size_t max_digits, int& out) {
  std::size_t n = 0;
  int value = 0;
  while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') {
    value = value * 10 + (s[n] - '0');
    ++n;
  }
  if (n < min_digits) return false;
  s.remove_prefix(n);
  out = value;
  return true;
}

bool take_literal(std::string_view& s, std::string_view literal) {
  if (!s.starts_with(literal)) return false;
  s.remove_prefix(literal.size());
  return true;
}

// Splits "YYYY-M-D", "YYYY/M/D" or "YYYY年M月D日" into numbers. False if the
// shape is wrong; the numbers are not range-checked.
bool split_date(std::string_view s, int& y, int& m, int& d) {
  if (!take_number(s, 4, 4, y)) return false;
  if (take_literal(s, "年")) {
    return take_number(s, 1, 2, m) && take_literal(s, "月") && take_number(s, 1, 2, d) &&
           take_literal(s, "日") && s.empty();
  }
  if (s.empty() || (s[0] != '-' && s[0] != '/')) return false;
  const std::string_view sep = s.substr(0, 1);
  s.remove_prefix(1);
  return take_number(s, 1, 2, m) && take_literal(s, sep) && take_number(s, 1, 2, d) && s.empty();
}

}  // namespace

Date::Date(int32_t days, int year, int month, int day)
    : days_(days),
      year_(static_cast<int16_t>(year)),
      month_(static_cast<int8_t>(month)),
      day_(static_cast<int8_t>(day)) {}

bool Date::is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int Date::days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  assert(month >= 1 && month <= 12);
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

bool Date::is_valid_ymd(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= days_in_month(year, month);
}

Date Date::from_ymd(int year, int month, int day) {
  assert(is_valid_ymd(year, month, day));
  return Date(static_cast<int32_t>(days_from_civil(year, month, day)), year, month, day);
}

Date Date::from_days(int64_t days_since_epoch) {
  assert(days_since_epoch >= kMinDays && days_since_epoch <= kMaxDays);
  const Ymd ymd = civil_from_days(days_since_epoch);
  return Date(static_cast<int32_t>(days_since_epoch), ymd.y, ymd.m, ymd.d);
}

Result<Date> Date::parse(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return Error::invalid("日期不能为空");
  int y = 0, m = 0, d = 0;
  if (!split_date(s, y, m, d)) {
    return Error::invalid("日期格式不正确：" + shorten_for_message(s) + "（应为YYYY-MM-DD）");
  }
  if (!is_valid_ymd(y, m, d)) return Error::invalid("日期不存在：" + shorten_for_message(s));
  return from_ymd(y, m, d);
}

Result<Date> Date::from_excel_serial(int64_t serial) {
  // 25569 is the serial of 1970-01-01. Serials up to 59 lie before Excel's
  // fictitious 1900-02-29 and so are one day further from the epoch.
  if (serial == 60) return Error::invalid("Excel日期序列号60对应不存在的1900年2月29日");
  if (serial < 1 || serial > 2958465) {
    return Error::invalid("Excel日期序列号超出范围（应为1至2958465）");
  }
  const int64_t days = serial - 25569 + (serial < 60 ? 1 : 0);
  return from_days(days);
}

Result<Date> Date::from_excel_serial(double serial) {
  if (!std::isfinite(serial) || serial < 1 || serial >= 2958466) {
    return Error::invalid("Excel日期序列号超出范围（应为1至2958465）");
  }
  return from_excel_serial(static_cast<int64_t>(std::floor(serial)));
}

int Date::weekday() const {
  // 1970-01-01 was a Thursday (4).
  const int64_t r = ((days_ + 3) % 7 + 7) % 7;  // 0 = Monday
  return static_cast<int>(r) + 1;
}

Date Date::add_days(int days) const {
  return from_days(int64_t{days_} + days);
}

std::string Date::to_string() const {
  char buf[10];
  const int y = year_, m = month_, d = day_;
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  return std::string(buf, 10);
}

}  // namespace mingjing::core
