// Text functions of the expression language: normalize(), similarity(),
// town(). Normalisation uses ICU (NFKC, Unicode punctuation and white space).
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expr_internal.h"

namespace mingjing::rules::expr_detail {
namespace {

// Characters normalize() drops: white space, punctuation (Unicode P*),
// control and format characters (zero-width spaces, BOM).
bool dropped(UChar32 c) {
  if (u_isUWhiteSpace(c) || u_ispunct(c) || u_iscntrl(c)) return true;
  return u_charType(c) == U_FORMAT_CHAR;
}

// ASCII decided once: 0 keep, 1 drop.
const std::array<std::uint8_t, 128>& ascii_dropped() {
  static const std::array<std::uint8_t, 128> table = [] {
    std::array<std::uint8_t, 128> t{};
    for (UChar32 c = 0; c < 128; ++c) t[c] = dropped(c) ? 1 : 0;
    return t;
  }();
  return table;
}

void append_utf8(std::string& out, UChar32 c) {
  char buffer[U8_MAX_LENGTH];
  std::int32_t length = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<std::uint8_t*>(buffer), length, U8_MAX_LENGTH, c, error);
  if (!error) out.append(buffer, static_cast<std::size_t>(length));
}

// The code points of UTF-8 text (malformed bytes become U+FFFD).
void decode(std::string_view text, std::vector<UChar32>& out) {
  out.clear();
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  std::int32_t length = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    out.push_back(c < 0 ? 0xFFFD : c);
  }
}

void bigrams(const std::vector<UChar32>& chars, std::vector<std::uint64_t>& out) {
  out.clear();
  for (std::size_t i = 1; i < chars.size(); ++i) {
    out.push_back((static_cast<std::uint64_t>(static_cast<std::uint32_t>(chars[i - 1])) << 32) |
                  static_cast<std::uint32_t>(chars[i]));
  }
  std::sort(out.begin(), out.end());
}

}  // namespace

void normalize_text(std::string_view text, std::string& out) {
  out.clear();
  bool ascii = std::all_of(text.begin(), text.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {  // NFKC leaves ASCII alone
    const auto& drop = ascii_dropped();
    for (char c : text) {
      if (drop[static_cast<unsigned char>(c)]) continue;
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) return;
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  icu::UnicodeString normalized = nfkc->normalize(source, status);
  if (U_FAILURE(status)) return;
  for (std::int32_t i = 0; i < normalized.length();) {
    UChar32 c = normalized.char32At(i);
    i += U16_LENGTH(c);
    if (dropped(c)) continue;
    append_utf8(out, u_tolower(c));
  }
}

// Dice coefficient over the multisets of character bigrams:
// 2·|A ∩ B| / (|A| + |B|). Equal normalized texts give 1 (also when they are
// shorter than two characters); otherwise a text with no bigram gives 0.
double text_similarity(std::string_view a, std::string_view b) {
  thread_local std::string normal_a, normal_b;
  thread_local std::vector<UChar32> chars;
  thread_local std::vector<std::uint64_t> grams_a, grams_b;
  normalize_text(a, normal_a);
  normalize_text(b, normal_b);
  if (normal_a == normal_b) return 1.0;
  decode(normal_a, chars);
  bigrams(chars, grams_a);
  decode(normal_b, chars);
  bigrams(chars, grams_b);
  if (grams_a.empty() || grams_b.empty()) return 0.0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < grams_a.size() && j < grams_b.size();) {
    if (grams_a[i] < grams_b[j]) {
      ++i;
    } else if (grams_b[j] < grams_a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(grams_a.size() + grams_b.size());
}

bool town_code(std::string_view region_code, char (&out)[12]) {
  if (region_code.size() != 12) return false;
  for (char c : region_code) {
    if (c < '0' || c > '9') return false;
  }
  std::copy_n(region_code.data(), 9, out);
  std::fill_n(out + 9, 3, '0');
  return true;
}

}  // namespace mingjing::rules::expr_detail
