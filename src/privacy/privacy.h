// privacy: personal data at rest (PIPL). ID numbers, phone numbers and
// account numbers are stored encrypted (libsodium secretbox, XSalsa20-
// Poly1305) next to a blind index: a keyed BLAKE2b digest of the normalised
// value, so that look-ups and joins ("every payment to this person") work on
// the index without decrypting anything. Masking for display lives in
// core/mask.h and core/id_number.h.
//
// Keys. One 32-byte master key, from (in this order) the environment
// variable MINGJING_KEY (64 hex characters) or a key file (default
// ./mingjing.key, next to the default database). A missing key file is
// created on first start with mode 0600. From the master key two subkeys are
// derived (crypto_kdf): one encrypts, one computes blind indexes, so a leaked
// index key reveals nothing about the ciphertexts. Losing the key loses the
// data: back it up with the database, but never in the same place.
//
// Thread-safety: a Vault is immutable after construction; share it freely.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace mingjing::privacy {

inline constexpr const char* kKeyEnv = "MINGJING_KEY";
inline constexpr const char* kDefaultKeyFile = "mingjing.key";

// Kinds of protected value. Each has its own blind-index domain, so equal
// text in different kinds never shares an index.
enum class Kind { id_number, phone, account };

class Vault {
 public:
  // Loads the key from MINGJING_KEY, else from key_file, creating key_file
  // (0600) when it does not exist and create_missing is true.
  // Failure (invalid_argument / unavailable), with a Chinese message naming
  // the variable or the file: a malformed MINGJING_KEY, a key file of the
  // wrong length or readable by others, a file that cannot be created.
  static core::Result<Vault> open(const std::string& key_file, bool create_missing = true);

  // From a known key: tests and tools.
  static Vault from_key(const std::array<std::uint8_t, 32>& master_key);

  // "v1:" + base64(nonce ‖ ciphertext). A fresh nonce each call, so equal
  // values encrypt differently. Empty text stays empty (nothing to
  // protect, and NULL-like columns stay recognisable).
  std::string seal(std::string_view plaintext) const;

  // The plaintext, or an error (invalid_argument, "个人信息密文无法解密") for
  // text that was not sealed with this key or was altered.
  core::Result<std::string> open_sealed(std::string_view sealed) const;

  // 32 hex characters (BLAKE2b-128 keyed with the index subkey) over the
  // kind and the value as given: normalise first (IdNumber upper-cases x,
  // accounts drop blanks). Empty text gives empty.
  std::string blind_index(Kind kind, std::string_view normalised) const;

  // 32 hex characters (BLAKE2b-128 keyed with the index subkey, in a domain
  // of its own) over any bytes: a fingerprint of data that contains personal
  // values, e.g. to tell whether a stored record changed, without storing
  // anything that could be reversed by guessing.
  std::string fingerprint(std::string_view data) const;

 private:
  Vault() = default;
  std::string keyed_digest(std::uint8_t domain, std::string_view data) const;
  std::array<std::uint8_t, 32> seal_key_{};
  std::array<std::uint8_t, 32> index_key_{};
  // BLAKE2b keyed with index_key_, the key block already absorbed: each
  // digest starts from a copy instead of hashing the key again.
  struct DigestState;
  std::shared_ptr<const DigestState> digest_state_;
  // Nonces: 16 random bytes drawn once per Vault, then a counter. Unique
  // without a getrandom() call per value, which cost more than the
  // encryption itself on a million-row import.
  std::array<std::uint8_t, 16> nonce_prefix_{};
  std::shared_ptr<std::atomic<std::uint64_t>> nonce_counter_ =
      std::make_shared<std::atomic<std::uint64_t>>(0);
};

}  // namespace mingjing::privacy
