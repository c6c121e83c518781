#include "auth/password.h"

#include <sodium.h>

#include <stdexcept>

namespace mingjing::auth {

std::string hash_password(std::string_view password, const PasswordCost& cost) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit, cost.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id: out of memory");
  }
  return out;
}

bool verify_password(std::string_view password, const std::string& encoded) {
  if (sodium_init() < 0) return false;
  if (encoded.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

core::Status check_password_policy(std::string_view password, const std::string& field) {
  static const std::string kRule = "密码至少10位，且需包含大写字母、小写字母、数字和符号中的三类";
  if (password.size() > 128) return core::Error::invalid("密码过长（最多128个字符）", field);
  bool upper = false, lower = false, digit = false, symbol = false;
  std::size_t chars = 0;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 characters, not bytes
    if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c > ' ') {
      symbol = true;
    }
  }
  int classes = upper + lower + digit + symbol;
  if (chars < 10 || classes < 3) return core::Error::invalid(kRule, field);
  return {};
}

}  // namespace mingjing::auth
