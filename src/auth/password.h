// Password hashing (argon2id through libsodium) and the complexity policy.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace mingjing::auth {

struct PasswordCost {
  // libsodium's "interactive" limits by default (64 MiB, 2 passes). Tests
  // may lower them; the algorithm stays argon2id.
  unsigned long long opslimit = 2;
  std::size_t memlimit = 64u * 1024 * 1024;
};

// An encoded "$argon2id$..." string with its own salt and parameters.
std::string hash_password(std::string_view password, const PasswordCost& cost);
// True when `password` matches `encoded`. A malformed hash never matches.
bool verify_password(std::string_view password, const std::string& encoded);

// At least 10 characters and three of: upper case, lower case, digit,
// symbol; at most 128 bytes. Fails with invalid_argument on `field`.
core::Status check_password_policy(std::string_view password, const std::string& field);

}  // namespace mingjing::auth
