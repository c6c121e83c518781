#include "core/uscc.h"

#include <cassert>

#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// 3^i mod 31 for i = 0..16.
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// Value of `c` in the alphabet, or -1.
int value_of(char c) {
  const std::size_t pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

char to_upper_ascii(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

}  // namespace

char Uscc::check_char(std::string_view first17) {
  assert(first17.size() == 17);
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const int v = value_of(first17[i]);
    assert(v >= 0);
    sum += v * kWeights[i];
  }
  const int c = 31 - sum % 31;
  return kAlphabet[c == 31 ? 0 : c];
}

Result<Uscc> Uscc::parse(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return Error::invalid("统一社会信用代码不能为空");
  const auto chars = split_utf8(s);
  if (chars.size() != 18) return Error::invalid("统一社会信用代码应为18位");

  std::string code;
  code.reserve(18);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const char c = chars[i].size() == 1 ? to_upper_ascii(chars[i][0]) : '\0';
    if (c == '\0' || value_of(c) < 0) {
      return Error::invalid("统一社会信用代码第" + std::to_string(i + 1) +
                            "位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）");
    }
    code.push_back(c);
  }

  const char expected = check_char(std::string_view(code).substr(0, 17));
  if (code[17] != expected) {
    return Error::invalid(std::string("统一社会信用代码校验位错误（应为") + expected + "）");
  }
  return Uscc(std::move(code));
}

}  // namespace mingjing::core
