#include "core/datetime.h"

#include <gtest/gtest.h>

namespace mingjing::core {
namespace {

// 2025-01-26 09:30:00 in Shanghai is 01:30:00Z.
constexpr int64_t kExample = 1737855000000;

int64_t ms_of(std::string_view text) {
  auto t = DateTime::parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.error().message;
  return t.ok() ? t->unix_ms() : -1;
}

std::string parse_error(std::string_view text) {
  auto t = DateTime::parse(text);
  EXPECT_FALSE(t.ok()) << text << " parsed as " << t->to_iso8601();
  if (t.ok()) return {};
  EXPECT_EQ(t.error().code, errc::kInvalidArgument);
  return t.error().message;
}

TEST(DateTimeParseTest, LocalForms) {
  EXPECT_EQ(ms_of("2025-01-26 09:30"), kExample);
  EXPECT_EQ(ms_of("2025-01-26 09:30:00"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T09:30:00"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T09:30"), kExample);
  EXPECT_EQ(ms_of("  2025-01-26  09:30 "), kExample);
  EXPECT_EQ(ms_of("2025/1/26 9:30"), kExample);
  EXPECT_EQ(ms_of("2025年1月26日 09:30"), kExample);
}

TEST(DateTimeParseTest, FractionsAndZones) {
  EXPECT_EQ(ms_of("2025-01-26 09:30:00.5"), kExample + 500);
  EXPECT_EQ(ms_of("2025-01-26 09:30:00.123"), kExample + 123);
  EXPECT_EQ(ms_of("2025-01-26T09:30:00.123456789"), kExample + 123);
  EXPECT_EQ(ms_of("2025-01-26T01:30:00Z"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T01:30Z"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T09:30:00+08:00"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T09:30:00+0800"), kExample);
  EXPECT_EQ(ms_of("2025-01-25T20:30:00-05:00"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T07:00:00+05:30"), kExample);
  EXPECT_EQ(ms_of("2025-01-26T01:30:00.250Z"), kExample + 250);
}

TEST(DateTimeParseTest, Rejections) {
  const auto bad_format = [](std::string_view s) {
    return "时间格式不正确：" + std::string(s) + "（应为YYYY-MM-DD HH:MM[:SS]）";
  };
  EXPECT_EQ(parse_error(""), "时间不能为空");
  EXPECT_EQ(parse_error("2025-01-26"), bad_format("2025-01-26"));
  EXPECT_EQ(parse_error("2025-01-26 0930"), bad_format("2025-01-26 0930"));
  EXPECT_EQ(parse_error("2025-01-26 09:3"), bad_format("2025-01-26 09:3"));
  EXPECT_EQ(parse_error("2025-01-26 09:30:0"), bad_format("2025-01-26 09:30:0"));
  EXPECT_EQ(parse_error("2025-01-26 09:30:00."), bad_format("2025-01-26 09:30:00."));
  EXPECT_EQ(parse_error("2025-01-26 09:30:00.1234567890"),
            bad_format("2025-01-26 09:30:00.1234567890"));
  EXPECT_EQ(parse_error("2025-01-26 09:30 +08:00"), bad_format("2025-01-26 09:30 +08:00"));
  EXPECT_EQ(parse_error("2025-01-26 09:30+8"), bad_format("2025-01-26 09:30+8"));
  EXPECT_EQ(parse_error("2025-01-26 09:30CST"), bad_format("2025-01-26 09:30CST"));
  EXPECT_EQ(parse_error("2025-01-26 123:00"), bad_format("2025-01-26 123:00"));
  EXPECT_EQ(parse_error("2025-02-30 09:30"), "日期不存在：2025-02-30");
  EXPECT_EQ(parse_error("2025-01-26 24:00"), "时间不存在：2025-01-26 24:00");
  EXPECT_EQ(parse_error("2025-01-26 09:60"), "时间不存在：2025-01-26 09:60");
  EXPECT_EQ(parse_error("2025-01-26 09:30:60"), "时间不存在：2025-01-26 09:30:60");
  EXPECT_EQ(parse_error("2025-01-26T09:30+19:00"), "时区偏移不正确：2025-01-26T09:30+19:00");
  // Local (Shanghai) 0000-12-31 23:00.
  EXPECT_EQ(parse_error("0001-01-01T00:00:00+09:00"), "时间超出范围：0001-01-01T00:00:00+09:00");
  EXPECT_EQ(parse_error("9999-12-31T23:59:59-01:00"), "时间超出范围：9999-12-31T23:59:59-01:00");
}

TEST(DateTimeParseTest, RangeEdges) {
  EXPECT_EQ(DateTime::parse("0001-01-01 00:00:00")->to_string(), "0001-01-01 00:00:00");
  EXPECT_EQ(DateTime::parse("9999-12-31 23:59:59.999")->to_iso8601(),
            "9999-12-31T23:59:59.999+08:00");
  // The range is in Shanghai local time, whatever the offset written.
  EXPECT_TRUE(DateTime::parse("0001-01-01T00:00:00+08:00").ok());
  EXPECT_FALSE(DateTime::parse("0001-01-01T00:00:00+08:01").ok());
  EXPECT_TRUE(DateTime::parse("9999-12-31T15:59:59.999Z").ok());
  EXPECT_FALSE(DateTime::parse("9999-12-31T16:00:00Z").ok());
}

TEST(DateTimeTest, Formatting) {
  const DateTime t = DateTime::from_unix_ms(kExample);
  EXPECT_EQ(t.to_string(), "2025-01-26 09:30:00");
  EXPECT_EQ(t.to_iso8601(), "2025-01-26T09:30:00+08:00");
  EXPECT_EQ(DateTime::from_unix_ms(kExample + 7).to_iso8601(), "2025-01-26T09:30:00.007+08:00");
  EXPECT_EQ(DateTime::from_unix_ms(kExample + 7).to_string(), "2025-01-26 09:30:00");
  EXPECT_EQ(DateTime().to_iso8601(), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(DateTime::from_unix_ms(-1).to_iso8601(), "1970-01-01T07:59:59.999+08:00");
}

TEST(DateTimeTest, LocalDateCrossesMidnightAtSixteenUtc) {
  // 2025-01-26T15:59:59.999Z is 23:59:59.999 in Shanghai; a millisecond later it is the 27th.
  const DateTime before = *DateTime::parse("2025-01-26T15:59:59.999Z");
  EXPECT_EQ(before.local_date(), Date::from_ymd(2025, 1, 26));
  EXPECT_EQ(before.local_ms_of_day(), 86'399'999);
  const DateTime after = DateTime::from_unix_ms(before.unix_ms() + 1);
  EXPECT_EQ(after.local_date(), Date::from_ymd(2025, 1, 27));
  EXPECT_EQ(after.local_ms_of_day(), 0);
  // Before 1970 too.
  EXPECT_EQ(DateTime::from_unix_ms(-8 * 3600 * 1000).local_date(), Date::from_ymd(1970, 1, 1));
  EXPECT_EQ(DateTime::from_unix_ms(-8 * 3600 * 1000 - 1).local_date(),
            Date::from_ymd(1969, 12, 31));
}

TEST(DateTimeTest, FromLocal) {
  EXPECT_EQ(DateTime::from_local(Date::from_ymd(2025, 1, 26), 9, 30).unix_ms(), kExample);
  EXPECT_EQ(DateTime::from_local(Date::from_ymd(2025, 1, 26), 9, 30, 0, 1).unix_ms(), kExample + 1);
  EXPECT_EQ(DateTime::from_local(Date::from_ymd(1970, 1, 1)).unix_ms(), -8 * 3600 * 1000);
}

TEST(DateTimeTest, RoundTripAndOrder) {
  for (int64_t ms : {kExample, kExample + 1, kExample + 999, int64_t{0}, int64_t{-1},
                     int64_t{-62135596800000} + 8 * 3600 * 1000}) {
    const DateTime t = DateTime::from_unix_ms(ms);
    EXPECT_EQ(DateTime::parse(t.to_iso8601())->unix_ms(), ms) << t.to_iso8601();
  }
  EXPECT_LT(DateTime::from_unix_ms(1), DateTime::from_unix_ms(2));
  EXPECT_EQ(*DateTime::parse("2025-01-26 09:30"), DateTime::from_unix_ms(kExample));
}

}  // namespace
}  // namespace mingjing::core
