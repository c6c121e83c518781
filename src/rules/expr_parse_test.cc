// The expression language at compile time: precedence, names, types, and
// every kind of compile error with its exact message and offset.
#include <string>

#include "core/text.h"
#include "rules/expr_test_support.h"

namespace mingjing::rules::testing {
namespace {

class ExprCompile : public ExprTest {
 protected:
  ExprCompile() {
    alias("s", "subsidies");
    alias("d", "deaths");
    ParamValue limit;
    limit.type = ExprType::money;
    limit.integer = 100'000;
    param("limit", limit);
    ParamValue i;
    i.type = ExprType::integer;
    i.integer = 7;
    param("i", i);
    ParamValue j;
    j.type = ExprType::integer;
    j.integer = 2;
    param("j", j);
  }

  void expect_error(std::string_view source, const std::string& message, std::size_t offset) {
    Expression::CompileError failure = error(source);
    EXPECT_EQ(failure.error.message, message) << source;
    EXPECT_EQ(failure.offset, offset) << source;
    EXPECT_EQ(failure.error.code, "invalid_argument") << source;
    EXPECT_EQ(failure.error.field, "expr") << source;
  }
};

TEST_F(ExprCompile, ArithmeticPrecedenceAndAssociativity) {
  EXPECT_EQ(show("1 + 2 * 3"), "7");
  EXPECT_EQ(show("(1 + 2) * 3"), "9");
  EXPECT_EQ(show("10 - 4 - 3"), "3") << "left-associative";
  EXPECT_EQ(show("2 * 3 % 4"), "2") << "(2 * 3) % 4";
  EXPECT_EQ(show("-2 * 3"), "-6");
  EXPECT_EQ(show("- -2"), "2");
  EXPECT_EQ(show("7 / 2"), "3.5") << "no integer division";
  // The same at run time: parameters are not folded at compile time.
  EXPECT_EQ(show("params.i + params.j * 3"), "13");
  EXPECT_EQ(show("(params.i + params.j) * 3"), "27");
  EXPECT_EQ(show("params.i - params.j - 1"), "4");
  EXPECT_EQ(show("params.i / params.j"), "3.5");
  EXPECT_EQ(show("params.i % params.j"), "1");
  EXPECT_EQ(show("-params.i % params.j"), "-1") << "% keeps the sign of the left side";
}

TEST_F(ExprCompile, LogicalPrecedence) {
  EXPECT_EQ(truth("true or false and false"), "true") << "and binds tighter than or";
  EXPECT_EQ(truth("(true or false) and false"), "false");
  EXPECT_EQ(truth("not true or true"), "true") << "(not true) or true";
  EXPECT_EQ(truth("not 1 == 2"), "true") << "not binds looser than ==";
  EXPECT_EQ(truth("!(params.i == 7) || params.j == 2 && params.i > 100"), "false");
  EXPECT_EQ(truth("params.i > 1 && params.j < 3"), "true");
  EXPECT_EQ(truth("3 between 1 and 5 and false"), "false") << "between takes the first and";
  EXPECT_EQ(truth("params.i between params.j + 1 and params.j * 4"), "true");
  EXPECT_EQ(truth("params.i not between 1 and 6"), "true");
  EXPECT_EQ(truth("'b' not in ['a', 'c']"), "true");
  EXPECT_EQ(truth("params.i + 1 in [8, 9] and params.j in [1, 2]"), "true");
}

TEST_F(ExprCompile, ConditionalIsRightAssociative) {
  EXPECT_EQ(show("true ? 1 : false ? 2 : 3"), "1");
  EXPECT_EQ(show("false ? 1 : false ? 2 : 3"), "3");
  EXPECT_EQ(show("false ? 1 : true ? 2 : 3"), "2");
  EXPECT_EQ(show("params.i > 5 ? params.i * 2 : 0"), "14");
  EXPECT_EQ(type_of("params.i > 5 ? 1 : 0.5"), ExprType::decimal)
      << "integer and decimal meet as decimal";
}

TEST_F(ExprCompile, TypesOfArithmetic) {
  EXPECT_EQ(type_of("1 + 2"), ExprType::integer);
  EXPECT_EQ(type_of("1 + 2.5"), ExprType::decimal);
  EXPECT_EQ(type_of("s.amount + params.limit"), ExprType::money);
  EXPECT_EQ(type_of("s.amount * 2"), ExprType::money);
  EXPECT_EQ(type_of("2 * s.amount"), ExprType::money);
  EXPECT_EQ(type_of("s.amount * 0.5"), ExprType::money);
  EXPECT_EQ(type_of("s.amount / 3"), ExprType::money);
  EXPECT_EQ(type_of("s.amount / params.limit"), ExprType::decimal);
  EXPECT_EQ(type_of("d.death_date + 30"), ExprType::date);
  EXPECT_EQ(type_of("30 + d.death_date"), ExprType::date);
  EXPECT_EQ(type_of("d.death_date - 30"), ExprType::date);
  EXPECT_EQ(type_of("d.death_date - as_of"), ExprType::integer);
  EXPECT_EQ(type_of("-s.amount"), ExprType::money);
  EXPECT_EQ(type_of("s.paid_at"), ExprType::datetime);
  EXPECT_EQ(type_of("s.recipient_id_number"), ExprType::text) << "the blind index";
  EXPECT_EQ(type_of("s.recipient_id_number.mask"), ExprType::text);
  EXPECT_EQ(type_of("s.means_tested"), ExprType::boolean);
  EXPECT_EQ(type_of("s.record_key"), ExprType::text);
  EXPECT_EQ(type_of("s.region"), ExprType::text);
  EXPECT_EQ(type_of("as_of"), ExprType::date);
  EXPECT_EQ(type_of("yuan(10)"), ExprType::money);
}

TEST_F(ExprCompile, ColumnsListsEveryColumnReadOnceInOrderOfFirstUse) {
  Compiled compiled =
      compile("s.amount > yuan(1) and s.amount < params.limit and d.death_date < s.paid_at");
  ASSERT_TRUE(std::holds_alternative<Expression>(compiled));
  const auto& columns = std::get<Expression>(compiled).columns();
  ASSERT_EQ(columns.size(), 3u);
  EXPECT_EQ(columns[0].alias, 0u);
  EXPECT_EQ(columns[0].column, "amount");
  EXPECT_EQ(columns[1].alias, 1u);
  EXPECT_EQ(columns[1].column, "death_date");
  EXPECT_EQ(columns[2].alias, 0u);
  EXPECT_EQ(columns[2].column, "paid_at");
  EXPECT_EQ(std::get<Expression>(compiled).source(),
            "s.amount > yuan(1) and s.amount < params.limit and d.death_date < s.paid_at");
}

TEST_F(ExprCompile, TextLiteralsAreInternedIntoTheDictionary) {
  EXPECT_FALSE(store_.dictionary().find("临时救助").has_value());
  ASSERT_TRUE(std::holds_alternative<Expression>(compile("s.program_code == '临时救助'")));
  EXPECT_TRUE(store_.dictionary().find("临时救助").has_value());
}

TEST_F(ExprCompile, UnknownNames) {
  expect_error("s.amout > yuan(1)", "未知的列：s.amout（subsidies 没有此列）", 0);
  expect_error("x.amount > yuan(1)", "未知的别名：x（可用的别名：s, d）", 0);
  expect_error("params.limt > s.amount", "未知的参数：params.limt", 0);
  expect_error("params", "params 后面需要参数名（如 params.limit）", 0);
  expect_error("s > 1", "别名 s 后面需要列名（如 s.amount）", 0);
  expect_error("amount > 1", "未知的名称：amount（列请写成 别名.列名，可用的别名：s, d）", 0);
  expect_error("foo(1)", "未知的函数：foo", 0);
  // Offsets count characters, not bytes: '低保' is 2 characters, 6 bytes.
  expect_error("s.program_code == '低保' and s.amout > yuan(1)",
               "未知的列：s.amout（subsidies 没有此列）", 27);
}

TEST_F(ExprCompile, TypeErrors) {
  expect_error("s.amount > d.death_date", "类型不匹配：money 不能与 date 比较", 9);
  expect_error("s.amount > 1000",
               "类型不匹配：money 不能与 integer 比较（金额请写成 yuan(1000) 这样的形式）", 9);
  expect_error("s.amount + 1",
               "类型不匹配：money 不能与 integer 相加（金额请写成 yuan(1000) 这样的形式）", 9);
  expect_error("d.death_date + d.death_date", "类型不匹配：date 不能与 date 相加", 13);
  expect_error("s.paid_at + 1", "类型不匹配：datetime 不能与 integer 相加", 10);
  expect_error("s.period * 2", "类型不匹配：text 不能与 integer 相乘", 9);
  expect_error("s.amount % s.amount", "类型不匹配：money 不能与 money 取余", 9);
  expect_error("2 / s.amount",
               "类型不匹配：integer 不能与 money 相除（金额请写成 yuan(1000) 这样的形式）", 2);
  expect_error("not s.amount", "类型不匹配：not 需要 boolean 条件，实际是 money", 4);
  expect_error("s.means_tested and s.amount", "类型不匹配：and 需要 boolean 条件，实际是 money",
               19);
  expect_error("s.means_tested < true", "类型不匹配：boolean 只能用 == 或 != 比较", 15);
  expect_error("-s.period", "类型不匹配：不能对 text 取负", 0);
  expect_error("1 ? 2 : 3", "类型不匹配：?: 需要 boolean 条件，实际是 integer", 0);
  expect_error("true ? 1 : 'a'", "类型不匹配：?: 的两个分支类型不一致：integer 与 text", 5);
  expect_error("s.amount in ['a', 'b']",
               "类型不匹配：money 不能与 text 比较（in 的列表元素是 text）", 9);
  expect_error("s.amount in s.amount",
               "类型不匹配：in 的右边应为列表（如 ['cash', 'card'] 或列表参数），实际是 money", 9);
  expect_error("s.means_tested between false and true", "类型不匹配：boolean 不能用 between 比较",
               15);
  expect_error("days(s.amount, s.paid_at)",
               "类型不匹配：days 的第 1 个参数应为 date 或 datetime，实际是 money", 5);
  expect_error("similarity(s.period, 3)",
               "类型不匹配：similarity 的第 2 个参数应为 text，实际是 integer", 21);
  expect_error("abs(s.period)",
               "类型不匹配：abs 的第 1 个参数应为 integer、decimal 或 money，实际是 text", 4);
  expect_error("coalesce(s.amount, 1)", "类型不匹配：coalesce 的参数类型不一致：money 与 integer",
               19);
  expect_error("s.amount == s.amount == true",
               "比较不能连写：'==' 前面已有比较，请用 and 连接（如 a < b and b < c）", 21);
}

TEST_F(ExprCompile, Lists) {
  expect_error("s.period in []", "列表不能为空", 12);
  expect_error("s.period in ['a', 1]", "列表的元素类型不一致：text 与 integer", 18);
  expect_error("s.period in [s.period]",
               "列表的元素必须是常量（如 'cash'、yuan(1000)、date('2025-01-01')）", 13);
  expect_error("[1, 2]", "表达式的结果不能是列表：列表只能用在 in 的右边", 0);
  expect_error("s.means_tested in [true]", "列表的元素不能是 boolean", 19);
  EXPECT_EQ(truth("s.amount in [yuan(1), yuan(2)]",
                  {add("subsidies",
                       {"id", "program_code", "department", "recipient_id_number", "village_code",
                        "amount", "paid_at"},
                       {"S1", "DB", "民政", kBorn1952Feb29Male, "330782001203", "2.00",
                        "2025-01-02 08:00"})}),
            "true");
  EXPECT_EQ(truth("2.5 in [1, 2.5]"), "true") << "integers and decimals meet as decimals";
  EXPECT_EQ(truth("params.i in [7.0, 8.5]"), "true");
}

TEST_F(ExprCompile, Literals) {
  expect_error("yuan(1.234)", "金额最多保留两位小数：yuan(1.234)", 5);
  expect_error("date('2025-02-30')", "日期不存在：2025-02-30", 5);
  expect_error("date('2025.01.30')", "日期格式不正确：2025.01.30（应为YYYY-MM-DD）", 5);
  expect_error("99999999999999999999", "整数太大：99999999999999999999", 0);
  expect_error("12abc", "无法识别的数字：12abc", 0);
  expect_error("'未完", "字符串缺少结束引号：'未完", 0);
  expect_error("'a\\q'", "不支持的转义：\\q", 2);
  EXPECT_EQ(show("'it\\'s'"), "it's");
  EXPECT_EQ(show("\"双引号\""), "双引号");
  EXPECT_EQ(show("yuan(1000)"), "1,000.00元");
  EXPECT_EQ(show("yuan(99.5)"), "99.50元");
  EXPECT_EQ(show("date('2025年1月31日')"), "2025-01-31");
  EXPECT_EQ(show("datetime('2025-01-31 08:30')"), "2025-01-31 08:30:00");
  EXPECT_EQ(show("0.98"), "0.98");
}

TEST_F(ExprCompile, SyntaxErrors) {
  expect_error("", "表达式为空", 0);
  expect_error("   ", "表达式为空", 3);
  expect_error("1 +", "语法错误：表达式不完整", 3);
  expect_error("(s.amount > yuan(1)", "语法错误：缺少 ')'", 19);
  expect_error("s.amount > yuan(1))", "语法错误：此处不应出现 ')'", 18);
  expect_error("s.amount = yuan(1)", "单个 '=' 不是运算符：比较相等请用 '=='", 9);
  expect_error("s.amount @ 1", "无法识别的字符：'@'", 9);
  expect_error("s.amount ＞ yuan(1)", "无法识别的字符：'＞'", 9);
  expect_error("a < b < c", "比较不能连写：'<' 前面已有比较，请用 and 连接（如 a < b and b < c）",
               6);
  expect_error("true ? 1", "语法错误：缺少 ':'", 8);
  expect_error("true ? 1 , 2", "语法错误：应为 ':'，实际是 ','", 9);
  expect_error("s.", "语法错误：'s.' 后面缺少名称", 2);
  expect_error("3 between 1 or 5", "语法错误：应为 'and'，实际是 'or'", 12);
  expect_error("days(as_of as_of)", "语法错误：应为 ','，实际是 'as_of'", 11);
  // Blanks include newlines (YAML block scalars) and the ideographic space.
  EXPECT_EQ(truth("1 < 2\n  and\u30002 < 3"), "true");
}

TEST_F(ExprCompile, NestingIsLimited) {
  std::string deep = std::string(300, '(') + "1" + std::string(300, ')');
  EXPECT_EQ(error(deep).error.message, "表达式嵌套过深（超过 200 层）");
  std::string chain = "true";
  for (int i = 0; i < 300; ++i) chain += " and true";
  EXPECT_EQ(error(chain).error.message, "表达式嵌套过深（超过 200 层）");
  std::string fine = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_EQ(show(fine), "1");
}

TEST_F(ExprCompile, Functions) {
  expect_error("days(s.paid_at)", "参数个数不对：days 需要 2 个参数，实际 1 个", 0);
  expect_error("coalesce(s.amount)", "参数个数不对：coalesce 需要 至少 2 个参数，实际 1 个", 0);
  expect_error("round(1.5, 1, 2)", "参数个数不对：round 需要 1 到 2 个参数，实际 3 个", 0);
  expect_error("count(s.amount) > 1", "此处不能使用聚合函数：count", 0);
  // min with one argument is the aggregate.
  expect_error("min(s.amount) > yuan(1)", "此处不能使用聚合函数：min", 0);
  calendar_ = nullptr;
  expect_error("workdays(s.paid_at, as_of) > 3", "workdays 需要工作日历，但编译时没有提供", 0);
}

// Every prefix of valid sources (cut anywhere, even inside a character)
// compiles or fails cleanly, with an offset inside the text.
TEST_F(ExprCompile, EveryPrefixCompilesOrFailsWithAnOffsetInside) {
  const std::string sources[] = {
      "s.program_code == '低保' and s.amount between yuan(100) and params.limit",
      "coalesce(s.posted_to, date('2025-01-31')) - s.posted_from >= 15 ? true : "
      "missing(d.death_date)",
      "not (s.paid_at > d.death_date) or similarity(normalize(s.recipient_name), \"张三\") >= 0.9",
      "s.village_code not in ['330782001203', '330782002001'] && -s.amount * 0.5 < yuan(-1.5)",
  };
  std::size_t compiled = 0;
  for (const std::string& source : sources) {
    ASSERT_TRUE(std::holds_alternative<Expression>(compile(source))) << source;
    for (std::size_t cut = 0; cut <= source.size(); ++cut) {
      std::string prefix = source.substr(0, cut);
      Compiled result = compile(prefix);
      if (auto* failure = std::get_if<Expression::CompileError>(&result)) {
        EXPECT_LE(failure->offset, core::count_utf8(prefix)) << prefix;
        EXPECT_FALSE(failure->error.message.empty()) << prefix;
      } else {
        ++compiled;
      }
    }
  }
  EXPECT_GT(compiled, 4u) << "some prefixes are whole expressions";
}

TEST_F(ExprCompile, TooManyAliases) {
  for (int i = 0; i < 7; ++i) alias("x" + std::to_string(i), "deaths");
  expect_error("true", "别名太多：最多 8 个，实际 9 个", 0);
}

}  // namespace
}  // namespace mingjing::rules::testing
