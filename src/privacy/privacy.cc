#include "privacy/privacy.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace mingjing::privacy {

struct Vault::DigestState {
  crypto_generichash_state keyed;
  ~DigestState() { sodium_memzero(&keyed, sizeof keyed); }
};

namespace {

constexpr std::size_t kDigestBytes = 16;

constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'m', 'j', 'p', 'r', 'i', 'v', 'c', 'y'};
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kIndexSubkey = 2;
constexpr std::string_view kPrefix = "v1:";

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
}

std::string to_hex(const std::uint8_t* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xF];
  }
  return out;
}

// 64 hex characters (blanks around them ignored) into a key.
bool parse_hex_key(std::string_view text, std::array<std::uint8_t, 32>& key) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  if (text.size() != 64) return false;
  std::size_t written = 0;
  return sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &written,
                        nullptr) == 0 &&
         written == key.size();
}

core::Error key_error(std::string message) {
  return core::Error{core::errc::kInvalidArgument, std::move(message), "key"};
}

core::Result<std::array<std::uint8_t, 32>> load_or_create(const std::string& path,
                                                          bool create_missing) {
  std::array<std::uint8_t, 32> key{};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT || !create_missing) {
      return core::Error{core::errc::kUnavailable, "无法读取密钥文件：" + path, "key"};
    }
    randombytes_buf(key.data(), key.size());
    // O_EXCL: two processes starting at once must not each write a key.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return load_or_create(path, false);
      return core::Error{core::errc::kUnavailable, "无法创建密钥文件：" + path, "key"};
    }
    std::string text = to_hex(key.data(), key.size()) + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    sodium_memzero(text.data(), text.size());
    if (!ok) {
      ::unlink(path.c_str());
      return core::Error{core::errc::kUnavailable, "无法写入密钥文件：" + path, "key"};
    }
    return key;
  }
  if (!S_ISREG(st.st_mode)) return key_error("密钥文件不是普通文件：" + path);
  if ((st.st_mode & 077) != 0) {
    return key_error("密钥文件权限过宽，其他用户可读：" + path + "（请执行 chmod 600）");
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  bool ok = parse_hex_key(text, key);
  sodium_memzero(text.data(), text.size());
  if (!ok) return key_error("密钥文件内容无效（应为64位十六进制字符）：" + path);
  return key;
}

}  // namespace

Vault Vault::from_key(const std::array<std::uint8_t, 32>& master_key) {
  init_sodium();
  Vault v;
  crypto_kdf_derive_from_key(v.seal_key_.data(), v.seal_key_.size(), kSealSubkey, kContext,
                             master_key.data());
  crypto_kdf_derive_from_key(v.index_key_.data(), v.index_key_.size(), kIndexSubkey, kContext,
                             master_key.data());
  // new, not make_shared: the state is over-aligned (64 bytes).
  std::shared_ptr<DigestState> state(new DigestState);
  crypto_generichash_init(&state->keyed, v.index_key_.data(), v.index_key_.size(), kDigestBytes);
  v.digest_state_ = std::move(state);
  randombytes_buf(v.nonce_prefix_.data(), v.nonce_prefix_.size());
  return v;
}

core::Result<Vault> Vault::open(const std::string& key_file, bool create_missing) {
  init_sodium();
  std::array<std::uint8_t, 32> key{};
  if (const char* env = std::getenv(kKeyEnv); env && *env) {
    if (!parse_hex_key(env, key)) {
      return key_error(std::string("环境变量 ") + kKeyEnv + " 应为64位十六进制字符");
    }
  } else {
    auto loaded = load_or_create(key_file, create_missing);
    if (!loaded.ok()) return loaded.error();
    key = *loaded;
  }
  Vault v = from_key(key);
  sodium_memzero(key.data(), key.size());
  return v;
}

std::string Vault::seal(std::string_view plaintext) const {
  if (plaintext.empty()) return {};
  // nonce ‖ MAC ‖ ciphertext, on the stack for the short values sealed here.
  const std::size_t box_size =
      crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size();
  std::array<unsigned char, 256> small;
  std::string large;
  unsigned char* box = small.data();
  if (box_size > small.size()) {
    large.resize(box_size);
    box = reinterpret_cast<unsigned char*>(large.data());
  }
  static_assert(crypto_secretbox_NONCEBYTES == 24);
  std::uint64_t n = nonce_counter_->fetch_add(1, std::memory_order_relaxed);
  std::memcpy(box, nonce_prefix_.data(), nonce_prefix_.size());
  std::memcpy(box + nonce_prefix_.size(), &n, sizeof n);
  crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        box, seal_key_.data());
  const std::size_t encoded = sodium_base64_ENCODED_LEN(box_size, sodium_base64_VARIANT_ORIGINAL);
  std::string out(kPrefix.size() + encoded, '\0');
  std::memcpy(out.data(), kPrefix.data(), kPrefix.size());
  sodium_bin2base64(out.data() + kPrefix.size(), encoded, box, box_size,
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

core::Result<std::string> Vault::open_sealed(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  auto refuse = [] { return core::Error::invalid("个人信息密文无法解密"); };
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return refuse();
  sealed.remove_prefix(kPrefix.size());
  std::string box(sealed.size(), '\0');
  std::size_t size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), sealed.data(),
                        sealed.size(), nullptr, &size, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      size < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return refuse();
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  std::size_t cipher_size = size - crypto_secretbox_NONCEBYTES;
  std::string plain(cipher_size - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 nonce + crypto_secretbox_NONCEBYTES, cipher_size, nonce,
                                 seal_key_.data()) != 0) {
    return refuse();
  }
  return plain;
}

std::string Vault::keyed_digest(std::uint8_t domain, std::string_view data) const {
  std::array<std::uint8_t, kDigestBytes> digest{};
  crypto_generichash_state state = digest_state_->keyed;
  crypto_generichash_update(&state, &domain, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  crypto_generichash_final(&state, digest.data(), digest.size());
  sodium_memzero(&state, sizeof state);
  return to_hex(digest.data(), digest.size());
}

std::string Vault::blind_index(Kind kind, std::string_view normalised) const {
  if (normalised.empty()) return {};
  return keyed_digest(static_cast<std::uint8_t>(kind), normalised);
}

std::string Vault::fingerprint(std::string_view data) const {
  return keyed_digest(0xFF, data);
}

}  // namespace mingjing::privacy
