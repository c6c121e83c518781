#include "core/uscc.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

std::string parse_error(std::string_view text) {
  auto code = Uscc::parse(text);
  EXPECT_FALSE(code.ok()) << text;
  if (code.ok()) return {};
  EXPECT_EQ(code.error().code, errc::kInvalidArgument);
  return code.error().message;
}

TEST(UsccTest, PublishedExample) {
  auto code = Uscc::parse("91350100M000100Y43");
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(code->str(), "91350100M000100Y43");
  EXPECT_EQ(code->registration_authority(), '9');
  EXPECT_EQ(code->entity_type(), '1');
  EXPECT_EQ(code->division_code(), "350100");
  EXPECT_EQ(code->entity_id(), "M000100Y4");
  EXPECT_EQ(parse_error("91350100M000100Y4A"), "统一社会信用代码校验位错误（应为3）");
}

TEST(UsccTest, CheckCharacter) {
  EXPECT_EQ(Uscc::check_char("91350100M000100Y4"), '3');
  // Computed with the GB 32100 weights; the second is the case where
  // 31 - (sum mod 31) is 31 and the check character is 0.
  EXPECT_EQ(Uscc::check_char("91330782MA2E00001"), 'P');
  EXPECT_EQ(Uscc::check_char("91330782MA2E0000E"), '0');
  EXPECT_TRUE(Uscc::parse("91330782MA2E00001P").ok());
  EXPECT_TRUE(Uscc::parse("91330782MA2E0000E0").ok());
  EXPECT_TRUE(Uscc::parse("52330782MJ0000001Q").ok());
}

TEST(UsccTest, NormalisesInput) {
  auto code = Uscc::parse("  91350100m000100y43 ");
  ASSERT_TRUE(code.ok()) << code.error().message;
  EXPECT_EQ(code->str(), "91350100M000100Y43");
  EXPECT_EQ(*code, *Uscc::parse("91350100M000100Y43"));
}

TEST(UsccTest, Rejections) {
  EXPECT_EQ(parse_error(""), "统一社会信用代码不能为空");
  EXPECT_EQ(parse_error("91350100M000100Y4"), "统一社会信用代码应为18位");
  EXPECT_EQ(parse_error("91350100M000100Y433"), "统一社会信用代码应为18位");
  EXPECT_EQ(parse_error("91350100M000100I43"),
            "统一社会信用代码第16位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）");
  EXPECT_EQ(parse_error("9135010OM000100Y43"),
            "统一社会信用代码第8位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）");
  EXPECT_EQ(parse_error("91350100M000100Y4-"),
            "统一社会信用代码第18位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）");
  EXPECT_EQ(parse_error("91350100M000100Y4３"),  // full-width digit
            "统一社会信用代码第18位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）");
}

}  // namespace
}  // namespace mingjing::core
