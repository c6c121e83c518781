// Rule definitions as data: the YAML files under rules/ (one rule per file,
// format in rules/README.md), read and checked before anything runs. Every
// error names the file, the line and the field, so a county's rule editor
// can find it. Expressions are kept as source text with their position and
// compiled later against the fact store (rules/engine.h), which reports its
// errors at the same positions.
//
// Parameters are typed, with a default in the file and overrides per county,
// town or village held in the database; ParamResolver picks the most
// specific one for a region and says where each value came from.
//
// Thread-safety: plain values; load functions are pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mingjing::rules {

// Where something was written: for error messages.
struct SourceMark {
  std::string file;  // as given to the loader (relative for rules/)
  int line = 0;      // 1-based
  int column = 0;    // 1-based
};

// An expression as written in a rule file.
struct ExprText {
  std::string text;
  SourceMark mark;  // where the text starts
  bool empty() const { return text.empty(); }
};

enum class RuleStatus { draft, shadow, active, paused, retired };
enum class Shape { record, match, missing, window, deadline };
enum class Severity { red, yellow };
enum class Routing { village, department, town_discipline, county_discipline };
enum class ParamType { integer, days, money, ratio, decimal, date, text, text_list };

std::string_view to_string(RuleStatus status);
std::string_view to_string(Shape shape);
std::string_view to_string(Severity severity);
std::string_view to_string(Routing routing);
std::string_view to_string(ParamType type);
std::optional<RuleStatus> parse_status(std::string_view text);

// The catalogue's seven categories, by the ID's first letter.
struct Category {
  char letter;               // 'P'
  std::string_view name;     // "projects"
  std::string_view chinese;  // "工程项目与采购"
};
const std::vector<Category>& categories();
const Category* category_of_rule(std::string_view rule_id);  // by first letter

// A parameter value in its stored form: integers (integer, days, money in
// fen, date as days since epoch), decimals (ratio, decimal), text, or a list
// of text.
struct ParamSetting {
  ParamType type = ParamType::integer;
  std::int64_t integer = 0;
  double decimal = 0;
  std::string text;
  std::vector<std::string> list;

  bool operator==(const ParamSetting&) const = default;
};

// Reads a value of `type` as a county would write it: money in yuan
// ("100000", "100,000.00"), ratios as 0.9 or "90%", dates YYYY-MM-DD, lists
// as comma-separated text. Errors are Chinese.
core::Result<ParamSetting> parse_param_value(ParamType type, std::string_view text);
// The inverse, for display and overrides: money in yuan, dates YYYY-MM-DD.
std::string format_param_value(const ParamSetting& value);

struct ParamDef {
  std::string name;  // referred to as params.<name>
  ParamType type = ParamType::integer;
  ParamSetting value;              // the default
  std::string title;               // Chinese, for the rule administration page
  std::optional<double> min, max;  // bounds on overrides (in yuan for money)
};

// A dataset in a rule, under an alias: "subsidies as s".
struct DatasetRef {
  std::string dataset;
  std::string alias;
  SourceMark mark;
};

// A further dataset joined to `from` (match) or required absent (missing).
struct JoinDef {
  DatasetRef ref;
  ExprText on;     // equality of keys, and further conditions
  ExprText where;  // missing: only counterparts meeting this count
};

struct RuleTest {
  std::string name;
  SourceMark mark;
  std::string as_of;                          // YYYY-MM-DD; empty: the rule's evaluation default
  std::map<std::string, std::string> params;  // overrides for this case, as text
  // Tiny input tables: dataset -> rows of column -> cell text, in the
  // import format (data-formats.md): they go through the same validation.
  std::map<std::string, std::vector<std::map<std::string, std::string>>> data;
  // Expected hits: each a list of subjects "dataset:id" (the spec's id:
  // persons by ID number, companies by credit code), order-insensitive.
  std::vector<std::vector<std::string>> expect;
};

struct RuleDef {
  std::string id;  // "S01"
  int version = 1;
  RuleStatus status = RuleStatus::draft;
  std::string title;     // Chinese
  std::string category;  // Category::name, agrees with the id's letter
  Severity severity = Severity::yellow;
  std::string basis;   // legal or practical basis (Chinese)
  std::string source;  // research sources (optional)
  Routing routing = Routing::village;
  int deadline_workdays = 10;
  std::vector<ParamDef> params;

  Shape shape = Shape::record;
  DatasetRef from;
  ExprText where;              // all shapes: which `from` rows take part
  std::vector<JoinDef> joins;  // match: one or more; missing: exactly one
  // window: rows of `from` grouped by these keys, ordered by `time`, cases
  // where `having` holds over the rows inside `window_days` (or
  // `window_months`) of each other; overlapping cases merge.
  std::vector<ExprText> group;
  ExprText time;
  int window_days = 0;
  int window_months = 0;
  ExprText having;
  // window, statistical rules: a figure per group (an aggregate, such as the
  // share of disqualified bids) compared with the Tukey fences of that
  // figure over all groups: Q1 - k*IQR and Q3 + k*IQR, quartiles by
  // Hyndman-Fan type 8. `having` then only says which groups take part.
  ExprText outlier;
  std::string outlier_side;  // "high", "low" or "both"
  double outlier_k = 1.5;
  // outlier.top: only groups whose figure `outlier_top` is at or above its
  // `outlier_top_quantile` over all groups are flagged (fences still over
  // all groups).
  ExprText outlier_top;
  double outlier_top_quantile = 0.75;
  // deadline: `due` is a date; a case is yellow from `warn_before` days
  // before it and red once past it (by `red_after` days), unless `done`.
  ExprText due;
  ExprText warn_before;  // an integer expression (usually a parameter)
  ExprText red_after;
  ExprText done;

  // The aliases whose records a warning names, business records first;
  // default every alias of the rule in order (`from`, then the joins).
  std::vector<std::string> subjects;
  std::vector<ExprText> dedup;  // default: the subjects' record keys
  ExprText region;              // default: the `from` row's region
  std::string explain;          // template with {expression} holes
  SourceMark explain_mark;
  std::vector<std::pair<std::string, ExprText>> evidence;  // named figures
  std::vector<RuleTest> tests;

  std::string file;  // where it was read from
  std::string yaml;  // the file's text (version history, diffs)
  const ParamDef* param(std::string_view name) const;
};

// One rule from YAML text. `file` names it in errors.
core::Result<RuleDef> parse_rule(std::string_view yaml, const std::string& file);

// Every *.yaml under `dir`, sorted by id. Any error stops the load; the
// message names the file, line and field. Two files with one id are an
// error.
core::Result<std::vector<RuleDef>> load_rules(const std::string& dir);

// The rule files compiled into the program (rules/*.yaml at build time).
struct EmbeddedRuleFile {
  const char* name;  // "rules/S01.yaml"
  const char* text;
};
std::span<const EmbeddedRuleFile> embedded_rule_files();

// The compiled-in pack, checked like load_rules() checks a directory.
core::Result<std::vector<RuleDef>> builtin_rules();

// A parameter override held in the database (rule_overrides).
struct ParamOverride {
  std::string rule_id;
  std::string param;
  std::string region_code;  // a county, town or village code
  ParamSetting value;
};

// A parameter as used: its value and where it came from ("default" or the
// region code of the override).
struct ResolvedParam {
  const ParamDef* def = nullptr;
  ParamSetting value;
  std::string source;
};

// Resolves a rule's parameters for a region: the village's override, else
// its town's, else its county's, else the default.
class ParamResolver {
 public:
  ParamResolver(const RuleDef& rule, std::vector<ParamOverride> overrides);
  std::vector<ResolvedParam> resolve(std::string_view region_code) const;
  // True when no override applies anywhere: one resolution serves all.
  bool uniform() const { return overrides_.empty(); }

 private:
  const RuleDef* rule_;
  std::vector<ParamOverride> overrides_;
};

}  // namespace mingjing::rules
