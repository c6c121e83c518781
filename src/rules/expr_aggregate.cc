// Aggregates over the group of an aggregated alias: the alias's row moves
// over the group while the argument is evaluated.
//
// Unknown values: count() counts rows; count(x) the rows where x is known
// (count(cond): where cond is true); sum, min, max and avg skip unknown
// values, and are unknown when the group has values but every one is
// unknown. Over an empty group sum is 0, min, max and avg are unknown, all()
// is true and any() false. all() is false if any row is false, else unknown
// if any is unknown; any() is true if any row is true, else unknown if any
// is unknown (the same rules as and/or).
#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "rules/expr_eval.h"

namespace mingjing::rules::expr_detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::span<const std::uint32_t> group_of(const Ctx& c, const Node& node) {
  if (node.alias >= c.binding.groups.size()) return {};
  return c.binding.groups[node.alias];
}

// Calls visit(row) with the alias's row set to each row of the group, and
// puts the bound row back afterwards.
template <typename Visit>
void for_each_row(Ctx& c, const Node& node, Visit visit) {
  c.own_rows();
  std::uint32_t saved = c.owned[node.alias];
  for (std::uint32_t row : group_of(c, node)) {
    c.owned[node.alias] = row;
    if (!visit()) break;
  }
  c.owned[node.alias] = saved;
}

std::int64_t distinct(Ctx& c, const Node& node) {
  // Reused per thread: no allocation once they have grown.
  thread_local std::vector<std::int64_t> keys;
  thread_local std::vector<std::string_view> texts;
  keys.clear();
  texts.clear();
  std::uint32_t arg = node.kid[0];
  bool by_value = false;  // some text was computed: compare texts, not codes
  for_each_row(c, node, [&] {
    switch (node.operand) {
      case Cls::boolean: {
        Tri v = eval_bool(c, arg);
        if (v != Tri::unknown) keys.push_back(v == Tri::yes);
        break;
      }
      case Cls::integer: {
        std::int64_t v = eval_int(c, arg);
        if (v != kMissing) keys.push_back(v);
        break;
      }
      case Cls::real: {
        double v = eval_real(c, arg);
        if (!std::isnan(v)) keys.push_back(std::bit_cast<std::int64_t>(v == 0 ? 0.0 : v));
        break;
      }
      case Cls::text: {
        TextVal v = eval_text(c, arg);
        if (!v.known) break;
        if (v.code == kNoCode) by_value = true;
        texts.push_back(c.view(v));
        keys.push_back(v.code);
        break;
      }
      case Cls::list:
        break;
    }
    return true;
  });
  if (by_value) {
    std::sort(texts.begin(), texts.end());
    return static_cast<std::int64_t>(std::unique(texts.begin(), texts.end()) - texts.begin());
  }
  std::sort(keys.begin(), keys.end());
  return static_cast<std::int64_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
}

}  // namespace

Tri aggregate_bool(Ctx& c, const Node& node) {
  bool all = node.op == Op::agg_all;
  // all: a false row decides; any: a true row decides.
  Tri decisive = all ? Tri::no : Tri::yes;
  bool unknown = false;
  bool decided = false;
  for_each_row(c, node, [&] {
    Tri v = eval_bool(c, node.kid[0]);
    if (v == decisive) {
      decided = true;
      return false;
    }
    if (v == Tri::unknown) unknown = true;
    return true;
  });
  if (decided) return decisive;
  if (unknown) return Tri::unknown;
  return all ? Tri::yes : Tri::no;
}

std::int64_t aggregate_int(Ctx& c, const Node& node) {
  std::uint32_t arg = node.kid[0];
  switch (node.op) {
    case Op::agg_count:
      return static_cast<std::int64_t>(group_of(c, node).size());
    case Op::agg_count_present:
    case Op::agg_count_true: {
      std::int64_t count = 0;
      bool truth = node.op == Op::agg_count_true;
      for_each_row(c, node, [&] {
        if (truth ? eval_bool(c, arg) == Tri::yes : eval_known(c, arg)) ++count;
        return true;
      });
      return count;
    }
    case Op::agg_distinct:
      return distinct(c, node);
    default:
      break;
  }
  // sum, min, max, avg of integers (integer, money, date, datetime).
  std::int64_t result = node.op == Op::agg_sum ? 0 : kMissing;
  std::int64_t known = 0;
  bool overflow = false;
  bool any = false;
  for_each_row(c, node, [&] {
    any = true;
    std::int64_t v = eval_int(c, arg);
    if (v == kMissing) return true;
    switch (node.op) {
      case Op::agg_min:
        result = known == 0 ? v : std::min(result, v);
        break;
      case Op::agg_max:
        result = known == 0 ? v : std::max(result, v);
        break;
      default:  // sum, avg
        if (known == 0) result = 0;
        overflow = overflow || __builtin_add_overflow(result, v, &result);
    }
    ++known;
    return true;
  });
  if (overflow) return kMissing;
  if (known == 0) return node.op == Op::agg_sum && !any ? 0 : kMissing;
  if (node.op == Op::agg_avg) {
    // Money: the mean rounded half away from zero to the fen.
    std::int64_t q = result / known;
    std::int64_t r = result % known;
    if (2 * (r < 0 ? -r : r) >= known) q += result < 0 ? -1 : 1;
    return q;
  }
  return result;
}

double aggregate_real(Ctx& c, const Node& node) {
  std::uint32_t arg = node.kid[0];
  double result = node.op == Op::agg_sum ? 0 : kNaN;
  std::int64_t known = 0;
  bool any = false;
  for_each_row(c, node, [&] {
    any = true;
    double v = eval_real(c, arg);
    if (std::isnan(v)) return true;
    switch (node.op) {
      case Op::agg_min:
        result = known == 0 ? v : std::min(result, v);
        break;
      case Op::agg_max:
        result = known == 0 ? v : std::max(result, v);
        break;
      default:
        result = known == 0 ? v : result + v;
    }
    ++known;
    return true;
  });
  if (known == 0) return node.op == Op::agg_sum && !any ? 0 : kNaN;
  return node.op == Op::agg_avg ? result / static_cast<double>(known) : result;
}

}  // namespace mingjing::rules::expr_detail
