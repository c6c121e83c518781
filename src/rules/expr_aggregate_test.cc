// Aggregates over the group of an aggregated alias, with unknown values in
// the group, empty groups, and the rules on where aggregates may appear.
#include <string>
#include <thread>

#include "rules/expr_test_support.h"

namespace mingjing::rules::testing {
namespace {

class ExprAggregate : public ExprTest {
 protected:
  ExprAggregate() {
    alias("s", "subsidies");
    alias("w", "subsidies", /*aggregated=*/true);
    scope_.aggregates_allowed = true;
    r1_ = row("W1", "100", "100", "true", kBorn1952Feb29Male, "2025-01-05 10:00");
    r2_ = row("W2", "200", "", "false", kBorn1980Jan15Female, "2025-02-10 10:00");
    r3_ = row("W3", "300.01", "250", "", kBorn1952Feb29Male, "2025-03-15 10:00");
    r4_ = row("W4", "0.01", "", "true", kBorn2000Mar01Male, "2025-03-16 10:00");
  }

  std::uint32_t row(const std::string& id, const std::string& amount, const std::string& posted,
                    const std::string& means_tested, const std::string& id_number,
                    const std::string& paid_at) {
    return add(
        "subsidies",
        {"id", "program_code", "department", "means_tested", "recipient_id_number", "village_code",
         "amount", "paid_at", "posted_amount"},
        {id, "DB", "民政", means_tested, id_number, "330782001203", amount, paid_at, posted});
  }

  // `source` over the group `group` of w, with s bound to r1.
  std::string over(std::string_view source, std::vector<std::uint32_t> group) {
    return show(source, {r1_, 0}, {{}, std::move(group)});
  }

  std::uint32_t r1_ = 0, r2_ = 0, r3_ = 0, r4_ = 0;
};

TEST_F(ExprAggregate, Count) {
  EXPECT_EQ(over("count()", {r1_, r2_, r3_}), "3");
  EXPECT_EQ(over("count()", {}), "0");
  EXPECT_EQ(over("count(w.posted_amount)", {r1_, r2_, r3_}), "2") << "rows where it is known";
  EXPECT_EQ(over("count(w.means_tested)", {r1_, r2_, r3_}), "1")
      << "a condition: rows where it is true";
  EXPECT_EQ(over("count(w.means_tested == false)", {r1_, r2_, r3_}), "1");
  EXPECT_EQ(over("count(w.amount > s.amount)", {r1_, r2_, r3_, r4_}), "2") << "s stays bound to r1";
}

TEST_F(ExprAggregate, SumSkipsUnknownButNotWhenAllAreUnknown) {
  EXPECT_EQ(over("sum(w.amount)", {r1_, r2_, r3_}), "600.01元");
  EXPECT_EQ(over("sum(w.posted_amount)", {r1_, r2_, r3_}), "350.00元");
  EXPECT_EQ(over("sum(w.posted_amount)", {r2_, r4_}), "unknown");
  EXPECT_EQ(over("sum(w.amount)", {}), "0.00元");
  EXPECT_EQ(over("sum(year(w.paid_at))", {r1_, r2_}), "4050");
  EXPECT_EQ(over("sum(w.amount / s.amount)", {r1_, r2_}), "3") << "decimals";
  EXPECT_EQ(type_of("sum(w.amount / s.amount)"), ExprType::decimal);
}

TEST_F(ExprAggregate, MinMaxAvg) {
  EXPECT_EQ(over("min(w.amount)", {r1_, r2_, r3_}), "100.00元");
  EXPECT_EQ(over("max(w.amount)", {r1_, r2_, r3_}), "300.01元");
  EXPECT_EQ(over("max(w.paid_at)", {r1_, r2_, r3_}), "2025-03-15 10:00:00");
  EXPECT_EQ(over("min(date(w.paid_at))", {r2_, r3_}), "2025-02-10");
  EXPECT_EQ(over("min(w.posted_amount)", {r1_, r2_, r3_}), "100.00元") << "unknown skipped";
  EXPECT_EQ(over("min(w.posted_amount)", {r2_}), "unknown");
  EXPECT_EQ(over("max(w.amount)", {}), "unknown");
  // Money's mean is rounded to the fen, half away from zero.
  EXPECT_EQ(over("avg(w.amount)", {r1_, r2_, r3_}), "200.00元") << "60001 / 3 fen";
  EXPECT_EQ(over("avg(w.amount)", {r1_, r4_}), "50.01元") << "10001 / 2 = 5000.5 fen";
  EXPECT_EQ(over("avg(w.posted_amount)", {r1_, r2_, r3_}), "175.00元");
  EXPECT_EQ(over("avg(month(w.paid_at))", {r1_, r2_, r4_}), "2") << "integers average as decimals";
  EXPECT_EQ(over("avg(month(w.paid_at))", {r1_, r2_}), "1.5");
  EXPECT_EQ(type_of("avg(month(w.paid_at))"), ExprType::decimal);
  EXPECT_EQ(over("avg(w.amount)", {}), "unknown");
}

TEST_F(ExprAggregate, Distinct) {
  EXPECT_EQ(over("distinct(w.recipient_id_number)", {r1_, r2_, r3_}), "2")
      << "blind indexes compare";
  EXPECT_EQ(over("distinct(w.recipient_id_number)", {r1_, r2_, r3_, r4_}), "3");
  EXPECT_EQ(over("distinct(w.means_tested)", {r1_, r3_, r4_}), "1") << "unknown skipped";
  EXPECT_EQ(over("distinct(month(w.paid_at))", {r1_, r2_, r3_, r4_}), "3");
  EXPECT_EQ(over("distinct(w.amount)", {r1_, r1_, r2_}), "2");
  EXPECT_EQ(over("distinct(w.amount / s.amount)", {r1_, r2_, r1_}), "2");
  EXPECT_EQ(over("distinct(normalize(w.department))", {r1_, r2_}), "1") << "computed text by value";
  EXPECT_EQ(over("distinct(text(month(w.paid_at)))", {r1_, r2_, r3_, r4_}), "3");
  EXPECT_EQ(over("distinct(w.posted_amount)", {}), "0");
}

TEST_F(ExprAggregate, AllAndAnyFollowAndAndOr) {
  EXPECT_EQ(over("all(w.amount > yuan(50))", {r1_, r2_, r3_}), "是");
  EXPECT_EQ(over("all(w.means_tested)", {r1_, r2_, r3_}), "否") << "a false row decides";
  EXPECT_EQ(over("all(w.means_tested)", {r1_, r3_}), "unknown") << "true and unknown";
  EXPECT_EQ(over("all(w.means_tested)", {r1_, r4_}), "是");
  EXPECT_EQ(over("all(w.means_tested)", {}), "是");
  EXPECT_EQ(over("any(w.means_tested)", {r2_, r1_}), "是");
  EXPECT_EQ(over("any(w.means_tested)", {r2_, r3_}), "unknown") << "false and unknown";
  EXPECT_EQ(over("any(w.means_tested)", {r2_}), "否");
  EXPECT_EQ(over("any(w.means_tested)", {}), "否");
}

TEST_F(ExprAggregate, CatalogueShapes) {
  // P01: at least 2 contracts, each below T, together at or above T.
  ParamValue threshold;
  threshold.type = ExprType::money;
  threshold.integer = 60'000;
  param("threshold", threshold);
  const char* splitting =
      "count() >= 2 and all(w.amount < params.threshold) and sum(w.amount) >= params.threshold";
  EXPECT_EQ(over(splitting, {r1_, r2_, r3_}), "是");
  EXPECT_EQ(over(splitting, {r2_, r3_}), "否") << "500.01 together is below 600";
  EXPECT_EQ(over(splitting, {r1_, r2_}), "否") << "300.00 together is below 600";
  EXPECT_EQ(over(splitting, {r1_}), "否");
  // S06: one account, several households.
  EXPECT_EQ(over("distinct(w.recipient_id_number) >= 3", {r1_, r2_, r3_, r4_}), "是");
  // Aggregates beside the bound alias.
  EXPECT_EQ(over("sum(w.amount) > s.amount * 5", {r1_, r2_, r3_}), "是");
}

// One compiled expression on several threads at once, through the paths
// that keep per-thread scratch (distinct, similarity, computed text).
TEST_F(ExprAggregate, OneExpressionOnSeveralThreads) {
  Compiled compiled = compile(
      "distinct(text(month(w.paid_at))) * 100 + count(similarity(w.recipient_id_number.mask, "
      "s.recipient_id_number.mask) "
      "== 1) * 10 + distinct(normalize(w.department))");
  ASSERT_TRUE(std::holds_alternative<Expression>(compiled));
  const Expression& expression = std::get<Expression>(compiled);
  const std::vector<std::vector<std::uint32_t>> groups = {
      {r1_, r2_, r3_, r4_}, {r1_, r3_}, {r2_}, {}, {r4_, r4_, r1_}};
  // months distinct * 100 + rows with r1's masked ID * 10 + departments distinct
  const std::vector<std::int64_t> expected = {321, 221, 101, 0, 211};
  auto value_of = [&](std::size_t g) {
    std::uint32_t rows[] = {r1_, 0};
    std::span<const std::uint32_t> spans[] = {{}, groups[g]};
    Binding binding{rows, spans, params_, as_of_};
    return expression.eval(store_, binding).integer;
  };
  for (std::size_t g = 0; g < groups.size(); ++g) ASSERT_EQ(value_of(g), expected[g]) << g;
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        std::size_t g = static_cast<std::size_t>(i + t) % groups.size();
        if (value_of(g) != expected[g]) ++wrong[t];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST_F(ExprAggregate, WhereAggregatesMayAppear) {
  EXPECT_EQ(error("w.amount > yuan(1)").error.message,
            "w 是聚合别名，它的列只能用在聚合函数里（如 sum(w.amount)）：w.amount");
  EXPECT_EQ(error("sum(sum(w.amount)) > yuan(1)").error.message, "聚合函数不能嵌套：sum");
  EXPECT_EQ(error("sum(s.amount) > yuan(1)").error.message,
            "聚合函数的参数必须引用聚合别名的列：sum");
  EXPECT_EQ(error("sum(w.period)").error.message,
            "类型不匹配：sum 的第 1 个参数应为 integer、decimal 或 money，实际是 text");
  EXPECT_EQ(error("all(w.amount)").error.message,
            "类型不匹配：all 的第 1 个参数应为 boolean，实际是 money");
  EXPECT_EQ(
      error("min(w.period)").error.message,
      "类型不匹配：min 的第 1 个参数应为 integer、decimal、money、date 或 datetime，实际是 text");
  Expression::CompileError offset = error("count() > 1 and w.amount > yuan(1)");
  EXPECT_EQ(offset.offset, 16u);
  alias("v", "subsidies", /*aggregated=*/true);
  EXPECT_EQ(error("count() > 1").error.message,
            "有多个聚合别名，count() 请写成 count(别名.列)：count");
  EXPECT_EQ(error("sum(w.amount + v.amount) > yuan(1)").error.message,
            "聚合函数的参数只能引用一个聚合别名：sum");
  EXPECT_EQ(show("count(v.amount) + count(w.amount)", {r1_, 0, 0}, {{}, {r1_, r2_}, {r3_}}), "3");
  scope_.aggregates_allowed = false;
  EXPECT_EQ(error("count(w.amount) > 1").error.message, "此处不能使用聚合函数：count");
}

}  // namespace
}  // namespace mingjing::rules::testing
