// Backtests: one version of a rule (stored, or unsaved text) over the
// stored data, counted against the version in force. Reads only.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "core/datetime.h"
#include "core/workday_calendar.h"
#include "db/soci.h"
#include "imports/record_query.h"
#include "rules/engine.h"
#include "rules/registry.h"
#include "rules/registry_internal.h"

namespace mingjing::rules {
namespace {

constexpr int kMaxSample = 1000;

long long elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

// The day a case happened: the main date (imports::main_date_column) of
// its first subject record, date-times as their Shanghai day.
std::optional<core::Date> case_date(const FactStore& facts, const warnings::Hit& hit) {
  if (hit.subjects.empty()) return std::nullopt;
  const warnings::Subject& first = hit.subjects.front();
  const FactTable* table = facts.table(first.dataset);
  if (!table) return std::nullopt;
  const imports::ColumnSpec* spec = imports::main_date_column(table->spec());
  const FactColumn* column = spec ? table->column(spec->name) : nullptr;
  auto row = table->find(first.record_key);
  if (!column || !row || column->missing(*row)) return std::nullopt;
  if (column->type == FactType::date) return core::Date::from_days(column->ints[*row]);
  if (column->type == FactType::datetime) {
    return core::DateTime::from_unix_ms(column->ints[*row]).local_date();
  }
  return std::nullopt;
}

struct Counted {
  std::vector<warnings::Hit> hits;  // in the period
  std::size_t evaluated = 0;
  std::size_t not_evaluated = 0;
  long long eval_ms = 0;
};

core::Result<Counted> run_one(const RuleDef& rule, std::vector<ParamOverride> overrides,
                              FactStore& facts, const BacktestOptions& o) {
  std::vector<RuleDef> one{rule};
  auto engine = Engine::compile(one, facts, std::move(overrides), core::WorkdayCalendar::builtin());
  if (!engine.ok()) return core::Error::invalid(engine.error().message, "yaml");
  const auto started = std::chrono::steady_clock::now();
  auto runs = engine->run_only(facts, o.to.days_since_epoch(), {rule.id});
  Counted out;
  out.eval_ms = elapsed_ms(started);
  for (auto& run : runs) {
    out.evaluated += run.evaluated;
    for (const auto& n : run.not_evaluated) out.not_evaluated += n.records;
    for (auto& hit : run.hits) {
      auto day = case_date(facts, hit);
      if (day && (*day < o.from || o.to < *day)) continue;
      out.hits.push_back(std::move(hit));
    }
  }
  return out;
}

void add_datasets(const RuleDef& rule, std::set<std::string>& into) {
  into.insert(rule.from.dataset);
  for (const auto& join : rule.joins) into.insert(join.ref.dataset);
}

}  // namespace

core::Date year_up_to(core::Date to) {
  const int year = to.year() - 1;
  const int day = std::min(to.day(), core::Date::days_in_month(year, to.month()));
  return core::Date::from_ymd(year, to.month(), day).add_days(1);
}

core::Result<BacktestReport> backtest(db::Database& db, const privacy::Vault* vault,
                                      const RuleRegistry& registry, const BacktestOptions& o) {
  if (o.to < o.from) return core::Error::invalid("开始日期不能晚于结束日期", "from");
  if (o.sample < 0 || o.sample > kMaxSample) {
    return core::Error::invalid("样例数应在0到1000之间", "sample");
  }
  // The version tried: unsaved text, a stored version, or the newest.
  RuleDef candidate;
  if (!o.yaml.empty()) {
    if (o.version) return core::Error::invalid("version 与 yaml 只能指定一个", "yaml");
    auto known = registry.stored_rule(o.rule_id);
    if (!known.ok()) return known.error();
    auto rule = parse_rule(o.yaml, o.rule_id + ".yaml");
    if (!rule.ok()) return core::Error::invalid(rule.error().message, "yaml");
    if (rule->id != o.rule_id) {
      return core::Error::invalid("规则编号应为 " + o.rule_id + "，不能改为 " + rule->id, "yaml");
    }
    candidate = std::move(*rule);
    candidate.version = 0;  // not stored
  } else {
    auto rule = registry.stored_rule(o.rule_id, o.version);
    if (!rule.ok()) return rule.error();
    candidate = std::move(*rule);
  }
  if (auto st = internal::compiles(candidate); !st.ok()) return st.error();
  auto current = registry.rule_in_force(o.rule_id);
  if (!current.ok()) return current.error();
  auto candidate_overrides = registry.overrides_for(candidate);
  if (!candidate_overrides.ok()) return candidate_overrides.error();

  std::set<std::string> datasets;
  add_datasets(candidate, datasets);
  if (*current) add_datasets(**current, datasets);
  const auto load_started = std::chrono::steady_clock::now();
  auto facts = FactStore::load(db, vault, {datasets.begin(), datasets.end()});
  if (!facts.ok()) return facts.error();

  BacktestReport report;
  report.rule_id = o.rule_id;
  report.version = candidate.version;
  report.load_ms = elapsed_ms(load_started);
  auto tried = run_one(candidate, std::move(*candidate_overrides), *facts, o);
  if (!tried.ok()) return tried.error();
  report.hits = static_cast<long long>(tried->hits.size());
  report.evaluated = tried->evaluated;
  report.not_evaluated = tried->not_evaluated;
  report.eval_ms = tried->eval_ms;
  if (*current) {
    if (current->value().version == candidate.version) {
      report.hits_in_force = report.hits;
    } else {
      auto overrides = registry.overrides_for(**current);
      if (!overrides.ok()) return overrides.error();
      auto in_force = run_one(**current, std::move(*overrides), *facts, o);
      if (!in_force.ok()) return in_force.error();
      report.hits_in_force = static_cast<long long>(in_force->hits.size());
    }
  }
  std::sort(
      tried->hits.begin(), tried->hits.end(),
      [](const warnings::Hit& a, const warnings::Hit& b) { return a.dedup_key < b.dedup_key; });
  if (tried->hits.size() > static_cast<std::size_t>(o.sample)) {
    tried->hits.resize(static_cast<std::size_t>(o.sample));
  }
  report.sample = std::move(tried->hits);
  try {
    auto conn = db.connect();
    std::string rule = o.rule_id;
    conn.session() << "SELECT COUNT(*) FROM warnings WHERE rule_id = :r AND status <> 'closed'",
        soci::use(rule), soci::into(report.open_warnings);
  } catch (const std::exception& e) {
    spdlog::error("backtest: counting open warnings failed: {}", e.what());
    return core::Error::internal();
  }
  return report;
}

}  // namespace mingjing::rules
