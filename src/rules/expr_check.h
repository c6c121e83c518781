// The checker of the expression language: resolves names against a Scope,
// checks and converts types, folds constants, and builds the Program.
// Operators and names are in expr_check.cc, function calls in
// expr_functions.cc, node building and folding in expr_nodes.cc. Internal to
// the expr*.cc files.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expr_internal.h"

namespace mingjing::rules::expr_detail {

class Checker {
 public:
  Checker(const Scope& scope, Dictionary& dictionary, const core::WorkdayCalendar* calendar,
          Program& program, std::vector<ColumnUse>& columns);

  // The node for `ast`; throws CompileFailure.
  std::uint32_t check(const Ast& ast);

 private:
  [[noreturn]] static void fail(std::string message, std::size_t offset);

  const Node& at(std::uint32_t node) const { return program_.nodes[node]; }
  ExprType type(std::uint32_t node) const { return program_.nodes[node].type; }
  bool is_const(std::uint32_t node) const;

  // Appends a node (its cls follows its type) and folds it when every
  // child is a constant.
  std::uint32_t add(Node node);
  std::uint32_t make(Op op, ExprType type, std::initializer_list<std::uint32_t> kids);
  std::uint32_t make_args(Op op, ExprType type, const std::vector<std::uint32_t>& args);
  std::uint32_t fold(std::uint32_t node);
  Node fuse(Node compare) const;

  // Implicit conversions.
  std::uint32_t to_real(std::uint32_t node);
  std::uint32_t to_date(std::uint32_t node);
  // One type for all operands (integer with decimal gives decimal; date
  // with datetime gives date), converting them; false if
  // there is none.
  bool unify(std::vector<std::uint32_t>& operands, ExprType& common);

  std::uint32_t name(const Ast& ast);
  std::uint32_t column(const Ast& ast, std::size_t alias, std::string_view column);
  std::uint32_t list(const Ast& ast);
  std::uint32_t negate(const Ast& ast);
  std::uint32_t logical(const Ast& ast);
  std::uint32_t comparison(const Ast& ast);
  std::uint32_t arithmetic(const Ast& ast);
  std::uint32_t membership(const Ast& ast);
  std::uint32_t range(const Ast& ast);
  std::uint32_t conditional(const Ast& ast);
  std::uint32_t condition(const Ast& ast, std::string_view where);  // a boolean operand

  // expr_functions.cc
  std::uint32_t call(const Ast& ast);
  std::uint32_t aggregate(const Ast& ast);
  std::uint32_t argument_of(const Ast& call, std::size_t index,
                            std::initializer_list<ExprType> allowed);
  [[noreturn]] void wrong_argument(const Ast& call, std::size_t index, std::string_view expected,
                                   ExprType actual);

  const Scope& scope_;
  Dictionary& dictionary_;
  const core::WorkdayCalendar* calendar_;
  Program& program_;
  std::vector<ColumnUse>& columns_;
  bool in_aggregate_ = false;
  std::uint32_t aggregated_used_ = 0;  // bit per alias, inside an aggregate's argument
};

// "money 不能与 date 比较", with a hint for money against a number.
std::string mismatch(ExprType left, ExprType right, std::string_view verb);

}  // namespace mingjing::rules::expr_detail
