#include "core/id_number.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

const Date kToday = Date::from_ymd(2025, 1, 26);

IdNumber parsed(std::string_view text) {
  auto id = IdNumber::parse(text, kToday);
  EXPECT_TRUE(id.ok()) << text << ": " << id.error().message;
  return std::move(id).value();
}

std::string parse_error(std::string_view text) {
  auto id = IdNumber::parse(text, kToday);
  EXPECT_FALSE(id.ok()) << text;
  if (id.ok()) return {};
  EXPECT_EQ(id.error().code, errc::kInvalidArgument);
  return id.error().message;
}

// The two examples published in GB 11643-1999.
TEST(IdNumberTest, PublishedExamples) {
  const IdNumber a = parsed("11010519491231002X");
  EXPECT_EQ(a.str(), "11010519491231002X");
  EXPECT_EQ(a.birth_date(), Date::from_ymd(1949, 12, 31));
  EXPECT_TRUE(a.is_female());
  EXPECT_EQ(a.area_code(), "110105");

  const IdNumber b = parsed("440524188001010014");
  EXPECT_EQ(b.birth_date(), Date::from_ymd(1880, 1, 1));
  EXPECT_FALSE(b.is_female());
  EXPECT_EQ(b.area_code(), "440524");
}

TEST(IdNumberTest, CheckCharacter) {
  EXPECT_EQ(IdNumber::check_char("11010519491231002"), 'X');
  EXPECT_EQ(IdNumber::check_char("44052418800101001"), '4');
  EXPECT_EQ(parse_error("110105194912310021"), "身份证号码校验位错误（应为X）");
  EXPECT_EQ(parse_error("440524188001010015"), "身份证号码校验位错误（应为4）");
  EXPECT_EQ(parse_error("44052418800101001X"), "身份证号码校验位错误（应为4）");
}

TEST(IdNumberTest, NormalisesInput) {
  EXPECT_EQ(parsed("11010519491231002x").str(), "11010519491231002X");
  EXPECT_EQ(parsed("  11010519491231002X\t").str(), "11010519491231002X");
  EXPECT_EQ(parsed("\xE3\x80\x80"
                   "11010519491231002X")
                .str(),
            "11010519491231002X");
}

TEST(IdNumberTest, Rejections) {
  EXPECT_EQ(parse_error(""), "身份证号码不能为空");
  EXPECT_EQ(parse_error("   "), "身份证号码不能为空");
  EXPECT_EQ(parse_error("110105491231002"), "15位旧身份证号码不再受理，请使用18位身份证号码");
  EXPECT_EQ(parse_error("1101051949123100"), "身份证号码应为18位");
  EXPECT_EQ(parse_error("11010519491231002X1"), "身份证号码应为18位");
  EXPECT_EQ(parse_error("11010519491231002Y"),
            "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X");
  EXPECT_EQ(parse_error("1101051949123100XX"),
            "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X");
  EXPECT_EQ(parse_error("11010519491231002Ｘ"),  // full-width X
            "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X");
  EXPECT_EQ(parse_error("１１010519491231002X"),  // full-width digits
            "身份证号码格式不正确：前17位应为数字，最后一位应为数字或X");
}

TEST(IdNumberTest, ProvinceCode) {
  // Not provinces; the check characters are right.
  EXPECT_EQ(parse_error("160000199001010012"), "身份证号码地区码不正确");
  EXPECT_EQ(parse_error("000000199001010018"), "身份证号码地区码不正确");
  // 83: residence permits of Taiwan residents.
  EXPECT_EQ(parsed("830000199001010012").area_code(), "830000");
}

TEST(IdNumberTest, BirthDate) {
  EXPECT_EQ(parsed("330782200002290028").birth_date(), Date::from_ymd(2000, 2, 29));
  EXPECT_EQ(parse_error("330782199002290022"), "身份证号码中的出生日期无效");  // not a leap year
  EXPECT_EQ(parse_error("330782199013010022"), "身份证号码中的出生日期无效");
  EXPECT_EQ(parse_error("330782000001010024"), "身份证号码中的出生日期无效");
  // Born today is fine; tomorrow is not.
  EXPECT_EQ(parsed("330782202501260025").birth_date(), kToday);
  EXPECT_EQ(parse_error("330782202501270020"), "身份证号码中的出生日期晚于当前日期");
  EXPECT_EQ(parse_error("330782202601010015"), "身份证号码中的出生日期晚于当前日期");
  // 1850 is the earliest year accepted.
  EXPECT_EQ(parsed("33078218500101001X").birth_date(), Date::from_ymd(1850, 1, 1));
  EXPECT_EQ(parse_error("330782184912310019"), "身份证号码中的出生日期过早");
}

TEST(IdNumberTest, ParseWithSystemClock) {
  EXPECT_TRUE(IdNumber::parse("11010519491231002X").ok());
  EXPECT_EQ(IdNumber::parse("330782210001010011").error().message,
            "身份证号码中的出生日期晚于当前日期");
}

TEST(IdNumberTest, Sex) {
  EXPECT_TRUE(parsed("11010519491231002X").is_female());   // 2
  EXPECT_FALSE(parsed("33042119900101123X").is_female());  // 3
  EXPECT_FALSE(parsed("44190020100101001X").is_female());  // 1
}

TEST(IdNumberTest, AgeOn) {
  const IdNumber id = parsed("11010519491231002X");  // born 1949-12-31
  EXPECT_EQ(id.age_on(Date::from_ymd(2025, 1, 26)), 75);
  EXPECT_EQ(id.age_on(Date::from_ymd(2024, 12, 30)), 74);
  EXPECT_EQ(id.age_on(Date::from_ymd(2024, 12, 31)), 75);
  EXPECT_EQ(id.age_on(Date::from_ymd(1949, 12, 31)), 0);
  EXPECT_EQ(id.age_on(Date::from_ymd(1949, 12, 30)), -1);

  const IdNumber leap = parsed("330782200002290028");  // born 2000-02-29
  EXPECT_EQ(leap.age_on(Date::from_ymd(2018, 2, 28)), 17);
  EXPECT_EQ(leap.age_on(Date::from_ymd(2018, 3, 1)), 18);
  EXPECT_EQ(leap.age_on(Date::from_ymd(2020, 2, 29)), 20);
}

TEST(IdNumberTest, Masked) {
  EXPECT_EQ(parsed("33042119900101123X").masked(), "330421********123X");
  EXPECT_EQ(parsed("11010519491231002X").masked(), "110105********002X");
}

TEST(IdNumberTest, Comparison) {
  EXPECT_EQ(parsed("11010519491231002x"), parsed("11010519491231002X"));
  EXPECT_LT(parsed("11010519491231002X"), parsed("440524188001010014"));
}

}  // namespace
}  // namespace mingjing::core
