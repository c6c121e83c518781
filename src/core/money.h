// Money: an amount of renminbi held as a whole number of fen (0.01 yuan).
// Floating point is never used, in parsing, arithmetic or printing.
//
// Thread-safety: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mingjing::core {

class Money {
 public:
  // Zero.
  constexpr Money() = default;

  static constexpr Money from_fen(int64_t fen) { return Money(fen); }

  // Parses an amount in yuan as people write it: "1234", "1234.5",
  // "1,234.50", "-12.30", "¥1,234.50" (¥ or the full-width ￥, before or
  // after a sign; a leading "+" is allowed too), with blanks around it ignored.
  //
  // Success: the exact amount; "-0.00" is zero.
  // Failure (invalid_argument, the input quoted in the message):
  //   empty or blank                  "金额不能为空"
  //   more than two decimals          "金额最多保留两位小数：1.234"
  //   commas not in groups of three   "金额千分位分隔不正确：1,23.00"
  //   beyond ±92,233,720,368,547,758.07 yuan  "金额超出范围：..."
  //   anything else (letters, "1.", ".5", "1e3", "--1")  "金额格式不正确：abc"
  static Result<Money> parse_yuan(std::string_view text);

  constexpr int64_t fen() const { return fen_; }

  // "1234.50", "-0.05", "0.00": always two decimals, no grouping.
  std::string to_yuan() const;
  // "1,234.50", "-1,234,567.89": thousands separated by commas.
  std::string to_yuan_grouped() const;

  // REQUIRES: the result fits in int64 fen (about ±92 trillion yuan).
  constexpr Money& operator+=(Money other) {
    fen_ += other.fen_;
    return *this;
  }
  constexpr Money& operator-=(Money other) {
    fen_ -= other.fen_;
    return *this;
  }
  friend constexpr Money operator+(Money a, Money b) { return a += b; }
  friend constexpr Money operator-(Money a, Money b) { return a -= b; }
  friend constexpr Money operator-(Money a) { return Money(-a.fen_); }

  friend constexpr auto operator<=>(Money, Money) = default;
  friend constexpr bool operator==(Money, Money) = default;

 private:
  explicit constexpr Money(int64_t fen) : fen_(fen) {}

  int64_t fen_ = 0;
};

}  // namespace mingjing::core
