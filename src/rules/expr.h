// The rule expression language (docs/rules-language.md): a small, typed,
// side-effect-free language in the spirit of Google CEL. No loops, no
// assignments. Missing data is `unknown`, never false: comparisons and
// arithmetic on an unknown value are unknown; `and` is false if any side is
// false, else unknown if any side is; `or` is true if any side is true, else
// unknown if any side is; `present(x)` / `missing(x)` are never unknown.
//
// An expression is compiled once against a Scope (the rule's aliases, each
// naming a FactTable, and its parameters), which resolves every identifier
// and checks every type, then evaluated many times against a Binding (one
// row per alias, or a group of rows for aggregates, plus the parameter
// values in force for that row's region).
//
// Types: boolean, integer, decimal, money (fen), date (days since epoch),
// datetime (unix ms), text (dictionary Code, or a computed string), list (of
// literals or a parameter list, for `in`).
//
// Thread-safety: a compiled Expression is immutable; eval() may run on
// several threads at once with different bindings.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "rules/facts.h"

namespace mingjing::core {
class WorkdayCalendar;
}

namespace mingjing::rules {

namespace expr_detail {
struct Program;  // expr_internal.h
}

enum class ExprType : std::uint8_t {
  boolean,
  integer,
  decimal,
  money,
  date,
  datetime,
  text,
  list,
};
std::string_view to_string(ExprType type);  // "boolean", "money"…

// A parameter's value as resolved for one region (rules/rule_def.h resolves
// defaults and overrides). Money in fen, dates as days, ratios as decimal.
struct ParamValue {
  ExprType type = ExprType::integer;
  std::int64_t integer = 0;           // integer, money, date, datetime, boolean
  double decimal = 0;                 // decimal
  std::string text;                   // text
  std::vector<std::string> list;      // list of text
  std::vector<std::int64_t> numbers;  // list of integers (when list of numbers)
};

struct ParamSlot {
  std::string name;  // referred to as params.<name>
  ExprType type = ExprType::integer;
  bool list_of_text = true;  // for ExprType::list
};

struct Scope {
  struct Alias {
    std::string name;         // "s"
    const FactTable* table;   // subsidies
    bool aggregated = false;  // inside count()/sum()/… only (window groups)
  };
  std::vector<Alias> aliases;
  std::vector<ParamSlot> params;  // index = slot number
  // Aggregate context: count(), sum(x), min(x), max(x), avg(x), all(c),
  // any(c), distinct(x) are allowed over aggregated aliases.
  bool aggregates_allowed = false;
};

// What one evaluation sees. rows[i] is the bound row of scope.aliases[i]
// (ignored for aggregated aliases); groups[i] is the group of rows of an
// aggregated alias.
struct Binding {
  std::span<const std::uint32_t> rows;
  std::span<const std::span<const std::uint32_t>> groups;
  std::span<const ParamValue> params;  // per ParamSlot
  std::int64_t as_of = 0;              // evaluation date, days since epoch
};

// Result of one evaluation.
struct Value {
  ExprType type = ExprType::boolean;
  bool unknown = false;
  std::int64_t integer = 0;  // boolean 0/1, integer, money, date, datetime
  double decimal = 0;
  Code code = kNoCode;  // text from the store or a literal
  std::string text;     // text computed at run time (normalize()…), when code is kNoCode

  bool is_true() const { return !unknown && type == ExprType::boolean && integer != 0; }
};

// The outcome of a condition, without building a Value (the engine's hot
// path).
enum class Truth : std::uint8_t { no, yes, unknown };

// A column an expression reads: alias index in the scope, column name.
struct ColumnUse {
  std::size_t alias = 0;
  std::string column;
};

class Expression {
 public:
  // At most this many aliases in a Scope.
  static constexpr std::size_t kMaxAliases = 8;

  // Errors are invalid_argument with a Chinese message that quotes the
  // offending token, `field` = "expr", and the 0-based character offset of
  // the error in `offset` (for the rule loader to turn into line:column).
  // Offsets count Unicode characters (code points), not bytes.
  struct CompileError {
    core::Error error;
    std::size_t offset = 0;
  };

  // Parses, resolves and type-checks `source` against `scope`. Text
  // literals are interned into `dictionary`, which must be the dictionary of
  // the FactStore later passed to eval(); interning is a write, so compile()
  // needs the same exclusive access as FactStore::upsert(). `calendar` is
  // needed only by workdays() (nullptr otherwise: using workdays() is then
  // a compile error); it must outlive the Expression.
  //
  // Success: the expression, of any type but list. Failure: CompileError.
  // Not an error: an expression that is always unknown (`1 / 0`).
  static std::variant<Expression, CompileError> compile(std::string_view source, const Scope& scope,
                                                        Dictionary& dictionary,
                                                        const core::WorkdayCalendar* calendar);

  ExprType type() const;

  // REQUIRES: `facts` holds the tables the Scope named (the FactTable
  // pointers are read directly) and the dictionary compile() used;
  // binding.rows[i] is a valid row of alias i for every non-aggregated alias
  // (entries of aggregated aliases are ignored and may be left out at the
  // end); binding.groups[i] is the group of aggregated alias i (a missing
  // entry is an empty group); binding.params has one value per ParamSlot,
  // of the slot's type. Missing data is never an error: it gives unknown.
  Value eval(const FactStore& facts, const Binding& binding) const;
  // eval() for a boolean expression, as a Truth.
  // REQUIRES: type() == ExprType::boolean, and as for eval().
  Truth truth(const FactStore& facts, const Binding& binding) const;

  // Every column it reads, once each, in order of first use (the
  // pseudo-columns record_key and region included when read).
  const std::vector<ColumnUse>& columns() const;
  const std::string& source() const;

 private:
  std::shared_ptr<const expr_detail::Program> program_;  // the typed node tree
  std::vector<ColumnUse> columns_;
  std::string source_;
  ExprType type_ = ExprType::boolean;
};

// Renders a value for an explanation or the evidence: money as yuan with
// two decimals ("28,600.00元"), dates as YYYY-MM-DD, text as is.
std::string render(const Value& value, const Dictionary& dictionary);

}  // namespace mingjing::rules
