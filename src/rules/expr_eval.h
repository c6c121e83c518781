// The evaluator's inner interface, shared by expr_eval.cc (scalars) and
// expr_aggregate.cc (aggregates). Internal to the expr*.cc files.
//
// Each node is evaluated by the function of its class, a switch over its
// op: no allocation on the paths of comparisons, arithmetic, column reads
// and logic. Unknown is kMissing for integers, NaN for reals, Tri::unknown
// for booleans and !known for text.
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

// Text: a dictionary code, or a view of computed text (code kNoCode).
struct TextVal {
  Code code = kNoCode;
  bool known = false;
  std::string_view view;
};

struct Ctx {
  Ctx(const Program& program, const Dictionary& dictionary, const Binding& binding)
      : program(program), nodes(program.nodes.data()), dictionary(dictionary), binding(binding) {
    std::size_t n = std::min(binding.rows.size(), rows.size());
    for (std::size_t i = 0; i < n; ++i) rows[i] = binding.rows[i];
  }

  std::string_view view(const TextVal& text) const {
    return text.code != kNoCode ? dictionary.text(text.code) : text.view;
  }
  // Storage for computed text that lives as long as the evaluation.
  std::string& new_string() {
    scratch.emplace_front();
    return scratch.front();
  }

  const Program& program;
  const Node* nodes;
  const Dictionary& dictionary;
  const Binding& binding;
  std::array<std::uint32_t, Expression::kMaxAliases> rows{};  // aggregates move their alias's row
  std::forward_list<std::string> scratch;
};

Tri eval_bool(Ctx& c, std::uint32_t n);
std::int64_t eval_int(Ctx& c, std::uint32_t n);
double eval_real(Ctx& c, std::uint32_t n);
TextVal eval_text(Ctx& c, std::uint32_t n);
bool eval_known(Ctx& c, std::uint32_t n);

// Aggregates (expr_aggregate.cc), by the class of their result.
Tri aggregate_bool(Ctx& c, const Node& node);
std::int64_t aggregate_int(Ctx& c, const Node& node);
double aggregate_real(Ctx& c, const Node& node);

// Rounds half away from zero; false when out of range or not finite.
bool round_to_int64(double value, std::int64_t& out);

// Text of a value for text(): "123", "0.25", "1234.50" (money, yuan),
// "2025-01-31", "2025-01-31 08:00:00", "true".
void format_value(ExprType type, std::int64_t integer, double real, std::string& out);

}  // namespace mingjing::rules::expr_detail
