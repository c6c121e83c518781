// The checker's function calls: the list of functions, their arity and the
// types of their arguments. Aggregates are checked here too.
#include <bit>
#include <string>

#include "core/date.h"
#include "core/datetime.h"
#include "rules/expr_check.h"

namespace mingjing::rules::expr_detail {
namespace {

struct Function {
  std::string_view name;
  int min_args;
  int max_args;  // -1: any number
  bool aggregate;
};

// Every function of the language (docs/rules-language.md describes each).
// min and max with one argument are the aggregates, with more the scalars.
constexpr Function kFunctions[] = {
    {"present", 1, 1, false},  {"missing", 1, 1, false},     {"coalesce", 2, -1, false},
    {"days", 2, 2, false},     {"workdays", 2, 2, false},    {"date", 1, 1, false},
    {"datetime", 1, 1, false}, {"year", 1, 1, false},        {"month", 1, 1, false},
    {"day", 1, 1, false},      {"add_months", 2, 2, false},  {"age", 2, 2, false},
    {"abs", 1, 1, false},      {"min", 1, -1, false},        {"max", 1, -1, false},
    {"round", 1, 2, false},    {"normalize", 1, 1, false},   {"similarity", 2, 2, false},
    {"contains", 2, 2, false}, {"starts_with", 2, 2, false}, {"ends_with", 2, 2, false},
    {"length", 1, 1, false},   {"town", 1, 1, false},        {"text", 1, 1, false},
    {"yuan", 1, 1, false},     {"count", 0, 1, true},        {"sum", 1, 1, true},
    {"avg", 1, 1, true},       {"distinct", 1, 1, true},     {"all", 1, 1, true},
    {"any", 1, 1, true},
};

const Function* find_function(std::string_view name) {
  for (const auto& function : kFunctions) {
    if (function.name == name) return &function;
  }
  return nullptr;
}

std::string expected_list(std::initializer_list<ExprType> allowed) {
  std::string text;
  std::size_t i = 0;
  for (auto type : allowed) {
    if (i > 0) text += i + 1 == allowed.size() ? " 或 " : "、";
    text += to_string(type);
    ++i;
  }
  return text;
}

// Digits after the decimal point of a literal ("12.345" gives 3).
std::size_t decimals_of(const Ast& ast) {
  const Ast* literal = ast.kind == AstKind::negate ? &ast.kids[0] : &ast;
  if (literal->kind != AstKind::decimal) return 0;
  auto dot = literal->text.find('.');
  return dot == std::string::npos ? 0 : literal->text.size() - dot - 1;
}

}  // namespace

void Checker::wrong_argument(const Ast& call, std::size_t index, std::string_view expected,
                             ExprType actual) {
  fail("类型不匹配：" + call.text + " 的第 " + std::to_string(index + 1) + " 个参数应为 " +
           std::string(expected) + "，实际是 " + std::string(to_string(actual)),
       call.kids[index].offset);
}

std::uint32_t Checker::argument_of(const Ast& call, std::size_t index,
                                   std::initializer_list<ExprType> allowed) {
  std::uint32_t node = check(call.kids[index]);
  for (auto type : allowed) {
    if (type == this->type(node)) return node;
  }
  wrong_argument(call, index, expected_list(allowed), type(node));
}

std::uint32_t Checker::call(const Ast& ast) {
  const std::string& name = ast.text;
  const Function* function = find_function(name);
  if (function == nullptr) fail("未知的函数：" + name, ast.offset);
  int given = static_cast<int>(ast.kids.size());
  if (given < function->min_args || (function->max_args >= 0 && given > function->max_args)) {
    std::string wanted =
        function->max_args < 0 ? "至少 " + std::to_string(function->min_args)
        : function->min_args == function->max_args
            ? std::to_string(function->min_args)
            : std::to_string(function->min_args) + " 到 " + std::to_string(function->max_args);
    fail("参数个数不对：" + name + " 需要 " + wanted + " 个参数，实际 " + std::to_string(given) +
             " 个",
         ast.offset);
  }
  if (function->aggregate || ((name == "min" || name == "max") && given == 1))
    return aggregate(ast);

  using T = ExprType;
  const auto scalar = {T::boolean, T::integer, T::decimal, T::money, T::date, T::datetime, T::text};
  const auto dates = {T::date, T::datetime};
  const auto numbers = {T::integer, T::decimal, T::money};

  if (name == "present" || name == "missing") {
    std::uint32_t value = argument_of(ast, 0, scalar);
    return make(name == "present" ? Op::present : Op::missing, T::boolean, {value});
  }
  if (name == "coalesce" || name == "min" || name == "max") {
    std::vector<std::uint32_t> values;
    for (std::size_t i = 0; i < ast.kids.size(); ++i) {
      values.push_back(
          name == "coalesce"
              ? argument_of(ast, i, scalar)
              : argument_of(ast, i, {T::integer, T::decimal, T::money, T::date, T::datetime}));
    }
    ExprType common;
    if (!unify(values, common)) {
      for (std::size_t i = 1; i < values.size(); ++i) {
        if (type(values[i]) != type(values[0])) {
          fail("类型不匹配：" + name + " 的参数类型不一致：" +
                   std::string(to_string(type(values[0]))) + " 与 " +
                   std::string(to_string(type(values[i]))),
               ast.kids[i].offset);
        }
      }
    }
    Op op = name == "coalesce" ? Op::coalesce : name == "min" ? Op::min : Op::max;
    return make_args(op, common, values);
  }
  if (name == "days") {
    // b − a, in calendar days.
    std::uint32_t from = to_date(argument_of(ast, 0, dates));
    std::uint32_t to = to_date(argument_of(ast, 1, dates));
    return make(Op::sub, T::integer, {to, from});
  }
  if (name == "workdays") {
    if (calendar_ == nullptr) fail("workdays 需要工作日历，但编译时没有提供", ast.offset);
    std::uint32_t from = to_date(argument_of(ast, 0, dates));
    std::uint32_t to = to_date(argument_of(ast, 1, dates));
    return make(Op::workdays, T::integer, {from, to});
  }
  if (name == "date" || name == "datetime") {
    bool want_date = name == "date";
    std::uint32_t value = argument_of(ast, 0, {T::date, T::datetime, T::text});
    if (type(value) == T::text) {
      if (is_const(value) && at(value).code != kNoCode) {
        std::string_view text = dictionary_.text(at(value).code);
        Node constant;
        constant.op = Op::const_int;
        if (want_date) {
          auto parsed = core::Date::parse(text);
          if (!parsed) fail(parsed.error().message, ast.kids[0].offset);
          constant.type = T::date;
          constant.integer = parsed->days_since_epoch();
        } else {
          auto parsed = core::DateTime::parse(text);
          if (!parsed) fail(parsed.error().message, ast.kids[0].offset);
          constant.type = T::datetime;
          constant.integer = parsed->unix_ms();
        }
        return add(constant);
      }
      return make(want_date ? Op::parse_date : Op::parse_datetime,
                  want_date ? T::date : T::datetime, {value});
    }
    if (want_date) return to_date(value);
    if (type(value) == T::date) wrong_argument(ast, 0, "datetime 或 text", T::date);
    return value;
  }
  if (name == "year" || name == "month" || name == "day") {
    std::uint32_t value = to_date(argument_of(ast, 0, dates));
    Op op = name == "year" ? Op::year : name == "month" ? Op::month : Op::day;
    return make(op, T::integer, {value});
  }
  if (name == "add_months") {
    std::uint32_t value = to_date(argument_of(ast, 0, dates));
    std::uint32_t months = argument_of(ast, 1, {T::integer});
    return make(Op::add_months, T::date, {value, months});
  }
  if (name == "age") {
    std::uint32_t birth = to_date(argument_of(ast, 0, dates));
    std::uint32_t on = to_date(argument_of(ast, 1, dates));
    return make(Op::age, T::integer, {birth, on});
  }
  if (name == "abs") {
    std::uint32_t value = argument_of(ast, 0, numbers);
    return make(Op::abs, type(value), {value});
  }
  if (name == "round") {
    std::uint32_t value = argument_of(ast, 0, {T::integer, T::decimal});
    if (ast.kids.size() == 1) {
      return type(value) == T::integer ? value : make(Op::round_to_int, T::integer, {value});
    }
    std::uint32_t digits = argument_of(ast, 1, {T::integer});
    return make(Op::round_digits, T::decimal, {to_real(value), digits});
  }
  if (name == "normalize" || name == "length" || name == "town") {
    std::uint32_t value = argument_of(ast, 0, {T::text});
    if (name == "normalize") return make(Op::normalize, T::text, {value});
    if (name == "length") return make(Op::length, T::integer, {value});
    return make(Op::town, T::text, {value});
  }
  if (name == "similarity" || name == "contains" || name == "starts_with" || name == "ends_with") {
    std::uint32_t a = argument_of(ast, 0, {T::text});
    std::uint32_t b = argument_of(ast, 1, {T::text});
    Op op = name == "similarity"    ? Op::similarity
            : name == "contains"    ? Op::contains
            : name == "starts_with" ? Op::starts_with
                                    : Op::ends_with;
    return make(op, op == Op::similarity ? T::decimal : T::boolean, {a, b});
  }
  if (name == "text") {
    std::uint32_t value = argument_of(ast, 0, scalar);
    return type(value) == T::text ? value : make(Op::to_text, T::text, {value});
  }
  if (name == "yuan") {
    std::uint32_t value = argument_of(ast, 0, {T::integer, T::decimal});
    if (decimals_of(ast.kids[0]) > 2) {
      fail("金额最多保留两位小数：yuan(" + ast.kids[0].text + ")", ast.kids[0].offset);
    }
    return make(type(value) == T::integer ? Op::yuan_int : Op::yuan_real, T::money, {value});
  }
  fail("未知的函数：" + name, ast.offset);
}

std::uint32_t Checker::aggregate(const Ast& ast) {
  const std::string& name = ast.text;
  if (!scope_.aggregates_allowed) fail("此处不能使用聚合函数：" + name, ast.offset);
  if (in_aggregate_) fail("聚合函数不能嵌套：" + name, ast.offset);

  std::uint32_t argument = kNoNode;
  in_aggregate_ = true;
  aggregated_used_ = 0;
  if (!ast.kids.empty()) argument = check(ast.kids[0]);
  in_aggregate_ = false;

  std::size_t alias = 0;
  if (std::popcount(aggregated_used_) > 1) {
    fail("聚合函数的参数只能引用一个聚合别名：" + name, ast.offset);
  } else if (aggregated_used_ != 0) {
    alias = static_cast<std::size_t>(std::countr_zero(aggregated_used_));
  } else {
    std::size_t aggregated = 0;
    for (std::size_t i = 0; i < scope_.aliases.size(); ++i) {
      if (scope_.aliases[i].aggregated) {
        ++aggregated;
        alias = i;
      }
    }
    if (!ast.kids.empty()) fail("聚合函数的参数必须引用聚合别名的列：" + name, ast.offset);
    if (aggregated == 0) fail("没有可聚合的别名：" + name, ast.offset);
    if (aggregated > 1) fail("有多个聚合别名，count() 请写成 count(别名.列)：" + name, ast.offset);
  }

  using T = ExprType;
  Node node;
  node.alias = static_cast<std::uint8_t>(alias);
  node.kid[0] = argument;
  ExprType arg = argument == kNoNode ? T::integer : type(argument);
  if (argument != kNoNode) node.operand = at(argument).cls;
  if (arg == T::list) fail("类型不匹配：聚合函数 " + name + " 不能用于列表", ast.kids[0].offset);
  auto require = [&](std::initializer_list<ExprType> allowed) {
    for (auto type : allowed) {
      if (type == arg) return;
    }
    wrong_argument(ast, 0, expected_list(allowed), arg);
  };

  if (name == "count") {
    node.type = T::integer;
    node.op = argument == kNoNode ? Op::agg_count
              : arg == T::boolean ? Op::agg_count_true
                                  : Op::agg_count_present;
  } else if (name == "sum") {
    require({T::integer, T::decimal, T::money});
    node.op = Op::agg_sum;
    node.type = arg;
  } else if (name == "min" || name == "max") {
    require({T::integer, T::decimal, T::money, T::date, T::datetime});
    node.op = name == "min" ? Op::agg_min : Op::agg_max;
    node.type = arg;
  } else if (name == "avg") {
    require({T::integer, T::decimal, T::money});
    node.op = Op::agg_avg;
    if (arg == T::integer) {
      node.kid[0] = to_real(argument);
      node.operand = Cls::real;
    }
    node.type = arg == T::money ? T::money : T::decimal;
  } else if (name == "distinct") {
    node.op = Op::agg_distinct;
    node.type = T::integer;
  } else {  // all, any
    require({T::boolean});
    node.op = name == "all" ? Op::agg_all : Op::agg_any;
    node.type = T::boolean;
  }
  return add(node);
}

}  // namespace mingjing::rules::expr_detail
