#include "core/text.h"

namespace mingjing::core {
namespace {

// Length of the blank at the start of `s`, or 0 if there is none.
std::size_t leading_blank(std::string_view s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (s.starts_with("\xC2\xA0")) return 2;      // U+00A0
  if (s.starts_with("\xE3\x80\x80")) return 3;  // U+3000
  if (s.starts_with("\xEF\xBB\xBF")) return 3;  // U+FEFF
  return 0;
}

// Length of the blank at the end of `s`, or 0 if there is none.
std::size_t trailing_blank(std::string_view s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s.back());
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
  if (s.ends_with("\xC2\xA0")) return 2;
  if (s.ends_with("\xE3\x80\x80")) return 3;
  if (s.ends_with("\xEF\xBB\xBF")) return 3;
  return 0;
}

// Byte length of the well-formed UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_sequence_length(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const unsigned char min = i == 1 ? lo : 0x80;
    const unsigned char max = i == 1 ? hi : 0xBF;
    if (b < min || b > max) return 0;
  }
  return len;
}

}  // namespace

std::string_view trim(std::string_view s) {
  for (std::size_t n; (n = leading_blank(s)) > 0;) s.remove_prefix(n);
  for (std::size_t n; (n = trailing_blank(s)) > 0;) s.remove_suffix(n);
  return s;
}

std::vector<std::string_view> split_utf8(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    std::size_t n = utf8_sequence_length(s);
    if (n == 0) n = 1;
    out.push_back(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out;
}

std::size_t count_utf8(std::string_view s) {
  std::size_t count = 0;
  while (!s.empty()) {
    std::size_t n = utf8_sequence_length(s);
    s.remove_prefix(n == 0 ? 1 : n);
    ++count;
  }
  return count;
}

bool is_ascii_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string shorten_for_message(std::string_view s, std::size_t max_chars) {
  const auto chars = split_utf8(s);
  if (chars.size() <= max_chars) return std::string(s);
  std::string out;
  for (std::size_t i = 0; i < max_chars; ++i) out.append(chars[i]);
  out.append("…");
  return out;
}

}  // namespace mingjing::core
