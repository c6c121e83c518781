// IdNumber: an 18-character resident identity number (GB 11643-1999),
// validated on construction: 6-digit area code, 8-digit birth date, 3-digit
// sequence (odd for men, even for women), ISO 7064 MOD 11-2 check character.
//
// ID numbers are personal data: error messages never repeat the number, and
// anything shown to people without the right to see it uses masked().
//
// Thread-safety: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <utility>

#include "core/date.h"
#include "core/result.h"

namespace mingjing::core {

class IdNumber {
 public:
  // Parses and validates an ID number. Blanks around it are ignored and a
  // lower-case check character x is normalised to X. The birth date may not
  // be later than `today` (the one-argument form uses the system clock's
  // date in Shanghai) nor earlier than 1850.
  //
  // Success: the number. Failure (invalid_argument), checked in this order:
  //   empty or blank        "身份证号码不能为空"
  //   15 digits             "15位旧身份证号码不再受理，请使用18位身份证号码"
  //   not 18 characters     "身份证号码应为18位"
  //   bad characters        "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X"
  //   unknown province      "身份证号码地区码不正确"
  //   no such birth date    "身份证号码中的出生日期无效"
  //   born after `today`    "身份证号码中的出生日期晚于当前日期"
  //   born before 1850      "身份证号码中的出生日期过早"
  //   wrong check character "身份证号码校验位错误（应为X）", naming the expected one
  static Result<IdNumber> parse(std::string_view text, Date today);
  static Result<IdNumber> parse(std::string_view text);

  // The check character (0-9 or X) for the first 17 digits.
  // REQUIRES: `first17` is 17 ASCII digits.
  static char check_char(std::string_view first17);

  // The normalised 18 characters.
  const std::string& str() const { return number_; }
  // The first six digits: the county-level area of first registration.
  std::string area_code() const { return number_.substr(0, 6); }
  Date birth_date() const { return birth_date_; }
  // The 17th digit is even for women, odd for men.
  bool is_female() const { return (number_[16] - '0') % 2 == 0; }
  // Age in full years on `on`: it goes up on the birthday itself (a
  // 29 February birthday counts from 1 March in common years). Not an
  // error: a date before birth gives a negative age.
  int age_on(Date on) const;
  // "330421********123X": the first 6 and last 4 characters kept.
  std::string masked() const;

  friend auto operator<=>(const IdNumber& a, const IdNumber& b) { return a.number_ <=> b.number_; }
  friend bool operator==(const IdNumber& a, const IdNumber& b) { return a.number_ == b.number_; }

 private:
  IdNumber(std::string number, Date birth_date)
      : number_(std::move(number)), birth_date_(birth_date) {}

  std::string number_;
  Date birth_date_;
};

}  // namespace mingjing::core
