#include "core/money.h"

#include <cstdint>
#include <limits>

#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr std::string_view kYuanSign = "\xC2\xA5";               // ¥ U+00A5
constexpr std::string_view kFullWidthYuanSign = "\xEF\xBF\xA5";  // ￥ U+FFE5

// Removes a leading yuan sign and any blanks after it. Returns whether one was there.
bool consume_yuan_sign(std::string_view& s) {
  for (std::string_view sign : {kYuanSign, kFullWidthYuanSign}) {
    if (s.starts_with(sign)) {
      s.remove_prefix(sign.size());
      s = trim(s);
      return true;
    }
  }
  return false;
}

Error format_error(std::string_view text) {
  return Error::invalid("金额格式不正确：" + shorten_for_message(text));
}

// Whether the commas in `int_part` (digits and commas only) group it
// properly: no commas at all, or a first group of 1-3 digits followed by
// groups of exactly 3.
bool valid_grouping(std::string_view int_part) {
  if (int_part.find(',') == std::string_view::npos) return true;
  std::size_t first = int_part.find(',');
  if (first == 0 || first > 3) return false;
  std::string_view rest = int_part.substr(first);
  while (!rest.empty()) {
    // `rest` starts with a comma, which must be followed by three digits.
    if (rest.size() < 4) return false;
    if (rest.size() > 4 && rest[4] != ',') return false;
    for (std::size_t i = 1; i < 4; ++i) {
      if (rest[i] < '0' || rest[i] > '9') return false;
    }
    rest.remove_prefix(4);
  }
  return true;
}

std::string two_decimals(uint64_t magnitude) {
  std::string out = std::to_string(magnitude / 100);
  const auto cents = static_cast<int>(magnitude % 100);
  out.push_back('.');
  out.push_back(static_cast<char>('0' + cents / 10));
  out.push_back(static_cast<char>('0' + cents % 10));
  return out;
}

uint64_t magnitude_of(int64_t fen) {
  // Works for INT64_MIN too: negate in unsigned arithmetic.
  return fen < 0 ? ~static_cast<uint64_t>(fen) + 1 : static_cast<uint64_t>(fen);
}

}  // namespace

Result<Money> Money::parse_yuan(std::string_view text) {
  const std::string_view original = trim(text);
  std::string_view s = original;
  if (s.empty()) return Error::invalid("金额不能为空");

  // Sign and currency symbol, in either order: "-¥12", "¥-12".
  bool negative = false;
  bool had_sign_symbol = consume_yuan_sign(s);
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
    if (!had_sign_symbol) consume_yuan_sign(s);
  }

  const std::size_t dot = s.find('.');
  const std::string_view int_part = s.substr(0, dot);
  const std::string_view frac_part =
      dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);

  // Shape: digits and commas, then optionally '.' and digits.
  if (int_part.empty() || int_part.back() == ',') return format_error(original);
  for (char c : int_part) {
    if ((c < '0' || c > '9') && c != ',') return format_error(original);
  }
  if (dot != std::string_view::npos && !is_ascii_digits(frac_part)) {
    return format_error(original);
  }
  if (!valid_grouping(int_part)) {
    return Error::invalid("金额千分位分隔不正确：" + shorten_for_message(original));
  }
  if (frac_part.size() > 2) {
    return Error::invalid("金额最多保留两位小数：" + shorten_for_message(original));
  }

  // Accumulate the magnitude in fen, refusing anything beyond int64.
  const uint64_t limit =
      negative ? uint64_t{1} << 63 : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const Error overflow = Error::invalid("金额超出范围：" + shorten_for_message(original));
  uint64_t yuan = 0;
  for (char c : int_part) {
    if (c == ',') continue;
    const auto digit = static_cast<uint64_t>(c - '0');
    if (yuan > (limit / 100 - digit) / 10) return overflow;
    yuan = yuan * 10 + digit;
  }
  uint64_t cents = 0;
  if (!frac_part.empty()) cents += static_cast<uint64_t>(frac_part[0] - '0') * 10;
  if (frac_part.size() == 2) cents += static_cast<uint64_t>(frac_part[1] - '0');
  if (yuan > (limit - cents) / 100) return overflow;
  const uint64_t magnitude = yuan * 100 + cents;

  const int64_t fen =
      negative ? static_cast<int64_t>(~magnitude + 1) : static_cast<int64_t>(magnitude);
  return Money(fen);
}

std::string Money::to_yuan() const {
  std::string out = fen_ < 0 ? "-" : "";
  out += two_decimals(magnitude_of(fen_));
  return out;
}

std::string Money::to_yuan_grouped() const {
  const std::string plain = two_decimals(magnitude_of(fen_));
  const std::string_view digits = std::string_view(plain).substr(0, plain.size() - 3);
  std::string out = fen_ < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(plain, plain.size() - 3);
  return out;
}

}  // namespace mingjing::core
