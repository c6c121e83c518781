// The rule pack as this county runs it: the rule files shipped in the
// binary (or read from a directory), plus what its administrators changed
// in the database: edited versions, status changes and per-region parameter
// overrides. Everything that evaluates rules for real (the server's live
// engine, `mingjing rules run`, backtests) takes its rules from here.
//
// Versions. Each rule id has numbered versions (rule_versions table), each
// with the full YAML text and its own status. At most one version of a rule
// is "in force" (status shadow, active, paused or retired); the others are
// drafts or superseded (retired, with superseded_at set). A shipped file
// is stored as a version the first time sync() sees it:
//  - a rule never stored before: its version, in force, with the file's
//    status;
//  - a shipped version newer than every stored one: in force if the version
//    in force was itself shipped and never edited (its status carries over
//    unless the file says draft), else stored as a draft for the
//    administrators to review;
//  - the same version again: nothing (a stored version is never rewritten).
// An edited version is saved as a draft with the next free number, then
// moved through statuses: draft -> shadow | active; shadow -> active |
// paused | retired; active -> shadow | paused | retired; paused -> active |
// shadow | retired; retired -> active | shadow. Putting a draft in force
// (shadow or active) supersedes the version in force before it.
//
// Overrides: a parameter value per county, town or village (rule_overrides
// table). ParamResolver (rule_def.h) picks the most specific. Values are
// typed by the rule's ParamDef of the version in force; an override of a
// parameter the version in force lacks is kept but unused (listed as such).
//
// Permissions (auth/roles.h): reading needs rule:rule:list; saving drafts,
// status changes and overrides need rule:rule:edit and a county-level role
// (county discipline commission). Overrides for a region must lie in the
// caller's scope. Every change is one transaction with one audit entry and
// bumps generation(), which the live engine watches to reload.
//
// Errors are values: invalid_argument (Chinese message naming the field;
// YAML errors name line and field as parse_rule does), forbidden,
// not_found, conflict (a transition the status does not allow, a stale
// expected version), internal.
//
// Thread-safety: safe to share; writes are serialised by the database.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "rules/rule_def.h"
#include "warnings/warnings.h"

namespace mingjing::privacy {
class Vault;
}

namespace mingjing::rules {

struct RuleVersionInfo {
  std::string rule_id;
  int version = 0;
  RuleStatus status = RuleStatus::draft;
  bool in_force = false;
  std::string origin;        // "shipped" | "edited"
  std::string yaml;          // the full rule file
  std::string note;          // why it was made (edited) or "随版本发布" (shipped)
  long long created_by = 0;  // user id; 0 for the program
  std::string created_by_name;
  long long created_at = 0;  // unix ms
  std::optional<long long> superseded_at;
};

struct StoredOverride {
  long long id = 0;
  std::string rule_id;
  std::string param;
  std::string region_code;
  std::string value;  // as typed, e.g. "5万元", "30%", "90"
  bool used = true;   // the version in force has this parameter
  long long set_by = 0;
  std::string set_by_name;
  long long set_at = 0;
};

// A status change as it is written in the version history.
struct StatusChange {
  std::string rule_id;
  int version = 0;
  std::string from;
  std::string to;
  std::string reason;
  long long by = 0;
  std::string by_name;
  long long at = 0;
};

// What evaluates: per rule id the version in force (any status: callers
// filter), and every override that applies to one of them.
struct EffectivePack {
  std::vector<RuleDef> rules;  // by id
  std::vector<ParamOverride> overrides;
  long long generation = 0;
};

struct BacktestOptions {
  std::string rule_id;
  std::optional<int> version;  // default: the newest version (a draft, typically)
  std::string yaml;            // instead of a stored version: this unsaved text
  // Evaluated as of `to`; only hits whose case date falls in [from, to]
  // count ("the last year": to = today, from = to - 1 year). A hit's case
  // date is the main date (imports::main_date_column) of its first subject
  // record; hits without one count.
  core::Date from;
  core::Date to;
  int sample = 20;  // how many hits to return
};

struct BacktestReport {
  std::string rule_id;
  int version = 0;
  long long hits = 0;                 // in the period
  long long hits_in_force = 0;        // the version in force, same period, same data
  long long open_warnings = 0;        // stored warnings of the rule now open
  std::vector<warnings::Hit> sample;  // the first `sample` hits, by dedup key
  std::size_t evaluated = 0;
  std::size_t not_evaluated = 0;
  long long eval_ms = 0;
  long long load_ms = 0;
};

class RuleRegistry {
 public:
  // `shipped`: builtin_rules() or load_rules(dir).
  RuleRegistry(db::Database& db, std::vector<RuleDef> shipped);

  // Stores shipped versions not seen before (see above). Idempotent; run
  // at start-up by serve and rules run/backtest. One audit entry when it
  // stored anything.
  core::Status sync();

  core::Result<EffectivePack> effective() const;
  // Bumped by every change through this object or seen in the database
  // (a counter row), so several servers notice each other's changes.
  core::Result<long long> generation() const;

  // Reads (who: rule:rule:list).
  core::Result<std::vector<RuleVersionInfo>> in_force(const warnings::Actor& who) const;
  // Newest first; an empty rule_id: every version of every rule, by id.
  core::Result<std::vector<RuleVersionInfo>> versions(const warnings::Actor& who,
                                                      const std::string& rule_id) const;
  core::Result<RuleVersionInfo> version(const warnings::Actor& who, const std::string& rule_id,
                                        int version) const;
  core::Result<std::vector<StatusChange>> status_history(const warnings::Actor& who,
                                                         const std::string& rule_id) const;
  // Overrides of one rule, or of every rule when rule_id is empty; only
  // those whose region lies in the caller's scope.
  core::Result<std::vector<StoredOverride>> overrides(const warnings::Actor& who,
                                                      const std::string& rule_id) const;

  // Changes (who: rule:rule:edit, county level).
  // Validates with parse_rule; the id must be rule_id; the text's version
  // field is set to the next free number.
  core::Result<RuleVersionInfo> save_draft(const warnings::Actor& who, const std::string& rule_id,
                                           const std::string& yaml, const std::string& note);
  core::Result<RuleVersionInfo> set_status(const warnings::Actor& who, const std::string& rule_id,
                                           int version, RuleStatus to, const std::string& reason);
  // Adds or replaces the override of (rule, param, region). The value is
  // parsed by the parameter's type (parse_param_value).
  core::Result<StoredOverride> set_override(const warnings::Actor& who, const std::string& rule_id,
                                            const std::string& param,
                                            const std::string& region_code,
                                            const std::string& value);
  core::Status remove_override(const warnings::Actor& who, long long override_id);

  // A version as read (cached: a stored version never changes), with its
  // stored status and number; invalid_argument if the text no longer reads.
  core::Result<RuleDef> definition(const RuleVersionInfo& v) const;

  // The program's own reads (backtests, the live engine), without
  // permission checks. A stored version parsed, with its stored status
  // (default: the newest version); not_found for an unknown rule or version.
  core::Result<RuleDef> stored_rule(const std::string& rule_id,
                                    std::optional<int> version = std::nullopt) const;
  // The version in force, or nullopt when the rule has none.
  core::Result<std::optional<RuleDef>> rule_in_force(const std::string& rule_id) const;
  // The stored overrides of rule.id typed by `rule`'s parameters; those it
  // lacks, or whose value does not fit its type, are left out.
  core::Result<std::vector<ParamOverride>> overrides_for(const RuleDef& rule) const;

 private:
  // A stored version parsed once: (id, version) always names the same text.
  core::Result<std::shared_ptr<const RuleDef>> parsed(const RuleVersionInfo& v) const;

  db::Database& db_;
  std::vector<RuleDef> shipped_;
  mutable std::mutex cache_mutex_;
  mutable std::map<std::pair<std::string, int>, std::shared_ptr<const RuleDef>> cache_;
};

// "The last year" up to `to`: the day after the same day a year before
// (2025-12-31 -> 2025-01-01; 2024-02-29 -> 2023-03-01).
core::Date year_up_to(core::Date to);

// What warnings/ needs to know of a rule to store its hits.
warnings::RuleRouting routing_of(const RuleDef& rule);

// Runs one version of a rule over everything stored, as of options.to, and
// reports; writes nothing (no warnings, no audit entry). Loads its own fact
// store (the vault gives birth dates from ID numbers; may be null).
core::Result<BacktestReport> backtest(db::Database& db, const privacy::Vault* vault,
                                      const RuleRegistry& registry, const BacktestOptions& options);

}  // namespace mingjing::rules
