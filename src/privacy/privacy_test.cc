// Tests for personal data protection: sealing, blind indexes and the key.
#include "privacy/privacy.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

namespace mingjing::privacy {
namespace {

std::array<std::uint8_t, 32> key_of(std::uint8_t fill) {
  std::array<std::uint8_t, 32> k{};
  k.fill(fill);
  return k;
}

// A temporary folder, removed afterwards; MINGJING_KEY unset meanwhile.
class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mingjing_key_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    if (const char* v = std::getenv(kKeyEnv)) saved_env_ = v;
    ::unsetenv(kKeyEnv);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    if (saved_env_) ::setenv(kKeyEnv, saved_env_->c_str(), 1);
  }
  std::string path(const char* name = "mingjing.key") { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  std::optional<std::string> saved_env_;
};

TEST(Vault, SealOpensWithTheSameKeyOnly) {
  Vault a = Vault::from_key(key_of(1));
  Vault b = Vault::from_key(key_of(2));
  std::string id = "11010519491231002X";
  std::string sealed = a.seal(id);
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find(id), std::string::npos);
  EXPECT_EQ(sealed.find("1949"), std::string::npos);
  auto back = a.open_sealed(sealed);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, id);
  auto wrong = b.open_sealed(sealed);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "个人信息密文无法解密");
}

TEST(Vault, EqualValuesSealDifferently) {
  Vault v = Vault::from_key(key_of(1));
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) seen.insert(v.seal("6222021234567890123"));
  EXPECT_EQ(seen.size(), 20u);
}

TEST(Vault, AlteredOrForeignTextIsRefused) {
  Vault v = Vault::from_key(key_of(1));
  std::string sealed = v.seal("张三的电话13812341234");
  for (std::size_t pos : {std::size_t{3}, sealed.size() / 2, sealed.size() - 2}) {
    std::string bad = sealed;
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(v.open_sealed(bad).ok()) << pos;
  }
  EXPECT_FALSE(v.open_sealed("11010519491231002X").ok());  // plain text
  EXPECT_FALSE(v.open_sealed("v1:").ok());
  EXPECT_FALSE(v.open_sealed("v1:!!!!").ok());
  EXPECT_FALSE(v.open_sealed(sealed.substr(0, sealed.size() - 8)).ok());
  EXPECT_EQ(v.seal(""), "");
  EXPECT_EQ(*v.open_sealed(""), "");
}

TEST(Vault, BlindIndexIsStablePerKeyAndKind) {
  Vault a = Vault::from_key(key_of(1));
  Vault a2 = Vault::from_key(key_of(1));
  Vault b = Vault::from_key(key_of(2));
  std::string ix = a.blind_index(Kind::id_number, "11010519491231002X");
  EXPECT_EQ(ix.size(), 32u);
  EXPECT_EQ(ix, a2.blind_index(Kind::id_number, "11010519491231002X"));
  EXPECT_NE(ix, b.blind_index(Kind::id_number, "11010519491231002X"));
  EXPECT_NE(ix, a.blind_index(Kind::account, "11010519491231002X"));
  EXPECT_NE(ix, a.blind_index(Kind::id_number, "110105194912310021"));
  EXPECT_EQ(a.blind_index(Kind::phone, ""), "");
  // Fingerprints are keyed and live in their own domain.
  EXPECT_EQ(a.fingerprint("row"), a2.fingerprint("row"));
  EXPECT_NE(a.fingerprint("row"), b.fingerprint("row"));
  EXPECT_NE(a.fingerprint("row"), a.fingerprint("row2"));
  EXPECT_EQ(a.fingerprint("x").size(), 32u);
  for (Kind k : {Kind::id_number, Kind::phone, Kind::account}) {
    EXPECT_NE(a.fingerprint("x"), a.blind_index(k, "x"));
  }
}

TEST_F(KeyFileTest, AMissingKeyFileIsCreatedPrivateAndReused) {
  auto first = Vault::open(path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string sealed = first->seal("secret");
  auto again = Vault::open(path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->open_sealed(sealed), "secret");
  EXPECT_EQ(again->blind_index(Kind::phone, "13812341234"),
            first->blind_index(Kind::phone, "13812341234"));
}

TEST_F(KeyFileTest, WithoutCreateAMissingFileIsAnError) {
  auto r = Vault::open(path(), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "无法读取密钥文件：" + path());
}

TEST_F(KeyFileTest, AKeyFileOthersCanReadIsRefused) {
  ASSERT_TRUE(Vault::open(path()).ok());
  ::chmod(path().c_str(), 0644);
  auto r = Vault::open(path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "密钥文件权限过宽，其他用户可读：" + path() + "（请执行 chmod 600）");
}

TEST_F(KeyFileTest, AMalformedKeyFileIsRefused) {
  {
    std::ofstream out(path());
    out << "not a key\n";
  }
  ::chmod(path().c_str(), 0600);
  auto r = Vault::open(path());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "密钥文件内容无效（应为64位十六进制字符）：" + path());
}

TEST_F(KeyFileTest, TheEnvironmentVariableWinsOverTheFile) {
  std::string hex(64, 'a');
  ::setenv(kKeyEnv, hex.c_str(), 1);
  auto from_env = Vault::open(path());
  ASSERT_TRUE(from_env.ok());
  EXPECT_FALSE(std::filesystem::exists(path())) << "no file is made when the variable is set";
  Vault expected = Vault::from_key(key_of(0xaa));
  EXPECT_EQ(from_env->blind_index(Kind::id_number, "x"),
            expected.blind_index(Kind::id_number, "x"));
  ::setenv(kKeyEnv, "short", 1);
  auto bad = Vault::open(path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "环境变量 MINGJING_KEY 应为64位十六进制字符");
}

}  // namespace
}  // namespace mingjing::privacy
