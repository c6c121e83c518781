// Internals of the expression language (rules/expr.h): tokens, the syntax
// tree, and the typed program the checker builds and the evaluator runs.
// Not part of the module's interface: only expr*.cc include this.
//
// Pipeline: lex() -> parse() -> Ast -> check (expr_check.cc) -> Program ->
// evaluate (expr_eval.cc). Errors inside the pipeline are thrown as
// CompileFailure and turned into Expression::CompileError by compile().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/expr.h"

namespace mingjing::core {
class WorkdayCalendar;
}

namespace mingjing::rules::expr_detail {

// A compile error at a byte offset of the source.
struct CompileFailure {
  std::string message;
  std::size_t offset = 0;
};

// ---- Lexer (expr_lex.cc) ----

enum class Tok : std::uint8_t {
  end,
  integer,
  decimal,
  text,
  identifier,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  dot,
  question,
  colon,
  plus,
  minus,
  star,
  slash,
  percent,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  kw_and,  // and &&
  kw_or,   // or ||
  kw_not,  // not !
  kw_in,
  kw_between,
  kw_true,
  kw_false,
};

struct Token {
  Tok kind = Tok::end;
  std::size_t offset = 0;  // bytes
  std::size_t length = 0;  // bytes of source
  std::string text;        // a string literal's decoded value, else the source text
};

// Throws CompileFailure.
std::vector<Token> lex(std::string_view source);

// ---- Syntax tree (expr_parse.cc) ----

enum class AstKind : std::uint8_t {
  integer,
  decimal,
  text,
  boolean,
  list,    // kids: the elements
  name,    // text: the dotted path ("s.amount", "params.limit", "as_of")
  call,    // text: the function name; kids: the arguments
  negate,  // kids[0]
  logical_not,
  binary,   // op; kids[0], kids[1]
  in,       // kids[0] in kids[1]; negated for `not in`
  between,  // kids[0] between kids[1] and kids[2]; negated for `not between`
  cond,     // kids[0] ? kids[1] : kids[2]
};

enum class BinOp : std::uint8_t {
  logical_or,
  logical_and,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  add,
  sub,
  mul,
  div,
  mod
};

struct Ast {
  AstKind kind = AstKind::integer;
  BinOp op = BinOp::eq;
  bool negated = false;
  std::size_t offset = 0;  // bytes: the token that names the node (operator, name, literal)
  std::string text;
  std::int64_t integer = 0;
  double decimal = 0;
  std::vector<Ast> kids;
};

// Throws CompileFailure.
Ast parse(std::string_view source);

// ---- Typed program (expr_check.cc builds it, expr_eval.cc runs it) ----

// How a type is held at run time.
enum class Cls : std::uint8_t {
  boolean,  // Tri
  integer,  // int64, kMissing = unknown: integer, money, date, datetime
  real,     // double, NaN = unknown: decimal
  text,     // TextVal
  list,
};
Cls class_of(ExprType type);

enum class Cmp : std::uint8_t { eq, ne, lt, le, gt, ge };

enum class Op : std::uint8_t {
  // Constants. const_list: sorted, distinct values in Program::list_ints
  // (integers, or text codes) or list_reals, [first, first + count).
  const_bool,
  const_int,
  const_real,
  const_text,
  const_list,
  // Reads. column: `column` of the row bound to `alias`. param: slot `first`.
  column,
  record_key,
  region,
  param,
  param_list,
  as_of,
  // Logic and choice (any class for cond and coalesce). and, or: args.
  logical_and,
  logical_or,
  logical_not,
  cond,      // kid[0] ? kid[1] : kid[2]
  coalesce,  // args
  present,
  missing,
  // Comparisons of two operands of class `operand`.
  compare,  // kid[0] cmp kid[1]
  // Fused comparisons of a column (`column`, `alias`) with a constant or a
  // parameter, the commonest leaves, evaluated without visiting children:
  compare_column_int,    // integer column cmp `integer`
  compare_column_param,  // integer column cmp parameter slot `first`
  compare_column_code,   // text column ==/!= `code`
  in_column,             // integer or text column in the constant list kid[1]
  in,                    // kid[0] in the list kid[1]
  between,               // kid[1] <= kid[0] <= kid[2]
  // Conversions.
  int_to_real,
  datetime_to_date,
  // Arithmetic on integers (integer, money, date) and reals.
  add,
  sub,
  mul,
  div,  // reals only
  mod,
  neg,
  abs,
  min,  // args
  max,  // args
  money_mul_real,
  money_div_int,
  money_div_real,
  yuan_int,
  yuan_real,
  round_to_int,  // real -> integer
  round_digits,  // real, integer -> real
  // Dates.
  workdays,
  year,
  month,
  day,
  add_months,
  age,
  parse_date,
  parse_datetime,
  // Text.
  normalize,
  similarity,
  contains,
  starts_with,
  ends_with,
  length,
  town,
  to_text,  // kid[0] of any class
  // Aggregates over the group of `alias`.
  agg_count,
  agg_count_present,
  agg_count_true,
  agg_sum,
  agg_min,
  agg_max,
  agg_avg,
  agg_distinct,
  agg_all,
  agg_any,
};

inline constexpr std::uint32_t kNoNode = 0xffffffffu;

struct Node {
  Op op = Op::const_int;
  ExprType type = ExprType::integer;
  Cls cls = Cls::integer;
  Cls operand = Cls::integer;  // compare, in, between, agg_*, present, to_text: the kids' class
  ExprType elem = ExprType::integer;  // lists: the element type
  Cmp cmp = Cmp::eq;
  bool unknown = false;    // const_*: the constant is unknown
  std::uint8_t alias = 0;  // column, record_key, region, agg_*
  std::uint32_t kid[3] = {kNoNode, kNoNode, kNoNode};
  std::uint32_t first = 0;             // args / list start / param slot
  std::uint32_t count = 0;             // args / list length
  std::int64_t integer = 0;            // const_int, const_bool
  double real = 0;                     // const_real
  Code code = kNoCode;                 // const_text
  const FactColumn* column = nullptr;  // column
  const FactTable* table = nullptr;    // record_key, region
};

struct Program {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> args;  // children of variadic nodes
  std::vector<std::int64_t> list_ints;
  std::vector<double> list_reals;
  std::uint32_t root = 0;
  const core::WorkdayCalendar* calendar = nullptr;
};

// ---- Evaluation (expr_eval.cc) ----

// Evaluates node `node` of `program` (the root for the public calls).
// `dictionary` gives the text of codes.
Value evaluate(const Program& program, std::uint32_t node, const Dictionary& dictionary,
               const Binding& binding);
Truth evaluate_truth(const Program& program, const Dictionary& dictionary, const Binding& binding);

// ---- Text functions (expr_text.cc) ----

// NFKC, without whitespace, punctuation and control characters, lower case.
void normalize_text(std::string_view text, std::string& out);
// Dice coefficient of the character bigrams of the normalized texts.
double text_similarity(std::string_view a, std::string_view b);
// "330782001000" for "330782001203"; false unless 12 ASCII digits.
bool town_code(std::string_view region_code, char (&out)[12]);

}  // namespace mingjing::rules::expr_detail
