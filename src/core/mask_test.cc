#include "core/mask.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

TEST(MaskNameTest, KeepsFirstAndLast) {
  EXPECT_EQ(mask_name("张三明"), "张*明");
  EXPECT_EQ(mask_name("张三"), "张*");
  EXPECT_EQ(mask_name("欧阳春华"), "欧**华");
  EXPECT_EQ(mask_name("阿依古丽·买买提"), "阿******提");
  EXPECT_EQ(mask_name("张"), "*");
  EXPECT_EQ(mask_name(""), "");
  EXPECT_EQ(mask_name("  张三明 "), "张*明");
  EXPECT_EQ(mask_name("Li Lei"), "L****i");
}

TEST(MaskPhoneTest, KeepsThreeAndFour) {
  EXPECT_EQ(mask_phone("13812341234"), "138****1234");
  EXPECT_EQ(mask_phone(" 13812341234 "), "138****1234");
  EXPECT_EQ(mask_phone("+8613812341234"), "+86*******1234");
  EXPECT_EQ(mask_phone("0579-85123456"), "057******3456");
  EXPECT_EQ(mask_phone("85123456"), "851*3456");
  EXPECT_EQ(mask_phone("8512345"), "*******");
  EXPECT_EQ(mask_phone(""), "");
}

TEST(MaskAccountTest, KeepsFourAndFour) {
  EXPECT_EQ(mask_account("6222021234567890123"), "6222***********0123");
  EXPECT_EQ(mask_account("6222 0212 3456 7890 123"), "6222***********0123");
  EXPECT_EQ(mask_account("123456789"), "1234*6789");
  EXPECT_EQ(mask_account("12345678"), "********");
  EXPECT_EQ(mask_account(""), "");
}

}  // namespace
}  // namespace mingjing::core
