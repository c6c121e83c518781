// The evaluator's inner interface, shared by expr_eval.cc (the hot cases:
// constants, reads, logic, comparisons, arithmetic), expr_eval_functions.cc
// (the other functions) and expr_aggregate.cc (aggregates). Internal to the
// expr*.cc files.
//
// Each node is evaluated by the function of its class, a switch over its
// op: no allocation on the paths of comparisons, arithmetic, column reads
// and logic. The hot switches stay small (cheap recursive calls); the rest
// is reached through their default case. Unknown is kMissing for integers,
// NaN for reals, Tri::unknown for booleans and !known for text.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <forward_list>
#include <string>
#include <string_view>

#include "rules/expr_internal.h"

namespace mingjing::rules::expr_detail {

using Tri = Truth;  // no, yes, unknown

inline Tri tri(bool value) {
  return value ? Tri::yes : Tri::no;
}

// Text: a dictionary code, or a view of computed text (code kNoCode).
struct TextVal {
  Code code = kNoCode;
  bool known = false;
  std::string_view view;
};

struct Ctx {
  Ctx(const Program& program, const Dictionary& dictionary, const Binding& binding)
      : program(program),
        nodes(program.nodes.data()),
        dictionary(dictionary),
        binding(binding),
        rows(binding.rows.data()) {}

  std::string_view view(const TextVal& text) const {
    return text.code != kNoCode ? dictionary.text(text.code) : text.view;
  }
  // Storage for computed text that lives as long as the evaluation.
  std::string& new_string() {
    scratch.emplace_front();
    return scratch.front();
  }
  // Before an aggregate moves its alias's row: rows become our own copy.
  void own_rows() {
    if (rows == owned.data()) return;
    std::size_t n = std::min(binding.rows.size(), owned.size());
    owned.fill(0);
    std::copy_n(binding.rows.data(), n, owned.data());
    rows = owned.data();
  }

  const Program& program;
  const Node* nodes;
  const Dictionary& dictionary;
  const Binding& binding;
  const std::uint32_t* rows;  // per alias: binding.rows, or `owned`
  std::array<std::uint32_t, Expression::kMaxAliases> owned;
  std::forward_list<std::string> scratch;
};

Tri eval_bool(Ctx& c, std::uint32_t n);
std::int64_t eval_int(Ctx& c, std::uint32_t n);
double eval_real(Ctx& c, std::uint32_t n);
TextVal eval_text(Ctx& c, std::uint32_t n);
bool eval_known(Ctx& c, std::uint32_t n);

// The ops the hot switches leave to expr_eval_functions.cc.
Tri bool_function(Ctx& c, const Node& node);
std::int64_t int_function(Ctx& c, const Node& node);
double real_function(Ctx& c, const Node& node);
TextVal text_function(Ctx& c, const Node& node);

// Aggregates (expr_aggregate.cc), by the class of their result.
Tri aggregate_bool(Ctx& c, const Node& node);
std::int64_t aggregate_int(Ctx& c, const Node& node);
double aggregate_real(Ctx& c, const Node& node);

// Rounds half away from zero; false when out of range or not finite.
bool round_to_int64(double value, std::int64_t& out);

// Date's supported range, 0001-01-01 to 9999-12-31, in days since the epoch.
inline bool in_date_range(std::int64_t days) {
  return days >= -719162 && days <= 2932896;
}

// Text of a value for text(): "123", "0.25", "1234.50" (money, yuan),
// "2025-01-31", "2025-01-31 08:00:00", "true".
void format_value(ExprType type, std::int64_t integer, double real, std::string& out);

}  // namespace mingjing::rules::expr_detail
