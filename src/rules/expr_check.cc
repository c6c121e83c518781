// The checker: names, operators and conversions. Function calls are in
// expr_functions.cc, node building and constant folding in expr_nodes.cc.
#include "rules/expr_check.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/text.h"

namespace mingjing::rules::expr_detail {

Cls class_of(ExprType type) {
  switch (type) {
    case ExprType::boolean:
      return Cls::boolean;
    case ExprType::integer:
    case ExprType::money:
    case ExprType::date:
    case ExprType::datetime:
      return Cls::integer;
    case ExprType::decimal:
      return Cls::real;
    case ExprType::text:
      return Cls::text;
    case ExprType::list:
      return Cls::list;
  }
  return Cls::integer;
}

std::string mismatch(ExprType left, ExprType right, std::string_view verb) {
  std::string message = "类型不匹配：" + std::string(to_string(left)) + " 不能与 " +
                        std::string(to_string(right)) + " " + std::string(verb);
  auto is_number = [](ExprType t) { return t == ExprType::integer || t == ExprType::decimal; };
  if ((left == ExprType::money && is_number(right)) ||
      (right == ExprType::money && is_number(left))) {
    message += "（金额请写成 yuan(1000) 这样的形式）";
  }
  return message;
}

namespace {

ExprType from_fact(FactType type) {
  switch (type) {
    case FactType::integer:
      return ExprType::integer;
    case FactType::decimal:
      return ExprType::decimal;
    case FactType::money:
      return ExprType::money;
    case FactType::boolean:
      return ExprType::boolean;
    case FactType::date:
      return ExprType::date;
    case FactType::datetime:
      return ExprType::datetime;
    case FactType::text:
      return ExprType::text;
  }
  return ExprType::text;
}

bool is_ordered(ExprType type) {
  return type != ExprType::boolean && type != ExprType::list;
}

std::string_view verb_of(BinOp op) {
  switch (op) {
    case BinOp::add:
      return "相加";
    case BinOp::sub:
      return "相减";
    case BinOp::mul:
      return "相乘";
    case BinOp::div:
      return "相除";
    case BinOp::mod:
      return "取余";
    default:
      return "比较";
  }
}

std::string join_aliases(const Scope& scope) {
  std::string names;
  for (const auto& alias : scope.aliases) {
    if (!names.empty()) names += ", ";
    names += alias.name;
  }
  return names;
}

}  // namespace

Checker::Checker(const Scope& scope, Dictionary& dictionary, const core::WorkdayCalendar* calendar,
                 Program& program, std::vector<ColumnUse>& columns)
    : scope_(scope),
      dictionary_(dictionary),
      calendar_(calendar),
      program_(program),
      columns_(columns) {
  program_.calendar = calendar;
}

void Checker::fail(std::string message, std::size_t offset) {
  throw CompileFailure{std::move(message), offset};
}

std::uint32_t Checker::to_real(std::uint32_t node) {
  if (type(node) != ExprType::integer) return node;
  return make(Op::int_to_real, ExprType::decimal, {node});
}

std::uint32_t Checker::to_date(std::uint32_t node) {
  if (type(node) != ExprType::datetime) return node;
  return make(Op::datetime_to_date, ExprType::date, {node});
}

bool Checker::unify(std::vector<std::uint32_t>& operands, ExprType& common) {
  common = type(operands.front());
  for (auto node : operands) {
    ExprType t = type(node);
    if (t == common) continue;
    auto pair_is = [&](ExprType a, ExprType b) {
      return (t == a && common == b) || (t == b && common == a);
    };
    if (pair_is(ExprType::integer, ExprType::decimal)) {
      common = ExprType::decimal;
    } else if (pair_is(ExprType::date, ExprType::datetime)) {
      common = ExprType::date;
    } else {
      return false;
    }
  }
  for (auto& node : operands) {
    if (common == ExprType::decimal) node = to_real(node);
    if (common == ExprType::date) node = to_date(node);
  }
  return true;
}

std::uint32_t Checker::check(const Ast& ast) {
  switch (ast.kind) {
    case AstKind::integer: {
      Node node;
      node.op = Op::const_int;
      node.type = ExprType::integer;
      node.integer = ast.integer;
      return add(node);
    }
    case AstKind::decimal: {
      Node node;
      node.op = Op::const_real;
      node.type = ExprType::decimal;
      node.real = ast.decimal;
      return add(node);
    }
    case AstKind::text: {
      Node node;
      node.op = Op::const_text;
      node.type = ExprType::text;
      node.code = ast.text.empty() ? kNoCode : dictionary_.intern(ast.text);
      return add(node);
    }
    case AstKind::boolean: {
      Node node;
      node.op = Op::const_bool;
      node.type = ExprType::boolean;
      node.integer = ast.integer;
      return add(node);
    }
    case AstKind::list:
      return list(ast);
    case AstKind::name:
      return name(ast);
    case AstKind::call:
      return call(ast);
    case AstKind::negate:
      return negate(ast);
    case AstKind::logical_not:
      return make(Op::logical_not, ExprType::boolean, {condition(ast.kids[0], "not")});
    case AstKind::binary:
      switch (ast.op) {
        case BinOp::logical_and:
        case BinOp::logical_or:
          return logical(ast);
        case BinOp::eq:
        case BinOp::ne:
        case BinOp::lt:
        case BinOp::le:
        case BinOp::gt:
        case BinOp::ge:
          return comparison(ast);
        default:
          return arithmetic(ast);
      }
    case AstKind::in:
      return membership(ast);
    case AstKind::between:
      return range(ast);
    case AstKind::cond:
      return conditional(ast);
  }
  fail("语法错误", ast.offset);
}

std::uint32_t Checker::condition(const Ast& ast, std::string_view where) {
  std::uint32_t node = check(ast);
  if (type(node) != ExprType::boolean) {
    fail("类型不匹配：" + std::string(where) + " 需要 boolean 条件，实际是 " +
             std::string(to_string(type(node))),
         ast.offset);
  }
  return node;
}

std::uint32_t Checker::name(const Ast& ast) {
  const std::string& path = ast.text;
  auto dot = path.find('.');
  std::string_view head = std::string_view(path).substr(0, dot);
  std::string_view rest =
      dot == std::string::npos ? std::string_view() : std::string_view(path).substr(dot + 1);
  if (path == "as_of") {
    Node node;
    node.op = Op::as_of;
    node.type = ExprType::date;
    return add(node);
  }
  if (head == "params") {
    if (rest.empty()) fail("params 后面需要参数名（如 params.limit）", ast.offset);
    for (std::size_t slot = 0; slot < scope_.params.size(); ++slot) {
      const ParamSlot& param = scope_.params[slot];
      if (param.name != rest) continue;
      Node node;
      node.op = param.type == ExprType::list ? Op::param_list : Op::param;
      node.type = param.type;
      node.elem = param.list_of_text ? ExprType::text : ExprType::integer;
      node.first = static_cast<std::uint32_t>(slot);
      return add(node);
    }
    fail("未知的参数：" + path, ast.offset);
  }
  for (std::size_t alias = 0; alias < scope_.aliases.size(); ++alias) {
    if (scope_.aliases[alias].name != head) continue;
    if (rest.empty()) fail("别名 " + path + " 后面需要列名（如 " + path + ".amount）", ast.offset);
    return column(ast, alias, rest);
  }
  if (rest.empty())
    fail("未知的名称：" + path + "（列请写成 别名.列名，可用的别名：" + join_aliases(scope_) + "）",
         ast.offset);
  fail("未知的别名：" + std::string(head) + "（可用的别名：" + join_aliases(scope_) + "）",
       ast.offset);
}

std::uint32_t Checker::column(const Ast& ast, std::size_t alias_index, std::string_view name) {
  const Scope::Alias& alias = scope_.aliases[alias_index];
  if (alias.aggregated) {
    if (!in_aggregate_) {
      fail(alias.name + " 是聚合别名，它的列只能用在聚合函数里（如 sum(" + ast.text + ")）：" +
               ast.text,
           ast.offset);
    }
    aggregated_used_ |= 1u << alias_index;
  }
  Node node;
  node.alias = static_cast<std::uint8_t>(alias_index);
  if (const FactColumn* column = alias.table->column(name)) {
    node.op = Op::column;
    node.type = from_fact(column->type);
    node.column = column;
  } else if (name == "record_key" || name == "region") {
    node.op = name == "record_key" ? Op::record_key : Op::region;
    node.type = ExprType::text;
    node.table = alias.table;
  } else {
    fail("未知的列：" + ast.text + "（" + alias.table->name() + " 没有此列）", ast.offset);
  }
  auto used = std::find_if(columns_.begin(), columns_.end(), [&](const ColumnUse& use) {
    return use.alias == alias_index && use.column == name;
  });
  if (used == columns_.end()) columns_.push_back(ColumnUse{alias_index, std::string(name)});
  return add(node);
}

std::uint32_t Checker::negate(const Ast& ast) {
  std::uint32_t operand = check(ast.kids[0]);
  ExprType t = type(operand);
  if (t != ExprType::integer && t != ExprType::decimal && t != ExprType::money) {
    fail("类型不匹配：不能对 " + std::string(to_string(t)) + " 取负", ast.offset);
  }
  return make(Op::neg, t, {operand});
}

// `a and b and c` is one node with three operands: one visit, not two.
std::uint32_t Checker::logical(const Ast& ast) {
  std::string_view word = ast.op == BinOp::logical_and ? "and" : "or";
  Op op = ast.op == BinOp::logical_and ? Op::logical_and : Op::logical_or;
  std::uint32_t sides[] = {condition(ast.kids[0], word), condition(ast.kids[1], word)};
  std::vector<std::uint32_t> operands;
  for (std::uint32_t side : sides) {
    const Node& node = at(side);
    if (node.op != op) {
      operands.push_back(side);
      continue;
    }
    for (std::uint32_t i = 0; i < node.count; ++i)
      operands.push_back(program_.args[node.first + i]);
  }
  return make_args(op, ExprType::boolean, operands);
}

std::uint32_t Checker::comparison(const Ast& ast) {
  std::vector<std::uint32_t> operands{check(ast.kids[0]), check(ast.kids[1])};
  ExprType left = type(operands[0]);
  ExprType right = type(operands[1]);
  if (left == ExprType::list || right == ExprType::list) {
    fail("类型不匹配：列表只能用在 in 的右边", ast.offset);
  }
  ExprType common;
  if (!unify(operands, common)) fail(mismatch(left, right, "比较"), ast.offset);
  if (common == ExprType::boolean && ast.op != BinOp::eq && ast.op != BinOp::ne) {
    fail("类型不匹配：boolean 只能用 == 或 != 比较", ast.offset);
  }
  Node node;
  node.op = Op::compare;
  node.type = ExprType::boolean;
  node.kid[0] = operands[0];
  node.kid[1] = operands[1];
  node.operand = class_of(common);
  node.cmp = ast.op == BinOp::eq   ? Cmp::eq
             : ast.op == BinOp::ne ? Cmp::ne
             : ast.op == BinOp::lt ? Cmp::lt
             : ast.op == BinOp::le ? Cmp::le
             : ast.op == BinOp::gt ? Cmp::gt
                                   : Cmp::ge;
  return add(fuse(node));
}

std::uint32_t Checker::arithmetic(const Ast& ast) {
  std::uint32_t left = check(ast.kids[0]);
  std::uint32_t right = check(ast.kids[1]);
  ExprType l = type(left);
  ExprType r = type(right);
  using T = ExprType;
  auto number = [](T t) { return t == T::integer || t == T::decimal; };
  switch (ast.op) {
    case BinOp::add:
    case BinOp::sub: {
      Op op = ast.op == BinOp::add ? Op::add : Op::sub;
      if (l == T::integer && r == T::integer) return make(op, T::integer, {left, right});
      if (number(l) && number(r)) return make(op, T::decimal, {to_real(left), to_real(right)});
      if (l == T::money && r == T::money) return make(op, T::money, {left, right});
      if (l == T::date && r == T::integer) return make(op, T::date, {left, right});
      if (ast.op == BinOp::add && l == T::integer && r == T::date)
        return make(op, T::date, {left, right});
      if (ast.op == BinOp::sub && l == T::date && r == T::date)
        return make(op, T::integer, {left, right});
      break;
    }
    case BinOp::mul:
      if (l == T::integer && r == T::integer) return make(Op::mul, T::integer, {left, right});
      if (number(l) && number(r)) return make(Op::mul, T::decimal, {to_real(left), to_real(right)});
      if (l == T::money && r == T::integer) return make(Op::mul, T::money, {left, right});
      if (l == T::integer && r == T::money) return make(Op::mul, T::money, {right, left});
      if (l == T::money && r == T::decimal)
        return make(Op::money_mul_real, T::money, {left, right});
      if (l == T::decimal && r == T::money)
        return make(Op::money_mul_real, T::money, {right, left});
      break;
    case BinOp::div:
      if (number(l) && number(r)) return make(Op::div, T::decimal, {to_real(left), to_real(right)});
      if (l == T::money && r == T::money) {
        return make(Op::div, T::decimal,
                    {make(Op::int_to_real, T::decimal, {left}),
                     make(Op::int_to_real, T::decimal, {right})});
      }
      if (l == T::money && r == T::integer) return make(Op::money_div_int, T::money, {left, right});
      if (l == T::money && r == T::decimal)
        return make(Op::money_div_real, T::money, {left, right});
      break;
    case BinOp::mod:
      if (l == T::integer && r == T::integer) return make(Op::mod, T::integer, {left, right});
      if (number(l) && number(r)) return make(Op::mod, T::decimal, {to_real(left), to_real(right)});
      break;
    default:
      break;
  }
  fail(mismatch(l, r, verb_of(ast.op)), ast.offset);
}

std::uint32_t Checker::membership(const Ast& ast) {
  std::uint32_t left = check(ast.kids[0]);
  std::uint32_t right = check(ast.kids[1]);
  if (type(right) != ExprType::list) {
    fail("类型不匹配：in 的右边应为列表（如 ['cash', 'card'] 或列表参数），实际是 " +
             std::string(to_string(type(right))),
         ast.offset);
  }
  ExprType l = type(left);
  ExprType elem = at(right).elem;
  if (l == ExprType::list || l == ExprType::boolean) {
    fail("类型不匹配：" + std::string(to_string(l)) + " 不能用 in 查找", ast.offset);
  }
  if (l == ExprType::integer && elem == ExprType::decimal) {
    left = to_real(left);
  } else if (l == ExprType::datetime && elem == ExprType::date) {
    left = to_date(left);
  } else if (l == ExprType::decimal && elem == ExprType::integer &&
             at(right).op == Op::const_list) {
    // A literal list of integers searched by a decimal: make it a list of reals.
    Node converted = at(right);
    std::vector<double> values;
    for (std::uint32_t i = 0; i < converted.count; ++i) {
      values.push_back(static_cast<double>(program_.list_ints[converted.first + i]));
    }
    converted.elem = ExprType::decimal;
    converted.first = static_cast<std::uint32_t>(program_.list_reals.size());
    program_.list_reals.insert(program_.list_reals.end(), values.begin(), values.end());
    program_.nodes[right] = converted;
  } else if (l != elem) {
    fail(mismatch(l, elem, "比较") + "（in 的列表元素是 " + std::string(to_string(elem)) + "）",
         ast.offset);
  }
  Node node;
  node.op = Op::in;
  node.type = ExprType::boolean;
  node.kid[0] = left;
  node.kid[1] = right;
  node.operand = at(left).cls;
  // A column in a constant list of integers or codes: one node.
  if (at(left).op == Op::column && at(right).op == Op::const_list &&
      (node.operand == Cls::integer || node.operand == Cls::text)) {
    node.op = Op::in_column;
    node.column = at(left).column;
    node.alias = at(left).alias;
    node.kid[0] = kNoNode;
  }
  std::uint32_t found = add(node);
  return ast.negated ? make(Op::logical_not, ExprType::boolean, {found}) : found;
}

std::uint32_t Checker::range(const Ast& ast) {
  std::vector<std::uint32_t> operands{check(ast.kids[0]), check(ast.kids[1]), check(ast.kids[2])};
  ExprType common;
  if (!unify(operands, common)) {
    ExprType value = type(operands[0]);
    ExprType bound = type(operands[1]) != value ? type(operands[1]) : type(operands[2]);
    fail(mismatch(value, bound, "比较"), ast.offset);
  }
  if (!is_ordered(common))
    fail("类型不匹配：" + std::string(to_string(common)) + " 不能用 between 比较", ast.offset);
  Node node;
  node.op = Op::between;
  node.type = ExprType::boolean;
  node.kid[0] = operands[0];
  node.kid[1] = operands[1];
  node.kid[2] = operands[2];
  node.operand = class_of(common);
  // A column between known bounds (constants, parameters) is two fused
  // comparisons: the same answer, since only the column can be unknown.
  auto known_bound = [&](std::uint32_t bound) {
    const Node& b = at(bound);
    return (b.op == Op::const_int && !b.unknown) || b.op == Op::param;
  };
  std::uint32_t inside;
  if (node.operand == Cls::integer && at(operands[0]).op == Op::column &&
      known_bound(operands[1]) && known_bound(operands[2])) {
    Node low = node;
    low.op = Op::compare;
    low.cmp = Cmp::ge;
    low.kid[2] = kNoNode;
    Node high = low;
    high.cmp = Cmp::le;
    high.kid[1] = operands[2];
    std::vector<std::uint32_t> both{add(fuse(low)), add(fuse(high))};
    inside = make_args(Op::logical_and, ExprType::boolean, both);
  } else {
    inside = add(node);
  }
  return ast.negated ? make(Op::logical_not, ExprType::boolean, {inside}) : inside;
}

std::uint32_t Checker::conditional(const Ast& ast) {
  std::uint32_t test = condition(ast.kids[0], "?:");
  std::vector<std::uint32_t> branches{check(ast.kids[1]), check(ast.kids[2])};
  ExprType common;
  if (!unify(branches, common) || common == ExprType::list) {
    fail("类型不匹配：?: 的两个分支类型不一致：" + std::string(to_string(type(branches[0]))) +
             " 与 " + std::string(to_string(type(branches[1]))),
         ast.offset);
  }
  return make(Op::cond, common, {test, branches[0], branches[1]});
}

}  // namespace mingjing::rules::expr_detail
