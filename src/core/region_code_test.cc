#include "core/region_code.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

RegionCode code(std::string_view text) {
  auto c = RegionCode::parse(text);
  EXPECT_TRUE(c.ok()) << text << ": " << c.error().message;
  return std::move(c).value();
}

std::string parse_error(std::string_view text) {
  auto c = RegionCode::parse(text);
  EXPECT_FALSE(c.ok()) << text;
  if (c.ok()) return {};
  EXPECT_EQ(c.error().code, errc::kInvalidArgument);
  return c.error().message;
}

TEST(RegionLevelTest, Names) {
  for (RegionLevel level : {RegionLevel::province, RegionLevel::city, RegionLevel::county,
                            RegionLevel::town, RegionLevel::village, RegionLevel::group}) {
    EXPECT_EQ(parse_region_level(to_string(level)), level);
  }
  EXPECT_EQ(to_string(RegionLevel::province), "province");
  EXPECT_EQ(to_string(RegionLevel::group), "group");
  EXPECT_EQ(parse_region_level("Village"), std::nullopt);
  EXPECT_EQ(parse_region_level("村"), std::nullopt);
  EXPECT_EQ(chinese_name(RegionLevel::town), "乡镇（街道）");
  EXPECT_EQ(chinese_name(RegionLevel::group), "村民小组");
  EXPECT_EQ(parse_region_level(""), std::nullopt);
}

TEST(RegionCodeTest, Levels) {
  EXPECT_EQ(code("330000000000").level(), RegionLevel::province);  // 浙江省
  EXPECT_EQ(code("330700000000").level(), RegionLevel::city);      // 金华市
  EXPECT_EQ(code("330782000000").level(), RegionLevel::county);    // 义乌市
  EXPECT_EQ(code("330782001000").level(), RegionLevel::town);      // 稠城街道
  EXPECT_EQ(code("330782001001").level(), RegionLevel::village);   // 江滨社区
  EXPECT_EQ(code("441900003000").level(), RegionLevel::town);      // 东莞市东城街道
  EXPECT_EQ(code(" 330782001001 ").str(), "330782001001");
}

TEST(RegionCodeTest, Prefix) {
  EXPECT_EQ(code("330000000000").prefix(), "33");
  EXPECT_EQ(code("330700000000").prefix(), "3307");
  EXPECT_EQ(code("330782000000").prefix(), "330782");
  EXPECT_EQ(code("330782001000").prefix(), "330782001");
  EXPECT_EQ(code("330782001001").prefix(), "330782001001");
  EXPECT_EQ(code("441900003000").prefix(), "441900003");
}

TEST(RegionCodeTest, Parent) {
  EXPECT_EQ(code("330782001001").parent(), code("330782001000"));
  EXPECT_EQ(code("330782001000").parent(), code("330782000000"));
  EXPECT_EQ(code("330782000000").parent(), code("330700000000"));
  EXPECT_EQ(code("330700000000").parent(), code("330000000000"));
  EXPECT_EQ(code("330000000000").parent(), std::nullopt);
  // A town of a city without counties belongs to the city.
  EXPECT_EQ(code("441900003000").parent(), code("441900000000"));
  EXPECT_EQ(code("441900003001").parent(), code("441900003000"));
}

TEST(RegionCodeTest, Contains) {
  const RegionCode county = code("330782000000");
  EXPECT_TRUE(county.contains(county));
  EXPECT_TRUE(county.contains(code("330782001000")));
  EXPECT_TRUE(county.contains(code("330782001001")));
  EXPECT_FALSE(county.contains(code("330700000000")));  // its parent
  EXPECT_FALSE(county.contains(code("330783001001")));  // a neighbour's village
  EXPECT_TRUE(code("330000000000").contains(code("330782001001")));
  EXPECT_TRUE(code("330700000000").contains(code("330782001001")));
  EXPECT_FALSE(code("330782001001").contains(code("330782001000")));
  EXPECT_FALSE(code("330782001001").contains(code("330782001002")));
  EXPECT_TRUE(code("441900000000").contains(code("441900003001")));
  EXPECT_FALSE(code("370000000000").contains(code("330782001001")));
}

TEST(RegionCodeTest, Rejections) {
  EXPECT_EQ(parse_error(""), "行政区划代码应为12位数字：");
  EXPECT_EQ(parse_error("3307"), "行政区划代码应为12位数字：3307");
  EXPECT_EQ(parse_error("330782"), "行政区划代码应为12位数字：330782");
  EXPECT_EQ(parse_error("3307820010011"), "行政区划代码应为12位数字：3307820010011");
  EXPECT_EQ(parse_error("33078200100A"), "行政区划代码应为12位数字：33078200100A");
  EXPECT_EQ(parse_error("000000000000"), "行政区划代码省级部分不能为00：000000000000");
  EXPECT_EQ(parse_error("000782001001"), "行政区划代码省级部分不能为00：000782001001");
  EXPECT_EQ(parse_error("330000000123"), "行政区划代码层级不连续：330000000123");
  EXPECT_EQ(parse_error("330082000000"), "行政区划代码层级不连续：330082000000");
  EXPECT_EQ(parse_error("330782000001"), "行政区划代码层级不连续：330782000001");
  EXPECT_EQ(parse_error("330000001000"), "行政区划代码层级不连续：330000001000");
}

TEST(RegionCodeTest, Comparison) {
  EXPECT_EQ(code("330782001001"), code("330782001001"));
  EXPECT_LT(code("330782001001"), code("330782001002"));
}

}  // namespace
}  // namespace mingjing::core
