// mingjing rules test | run | backtest.
//
// `rules test` runs every rule's embedded cases (rules/*.yaml, compiled in,
// or --rules DIR) and prints one line per rule; exit 0 when all pass, 1
// otherwise, 2 when a rule file is wrong.
//
// `rules run` loads the facts from the database, evaluates the active rules
// (or --only ID,ID) as of today (or --as-of DATE) and stores their hits as
// warnings; shadow rules are evaluated and reported, never stored. The
// rules are the registry's (rules/registry.h: the compiled-in pack synced
// into the database, with the county's edited versions, statuses and
// parameter overrides), or with --rules DIR the files as they are. Prints
// the spec's summary: {"rules","records","warnings_new","warnings_open",
// "eval_ms"} (../shared/spec/data-formats.md), plus load_ms and the rules
// that could not judge some records.
//
// `rules backtest ID` runs one version of a rule (the newest stored, or
// --version N, or --file YAML) over the stored data as of --to and prints
// how many cases it finds in [--from, --to] against the version in force,
// with a sample; it stores nothing.
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <tuple>

#include "audit/audit.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/workday_calendar.h"
#include "privacy/privacy.h"
#include "rules/engine.h"
#include "rules/registry.h"
#include "warnings/warnings.h"

namespace mingjing::cli {
namespace {

core::Result<std::vector<rules::RuleDef>> read_rules(const std::string& dir) {
  return dir.empty() ? rules::builtin_rules() : rules::load_rules(dir);
}

// The registry over the compiled-in pack, synced (shipped versions not seen
// before are stored), and what it evaluates.
core::Result<rules::EffectivePack> effective_pack(db::Database& db) {
  auto shipped = rules::builtin_rules();
  if (!shipped.ok()) return shipped.error();
  rules::RuleRegistry registry(db, std::move(*shipped));
  if (auto st = registry.sync(); !st.ok()) return st.error();
  return registry.effective();
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> ids;
  std::stringstream in(text);
  std::string id;
  while (std::getline(in, id, ',')) {
    if (!id.empty()) ids.push_back(id);
  }
  return ids;
}

nlohmann::ordered_json backtest_json(const rules::BacktestReport& r,
                                     const rules::BacktestOptions& o) {
  nlohmann::ordered_json sample = nlohmann::ordered_json::array();
  for (const auto& hit : r.sample) {
    nlohmann::ordered_json subjects = nlohmann::ordered_json::array();
    for (const auto& s : hit.subjects) {
      subjects.push_back({{"dataset", s.dataset}, {"record_key", s.record_key}});
    }
    sample.push_back({{"dedup_key", hit.dedup_key},
                      {"severity", hit.severity},
                      {"region_code", hit.region_code},
                      {"explanation", hit.explanation},
                      {"subjects", subjects}});
  }
  return {{"rule", r.rule_id},
          {"version", r.version},
          {"from", o.from.to_string()},
          {"to", o.to.to_string()},
          {"hits", r.hits},
          {"hits_in_force", r.hits_in_force},
          {"open_warnings", r.open_warnings},
          {"evaluated", r.evaluated},
          {"not_evaluated", r.not_evaluated},
          {"eval_ms", r.eval_ms},
          {"load_ms", r.load_ms},
          {"sample", sample}};
}

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

}  // namespace

int run_rules_test(const RulesOptions& o) {
  auto rules = read_rules(o.rules_dir);
  if (!rules.ok()) {
    std::cerr << "错误：" << rules.error().message << "\n";
    return 2;
  }
  const std::vector<std::string> only = split_ids(o.only);
  int failed = 0, ran = 0;
  for (const auto& rule : *rules) {
    if (!only.empty() && std::find(only.begin(), only.end(), rule.id) == only.end()) continue;
    ++ran;
    auto failures = rules::run_rule_tests(rule, core::WorkdayCalendar::builtin());
    if (failures.empty()) {
      std::cout << "通过 " << rule.id << " " << rule.title << "（" << rule.tests.size()
                << "个用例）\n";
    } else {
      ++failed;
      std::cout << "失败 " << rule.id << " " << rule.title << "\n";
      for (const auto& f : failures) std::cout << "  " << f << "\n";
    }
  }
  if (!only.empty() && ran == 0) {
    std::cerr << "错误：没有找到指定的规则：" << o.only << "\n";
    return 2;
  }
  std::cout << ran << "条规则，" << (ran - failed) << "条通过，" << failed << "条失败\n";
  return failed == 0 ? 0 : 1;
}

int run_rules_run(const RulesOptions& o) {
  core::Date as_of = core::SystemClock::instance().today();
  if (!o.as_of.empty()) {
    auto d = core::Date::parse(o.as_of);
    if (!d.ok()) {
      std::cerr << "错误：--as-of 日期格式不正确，应为YYYY-MM-DD\n";
      return 2;
    }
    as_of = *d;
  }
  auto db = open_database(o.db_url);
  if (!db) return 1;
  // The pack as the county runs it (edited versions, statuses, overrides),
  // or the files of --rules DIR as they are.
  std::vector<rules::RuleDef> pack;
  std::vector<rules::ParamOverride> overrides;
  if (o.rules_dir.empty()) {
    auto effective = effective_pack(*db);
    if (!effective.ok()) {
      std::cerr << "错误：" << effective.error().message << "\n";
      return effective.error().code == core::errc::kInvalidArgument ? 2 : 1;
    }
    pack = std::move(effective->rules);
    overrides = std::move(effective->overrides);
  } else {
    auto files = rules::load_rules(o.rules_dir);
    if (!files.ok()) {
      std::cerr << "错误：" << files.error().message << "\n";
      return 2;
    }
    pack = std::move(*files);
  }
  std::vector<std::string> ids;
  const std::vector<std::string> only = split_ids(o.only);
  for (const auto& rule : pack) {
    const bool wanted = only.empty() ? rule.status == rules::RuleStatus::active ||
                                           rule.status == rules::RuleStatus::shadow
                                     : std::find(only.begin(), only.end(), rule.id) != only.end();
    if (wanted) ids.push_back(rule.id);
  }
  if (!only.empty() && ids.size() != only.size()) {
    std::cerr << "错误：没有找到指定的规则：" << o.only << "\n";
    return 2;
  }

  // With the key, ID numbers give birth dates (age rules); without it the
  // rules that need them report the records as not evaluated.
  const std::string key_file = o.key_file.empty() ? default_key_file(o.db_url) : o.key_file;
  auto vault = privacy::Vault::open(key_file, /*create_missing=*/false);

  const auto load_started = std::chrono::steady_clock::now();
  rules::LoadStats stats;
  auto facts = rules::FactStore::load(*db, vault.ok() ? &*vault : nullptr, {}, &stats);
  if (!facts.ok()) {
    std::cerr << "错误：" << facts.error().message << "\n";
    return 1;
  }
  const long long load_ms = elapsed_ms(load_started);
  const std::vector<rules::ParamOverride> overrides_copy = overrides;
  auto engine =
      rules::Engine::compile(pack, *facts, std::move(overrides), core::WorkdayCalendar::builtin());
  if (!engine.ok()) {
    std::cerr << "错误：" << engine.error().message << "\n";
    return 2;
  }
  // Rules over the warnings themselves (D07, E03) run second, over the
  // warnings as the first round left them: one run reaches the state a
  // second run would find, so re-running raises nothing new.
  std::vector<std::string> first_round, second_round;
  for (const auto& id : ids) {
    auto it = std::find_if(pack.begin(), pack.end(), [&](const auto& r) { return r.id == id; });
    (rules::is_derived_dataset(it->from.dataset) ? second_round : first_round).push_back(id);
  }
  warnings::WarningStore store(*db, core::WorkdayCalendar::builtin(),
                               core::SystemClock::instance());
  long long created = 0, open = 0, shadow_hits = 0, eval_ms = 0;
  std::size_t rules_run = 0;
  nlohmann::ordered_json not_evaluated = nlohmann::ordered_json::object();
  auto apply_runs = [&](const std::vector<rules::RuleRun>& runs) -> bool {
    rules_run += runs.size();
    for (const auto& run : runs) {
      const rules::RuleDef& rule = *run.rule;
      std::size_t unknown = 0;
      for (const auto& n : run.not_evaluated) unknown += n.records;
      if (unknown > 0) not_evaluated[rule.id] = unknown;
      // Shadow (and, with --only, draft or paused) rules report, never raise.
      if (rule.status != rules::RuleStatus::active) {
        shadow_hits += static_cast<long long>(run.hits.size());
        continue;
      }
      auto applied =
          store.apply(rules::routing_of(rule), warnings::ApplyScope::all(), run.hits, as_of);
      if (!applied.ok()) {
        std::cerr << "错误：规则 " << rule.id << " 的预警未能保存：" << applied.error().message
                  << "\n";
        return false;
      }
      created += applied->created;
      open += applied->open;
    }
    return true;
  };

  auto eval_started = std::chrono::steady_clock::now();
  auto runs = engine->run_only(*facts, as_of.days_since_epoch(), first_round);
  eval_ms += elapsed_ms(eval_started);
  if (!apply_runs(runs)) return 1;
  if (!second_round.empty()) {
    auto warnings_now = rules::FactStore::load(*db, nullptr, {"warnings"});
    if (!warnings_now.ok()) {
      std::cerr << "错误：" << warnings_now.error().message << "\n";
      return 1;
    }
    std::vector<rules::RuleDef> second_pack;
    for (const auto& rule : pack) {
      if (std::find(second_round.begin(), second_round.end(), rule.id) != second_round.end()) {
        second_pack.push_back(rule);
      }
    }
    auto second = rules::Engine::compile(second_pack, *warnings_now, overrides_copy,
                                         core::WorkdayCalendar::builtin());
    if (!second.ok()) {
      std::cerr << "错误：" << second.error().message << "\n";
      return 2;
    }
    eval_started = std::chrono::steady_clock::now();
    auto second_runs = second->run_only(*warnings_now, as_of.days_since_epoch(), second_round);
    eval_ms += elapsed_ms(eval_started);
    if (!apply_runs(second_runs)) return 1;
  }
  nlohmann::ordered_json out = {{"rules", rules_run},
                                {"records", facts->records()},
                                {"warnings_new", created},
                                {"warnings_open", open},
                                {"eval_ms", eval_ms},
                                {"load_ms", load_ms},
                                {"as_of", as_of.to_string()},
                                {"shadow_hits", shadow_hits},
                                {"not_evaluated", not_evaluated}};
  (void)audit::append_now(*db,
                          {{0, "cli", "system", ""}, "rules.run", "rules", out.dump(), "", ""});
  std::cout << out.dump() << "\n";
  return 0;
}

int run_rules_backtest(const RulesBacktestOptions& o) {
  rules::BacktestOptions options;
  options.rule_id = o.rule_id;
  if (o.version > 0) options.version = o.version;
  options.sample = o.sample;
  options.to = core::SystemClock::instance().today();
  for (auto [text, into, name] :
       {std::tuple{&o.to, &options.to, "--to"}, std::tuple{&o.from, &options.from, "--from"}}) {
    if (text->empty()) continue;
    auto d = core::Date::parse(*text);
    if (!d.ok()) {
      std::cerr << "错误：" << name << " 日期格式不正确，应为YYYY-MM-DD\n";
      return 2;
    }
    *into = *d;
  }
  if (o.from.empty()) options.from = rules::year_up_to(options.to);
  if (!o.yaml_file.empty()) {
    std::ifstream in(o.yaml_file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) {
      std::cerr << "错误：无法读取规则文件：" << o.yaml_file << "\n";
      return 2;
    }
    options.yaml = text.str();
  }
  auto db = open_database(o.db_url);
  if (!db) return 1;
  auto shipped = rules::builtin_rules();
  if (!shipped.ok()) {
    std::cerr << "错误：" << shipped.error().message << "\n";
    return 2;
  }
  rules::RuleRegistry registry(*db, std::move(*shipped));
  if (auto st = registry.sync(); !st.ok()) {
    std::cerr << "错误：" << st.error().message << "\n";
    return 1;
  }
  const std::string key_file = o.key_file.empty() ? default_key_file(o.db_url) : o.key_file;
  auto vault = privacy::Vault::open(key_file, /*create_missing=*/false);
  auto report = rules::backtest(*db, vault.ok() ? &*vault : nullptr, registry, options);
  if (!report.ok()) {
    std::cerr << "错误：" << report.error().message << "\n";
    return report.error().code == core::errc::kInternal ? 1 : 2;
  }
  std::cout << backtest_json(*report, options).dump() << "\n";
  return 0;
}

}  // namespace mingjing::cli
