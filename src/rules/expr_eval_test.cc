// The expression language at run time, over a real FactStore filled with
// upsert(): three-valued logic, every operator and function, money
// rounding, dates against date-times, workdays, similarity, text.
#include <cmath>
#include <string>

#include "rules/expr_test_support.h"

namespace mingjing::rules::testing {
namespace {

class ExprEval : public ExprTest {
 protected:
  ExprEval() {
    alias("a", "subsidies");
    alias("b", "subsidies");
    yes_ = subsidy("S1", "true", "1,200.50", "2025-03-10 09:30", "2025-03");
    no_ = subsidy("S2", "false", "0.05", "2025-03-11 23:59:59", "", kBorn1980Jan15Female,
                  "330782002001");
    blank_ =
        add("subsidies",
            {"id", "program_code", "department", "recipient_id_number", "village_code", "amount",
             "paid_at"},
            {"S3", "DB", "民政", kBorn2000Mar01Male, "330782001203", "300", "2025-03-12 00:00"});
  }

  // The value of `source` over the bindings (a, b) = (row, row) of the
  // three rows: true, false, missing.
  std::string over(std::string_view source, std::uint32_t a, std::uint32_t b) {
    return truth(source, {a, b});
  }

  std::uint32_t yes_ = 0, no_ = 0, blank_ = 0;
};

TEST_F(ExprEval, ThreeValuedTruthTables) {
  const std::uint32_t rows[] = {yes_, no_, blank_};
  const char* names[] = {"true", "false", "unknown"};
  // Kleene logic: expected[a][b].
  const char* conjunction[3][3] = {
      {"true", "false", "unknown"}, {"false", "false", "false"}, {"unknown", "false", "unknown"}};
  const char* disjunction[3][3] = {
      {"true", "true", "true"}, {"true", "false", "unknown"}, {"true", "unknown", "unknown"}};
  for (int x = 0; x < 3; ++x) {
    EXPECT_EQ(over("not a.means_tested", rows[x], 0), std::string(names[x]) == "unknown" ? "unknown"
                                                      : std::string(names[x]) == "true"  ? "false"
                                                                                         : "true");
    EXPECT_EQ(over("!a.means_tested", rows[x], 0), over("not a.means_tested", rows[x], 0));
    for (int y = 0; y < 3; ++y) {
      EXPECT_EQ(over("a.means_tested and b.means_tested", rows[x], rows[y]), conjunction[x][y])
          << names[x] << " and " << names[y];
      EXPECT_EQ(over("a.means_tested && b.means_tested", rows[x], rows[y]), conjunction[x][y]);
      EXPECT_EQ(over("a.means_tested or b.means_tested", rows[x], rows[y]), disjunction[x][y])
          << names[x] << " or " << names[y];
      EXPECT_EQ(over("a.means_tested || b.means_tested", rows[x], rows[y]), disjunction[x][y]);
    }
  }
}

// Chains of and/or are one node with many operands: each chain of three
// must give what two binary steps give.
TEST_F(ExprEval, ChainsOfThreeFollowTheBinaryTables) {
  alias("c", "subsidies");
  const std::uint32_t rows[] = {yes_, no_, blank_};
  const int conjunction[3][3] = {{0, 1, 2}, {1, 1, 1}, {2, 1, 2}};  // 0 true, 1 false, 2 unknown
  const int disjunction[3][3] = {{0, 0, 0}, {0, 1, 2}, {0, 2, 2}};
  const char* names[] = {"true", "false", "unknown"};
  for (int x = 0; x < 3; ++x) {
    for (int y = 0; y < 3; ++y) {
      for (int z = 0; z < 3; ++z) {
        std::vector<std::uint32_t> bound{rows[x], rows[y], rows[z]};
        EXPECT_EQ(truth("a.means_tested and b.means_tested and c.means_tested", bound),
                  names[conjunction[conjunction[x][y]][z]]);
        EXPECT_EQ(truth("a.means_tested or b.means_tested or c.means_tested", bound),
                  names[disjunction[disjunction[x][y]][z]]);
        EXPECT_EQ(truth("a.means_tested and (b.means_tested or c.means_tested)", bound),
                  names[conjunction[x][disjunction[y][z]]]);
        EXPECT_EQ(truth("a.means_tested or b.means_tested and c.means_tested", bound),
                  names[disjunction[x][conjunction[y][z]]]);
      }
    }
  }
}

TEST_F(ExprEval, MissingDataIsUnknownNeverFalse) {
  EXPECT_EQ(truth("a.means_tested == true", {blank_}), "unknown");
  EXPECT_EQ(truth("a.means_tested != true", {blank_}), "unknown");
  EXPECT_EQ(truth("a.period == '2025-03'", {no_}), "unknown") << "empty text is missing";
  EXPECT_EQ(truth("a.period != '2025-03'", {no_}), "unknown");
  EXPECT_EQ(truth("a.period in ['2025-03']", {no_}), "unknown");
  EXPECT_EQ(truth("a.period not in ['2025-03']", {no_}), "unknown");
  EXPECT_EQ(truth("a.posted_amount > yuan(1)", {yes_}), "unknown");
  EXPECT_EQ(truth("a.posted_amount between yuan(1) and yuan(2)", {yes_}), "unknown");
  EXPECT_EQ(truth("a.posted_amount not between yuan(1) and yuan(2)", {yes_}), "unknown");
  EXPECT_EQ(show("a.posted_amount + yuan(1)", {yes_}), "unknown");
  EXPECT_EQ(show("a.posted_from + 1", {yes_}), "unknown");
  EXPECT_EQ(show("days(a.posted_from, a.paid_at)", {yes_}), "unknown");
  EXPECT_EQ(show("length(a.period)", {no_}), "unknown");
  EXPECT_EQ(show("a.means_tested ? 1 : 2", {blank_}), "unknown");
  EXPECT_EQ(show("abs(a.posted_amount)", {yes_}), "unknown");
  EXPECT_EQ(show("max(a.amount, a.posted_amount)", {yes_}), "unknown")
      << "min/max: unknown if any is";
  // present, missing and coalesce are the only ways out, and never unknown.
  EXPECT_EQ(truth("present(a.posted_amount)", {yes_}), "false");
  EXPECT_EQ(truth("missing(a.posted_amount)", {yes_}), "true");
  EXPECT_EQ(truth("present(a.amount)", {yes_}), "true");
  EXPECT_EQ(truth("missing(a.means_tested)", {blank_}), "true");
  EXPECT_EQ(truth("present(a.period)", {no_}), "false");
  EXPECT_EQ(truth("present(a.posted_amount + yuan(1))", {yes_}), "false");
  EXPECT_EQ(show("coalesce(a.posted_amount, a.amount)", {yes_}), "1,200.50元");
  EXPECT_EQ(show("coalesce(a.period, 'none')", {no_}), "none");
  EXPECT_EQ(show("coalesce(a.period, 'none')", {yes_}), "2025-03");
  EXPECT_EQ(truth("coalesce(a.means_tested, false)", {blank_}), "false");
  EXPECT_EQ(show("coalesce(a.posted_amount, a.posted_amount)", {yes_}), "unknown");
  // Division by zero is unknown, not an error.
  EXPECT_EQ(show("a.amount / 0", {yes_}), "unknown");
  EXPECT_EQ(show("a.amount / (a.amount - a.amount)", {yes_}), "unknown");
  EXPECT_EQ(show("1 / 0"), "unknown");
  EXPECT_EQ(show("5 % 0"), "unknown");
}

TEST_F(ExprEval, Comparisons) {
  EXPECT_EQ(truth("a.amount == yuan(1200.5)", {yes_}), "true");
  EXPECT_EQ(truth("a.amount != yuan(1200.5)", {yes_}), "false");
  EXPECT_EQ(truth("a.amount > yuan(1200.49)", {yes_}), "true");
  EXPECT_EQ(truth("a.amount >= yuan(1200.5)", {yes_}), "true");
  EXPECT_EQ(truth("a.amount < yuan(1200.5)", {yes_}), "false");
  EXPECT_EQ(truth("a.amount <= yuan(1200.5)", {yes_}), "true");
  EXPECT_EQ(truth("a.amount between yuan(1200.5) and yuan(1300)", {yes_}), "true") << "inclusive";
  EXPECT_EQ(truth("a.amount between yuan(1000) and yuan(1200.49)", {yes_}), "false");
  EXPECT_EQ(truth("a.amount > b.amount", {yes_, no_}), "true");
  EXPECT_EQ(truth("a.means_tested == b.means_tested", {yes_, no_}), "false");
  EXPECT_EQ(truth("a.means_tested != false", {yes_}), "true");
  // Text: codes for stored text and literals, values for computed text.
  EXPECT_EQ(truth("a.period == '2025-03'", {yes_}), "true");
  EXPECT_EQ(truth("a.program_code == b.program_code", {yes_, no_}), "true");
  EXPECT_EQ(truth("a.village_code != b.village_code", {yes_, no_}), "true");
  EXPECT_EQ(error("text(2025) + '-03' == a.period").error.message,
            "类型不匹配：text 不能与 text 相加")
      << "no text concatenation";
  EXPECT_EQ(truth("normalize('2025-03') == '202503'"), "true");
  EXPECT_EQ(truth("normalize(a.period) == '202503'", {yes_}), "true");
  EXPECT_EQ(truth("normalize(a.period) != a.period", {yes_}), "true");
  EXPECT_EQ(truth("'abc' < 'abd'"), "true");
  EXPECT_EQ(truth("a.period < '2025-04'", {yes_}), "true");
  EXPECT_EQ(truth("a.period between '2025-01' and '2025-12'", {yes_}), "true");
  // Decimals and integers meet as decimals.
  EXPECT_EQ(truth("a.amount / b.amount > 24010", {yes_, no_}), "false");
  EXPECT_EQ(truth("a.amount / b.amount == 24010", {yes_, no_}), "true");
}

// A column against a constant or a parameter is one fused node; it must
// agree with the general comparison (`a.amount + yuan(0)` is not a column),
// with either side on the left and on missing values.
TEST_F(ExprEval, FusedComparisonsAgreeWithTheGeneralOnes) {
  ParamValue limit;
  limit.type = ExprType::money;
  limit.integer = 30'000;
  param("limit", limit);
  const char* ops[] = {"==", "!=", "<", "<=", ">", ">="};
  const char* constants[] = {"yuan(300)", "yuan(0.05)", "yuan(1200.5)", "params.limit"};
  for (std::uint32_t row : {yes_, no_, blank_}) {
    for (const char* op : ops) {
      for (const char* constant : constants) {
        std::string general = "a.amount + yuan(0) " + std::string(op) + " " + constant;
        std::string expected = truth(general, {row});
        EXPECT_EQ(truth("a.amount " + std::string(op) + " " + constant, {row}), expected)
            << general;
        EXPECT_EQ(truth(std::string(constant) + " " + op + " a.amount + yuan(0)", {row}),
                  truth(std::string(constant) + " " + op + " a.amount", {row}))
            << constant << " " << op << " a.amount";
      }
      std::string posted = "a.posted_amount " + std::string(op) + " yuan(1)";
      EXPECT_EQ(truth(posted, {row}), "unknown") << posted;
      EXPECT_EQ(truth("yuan(1) " + std::string(op) + " a.posted_amount", {row}), "unknown");
    }
  }
  // A column between known bounds becomes two fused comparisons.
  ParamValue low;
  low.type = ExprType::money;
  low.integer = 5;
  param("low", low);
  const char* ranges[] = {
      "between params.low and params.limit", "between yuan(300) and yuan(1200.5)",
      "not between params.low and yuan(300)", "between params.limit and params.low"};
  for (std::uint32_t row : {yes_, no_, blank_}) {
    for (const char* range : ranges) {
      EXPECT_EQ(truth("a.amount " + std::string(range), {row}),
                truth("a.amount + yuan(0) " + std::string(range), {row}))
          << range;
      EXPECT_EQ(truth("a.posted_amount " + std::string(range), {row}), "unknown") << range;
    }
  }
  EXPECT_EQ(truth("yuan(1000) < a.amount", {yes_}), "true");
  EXPECT_EQ(truth("yuan(1000) > a.amount", {yes_}), "false");
  EXPECT_EQ(truth("params.limit <= a.amount", {blank_}), "true");
  EXPECT_EQ(truth("params.limit < a.amount", {blank_}), "false");
  EXPECT_EQ(truth("'2025-03' == a.period", {yes_}), "true");
  EXPECT_EQ(truth("'2025-03' != a.period", {yes_}), "false");
  EXPECT_EQ(truth("a.period != '2025-04'", {yes_}), "true");
  EXPECT_EQ(truth("'2025-03' == a.period", {no_}), "unknown");
  EXPECT_EQ(truth("a.period == ''", {yes_}), "false") << "'' is a known empty text";
}

TEST_F(ExprEval, MembershipInConstantAndParameterLists) {
  ParamValue programs;
  programs.type = ExprType::list;
  programs.list = {"DB", "TK"};
  param("programs", programs);
  ParamValue years;
  years.type = ExprType::list;
  years.numbers = {2024, 2025};
  param("years", years);
  EXPECT_EQ(truth("a.program_code in params.programs", {yes_}), "true");
  EXPECT_EQ(truth("a.department in params.programs", {yes_}), "false");
  EXPECT_EQ(truth("a.department not in params.programs", {yes_}), "true");
  EXPECT_EQ(truth("year(a.paid_at) in params.years", {yes_}), "true");
  EXPECT_EQ(truth("year(a.paid_at) + 1 in params.years", {yes_}), "false");
  EXPECT_EQ(truth("a.program_code in ['TK', 'DB']", {yes_}), "true");
  EXPECT_EQ(truth("a.program_code in ['TK', '五保']", {yes_}), "false");
  EXPECT_EQ(truth("normalize(a.department) in ['民政', '人社']", {yes_}), "true")
      << "computed text by value";
  EXPECT_EQ(truth("a.amount in [yuan(0.05), yuan(1)]", {no_}), "true");
  EXPECT_EQ(truth("a.paid_at in [date('2025-03-11')]", {no_}), "true")
      << "datetime as its civil date";
  EXPECT_EQ(truth("month(a.paid_at) in [1, 2, 3]", {no_}), "true");
  // A column in a constant list is one node: short lists are scanned, long
  // ones searched; both must agree with the general path (coalesce(x, x)
  // is not a column).
  const char* lists[] = {
      "['2025-03', 'x']",
      "['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', '2025-03']",
      "['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']",
      "['x']",
  };
  const char* amounts[] = {
      "[yuan(0.05), yuan(300)]",
      "[yuan(1), yuan(2), yuan(3), yuan(4), yuan(5), yuan(6), yuan(7), yuan(8), yuan(300)]",
      "[yuan(1), yuan(2), yuan(3), yuan(4), yuan(5), yuan(6), yuan(7), yuan(8), yuan(9)]"};
  for (std::uint32_t row : {yes_, no_, blank_}) {
    for (const char* list : lists) {
      for (const char* in : {" in ", " not in "}) {
        EXPECT_EQ(truth("a.period" + std::string(in) + list, {row}),
                  truth("coalesce(a.period, a.period)" + std::string(in) + list, {row}))
            << in << list;
      }
    }
    for (const char* list : amounts) {
      EXPECT_EQ(truth("a.amount in " + std::string(list), {row}),
                truth("a.amount + yuan(0) in " + std::string(list), {row}))
          << list;
    }
  }
  EXPECT_EQ(truth(std::string("a.period in ") + lists[1], {yes_}), "true");
  EXPECT_EQ(truth(std::string("a.period in ") + lists[2], {yes_}), "false");
  EXPECT_EQ(truth(std::string("a.period in ") + lists[1], {no_}), "unknown");
  EXPECT_EQ(truth(std::string("a.amount in ") + amounts[1], {blank_}), "true");
  EXPECT_EQ(truth(std::string("a.amount in ") + amounts[2], {blank_}), "false");
  EXPECT_EQ(error("a.amount in params.years").error.message,
            "类型不匹配：money 不能与 integer 比较（金额请写成 yuan(1000) 这样的形式）（in "
            "的列表元素是 integer）");
  EXPECT_EQ(error("params.programs == 'DB'").error.message, "类型不匹配：列表只能用在 in 的右边");
}

TEST_F(ExprEval, MoneyArithmeticAndRounding) {
  EXPECT_EQ(show("a.amount + b.amount", {yes_, no_}), "1,200.55元");
  EXPECT_EQ(show("a.amount - b.amount", {yes_, no_}), "1,200.45元");
  EXPECT_EQ(show("a.amount * 3", {yes_}), "3,601.50元");
  EXPECT_EQ(show("-a.amount", {yes_}), "-1,200.50元");
  EXPECT_EQ(show("abs(-a.amount)", {yes_}), "1,200.50元");
  // Half away from zero, at compile time and at run time alike.
  EXPECT_EQ(show("yuan(0.05) * 0.5"), "0.03元") << "2.5 fen -> 3 fen";
  EXPECT_EQ(show("-yuan(0.05) * 0.5"), "-0.03元");
  EXPECT_EQ(show("a.amount * 0.5", {no_}), "0.03元");
  EXPECT_EQ(show("-a.amount * 0.5", {no_}), "-0.03元");
  EXPECT_EQ(show("0.5 * a.amount", {no_}), "0.03元");
  EXPECT_EQ(show("a.amount * 0.49", {no_}), "0.02元") << "2.45 fen -> 2 fen";
  EXPECT_EQ(show("a.amount / 2", {no_}), "0.03元") << "money / integer rounds too";
  EXPECT_EQ(show("-a.amount / 2", {no_}), "-0.03元");
  EXPECT_EQ(show("a.amount / 3", {no_}), "0.02元") << "1.67 fen -> 2 fen";
  EXPECT_EQ(show("a.amount / 4", {no_}), "0.01元") << "1.25 fen -> 1 fen";
  EXPECT_EQ(show("a.amount / 2.0", {no_}), "0.03元");
  EXPECT_EQ(show("a.amount / b.amount", {no_, yes_}), "0.000042") << "money / money is a ratio";
  EXPECT_EQ(type_of("a.amount / b.amount"), ExprType::decimal);
  EXPECT_EQ(show("yuan(10) * 3"), "30.00元");
  EXPECT_EQ(show("yuan(-12.3)"), "-12.30元");
}

TEST_F(ExprEval, DatesAndDateTimes) {
  alias("d", "deaths");
  std::uint32_t died =
      add("deaths", {"id_number", "death_date"}, {kBorn1952Feb29Male, "2025-03-10"});
  // Paid at 09:30 on the day of death: the same civil date, not after it.
  EXPECT_EQ(truth("a.paid_at > d.death_date", {yes_, 0, died}), "false");
  EXPECT_EQ(truth("a.paid_at >= d.death_date", {yes_, 0, died}), "true");
  EXPECT_EQ(truth("a.paid_at == d.death_date", {yes_, 0, died}), "true");
  EXPECT_EQ(truth("b.paid_at > d.death_date", {0, no_, died}), "true");
  // 2025-03-11 23:59:59 Shanghai is 15:59:59 UTC: still the 11th.
  EXPECT_EQ(show("date(b.paid_at)", {0, no_}), "2025-03-11");
  EXPECT_EQ(show("date(a.paid_at)", {blank_}), "2025-03-12") << "midnight belongs to its own day";
  EXPECT_EQ(truth("a.paid_at between date('2025-03-10') and date('2025-03-10')", {yes_}), "true");
  // Two date-times compare as instants.
  EXPECT_EQ(truth("a.paid_at < b.paid_at", {yes_, no_}), "true");
  EXPECT_EQ(truth("a.paid_at < datetime('2025-03-10 09:30:01')", {yes_}), "true");
  EXPECT_EQ(truth("a.paid_at < datetime('2025-03-10T01:30:00Z')", {yes_}), "false")
      << "the same instant";
  // Date arithmetic in days.
  EXPECT_EQ(show("d.death_date + 30", {0, 0, died}), "2025-04-09");
  EXPECT_EQ(show("d.death_date - 10", {0, 0, died}), "2025-02-28");
  EXPECT_EQ(show("d.death_date - date('2025-01-01')", {0, 0, died}), "68");
  EXPECT_EQ(show("days(d.death_date, b.paid_at)", {0, no_, died}), "1");
  EXPECT_EQ(show("days(b.paid_at, d.death_date)", {0, no_, died}), "-1");
  EXPECT_EQ(show("days(date('2025-06-01'), date('2025-06-04'))"), "3")
      << "a posting from 06-01 to 06-04";
  EXPECT_EQ(show("year(a.paid_at) * 100 + month(a.paid_at)", {yes_}), "202503");
  EXPECT_EQ(show("day(d.death_date)", {0, 0, died}), "10");
  as_of_ = day("2025-12-31");
  EXPECT_EQ(show("as_of - d.death_date", {0, 0, died}), "296");
  EXPECT_EQ(truth("as_of > a.paid_at", {yes_}), "true");
}

TEST_F(ExprEval, AddMonthsAndAge) {
  EXPECT_EQ(show("add_months(date('2024-01-31'), 1)"), "2024-02-29");
  EXPECT_EQ(show("add_months(date('2025-01-31'), 1)"), "2025-02-28");
  EXPECT_EQ(show("add_months(date('2025-03-31'), -1)"), "2025-02-28");
  EXPECT_EQ(show("add_months(date('2025-11-15'), 14)"), "2027-01-15");
  EXPECT_EQ(show("add_months(date('2025-01-15'), -13)"), "2023-12-15");
  EXPECT_EQ(show("add_months(a.paid_at, 240)", {yes_}), "2045-03-10");
  // Born 1952-02-29 (read from the ID number).
  EXPECT_EQ(show("a.recipient_id_number.birth_date", {yes_}), "1952-02-29");
  EXPECT_EQ(show("a.recipient_id_number.sex", {yes_}), "male");
  EXPECT_EQ(show("b.recipient_id_number.sex", {0, no_}), "female");
  EXPECT_EQ(show("age(a.recipient_id_number.birth_date, date('2025-02-28'))", {yes_}), "72");
  EXPECT_EQ(show("age(a.recipient_id_number.birth_date, date('2025-03-01'))", {yes_}), "73");
  EXPECT_EQ(show("age(a.recipient_id_number.birth_date, date('2024-02-29'))", {yes_}), "72");
  EXPECT_EQ(show("age(b.recipient_id_number.birth_date, b.paid_at)", {0, no_}), "45");
  EXPECT_EQ(show("age(date('1980-01-15'), date('2025-01-14'))"), "44");
  EXPECT_EQ(show("age(date('1980-01-15'), date('2025-01-15'))"), "45");
}

TEST_F(ExprEval, WorkdaysAcrossTheSpringFestival) {
  // 2025: Sunday 01-26 is a make-up workday, 01-28 to 02-04 are holidays.
  // (Fri 01-24, Fri 02-07]: Sun 26, Mon 27, Wed 5, Thu 6, Fri 7.
  EXPECT_EQ(show("workdays(date('2025-01-24'), date('2025-02-07'))"), "5");
  EXPECT_EQ(show("workdays(date('2025-02-07'), date('2025-01-24'))"), "-5");
  EXPECT_EQ(show("workdays(date('2025-03-10'), date('2025-03-10'))"), "0");
  // Runtime: from the payment (Mon 03-10) to as_of (Mon 03-17): Tue..Fri, Mon.
  as_of_ = day("2025-03-17");
  EXPECT_EQ(show("workdays(a.paid_at, as_of)", {yes_}), "5");
  // A calendar of our own: one holiday on Wednesday 2025-03-12.
  auto own = core::WorkdayCalendar::parse_csv("date,kind,name\n2025-03-12,holiday,test\n");
  ASSERT_TRUE(own.ok());
  calendar_ = &*own;
  EXPECT_EQ(show("workdays(a.paid_at, as_of)", {yes_}), "4");
}

TEST_F(ExprEval, NumbersAndRounding) {
  alias("l", "leases");
  std::uint32_t lease = add("leases",
                            {"id", "village_code", "asset_name", "lessee_name", "start_date",
                             "end_date", "annual_rent", "benchmark_rent", "area", "consent_ratio"},
                            {"L1", "330782001203", "鱼塘", "李四", "2025-01-01", "2049-12-31",
                             "8000", "10000", "12.5", "0.625"});
  std::vector<std::uint32_t> rows{0, 0, lease};
  EXPECT_EQ(show("l.area * 2", rows), "25");
  EXPECT_EQ(show("l.area + 1", rows), "13.5");
  EXPECT_EQ(show("l.area - l.consent_ratio", rows), "11.875");
  EXPECT_EQ(show("l.area / 4", rows), "3.125");
  EXPECT_EQ(show("l.area % 5", rows), "2.5");
  EXPECT_EQ(show("-l.area", rows), "-12.5");
  EXPECT_EQ(show("round(l.area)", rows), "13") << "half away from zero";
  EXPECT_EQ(show("round(-l.area)", rows), "-13");
  EXPECT_EQ(show("round(l.consent_ratio, 2)", rows), "0.63");
  EXPECT_EQ(show("round(l.area * 100, -2)", rows), "1300");
  EXPECT_EQ(show("round(7)"), "7");
  EXPECT_EQ(show("min(l.area, 3, 20)", rows), "3");
  EXPECT_EQ(show("max(l.area, 3, 20)", rows), "20");
  EXPECT_EQ(show("min(l.start_date, l.end_date)", rows), "2025-01-01");
  EXPECT_EQ(show("max(l.annual_rent, l.benchmark_rent)", rows), "10,000.00元");
  EXPECT_EQ(show("abs(2 - 5)"), "3");
  EXPECT_EQ(show("abs(l.consent_ratio - 1)", rows), "0.375");
  // A05: rent below 80% of the benchmark. A03: a term over 20 years.
  EXPECT_EQ(truth("l.annual_rent < l.benchmark_rent * 0.8", rows), "false");
  EXPECT_EQ(truth("l.annual_rent <= l.benchmark_rent * 0.8", rows), "true");
  EXPECT_EQ(truth("l.end_date > add_months(l.start_date, 12 * 20)", rows), "true");
  // D03: a two-thirds quorum as a ratio of integers.
  alias("m", "meetings");
  std::uint32_t meeting =
      add("meetings", {"id", "village_code", "kind", "held_at", "eligible", "attended"},
          {"M1", "330782001203", "party_members", "2025-03-01 09:00", "30", "20"});
  rows = {0, 0, 0, meeting};
  EXPECT_EQ(truth("m.attended / m.eligible >= 2 / 3", rows), "true");
  EXPECT_EQ(truth("m.attended * 3 >= m.eligible * 2", rows), "true");
  EXPECT_EQ(truth("m.attended / m.eligible > 2 / 3", rows), "false");
  EXPECT_EQ(show("m.votes_for / m.eligible", rows), "unknown");
}

TEST_F(ExprEval, TextFunctions) {
  EXPECT_EQ(show("normalize('ＡＢＣ 建设（集团）')"), "abc建设集团");
  EXPECT_EQ(show("normalize(' Hello, World! ')"), "helloworld");
  EXPECT_EQ(show("normalize('浙江·宏达\u200b建设')"), "浙江宏达建设")
      << "middle dot and a zero-width space";
  EXPECT_EQ(show("normalize('①号')"), "1号") << "NFKC";
  EXPECT_EQ(truth("contains(a.department, '民')", {yes_}), "true");
  EXPECT_EQ(truth("contains(a.department, '人社')", {yes_}), "false");
  EXPECT_EQ(truth("starts_with(a.village_code, '330782001')", {yes_}), "true");
  EXPECT_EQ(truth("starts_with(a.village_code, '330782001')", {0, no_}), "true")
      << "a alone is bound";
  EXPECT_EQ(truth("starts_with(b.village_code, '330782001')", {0, no_}), "false");
  EXPECT_EQ(truth("ends_with(a.period, '-03')", {yes_}), "true");
  EXPECT_EQ(truth("contains(a.period, '-')", {no_}), "unknown");
  EXPECT_EQ(show("length(a.department)", {yes_}), "2") << "characters, not bytes";
  EXPECT_EQ(show("length('')"), "0");
  EXPECT_EQ(show("text(42)"), "42");
  EXPECT_EQ(show("text(a.amount)", {yes_}), "1200.50");
  EXPECT_EQ(show("text(a.paid_at)", {yes_}), "2025-03-10 09:30:00");
  EXPECT_EQ(show("text(date(a.paid_at))", {yes_}), "2025-03-10");
  EXPECT_EQ(show("text(a.means_tested)", {yes_}), "true");
  EXPECT_EQ(show("text(0.25)"), "0.25");
  EXPECT_EQ(truth("text(year(a.paid_at)) == '2025'", {yes_}), "true");
  EXPECT_EQ(show("text(a.posted_amount)", {yes_}), "unknown");
  EXPECT_EQ(show("a.recipient_id_number.mask", {yes_}), "330782********0010");
  EXPECT_EQ(show("length(a.recipient_id_number.mask)", {yes_}), "18");
}

TEST_F(ExprEval, Town) {
  // The town's code is in the dictionary (as a region of some record) or not.
  EXPECT_EQ(show("town(a.village_code)", {yes_}), "330782001000");
  EXPECT_EQ(show("town(b.village_code)", {0, no_}), "330782002000");
  EXPECT_EQ(truth("town(a.village_code) == town(b.village_code)", {yes_, blank_}), "true");
  EXPECT_EQ(truth("town(a.village_code) == town(b.village_code)", {yes_, no_}), "false");
  EXPECT_EQ(truth("town(a.village_code) == '330782001000'", {yes_}), "true") << "interned literal";
  EXPECT_EQ(show("town('3307')"), "unknown");
  EXPECT_EQ(show("town('33078200120x')"), "unknown");
}

TEST_F(ExprEval, Similarity) {
  auto value = [&](std::string_view source) {
    Value v = eval(source);
    EXPECT_FALSE(v.unknown) << source;
    return v.decimal;
  };
  EXPECT_DOUBLE_EQ(value("similarity('abc', 'abd')"), 0.5) << "ab bc / ab bd: 2*1/4";
  EXPECT_DOUBLE_EQ(value("similarity('宏达建设有限公司', '宏达建筑有限公司')"), 10.0 / 14.0);
  EXPECT_DOUBLE_EQ(value("similarity('ＡＢＣ', 'a b c')"), 1.0) << "equal once normalized";
  EXPECT_DOUBLE_EQ(value("similarity('abc', 'xyz')"), 0.0);
  EXPECT_DOUBLE_EQ(value("similarity('a', 'b')"), 0.0) << "no bigrams, not equal";
  EXPECT_DOUBLE_EQ(value("similarity('甲', '甲')"), 1.0);
  // Multisets: 'aaaa' has aa three times, 'aa' once: 2*1/(3+1).
  EXPECT_DOUBLE_EQ(value("similarity('aaaa', 'aa')"), 0.5);
  // 浙江宏达建设有限公司 (9 bigrams) vs 浙江宏达建设工程有限公司 (11): 8 common.
  EXPECT_DOUBLE_EQ(value("similarity('浙江宏达建设有限公司', '浙江宏达建设工程有限公司')"),
                   16.0 / 20.0);
  EXPECT_EQ(show("similarity(a.period, 'x')", {no_}), "unknown");
  EXPECT_EQ(truth("similarity(a.department, b.department) >= 0.9", {yes_, no_}), "true");
}

TEST_F(ExprEval, StoreColumnsRecordKeyAndRegion) {
  EXPECT_EQ(show("a.record_key", {yes_}), "S1");
  EXPECT_EQ(show("a.region", {no_}), "330782002001");
  EXPECT_EQ(truth("a.recipient_id_number == b.recipient_id_number", {yes_, blank_}), "false");
  EXPECT_EQ(truth("a.recipient_id_number == b.recipient_id_number", {yes_, yes_}), "true");
}

TEST_F(ExprEval, IntegerOverflowIsUnknown) {
  ParamValue big;
  big.type = ExprType::integer;
  big.integer = std::numeric_limits<std::int64_t>::max() / 2 + 1;
  param("big", big);
  EXPECT_EQ(show("params.big + params.big"), "unknown");
  EXPECT_EQ(show("params.big * 4"), "unknown");
  EXPECT_EQ(show("params.big - 1"), std::to_string(big.integer - 1));
  EXPECT_EQ(show("yuan(params.big)"), "unknown");
  EXPECT_EQ(show("date('9999-12-31') + 1"), "unknown") << "past the last supported date";
}

TEST_F(ExprEval, RenderForExplanations) {
  Dictionary& dictionary = store_.dictionary();
  Value money;
  money.type = ExprType::money;
  money.integer = 2'860'000;
  EXPECT_EQ(render(money, dictionary), "28,600.00元");
  Value date;
  date.type = ExprType::date;
  date.integer = day("2025-01-31");
  EXPECT_EQ(render(date, dictionary), "2025-01-31");
  Value text;
  text.type = ExprType::text;
  text.code = dictionary.intern("江滨社区");
  EXPECT_EQ(render(text, dictionary), "江滨社区");
  text.code = kNoCode;
  text.text = "计算结果";
  EXPECT_EQ(render(text, dictionary), "计算结果");
  Value yes;
  yes.type = ExprType::boolean;
  yes.integer = 1;
  EXPECT_EQ(render(yes, dictionary), "是");
  yes.unknown = true;
  EXPECT_EQ(render(yes, dictionary), "未知");
  Value ratio;
  ratio.type = ExprType::decimal;
  ratio.decimal = 0.125;
  EXPECT_EQ(render(ratio, dictionary), "0.125");
}

}  // namespace
}  // namespace mingjing::rules::testing
