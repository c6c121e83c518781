// The warning engine: rules (rule_def.h) compiled against a fact store
// (facts.h) and run in one of the five shapes. The same code serves the
// batch run (`mingjing rules run`, every rule over everything), the
// incremental path in the server (the rules that read one dataset, for the
// records one change touched) and the embedded rule tests.
//
// - record:   one pass over `from`.
// - match:    `from` joined to each `join` through the shared hash index on
//             the join's key column (the `a.x == b.y` that opens `on`).
// - missing:  `from` rows with no counterpart through the same kind of key.
// - window:   `from` rows grouped by the `group` keys, sorted by `time`;
//             every window of `window` days or months ending at a row is
//             tested with `having`, and overlapping windows that pass merge
//             into one case. With `outlier`, a figure per group against the
//             Tukey fences over all groups (Hyndman-Fan type 8 quartiles).
// - deadline: `due` against the evaluation date: yellow from `warn_before`
//             days before it, red from `red_after` days after it, unless
//             `done`.
//
// Unknown (missing data) never raises a warning and never passes silently:
// each rule run counts, per region, the records it could not evaluate.
//
// Thread-safety: an Engine is immutable after compile(); run() and
// run_for() may be called from several threads on a store nobody writes.
// run() and run_only() run the rules on all cores, one rule per core at a
// time; run_for() runs them in the caller's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "rules/facts.h"
#include "rules/rule_def.h"
#include "warnings/hit.h"

namespace mingjing::core {
class WorkdayCalendar;
}

namespace mingjing::rules {

// Records a rule could not judge in one region (missing data), or a whole
// dataset it needs that holds no records at all (count 0, region "").
struct NotEvaluated {
  std::string region_code;
  std::size_t records = 0;
  std::string reason;  // Chinese
};

struct RuleRun {
  const RuleDef* rule = nullptr;
  std::vector<warnings::Hit> hits;
  std::size_t evaluated = 0;  // records (or groups) judged yes or no
  std::vector<NotEvaluated> not_evaluated;
  long long eval_us = 0;
  // run_for() only: the `from` records it judged again. A case naming one
  // of them that is not among `hits` no longer holds.
  std::vector<warnings::Subject> judged;
};

class Engine {
 public:
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;
  ~Engine();

  // Compiles `rules` (the engine keeps pointers: they must outlive it)
  // against `facts`, whose dictionary receives the rules' text literals.
  // Errors name the rule file, line and column of the expression.
  static core::Result<Engine> compile(const std::vector<RuleDef>& rules, FactStore& facts,
                                      std::vector<ParamOverride> overrides,
                                      const core::WorkdayCalendar& calendar);

  // Every compiled rule whose status is in `statuses` (default: active and
  // shadow; shadow runs are reported like any other, the caller does not
  // store them), as of `as_of` (days since 1970-01-01).
  std::vector<RuleRun> run(const FactStore& facts, std::int64_t as_of,
                           const std::vector<RuleStatus>& statuses = {RuleStatus::active,
                                                                      RuleStatus::shadow}) const;
  std::vector<RuleRun> run_only(const FactStore& facts, std::int64_t as_of,
                                const std::vector<std::string>& rule_ids) const;

  // Incremental: the rules that read `dataset` (only those of `rule_ids`
  // when it is not empty), for the cases the records at `rows` of it take
  // part in. Hits are the cases as they stand now.
  std::vector<RuleRun> run_for(const FactStore& facts, std::string_view dataset,
                               std::span<const std::uint32_t> rows, std::int64_t as_of,
                               const std::vector<RuleStatus>& statuses = {RuleStatus::active,
                                                                          RuleStatus::shadow},
                               const std::vector<std::string>& rule_ids = {}) const;

  // The datasets each rule reads, for routing incremental updates.
  std::vector<std::string> datasets_of(std::string_view rule_id) const;
  std::size_t size() const;

  struct Compiled;  // one rule, compiled (engine.cc)

 private:
  Engine() = default;
  std::vector<std::unique_ptr<Compiled>> rules_;
};

// Runs a rule's embedded test cases: each case's tables go through the
// import validation into an empty store, the rule runs as of the case's
// date, and its hits are compared with the expected records. One line per
// failure (Chinese), empty when every case passes.
std::vector<std::string> run_rule_tests(const RuleDef& rule, const core::WorkdayCalendar& calendar);

}  // namespace mingjing::rules
