#include "core/mask.h"

#include <vector>

#include "core/text.h"

namespace mingjing::core {
namespace {

// Keeps the first `head` and last `tail` characters of `chars` and stars the
// rest; stars everything if fewer than `min_size` characters.
std::string keep_ends(const std::vector<std::string_view>& chars, std::size_t head,
                      std::size_t tail, std::size_t min_size) {
  const std::size_t n = chars.size();
  if (n < min_size || n < head + tail) return std::string(n, '*');
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i < head || i >= n - tail) {
      out.append(chars[i]);
    } else {
      out.push_back('*');
    }
  }
  return out;
}

}  // namespace

std::string mask_name(std::string_view name) {
  const auto chars = split_utf8(trim(name));
  if (chars.size() == 2) return std::string(chars[0]) + "*";
  return keep_ends(chars, 1, 1, 3);
}

std::string mask_phone(std::string_view phone) {
  return keep_ends(split_utf8(trim(phone)), 3, 4, 8);
}

std::string mask_account(std::string_view account) {
  account = trim(account);
  // Plain ASCII (every account number that passed validation): one byte is
  // one character, so no splitting is needed.
  bool ascii = true;
  for (char c : account) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    std::string kept;
    kept.reserve(account.size());
    for (char c : account) {
      if (c != ' ' && c != '\t') kept += c;
    }
    const std::size_t n = kept.size();
    if (n < 9) return std::string(n, '*');
    for (std::size_t i = 4; i < n - 4; ++i) kept[i] = '*';
    return kept;
  }
  std::vector<std::string_view> chars;
  for (std::string_view c : split_utf8(trim(account))) {
    if (c != " " && c != "\t" && c != "\xE3\x80\x80") chars.push_back(c);
  }
  return keep_ends(chars, 4, 4, 9);
}

}  // namespace mingjing::core
