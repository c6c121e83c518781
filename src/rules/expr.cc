// Expression: compile() runs the pipeline of expr_internal.h; eval() the
// evaluator of expr_eval.cc.
#include "rules/expr.h"

#include <memory>
#include <string>

#include "core/date.h"
#include "core/datetime.h"
#include "core/money.h"
#include "core/text.h"
#include "rules/expr_check.h"
#include "rules/expr_eval.h"
#include "rules/expr_internal.h"

namespace mingjing::rules {

std::string_view to_string(ExprType type) {
  switch (type) {
    case ExprType::boolean:
      return "boolean";
    case ExprType::integer:
      return "integer";
    case ExprType::decimal:
      return "decimal";
    case ExprType::money:
      return "money";
    case ExprType::date:
      return "date";
    case ExprType::datetime:
      return "datetime";
    case ExprType::text:
      return "text";
    case ExprType::list:
      return "list";
  }
  return "unknown";
}

std::variant<Expression, Expression::CompileError> Expression::compile(
    std::string_view source, const Scope& scope, Dictionary& dictionary,
    const core::WorkdayCalendar* calendar) {
  auto error = [&](std::string message, std::size_t byte_offset) {
    byte_offset = std::min(byte_offset, source.size());
    return CompileError{core::Error::invalid(std::move(message), "expr"),
                        core::count_utf8(source.substr(0, byte_offset))};
  };
  if (scope.aliases.size() > kMaxAliases) {
    return error("别名太多：最多 " + std::to_string(kMaxAliases) + " 个，实际 " +
                     std::to_string(scope.aliases.size()) + " 个",
                 0);
  }
  try {
    expr_detail::Ast ast = expr_detail::parse(source);
    auto program = std::make_shared<expr_detail::Program>();
    Expression expression;
    expr_detail::Checker checker(scope, dictionary, calendar, *program, expression.columns_);
    program->root = checker.check(ast);
    expression.type_ = program->nodes[program->root].type;
    if (expression.type_ == ExprType::list) {
      return error("表达式的结果不能是列表：列表只能用在 in 的右边", ast.offset);
    }
    expression.program_ = std::move(program);
    expression.source_ = std::string(source);
    return expression;
  } catch (const expr_detail::CompileFailure& failure) {
    return error(failure.message, failure.offset);
  }
}

ExprType Expression::type() const {
  return type_;
}

Value Expression::eval(const FactStore& facts, const Binding& binding) const {
  return expr_detail::evaluate(*program_, program_->root, facts.dictionary(), binding);
}

Truth Expression::truth(const FactStore& facts, const Binding& binding) const {
  return expr_detail::evaluate_truth(*program_, facts.dictionary(), binding);
}

const std::vector<ColumnUse>& Expression::columns() const {
  return columns_;
}
const std::string& Expression::source() const {
  return source_;
}

std::string render(const Value& value, const Dictionary& dictionary) {
  if (value.unknown) return "未知";
  switch (value.type) {
    case ExprType::boolean:
      return value.integer != 0 ? "是" : "否";
    case ExprType::money:
      return core::Money::from_fen(value.integer).to_yuan_grouped() + "元";
    case ExprType::text:
      return value.code != kNoCode ? std::string(dictionary.text(value.code)) : value.text;
    case ExprType::list:
      return {};
    default: {
      std::string out;
      expr_detail::format_value(value.type, value.integer, value.decimal, out);
      return out;
    }
  }
}

}  // namespace mingjing::rules
