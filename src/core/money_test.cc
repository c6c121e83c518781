#include "core/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace mingjing::core {
namespace {

int64_t fen_of(std::string_view text) {
  auto m = Money::parse_yuan(text);
  EXPECT_TRUE(m.ok()) << text << ": " << m.error().message;
  return m.ok() ? m->fen() : -1;
}

std::string error_of(std::string_view text) {
  auto m = Money::parse_yuan(text);
  EXPECT_FALSE(m.ok()) << text << " parsed as " << m->fen();
  if (m.ok()) return {};
  EXPECT_EQ(m.error().code, errc::kInvalidArgument);
  return m.error().message;
}

TEST(MoneyParseTest, PlainAmounts) {
  EXPECT_EQ(fen_of("1234"), 123400);
  EXPECT_EQ(fen_of("1234.5"), 123450);
  EXPECT_EQ(fen_of("1234.50"), 123450);
  EXPECT_EQ(fen_of("0.05"), 5);
  EXPECT_EQ(fen_of("0"), 0);
  EXPECT_EQ(fen_of("007"), 700);
}

TEST(MoneyParseTest, SignsSymbolsAndBlanks) {
  EXPECT_EQ(fen_of("-12.30"), -1230);
  EXPECT_EQ(fen_of("+12.30"), 1230);
  EXPECT_EQ(fen_of("-0.00"), 0);
  EXPECT_EQ(fen_of("  1,234.50\t"), 123450);
  EXPECT_EQ(fen_of("¥1,234.50"), 123450);
  EXPECT_EQ(fen_of("￥1234.50"), 123450);
  EXPECT_EQ(fen_of("¥ 88"), 8800);
  EXPECT_EQ(fen_of("-¥12.30"), -1230);
  EXPECT_EQ(fen_of("¥-12.30"), -1230);
  EXPECT_EQ(fen_of("\xE3\x80\x80"
                   "5.00"),
            500);  // ideographic space
}

TEST(MoneyParseTest, ThousandsGrouping) {
  EXPECT_EQ(fen_of("1,234"), 123400);
  EXPECT_EQ(fen_of("12,345,678.90"), 1234567890);
  EXPECT_EQ(fen_of("123,456"), 12345600);
  EXPECT_EQ(error_of("1,23"), "金额千分位分隔不正确：1,23");
  EXPECT_EQ(error_of("1234,567"), "金额千分位分隔不正确：1234,567");
  EXPECT_EQ(error_of("1,2345.00"), "金额千分位分隔不正确：1,2345.00");
  EXPECT_EQ(error_of(",123"), "金额千分位分隔不正确：,123");
  EXPECT_EQ(error_of("1,,234"), "金额千分位分隔不正确：1,,234");
  EXPECT_EQ(error_of("1,234,"), "金额格式不正确：1,234,");
}

TEST(MoneyParseTest, Rejections) {
  EXPECT_EQ(error_of(""), "金额不能为空");
  EXPECT_EQ(error_of("   "), "金额不能为空");
  EXPECT_EQ(error_of("1.234"), "金额最多保留两位小数：1.234");
  EXPECT_EQ(error_of("abc"), "金额格式不正确：abc");
  EXPECT_EQ(error_of("12元"), "金额格式不正确：12元");
  EXPECT_EQ(error_of("1.2.3"), "金额格式不正确：1.2.3");
  EXPECT_EQ(error_of("1."), "金额格式不正确：1.");
  EXPECT_EQ(error_of(".5"), "金额格式不正确：.5");
  EXPECT_EQ(error_of("1e3"), "金额格式不正确：1e3");
  EXPECT_EQ(error_of("--1"), "金额格式不正确：--1");
  EXPECT_EQ(error_of("-"), "金额格式不正确：-");
  EXPECT_EQ(error_of("¥"), "金额格式不正确：¥");
  EXPECT_EQ(error_of("1 000"), "金额格式不正确：1 000");
}

TEST(MoneyParseTest, Overflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  const int64_t min = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(fen_of("92233720368547758.07"), max);
  EXPECT_EQ(fen_of("92,233,720,368,547,758.07"), max);
  EXPECT_EQ(fen_of("-92233720368547758.08"), min);
  EXPECT_EQ(error_of("92233720368547758.08"), "金额超出范围：92233720368547758.08");
  EXPECT_EQ(error_of("-92233720368547758.09"), "金额超出范围：-92233720368547758.09");
  EXPECT_EQ(error_of("99999999999999999999999"), "金额超出范围：99999999999999999999999");
}

TEST(MoneyParseTest, LongInputIsShortenedInTheMessage) {
  const std::string long_text(100, 'x');
  EXPECT_EQ(error_of(long_text), "金额格式不正确：" + std::string(40, 'x') + "…");
}

TEST(MoneyFormatTest, ToYuan) {
  EXPECT_EQ(Money::from_fen(123450).to_yuan(), "1234.50");
  EXPECT_EQ(Money::from_fen(-5).to_yuan(), "-0.05");
  EXPECT_EQ(Money::from_fen(0).to_yuan(), "0.00");
  EXPECT_EQ(Money::from_fen(100).to_yuan(), "1.00");
  EXPECT_EQ(Money::from_fen(std::numeric_limits<int64_t>::min()).to_yuan(),
            "-92233720368547758.08");
}

TEST(MoneyFormatTest, ToYuanGrouped) {
  EXPECT_EQ(Money::from_fen(123450).to_yuan_grouped(), "1,234.50");
  EXPECT_EQ(Money::from_fen(-123456789).to_yuan_grouped(), "-1,234,567.89");
  EXPECT_EQ(Money::from_fen(99999).to_yuan_grouped(), "999.99");
  EXPECT_EQ(Money::from_fen(100000).to_yuan_grouped(), "1,000.00");
  EXPECT_EQ(Money::from_fen(-5).to_yuan_grouped(), "-0.05");
  EXPECT_EQ(Money::from_fen(std::numeric_limits<int64_t>::max()).to_yuan_grouped(),
            "92,233,720,368,547,758.07");
}

TEST(MoneyFormatTest, RoundTrips) {
  for (int64_t fen : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{99}, int64_t{100},
                      int64_t{123456789}, int64_t{-987654321012}}) {
    const Money m = Money::from_fen(fen);
    EXPECT_EQ(fen_of(m.to_yuan()), fen);
    EXPECT_EQ(fen_of(m.to_yuan_grouped()), fen);
  }
}

TEST(MoneyArithmeticTest, OperatorsAndComparison) {
  Money a = Money::from_fen(1050);
  const Money b = Money::from_fen(250);
  EXPECT_EQ((a + b).fen(), 1300);
  EXPECT_EQ((a - b).fen(), 800);
  EXPECT_EQ((b - a).fen(), -800);
  EXPECT_EQ((-a).fen(), -1050);
  a += b;
  EXPECT_EQ(a.fen(), 1300);
  a -= Money::from_fen(300);
  EXPECT_EQ(a, Money::from_fen(1000));
  EXPECT_LT(b, a);
  EXPECT_GT(a, b);
  EXPECT_NE(a, b);
  EXPECT_EQ(Money(), Money::from_fen(0));
}

}  // namespace
}  // namespace mingjing::core
