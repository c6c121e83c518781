#include "core/date.h"

#include <gtest/gtest.h>

#include <limits>

namespace mingjing::core {
namespace {

Date parsed(std::string_view text) {
  auto d = Date::parse(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.error().message;
  return d.ok() ? *d : Date();
}

std::string parse_error(std::string_view text) {
  auto d = Date::parse(text);
  EXPECT_FALSE(d.ok()) << text << " parsed as " << d->to_string();
  if (d.ok()) return {};
  EXPECT_EQ(d.error().code, errc::kInvalidArgument);
  return d.error().message;
}

TEST(DateParseTest, AcceptedForms) {
  const Date expected = Date::from_ymd(2025, 1, 26);
  EXPECT_EQ(parsed("2025-01-26"), expected);
  EXPECT_EQ(parsed("2025/01/26"), expected);
  EXPECT_EQ(parsed("2025-1-26"), expected);
  EXPECT_EQ(parsed("2025/1/26"), expected);
  EXPECT_EQ(parsed("2025年1月26日"), expected);
  EXPECT_EQ(parsed("2025年01月26日"), expected);
  EXPECT_EQ(parsed(" 2025-01-26 "), expected);
  EXPECT_EQ(parsed("2025-3-5"), Date::from_ymd(2025, 3, 5));
}

TEST(DateParseTest, LeapYears) {
  EXPECT_EQ(parsed("2024-02-29"), Date::from_ymd(2024, 2, 29));
  EXPECT_EQ(parsed("2000-02-29"), Date::from_ymd(2000, 2, 29));
  EXPECT_EQ(parse_error("2023-02-29"), "日期不存在：2023-02-29");
  EXPECT_EQ(parse_error("1900-02-29"), "日期不存在：1900-02-29");
  EXPECT_EQ(parse_error("2100年2月29日"), "日期不存在：2100年2月29日");
}

TEST(DateParseTest, Rejections) {
  EXPECT_EQ(parse_error(""), "日期不能为空");
  EXPECT_EQ(parse_error("  "), "日期不能为空");
  EXPECT_EQ(parse_error("2025-13-01"), "日期不存在：2025-13-01");
  EXPECT_EQ(parse_error("2025-00-10"), "日期不存在：2025-00-10");
  EXPECT_EQ(parse_error("2025-04-31"), "日期不存在：2025-04-31");
  EXPECT_EQ(parse_error("2025-01-00"), "日期不存在：2025-01-00");
  EXPECT_EQ(parse_error("0000-01-01"), "日期不存在：0000-01-01");
  EXPECT_EQ(parse_error("2025.01.26"), "日期格式不正确：2025.01.26（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("2025-01/26"), "日期格式不正确：2025-01/26（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("25-01-26"), "日期格式不正确：25-01-26（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("2025-001-26"), "日期格式不正确：2025-001-26（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("2025-01-26x"), "日期格式不正确：2025-01-26x（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("2025年1月26"), "日期格式不正确：2025年1月26（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("20250126"), "日期格式不正确：20250126（应为YYYY-MM-DD）");
  EXPECT_EQ(parse_error("2025-01-26 09:30"), "日期格式不正确：2025-01-26 09:30（应为YYYY-MM-DD）");
}

TEST(DateExcelTest, Serials) {
  EXPECT_EQ(Date::from_excel_serial(1)->to_string(), "1900-01-01");
  EXPECT_EQ(Date::from_excel_serial(59)->to_string(), "1900-02-28");
  EXPECT_EQ(Date::from_excel_serial(61)->to_string(), "1900-03-01");
  EXPECT_EQ(Date::from_excel_serial(25569)->to_string(), "1970-01-01");
  EXPECT_EQ(Date::from_excel_serial(45658)->to_string(), "2025-01-01");
  EXPECT_EQ(Date::from_excel_serial(int64_t{45683})->to_string(), "2025-01-26");
  EXPECT_EQ(Date::from_excel_serial(2958465)->to_string(), "9999-12-31");
  EXPECT_EQ(Date::from_excel_serial(45658.75)->to_string(), "2025-01-01");  // 18:00
  EXPECT_EQ(Date::from_excel_serial(45658.0)->to_string(), "2025-01-01");
  EXPECT_EQ(Date::from_excel_serial(1.0)->to_string(), "1900-01-01");
}

TEST(DateExcelTest, Rejections) {
  const std::string fake_leap_day = "Excel日期序列号60对应不存在的1900年2月29日";
  const std::string out_of_range = "Excel日期序列号超出范围（应为1至2958465）";
  EXPECT_EQ(Date::from_excel_serial(60).error().message, fake_leap_day);
  EXPECT_EQ(Date::from_excel_serial(60.5).error().message, fake_leap_day);
  EXPECT_EQ(Date::from_excel_serial(0).error().message, out_of_range);
  EXPECT_EQ(Date::from_excel_serial(-1).error().message, out_of_range);
  EXPECT_EQ(Date::from_excel_serial(0.5).error().message, out_of_range);
  EXPECT_EQ(Date::from_excel_serial(2958466).error().message, out_of_range);
  EXPECT_EQ(Date::from_excel_serial(2958466.0).error().message, out_of_range);
  EXPECT_EQ(Date::from_excel_serial(std::numeric_limits<double>::quiet_NaN()).error().message,
            out_of_range);
  EXPECT_EQ(Date::from_excel_serial(std::numeric_limits<double>::infinity()).error().message,
            out_of_range);
  EXPECT_EQ(Date::from_excel_serial(1e300).error().message, out_of_range);
}

TEST(DateTest, Accessors) {
  const Date d = Date::from_ymd(2025, 1, 26);
  EXPECT_EQ(d.year(), 2025);
  EXPECT_EQ(d.month(), 1);
  EXPECT_EQ(d.day(), 26);
  EXPECT_EQ(d.to_string(), "2025-01-26");
  EXPECT_EQ(Date().to_string(), "1970-01-01");
  EXPECT_EQ(Date::from_ymd(1, 1, 1).to_string(), "0001-01-01");
  EXPECT_EQ(Date::from_ymd(9999, 12, 31).to_string(), "9999-12-31");
}

TEST(DateTest, DaysSinceEpoch) {
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).days_since_epoch(), 0);
  EXPECT_EQ(Date::from_ymd(1969, 12, 31).days_since_epoch(), -1);
  EXPECT_EQ(Date::from_ymd(2000, 3, 1).days_since_epoch(), 11017);
  EXPECT_EQ(Date::from_ymd(2025, 1, 1).days_since_epoch(), 20089);
  EXPECT_EQ(Date::from_ymd(1, 1, 1).days_since_epoch(), -719162);
  EXPECT_EQ(Date::from_ymd(9999, 12, 31).days_since_epoch(), 2932896);
  EXPECT_EQ(Date::from_days(20089), Date::from_ymd(2025, 1, 1));
  EXPECT_EQ(Date::from_days(-1), Date::from_ymd(1969, 12, 31));
}

TEST(DateTest, RoundTripsEveryDayOfSomeCenturies) {
  // 1850-01-01 .. 2150-12-31 through from_days, to_string and parse.
  const int64_t first = Date::from_ymd(1850, 1, 1).days_since_epoch();
  const int64_t last = Date::from_ymd(2150, 12, 31).days_since_epoch();
  int prev_weekday = Date::from_days(first - 1).weekday();
  for (int64_t day = first; day <= last; ++day) {
    const Date d = Date::from_days(day);
    ASSERT_TRUE(Date::is_valid_ymd(d.year(), d.month(), d.day()));
    ASSERT_EQ(Date::from_ymd(d.year(), d.month(), d.day()).days_since_epoch(), day);
    ASSERT_EQ(d.weekday(), prev_weekday % 7 + 1);
    prev_weekday = d.weekday();
    if (day % 37 == 0) {
      ASSERT_EQ(Date::parse(d.to_string())->days_since_epoch(), day);
    }
  }
}

TEST(DateTest, Weekday) {
  EXPECT_EQ(Date::from_ymd(1970, 1, 1).weekday(), 4);    // Thursday
  EXPECT_EQ(Date::from_ymd(2025, 1, 26).weekday(), 7);   // Sunday
  EXPECT_EQ(Date::from_ymd(2025, 1, 27).weekday(), 1);   // Monday
  EXPECT_EQ(Date::from_ymd(2025, 10, 11).weekday(), 6);  // Saturday
  EXPECT_EQ(Date::from_ymd(1949, 10, 1).weekday(), 6);   // Saturday
  EXPECT_EQ(Date::from_ymd(1900, 1, 1).weekday(), 1);    // Monday
}

TEST(DateTest, Arithmetic) {
  const Date d = Date::from_ymd(2024, 2, 28);
  EXPECT_EQ(d.add_days(1), Date::from_ymd(2024, 2, 29));
  EXPECT_EQ(d.add_days(2), Date::from_ymd(2024, 3, 1));
  EXPECT_EQ(d.add_days(-59), Date::from_ymd(2023, 12, 31));
  EXPECT_EQ(d.add_days(0), d);
  EXPECT_EQ(d.days_until(Date::from_ymd(2024, 3, 1)), 2);
  EXPECT_EQ(Date::from_ymd(2024, 3, 1).days_until(d), -2);
  EXPECT_EQ(Date::from_ymd(2024, 1, 1).days_until(Date::from_ymd(2025, 1, 1)), 366);
}

TEST(DateTest, Comparison) {
  EXPECT_LT(Date::from_ymd(2024, 12, 31), Date::from_ymd(2025, 1, 1));
  EXPECT_GT(Date::from_ymd(2025, 2, 1), Date::from_ymd(2025, 1, 31));
  EXPECT_EQ(Date::from_ymd(2025, 1, 1), Date::from_days(20089));
  EXPECT_NE(Date::from_ymd(2025, 1, 1), Date::from_ymd(2025, 1, 2));
}

TEST(DateTest, Validity) {
  EXPECT_TRUE(Date::is_leap_year(2024));
  EXPECT_TRUE(Date::is_leap_year(2000));
  EXPECT_FALSE(Date::is_leap_year(1900));
  EXPECT_FALSE(Date::is_leap_year(2025));
  EXPECT_EQ(Date::days_in_month(2024, 2), 29);
  EXPECT_EQ(Date::days_in_month(2025, 2), 28);
  EXPECT_EQ(Date::days_in_month(2025, 4), 30);
  EXPECT_FALSE(Date::is_valid_ymd(10000, 1, 1));
  EXPECT_FALSE(Date::is_valid_ymd(0, 1, 1));
  EXPECT_FALSE(Date::is_valid_ymd(2025, 6, 31));
}

}  // namespace
}  // namespace mingjing::core
