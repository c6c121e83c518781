// Tests for header mapping and cell/row validation of the dataset catalogue.
#include "imports/validate.h"

#include <gtest/gtest.h>

#include "core/datetime.h"

namespace mingjing::imports {
namespace {

const DatasetSpec& ds(const char* name) {
  const DatasetSpec* d = find_dataset(name);
  EXPECT_NE(d, nullptr) << name;
  return *d;
}

const ColumnSpec& col(const char* dataset, const char* column) {
  const ColumnSpec* c = ds(dataset).column(column);
  EXPECT_NE(c, nullptr) << dataset << "." << column;
  return *c;
}

std::string repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// The value, or the Chinese reason prefixed with "!".
std::string cell(const char* dataset, const char* column, std::string_view raw) {
  Value v;
  CellProblem p;
  if (!parse_cell(col(dataset, column), raw, v, p)) return "!" + p.reason;
  switch (v.kind) {
    case Value::Kind::null:
      return "null";
    case Value::Kind::text:
      return v.text;
    case Value::Kind::integer:
      return std::to_string(v.integer);
    case Value::Kind::real:
      return std::to_string(v.real);
  }
  return "?";
}

TEST(MapHeader, EnglishCaseInsensitiveChineseAliasesAndUnknownColumns) {
  auto m = map_header(ds("bank_transactions"),
                      {" ID ", "账号", "交易时间", "Direction", "金额", "备注栏", "", "balance"});
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto& d = ds("bank_transactions");
  auto at = [&](const char* name) {
    for (std::size_t i = 0; i < d.columns.size(); ++i) {
      if (d.columns[i].name == name) return m->source[i];
    }
    return -2;
  };
  EXPECT_EQ(at("id"), 0);
  EXPECT_EQ(at("account_no"), 1);
  EXPECT_EQ(at("time"), 2);
  EXPECT_EQ(at("direction"), 3);
  EXPECT_EQ(at("amount"), 4);
  EXPECT_EQ(at("balance"), 7);
  EXPECT_EQ(at("summary"), -1);
  EXPECT_EQ(m->unknown, std::vector<std::string>{"备注栏"});
}

TEST(MapHeader, AMissingRequiredColumnRefusesTheFileByName) {
  auto m = map_header(ds("bank_transactions"), {"id", "account_no", "time", "direction"});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().field, "amount");
  EXPECT_EQ(m.error().message, "缺少必填列：amount（或“金额”）");
  auto twice = map_header(ds("deaths"), {"id_number", "身份证号", "death_date"});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "id_number");
}

TEST(ParseCell, TextAndEnumerations) {
  EXPECT_EQ(cell("persons", "name", "  张三　"), "张三");
  EXPECT_EQ(cell("persons", "name", ""), "!必填项为空");
  EXPECT_EQ(cell("persons", "household_no", " "), "null");
  EXPECT_EQ(cell("persons", "name", std::string(201, 'a')), "!内容过长（201字，上限200字）");
  EXPECT_EQ(cell("persons", "name", repeat("张", 200)), repeat("张", 200))
      << "the limit counts characters, not bytes";
  EXPECT_EQ(cell("persons", "name", repeat("张", 201)), "!内容过长（201字，上限200字）");
  EXPECT_EQ(cell("bank_transactions", "direction", "OUT"), "out");
  EXPECT_EQ(cell("bank_transactions", "direction", "sideways"), "!取值不在允许范围内（in, out）");
}

TEST(ParseCell, MoneyIsNonNegativeFen) {
  EXPECT_EQ(cell("payments", "amount", "1,234.50"), "123450");
  EXPECT_EQ(cell("payments", "amount", "¥0.01"), "1");
  EXPECT_EQ(cell("payments", "amount", "-5"), "!金额不能为负数");
  EXPECT_EQ(cell("payments", "amount", "1.234"), "!金额最多保留两位小数：1.234");
  EXPECT_EQ(cell("payments", "amount", "abc"), "!金额格式不正确：abc");
}

TEST(ParseCell, DatesDateTimesAndExcelSerials) {
  EXPECT_EQ(cell("deaths", "death_date", "2025/1/26"), "2025-01-26");
  EXPECT_EQ(cell("deaths", "death_date", "2025年1月26日"), "2025-01-26");
  EXPECT_EQ(cell("deaths", "death_date", "45683"), "2025-01-26") << "an Excel serial";
  EXPECT_EQ(cell("deaths", "death_date", "2023-02-29"), "!日期不存在：2023-02-29");
  long long ms = core::DateTime::parse("2025-01-26 09:30")->unix_ms();
  EXPECT_EQ(cell("bank_transactions", "time", "2025-01-26 09:30"), std::to_string(ms));
  long long midnight = core::DateTime::parse("2025-01-26 00:00")->unix_ms();
  EXPECT_EQ(cell("bank_transactions", "time", "2025-01-26"), std::to_string(midnight));
  EXPECT_EQ(cell("bank_transactions", "time", "2025-01-26 25:00"), "!时间不存在：2025-01-26 25:00");
}

TEST(ParseCell, IdentifiersAreCheckedAndNormalised) {
  EXPECT_EQ(cell("persons", "id_number", "11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(cell("persons", "id_number", "110105194912310021").substr(0, 1), "!");
  EXPECT_EQ(cell("persons", "id_number", "110105491231002"),
            "!15位旧身份证号码不再受理，请使用18位身份证号码");
  EXPECT_EQ(cell("companies", "uscc", "91350100M000100Y43"), "91350100M000100Y43");
  EXPECT_EQ(cell("companies", "uscc", "91350100M000100Y4A"),
            "!统一社会信用代码校验位错误（应为3）");
  EXPECT_EQ(cell("persons", "village_code", "330782001001"), "330782001001");
  EXPECT_EQ(cell("persons", "village_code", "3307820010").substr(0, 1), "!");
  EXPECT_EQ(cell("accounts", "account_no", "6222 0212 3456 7890 123"), "6222021234567890123");
  EXPECT_EQ(cell("accounts", "account_no", "62-22"), "!账号格式不正确（应为6至40位数字）");
  EXPECT_EQ(cell("persons", "phone", "138-1234-1234"), "13812341234");
  EXPECT_EQ(cell("persons", "phone", "call me"), "!电话号码格式不正确");
}

TEST(ParseCell, NumbersAndBooleans) {
  EXPECT_EQ(cell("meetings", "attended", "37"), "37");
  EXPECT_EQ(cell("meetings", "attended", "-1"), "!不能为负数");
  EXPECT_EQ(cell("meetings", "attended", "3.5"), "!应为整数");
  EXPECT_EQ(cell("shareholders", "share_pct", "12.5"), std::to_string(12.5));
  EXPECT_EQ(cell("shareholders", "share_pct", "12.5%"), std::to_string(12.5));
  EXPECT_EQ(cell("shareholders", "share_pct", "-3"), "!应为非负数字");
  EXPECT_EQ(cell("shareholders", "share_pct", "1e9999"), "!应为非负数字");
  EXPECT_EQ(cell("leases", "lessee_is_member", "是"), "1");
  EXPECT_EQ(cell("leases", "lessee_is_member", "FALSE"), "0");
  EXPECT_EQ(cell("leases", "lessee_is_member", "maybe"), "!应为是/否（true/false）");
}

TEST(ParseRow, EveryBadCellIsReportedWithRowAndColumn) {
  const auto& d = ds("bank_transactions");
  auto header = map_header(d, {"id", "account_no", "time", "direction", "amount"});
  ASSERT_TRUE(header.ok());
  auto good =
      parse_row(d, *header, {"T1", "6222021234567890123", "2025-03-01 10:00", "out", "12.00"}, 2);
  EXPECT_TRUE(good.ok());
  auto bad = parse_row(d, *header, {"T2", "x", "2025-03-01 10:00", "up", "-1"}, 3);
  ASSERT_EQ(bad.errors.size(), 3u);
  EXPECT_EQ(bad.errors[0].row, 3u);
  EXPECT_EQ(bad.errors[0].column, "account_no");
  EXPECT_EQ(bad.errors[0].value, "*") << "an account number, even a bad one, is shown masked";
  EXPECT_EQ(bad.errors[1].column, "direction");
  EXPECT_EQ(bad.errors[2].column, "amount");
  EXPECT_EQ(bad.errors[2].reason_en, "amount must not be negative");
  auto short_row = parse_row(d, *header, {"T3"}, 4);
  EXPECT_EQ(short_row.errors.size(), 4u) << "missing trailing cells are empty";
}

TEST(ParseRow, OneOfTheHolderColumnsIsRequired) {
  const auto& d = ds("shareholders");
  auto header = map_header(d, {"uscc", "holder_id_number", "holder_uscc", "holder_name"});
  ASSERT_TRUE(header.ok());
  auto neither = parse_row(d, *header, {"91350100M000100Y43", "", "", "张三"}, 2);
  ASSERT_EQ(neither.errors.size(), 1u);
  EXPECT_EQ(neither.errors[0].reason, "须填写holder_id_number、holder_uscc之一");
  EXPECT_TRUE(parse_row(d, *header, {"91350100M000100Y43", "11010519491231002X", "", ""}, 3).ok());
  EXPECT_TRUE(parse_row(d, *header, {"91350100M000100Y43", "", "91350100M000100Y43", ""}, 4).ok());
  auto bad_holder = parse_row(d, *header, {"91350100M000100Y43", "110105194912310021", "", ""}, 5);
  ASSERT_EQ(bad_holder.errors.size(), 1u) << "a holder given, but wrong: one error, not two";
  EXPECT_EQ(bad_holder.errors[0].column, "holder_id_number");
}

TEST(MapHeader, AFileWithoutAnyOfTheOneOfColumnsIsRefused) {
  auto header = map_header(ds("shareholders"), {"uscc", "holder_name", "share_pct"});
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().field, "holder_id_number");
  EXPECT_EQ(header.error().message, "缺少必填列：holder_id_number或holder_uscc（至少其一）");
  EXPECT_TRUE(map_header(ds("shareholders"), {"uscc", "股东信用代码"}).ok());
}

TEST(ParseRow, BadPersonalValuesAreMaskedInTheReport) {
  const auto& d = ds("persons");
  auto header = map_header(d, {"id_number", "name", "village_code", "phone"});
  ASSERT_TRUE(header.ok());
  auto bad =
      parse_row(d, *header, {"110105194912310021", "张三", "330782001001", "1381234abcd"}, 2);
  ASSERT_EQ(bad.errors.size(), 2u);
  EXPECT_EQ(bad.errors[0].value, "******************");
  EXPECT_EQ(bad.errors[1].value, "138****abcd");
  const auto& tx = ds("bank_transactions");
  auto tx_header = map_header(tx, {"id", "account_no", "time", "direction", "amount"});
  ASSERT_TRUE(tx_header.ok());
  auto bad_account =
      parse_row(tx, *tx_header, {"T1", "6222021234567890ABC", "2025-03-01 10:00", "out", "1"}, 2);
  ASSERT_EQ(bad_account.errors.size(), 1u);
  EXPECT_EQ(bad_account.errors[0].value, "6222***********0ABC");
}

}  // namespace
}  // namespace mingjing::imports
