#include "core/id_number.h"

#include <cassert>

#include "core/clock.h"
#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[] = "10X98765432";
constexpr int kEarliestBirthYear = 1850;

// Province-level codes in use (GB/T 2260), plus 71 (Taiwan) and 81/82/83
// (residence permits of Hong Kong, Macao and Taiwan residents).
bool valid_province(int code) {
  return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
         (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
         code == 71 || code == 81 || code == 82 || code == 83;
}

int two_digits(std::string_view s, std::size_t pos) {
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

}  // namespace

char IdNumber::check_char(std::string_view first17) {
  assert(first17.size() == 17 && is_ascii_digits(first17));
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckChars[sum % 11];
}

Result<IdNumber> IdNumber::parse(std::string_view text) {
  return parse(text, SystemClock::instance().today());
}

Result<IdNumber> IdNumber::parse(std::string_view text, Date today) {
  const std::string_view s = trim(text);
  if (s.empty()) return Error::invalid("身份证号码不能为空");
  if (s.size() == 15 && is_ascii_digits(s)) {
    return Error::invalid("15位旧身份证号码不再受理，请使用18位身份证号码");
  }
  if (split_utf8(s).size() != 18) return Error::invalid("身份证号码应为18位");

  std::string number(s);
  if (number[17] == 'x') number[17] = 'X';
  const std::string_view first17 = std::string_view(number).substr(0, 17);
  const char last = number[17];
  if (!is_ascii_digits(first17) || !((last >= '0' && last <= '9') || last == 'X')) {
    return Error::invalid("身份证号码格式不正确：前17位应为数字，最后一位应为数字或X");
  }

  if (!valid_province(two_digits(number, 0))) return Error::invalid("身份证号码地区码不正确");

  const int year = two_digits(number, 6) * 100 + two_digits(number, 8);
  const int month = two_digits(number, 10);
  const int day = two_digits(number, 12);
  if (!Date::is_valid_ymd(year, month, day)) return Error::invalid("身份证号码中的出生日期无效");
  const Date birth = Date::from_ymd(year, month, day);
  if (birth > today) return Error::invalid("身份证号码中的出生日期晚于当前日期");
  if (year < kEarliestBirthYear) return Error::invalid("身份证号码中的出生日期过早");

  const char expected = check_char(first17);
  if (last != expected) {
    return Error::invalid(std::string("身份证号码校验位错误（应为") + expected + "）");
  }
  return IdNumber(std::move(number), birth);
}

int IdNumber::age_on(Date on) const {
  int age = on.year() - birth_date_.year();
  if (on.month() < birth_date_.month() ||
      (on.month() == birth_date_.month() && on.day() < birth_date_.day())) {
    --age;
  }
  return age;
}

std::string IdNumber::masked() const {
  return number_.substr(0, 6) + "********" + number_.substr(14);
}

}  // namespace mingjing::core
