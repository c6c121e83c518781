// The checker's node building: appending nodes, folding constants,
// constant lists, and fused comparisons (a column against a constant or a
// parameter as one node).
#include <algorithm>
#include <cmath>

#include "rules/expr_check.h"

namespace mingjing::rules::expr_detail {

bool Checker::is_const(std::uint32_t node) const {
  switch (at(node).op) {
    case Op::const_bool:
    case Op::const_int:
    case Op::const_real:
    case Op::const_text:
    case Op::const_list:
      return true;
    default:
      return false;
  }
}

std::uint32_t Checker::add(Node node) {
  node.cls = class_of(node.type);
  program_.nodes.push_back(node);
  return fold(static_cast<std::uint32_t>(program_.nodes.size() - 1));
}

std::uint32_t Checker::make(Op op, ExprType type, std::initializer_list<std::uint32_t> kids) {
  Node node;
  node.op = op;
  node.type = type;
  std::size_t i = 0;
  for (auto kid : kids) node.kid[i++] = kid;
  if (node.kid[0] != kNoNode) node.operand = at(node.kid[0]).cls;
  return add(node);
}

std::uint32_t Checker::make_args(Op op, ExprType type, const std::vector<std::uint32_t>& args) {
  Node node;
  node.op = op;
  node.type = type;
  node.first = static_cast<std::uint32_t>(program_.args.size());
  node.count = static_cast<std::uint32_t>(args.size());
  if (!args.empty()) node.operand = at(args.front()).cls;
  program_.args.insert(program_.args.end(), args.begin(), args.end());
  return add(node);
}

// Evaluates a node whose children are all constants, once, at compile time:
// `yuan(1000)`, `date('2025-01-31')`, `-5`, `normalize('ＡＢＣ')`.
std::uint32_t Checker::fold(std::uint32_t index) {
  Node node = at(index);
  switch (node.op) {
    case Op::const_bool:
    case Op::const_int:
    case Op::const_real:
    case Op::const_text:
    case Op::const_list:
    case Op::column:
    case Op::record_key:
    case Op::region:
    case Op::param:
    case Op::param_list:
    case Op::as_of:
    case Op::agg_count:
    case Op::agg_count_present:
    case Op::agg_count_true:
    case Op::agg_sum:
    case Op::agg_min:
    case Op::agg_max:
    case Op::agg_avg:
    case Op::agg_distinct:
    case Op::agg_all:
    case Op::agg_any:
    case Op::compare_column_int:
    case Op::compare_column_param:
    case Op::compare_column_code:
    case Op::in_column:
      return index;
    default:
      break;
  }
  for (auto kid : node.kid) {
    if (kid != kNoNode && !is_const(kid)) return index;
  }
  for (std::uint32_t i = 0; i < node.count; ++i) {
    if (!is_const(program_.args[node.first + i])) return index;
  }
  Value value = evaluate(program_, index, dictionary_, Binding{});
  Node constant;
  constant.type = node.type;
  constant.cls = node.cls;
  constant.unknown = value.unknown;
  switch (node.cls) {
    case Cls::boolean:
      constant.op = Op::const_bool;
      constant.integer = value.integer;
      break;
    case Cls::integer:
      constant.op = Op::const_int;
      constant.integer = value.unknown ? kMissing : value.integer;
      break;
    case Cls::real:
      constant.op = Op::const_real;
      constant.real = value.unknown ? std::nan("") : value.decimal;
      break;
    case Cls::text:
      constant.op = Op::const_text;
      constant.code = value.code != kNoCode ? value.code
                      : value.text.empty()  ? kNoCode
                                            : dictionary_.intern(value.text);
      break;
    case Cls::list:
      return index;
  }
  program_.nodes[index] = constant;
  return index;
}

std::uint32_t Checker::list(const Ast& ast) {
  if (ast.kids.empty()) fail("列表不能为空", ast.offset);
  std::vector<std::uint32_t> items;
  for (const Ast& kid : ast.kids) {
    std::uint32_t item = check(kid);
    if (!is_const(item) || at(item).op == Op::const_list) {
      fail("列表的元素必须是常量（如 'cash'、yuan(1000)、date('2025-01-01')）", kid.offset);
    }
    if (at(item).unknown) fail("列表的元素不能是未知值", kid.offset);
    if (type(item) == ExprType::boolean) fail("列表的元素不能是 boolean", kid.offset);
    items.push_back(item);
  }
  ExprType common;
  if (!unify(items, common)) {
    for (std::size_t i = 1; i < items.size(); ++i) {
      if (type(items[i]) != type(items[0])) {
        fail("列表的元素类型不一致：" + std::string(to_string(type(items[0]))) + " 与 " +
                 std::string(to_string(type(items[i]))),
             ast.kids[i].offset);
      }
    }
  }
  Node node;
  node.op = Op::const_list;
  node.type = ExprType::list;
  node.elem = common;
  if (common == ExprType::decimal) {
    std::vector<double> values;
    for (auto item : items) values.push_back(at(item).real);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    node.first = static_cast<std::uint32_t>(program_.list_reals.size());
    node.count = static_cast<std::uint32_t>(values.size());
    program_.list_reals.insert(program_.list_reals.end(), values.begin(), values.end());
  } else {
    std::vector<std::int64_t> values;
    for (auto item : items)
      values.push_back(common == ExprType::text ? at(item).code : at(item).integer);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    node.first = static_cast<std::uint32_t>(program_.list_ints.size());
    node.count = static_cast<std::uint32_t>(values.size());
    program_.list_ints.insert(program_.list_ints.end(), values.begin(), values.end());
  }
  return add(node);
}

// A comparison of a column with a constant or a parameter becomes one node
// (the column on the left), so that the hot path visits one node, not three.
Node Checker::fuse(Node node) const {
  const Node& left = at(node.kid[0]);
  const Node& right = at(node.kid[1]);
  auto flipped = [](Cmp cmp) {
    switch (cmp) {
      case Cmp::lt:
        return Cmp::gt;
      case Cmp::le:
        return Cmp::ge;
      case Cmp::gt:
        return Cmp::lt;
      case Cmp::ge:
        return Cmp::le;
      default:
        return cmp;
    }
  };
  const Node* column = nullptr;
  const Node* other = nullptr;
  Node fused = node;
  if (left.op == Op::column) {
    column = &left;
    other = &right;
  } else if (right.op == Op::column) {
    column = &right;
    other = &left;
    fused.cmp = flipped(node.cmp);
  }
  if (column == nullptr) return node;
  fused.column = column->column;
  fused.alias = column->alias;
  fused.kid[0] = fused.kid[1] = kNoNode;
  if (node.operand == Cls::integer && other->op == Op::const_int && !other->unknown) {
    fused.op = Op::compare_column_int;
    fused.integer = other->integer;
    return fused;
  }
  if (node.operand == Cls::integer && other->op == Op::param) {
    fused.op = Op::compare_column_param;
    fused.first = other->first;
    return fused;
  }
  if (node.operand == Cls::text && (node.cmp == Cmp::eq || node.cmp == Cmp::ne) &&
      other->op == Op::const_text && !other->unknown && other->code != kNoCode) {
    fused.op = Op::compare_column_code;
    fused.code = other->code;
    return fused;
  }
  return node;
}

}  // namespace mingjing::rules::expr_detail
