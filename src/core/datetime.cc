#include "core/datetime.h"

#include <cassert>

#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kMinLocalMs = -719162 * kMsPerDay;            // 0001-01-01 00:00
constexpr int64_t kMaxLocalMs = (2932896 + 1) * kMsPerDay - 1;  // 9999-12-31 23:59:59.999

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads exactly `n` digits from the front of `s`.
bool take_digits(std::string_view& s, std::size_t n, int& out) {
  if (s.size() < n) return false;
  int value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!is_digit(s[i])) return false;
    value = value * 10 + (s[i] - '0');
  }
  s.remove_prefix(n);
  out = value;
  return true;
}

void append_2(std::string& out, int64_t v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// "HH:MM:SS" of a local millisecond-of-day.
void append_hms(std::string& out, int64_t ms_of_day) {
  const int64_t s = ms_of_day / 1000;
  append_2(out, s / 3600);
  out.push_back(':');
  append_2(out, s / 60 % 60);
  out.push_back(':');
  append_2(out, s % 60);
}

}  // namespace

Result<DateTime> DateTime::parse(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return Error::invalid("时间不能为空");
  const Error format_error =
      Error::invalid("时间格式不正确：" + shorten_for_message(s) + "（应为YYYY-MM-DD HH:MM[:SS]）");

  // Date part: up to the first 'T' or blank.
  const std::size_t split = s.find_first_of("T ");
  if (split == std::string_view::npos) return format_error;
  auto date = Date::parse(s.substr(0, split));
  if (!date.ok()) return date.error();
  std::string_view rest = s.substr(split + 1);
  if (s[split] == ' ') {
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  }

  // Time part: H[H]:MM[:SS[.fff]].
  int hour = 0, minute = 0, second = 0, ms = 0;
  if (rest.size() >= 2 && is_digit(rest[0]) && is_digit(rest[1])) {
    take_digits(rest, 2, hour);
  } else if (!take_digits(rest, 1, hour)) {
    return format_error;
  }
  if (rest.empty() || rest[0] != ':') return format_error;
  rest.remove_prefix(1);
  if (!take_digits(rest, 2, minute)) return format_error;
  if (!rest.empty() && rest[0] == ':') {
    rest.remove_prefix(1);
    if (!take_digits(rest, 2, second)) return format_error;
    if (!rest.empty() && rest[0] == '.') {
      rest.remove_prefix(1);
      std::size_t n = 0;
      while (n < rest.size() && is_digit(rest[n])) {
        if (n < 3) ms = ms * 10 + (rest[n] - '0');
        ++n;
      }
      if (n == 0 || n > 9) return format_error;
      for (std::size_t i = n; i < 3; ++i) ms *= 10;
      rest.remove_prefix(n);
    }
  }

  // Zone: none, "Z", or ±HH:MM / ±HHMM.
  int64_t offset_ms = kShanghaiOffsetMs;
  if (!rest.empty()) {
    if (rest == "Z" || rest == "z") {
      offset_ms = 0;
    } else if (rest[0] == '+' || rest[0] == '-') {
      const int sign = rest[0] == '-' ? -1 : 1;
      std::string_view zone = rest.substr(1);
      int oh = 0, om = 0;
      if (!take_digits(zone, 2, oh)) return format_error;
      if (!zone.empty() && zone[0] == ':') zone.remove_prefix(1);
      if (!take_digits(zone, 2, om) || !zone.empty()) return format_error;
      if (oh > 18 || om > 59 || (oh == 18 && om > 0)) {
        return Error::invalid("时区偏移不正确：" + shorten_for_message(s));
      }
      offset_ms = sign * (oh * 3600 + om * 60) * int64_t{1000};
    } else {
      return format_error;
    }
  }

  if (hour > 23 || minute > 59 || second > 59) {
    return Error::invalid("时间不存在：" + shorten_for_message(s));
  }
  const int64_t wall_ms = date->days_since_epoch() * kMsPerDay +
                          ((hour * 60 + minute) * 60 + second) * int64_t{1000} + ms;
  const int64_t unix_ms = wall_ms - offset_ms;
  const int64_t local_ms = unix_ms + kShanghaiOffsetMs;
  if (local_ms < kMinLocalMs || local_ms > kMaxLocalMs) {
    return Error::invalid("时间超出范围：" + shorten_for_message(s));
  }
  return DateTime(unix_ms);
}

DateTime DateTime::from_local(Date date, int hour, int minute, int second, int ms) {
  assert(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 &&
         ms >= 0 && ms <= 999);
  const int64_t wall_ms = date.days_since_epoch() * kMsPerDay +
                          ((hour * 60 + minute) * 60 + second) * int64_t{1000} + ms;
  return DateTime(wall_ms - kShanghaiOffsetMs);
}

Date DateTime::local_date() const {
  return Date::from_days(floor_div(unix_ms_ + kShanghaiOffsetMs, kMsPerDay));
}

int64_t DateTime::local_ms_of_day() const {
  const int64_t local = unix_ms_ + kShanghaiOffsetMs;
  return local - floor_div(local, kMsPerDay) * kMsPerDay;
}

std::string DateTime::to_string() const {
  std::string out = local_date().to_string();
  out.push_back(' ');
  append_hms(out, local_ms_of_day());
  return out;
}

std::string DateTime::to_iso8601() const {
  std::string out = local_date().to_string();
  out.push_back('T');
  const int64_t ms_of_day = local_ms_of_day();
  append_hms(out, ms_of_day);
  if (const int64_t ms = ms_of_day % 1000; ms != 0) {
    out.push_back('.');
    out.push_back(static_cast<char>('0' + ms / 100));
    append_2(out, ms % 100);
  }
  out.append("+08:00");
  return out;
}

}  // namespace mingjing::core
