// The evaluator's hot paths: constants, reads, logic, comparisons, `in`,
// arithmetic. Everything else is reached through the default cases
// (expr_eval_functions.cc), which keeps these functions' frames small.
#include "rules/expr_eval.h"

#include <cmath>
#include <limits>

#include "core/datetime.h"

namespace mingjing::rules::expr_detail {
namespace {

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

template <typename V>
bool compare(Cmp cmp, const V& a, const V& b) {
  switch (cmp) {
    case Cmp::eq:
      return a == b;
    case Cmp::ne:
      return a != b;
    case Cmp::lt:
      return a < b;
    case Cmp::le:
      return a <= b;
    case Cmp::gt:
      return a > b;
    case Cmp::ge:
      return a >= b;
  }
  return false;
}

const ParamValue& param_of(const Ctx& c, const Node& node) {
  return c.binding.params[node.first];
}

[[gnu::noinline]] Tri compare_nodes(Ctx& c, const Node& node) {
  switch (node.operand) {
    case Cls::integer: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return Tri::unknown;
      std::int64_t b = eval_int(c, node.kid[1]);
      if (b == kMissing) return Tri::unknown;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::real: {
      double a = eval_real(c, node.kid[0]);
      if (std::isnan(a)) return Tri::unknown;
      double b = eval_real(c, node.kid[1]);
      if (std::isnan(b)) return Tri::unknown;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::text: {
      TextVal a = eval_text(c, node.kid[0]);
      if (!a.known) return Tri::unknown;
      TextVal b = eval_text(c, node.kid[1]);
      if (!b.known) return Tri::unknown;
      if ((node.cmp == Cmp::eq || node.cmp == Cmp::ne) && a.code != kNoCode && b.code != kNoCode) {
        return tri(compare(node.cmp, a.code, b.code));
      }
      return tri(compare(node.cmp, c.view(a), c.view(b)));
    }
    case Cls::boolean: {
      Tri a = eval_bool(c, node.kid[0]);
      if (a == Tri::unknown) return a;
      Tri b = eval_bool(c, node.kid[1]);
      if (b == Tri::unknown) return b;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::list:
      break;
  }
  return Tri::unknown;
}

[[gnu::noinline]] Tri member(Ctx& c, const Node& node) {
  const Node& list = c.nodes[node.kid[1]];
  const Program& p = c.program;
  if (list.op == Op::const_list) {
    if (node.operand == Cls::real) {
      double v = eval_real(c, node.kid[0]);
      if (std::isnan(v)) return Tri::unknown;
      const double* first = p.list_reals.data() + list.first;
      return tri(std::binary_search(first, first + list.count, v));
    }
    std::int64_t key;
    if (node.operand == Cls::text) {
      TextVal v = eval_text(c, node.kid[0]);
      if (!v.known) return Tri::unknown;
      if (v.code == kNoCode) {  // computed text: compare by value
        for (std::uint32_t i = 0; i < list.count; ++i) {
          if (c.dictionary.text(static_cast<Code>(p.list_ints[list.first + i])) == v.view)
            return Tri::yes;
        }
        return Tri::no;
      }
      key = v.code;
    } else {
      key = eval_int(c, node.kid[0]);
      if (key == kMissing) return Tri::unknown;
    }
    const std::int64_t* first = p.list_ints.data() + list.first;
    return tri(std::binary_search(first, first + list.count, key));
  }
  const ParamValue& param = param_of(c, list);  // param_list
  if (node.operand == Cls::text) {
    TextVal v = eval_text(c, node.kid[0]);
    if (!v.known) return Tri::unknown;
    std::string_view text = c.view(v);
    for (const auto& item : param.list) {
      if (item == text) return Tri::yes;
    }
    return Tri::no;
  }
  std::int64_t v = eval_int(c, node.kid[0]);
  if (v == kMissing) return Tri::unknown;
  for (auto item : param.numbers) {
    if (item == v) return Tri::yes;
  }
  return Tri::no;
}

[[gnu::noinline]] Tri member_column(const Ctx& c, const Node& node) {
  std::uint32_t row = c.rows[node.alias];
  std::int64_t key = node.operand == Cls::text ? node.column->codes[row] : node.column->ints[row];
  if (key == (node.operand == Cls::text ? kNoCode : kMissing)) return Tri::unknown;
  const Node& list = c.nodes[node.kid[1]];
  const std::int64_t* first = c.program.list_ints.data() + list.first;
  if (list.count <= 8) {  // short lists: a scan beats a search
    for (std::uint32_t i = 0; i < list.count; ++i) {
      if (first[i] == key) return Tri::yes;
    }
    return Tri::no;
  }
  return tri(std::binary_search(first, first + list.count, key));
}

[[gnu::noinline]] std::int64_t integer_arithmetic(Ctx& c, const Node& node) {
  std::int64_t a = eval_int(c, node.kid[0]);
  if (a == kMissing) return kMissing;
  std::int64_t b = eval_int(c, node.kid[1]);
  if (b == kMissing) return kMissing;
  std::int64_t r;
  bool overflow = false;
  switch (node.op) {
    case Op::add:
      overflow = __builtin_add_overflow(a, b, &r);
      break;
    case Op::sub:
      overflow = __builtin_sub_overflow(a, b, &r);
      break;
    case Op::mul:
      overflow = __builtin_mul_overflow(a, b, &r);
      break;
    default:  // mod
      if (b == 0) return kMissing;
      r = b == -1 ? 0 : a % b;
  }
  if (overflow) return kMissing;
  if (node.type == ExprType::date && !in_date_range(r)) return kMissing;
  return r;
}

}  // namespace

Tri eval_bool(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_bool:
      return node.unknown ? Tri::unknown : tri(node.integer != 0);
    case Op::column: {
      std::int64_t v = node.column->ints[c.rows[node.alias]];
      return v == kMissing ? Tri::unknown : tri(v != 0);
    }
    case Op::param:
      return tri(param_of(c, node).integer != 0);
    case Op::logical_and: {  // false decides; else unknown if any is
      bool unknown = false;
      for (std::uint32_t i = 0; i < node.count; ++i) {
        Tri v = eval_bool(c, c.program.args[node.first + i]);
        if (v == Tri::no) return v;
        unknown |= v == Tri::unknown;
      }
      return unknown ? Tri::unknown : Tri::yes;
    }
    case Op::logical_or: {  // true decides; else unknown if any is
      bool unknown = false;
      for (std::uint32_t i = 0; i < node.count; ++i) {
        Tri v = eval_bool(c, c.program.args[node.first + i]);
        if (v == Tri::yes) return v;
        unknown |= v == Tri::unknown;
      }
      return unknown ? Tri::unknown : Tri::no;
    }
    case Op::logical_not: {
      Tri a = eval_bool(c, node.kid[0]);
      return a == Tri::unknown ? a : tri(a == Tri::no);
    }
    case Op::compare_column_int: {
      std::int64_t v = node.column->ints[c.rows[node.alias]];
      return v == kMissing ? Tri::unknown : tri(compare(node.cmp, v, node.integer));
    }
    case Op::compare_column_param: {
      std::int64_t v = node.column->ints[c.rows[node.alias]];
      return v == kMissing ? Tri::unknown : tri(compare(node.cmp, v, param_of(c, node).integer));
    }
    case Op::compare_column_code: {
      Code v = node.column->codes[c.rows[node.alias]];
      return v == kNoCode ? Tri::unknown : tri((v == node.code) == (node.cmp == Cmp::eq));
    }
    case Op::compare:
      return compare_nodes(c, node);
    case Op::in:
      return member(c, node);
    case Op::in_column:
      return member_column(c, node);
    case Op::present:
      return tri(eval_known(c, node.kid[0]));
    case Op::missing:
      return tri(!eval_known(c, node.kid[0]));
    default:
      return bool_function(c, node);
  }
}

std::int64_t eval_int(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_int:
      return node.integer;
    case Op::column:
      return node.column->ints[c.rows[node.alias]];
    case Op::param:
      return param_of(c, node).integer;
    case Op::as_of:
      return c.binding.as_of;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::mod:
      return integer_arithmetic(c, node);
    case Op::neg: {
      std::int64_t a = eval_int(c, node.kid[0]);
      return a == kMissing ? a : -a;
    }
    case Op::datetime_to_date: {
      std::int64_t ms = eval_int(c, node.kid[0]);
      if (ms == kMissing ||
          ms > std::numeric_limits<std::int64_t>::max() - core::DateTime::kShanghaiOffsetMs) {
        return kMissing;
      }
      return floor_div(ms + core::DateTime::kShanghaiOffsetMs, kMsPerDay);
    }
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return kMissing;
      return eval_int(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        std::int64_t v = eval_int(c, c.program.args[node.first + i]);
        if (v != kMissing) return v;
      }
      return kMissing;
    default:
      return int_function(c, node);
  }
}

double eval_real(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_real:
      return node.real;
    case Op::column:
      return node.column->reals[c.rows[node.alias]];
    case Op::param:
      return param_of(c, node).decimal;
    case Op::int_to_real: {
      std::int64_t a = eval_int(c, node.kid[0]);
      return a == kMissing ? kNaN : static_cast<double>(a);
    }
    case Op::add:
      return eval_real(c, node.kid[0]) + eval_real(c, node.kid[1]);
    case Op::sub:
      return eval_real(c, node.kid[0]) - eval_real(c, node.kid[1]);
    case Op::mul:
      return eval_real(c, node.kid[0]) * eval_real(c, node.kid[1]);
    case Op::div: {
      double a = eval_real(c, node.kid[0]);
      double b = eval_real(c, node.kid[1]);
      return b == 0 ? kNaN : a / b;
    }
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return kNaN;
      return eval_real(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    default:
      return real_function(c, node);
  }
}

TextVal eval_text(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_text:
      return TextVal{node.code, !node.unknown, {}};
    case Op::column: {
      Code code = node.column->codes[c.rows[node.alias]];
      return TextVal{code, code != kNoCode, {}};
    }
    case Op::record_key:
      return TextVal{node.table->record_key(c.rows[node.alias]), true, {}};
    case Op::region: {
      Code code = node.table->region(c.rows[node.alias]);
      return TextVal{code, code != kNoCode, {}};
    }
    case Op::param:
      return TextVal{kNoCode, true, param_of(c, node).text};
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return TextVal{};
      return eval_text(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    default:
      return text_function(c, node);
  }
}

bool eval_known(Ctx& c, std::uint32_t n) {
  switch (c.nodes[n].cls) {
    case Cls::boolean:
      return eval_bool(c, n) != Tri::unknown;
    case Cls::integer:
      return eval_int(c, n) != kMissing;
    case Cls::real:
      return !std::isnan(eval_real(c, n));
    case Cls::text:
      return eval_text(c, n).known;
    case Cls::list:
      return true;
  }
  return false;
}

Value evaluate(const Program& program, std::uint32_t node, const Dictionary& dictionary,
               const Binding& binding) {
  Ctx c(program, dictionary, binding);
  const Node& root = program.nodes[node];
  Value value;
  value.type = root.type;
  switch (root.cls) {
    case Cls::boolean: {
      Tri t = eval_bool(c, node);
      value.unknown = t == Tri::unknown;
      value.integer = t == Tri::yes ? 1 : 0;
      break;
    }
    case Cls::integer: {
      std::int64_t v = eval_int(c, node);
      value.unknown = v == kMissing;
      value.integer = value.unknown ? 0 : v;
      break;
    }
    case Cls::real: {
      double v = eval_real(c, node);
      value.unknown = std::isnan(v);
      value.decimal = value.unknown ? 0 : v;
      break;
    }
    case Cls::text: {
      TextVal t = eval_text(c, node);
      value.unknown = !t.known;
      if (t.code != kNoCode) {
        value.code = t.code;
      } else if (t.known) {
        value.text.assign(t.view);
      }
      break;
    }
    case Cls::list:
      value.unknown = true;
      break;
  }
  return value;
}

Truth evaluate_truth(const Program& program, const Dictionary& dictionary, const Binding& binding) {
  Ctx c(program, dictionary, binding);
  return eval_bool(c, program.root);
}

}  // namespace mingjing::rules::expr_detail
