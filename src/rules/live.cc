// LiveRules (live.h): the worker, the full runs and the incremental step.
//
// Which stored cases an incremental step may mark as no longer holding.
// Engine::run_for() re-derives every case anchored at the `from` records it
// lists in RuleRun::judged. So the keys handed to WarningStore::apply() are
// the keys it found plus the keys of the live cases (open and still hit, as
// the last runs left them) whose anchor, their `from` record, it judged
// again. The worker keeps those live cases per rule in memory (CaseIndex:
// key -> subjects, subject -> keys), built from the hits of the full run and
// kept up to date by each step's hits, so no query over the warnings'
// subjects is needed.
//
// A changed record can also have been part of cases anchored at records
// the new data no longer connects it to (a bank line moved to another
// account, an approval to another payment). Those anchors are judged again
// too: the ones the same rules judged on the data before the change (the
// engine runs once before the record is replaced, for records the store
// already held), and the anchors of live cases that name the changed
// record.
#include "rules/live.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/clock.h"
#include "core/date.h"
#include "core/workday_calendar.h"
#include "db/database.h"
#include "rules/engine.h"
#include "rules/facts.h"
#include "rules/registry.h"
#include "warnings/warnings.h"

namespace mingjing::rules {

std::string_view to_string(LiveState state) {
  switch (state) {
    case LiveState::stopped:
      return "stopped";
    case LiveState::loading:
      return "loading";
    case LiveState::ready:
      return "ready";
    case LiveState::failed:
      return "failed";
  }
  return "stopped";
}

namespace {

long long ms_since(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

// A subject as one string: dataset, U+001F, record key (record keys may
// themselves hold U+001F, datasets never do).
std::string subject_text(std::string_view dataset, std::string_view record_key) {
  std::string s;
  s.reserve(dataset.size() + 1 + record_key.size());
  s.append(dataset);
  s.push_back('\x1f');
  s.append(record_key);
  return s;
}

// Where a case's anchor (its `from` record) sits among its subjects. A
// window's subjects are all `from` records, the group's first one first.
// Otherwise the subjects follow the rule's `subjects` aliases (default:
// every alias, `from` first), minus repeats: the anchor is the subject of
// the `from` dataset when that dataset is bound once, or the first subject
// when `from` comes first. nullopt when neither holds: such a rule is run
// whole on every change.
struct AnchorRule {
  enum class Kind { first, by_dataset, none } kind = Kind::first;
};

AnchorRule anchor_rule(const RuleDef& rule) {
  if (rule.shape == Shape::window) return {AnchorRule::Kind::first};
  std::vector<std::string> aliases;  // in subject order
  if (rule.subjects.empty()) {
    aliases.push_back(rule.from.alias);
    if (rule.shape != Shape::missing) {
      for (const auto& j : rule.joins) aliases.push_back(j.ref.alias);
    }
  } else {
    aliases = rule.subjects;
  }
  auto dataset_of = [&](const std::string& alias) -> std::string {
    if (alias == rule.from.alias) return rule.from.dataset;
    for (const auto& j : rule.joins) {
      if (j.ref.alias == alias) return j.ref.dataset;
    }
    return {};
  };
  int from_dataset = 0;
  for (const auto& a : aliases) from_dataset += dataset_of(a) == rule.from.dataset ? 1 : 0;
  if (from_dataset == 1) return {AnchorRule::Kind::by_dataset};
  if (!aliases.empty() && aliases.front() == rule.from.alias) return {AnchorRule::Kind::first};
  return {AnchorRule::Kind::none};
}

// The live cases of one rule: open and still hit as far as the last runs
// know.
class CaseIndex {
 public:
  void clear() {
    cases_.clear();
    by_subject_.clear();
  }

  // Stores a case as a hit states it.
  void put(const warnings::Hit& hit, std::string_view from_dataset, AnchorRule anchor) {
    remove(hit.dedup_key);
    Case& c = cases_[hit.dedup_key];
    c.subjects.reserve(hit.subjects.size());
    for (const auto& s : hit.subjects) {
      std::string text = subject_text(s.dataset, s.record_key);
      if (c.anchor.empty()) {
        const bool is_anchor =
            anchor.kind == AnchorRule::Kind::first ||
            (anchor.kind == AnchorRule::Kind::by_dataset && s.dataset == from_dataset);
        if (is_anchor) c.anchor = text;
      }
      by_subject_[text].insert(hit.dedup_key);
      c.subjects.push_back(std::move(text));
    }
  }

  void remove(const std::string& key) {
    auto it = cases_.find(key);
    if (it == cases_.end()) return;
    for (const auto& s : it->second.subjects) {
      auto b = by_subject_.find(s);
      if (b == by_subject_.end()) continue;
      b->second.erase(key);
      if (b->second.empty()) by_subject_.erase(b);
    }
    cases_.erase(it);
  }

  // The keys of cases naming `subject`.
  const std::unordered_set<std::string>* naming(const std::string& subject) const {
    auto it = by_subject_.find(subject);
    return it == by_subject_.end() ? nullptr : &it->second;
  }
  const std::string* anchor_of(const std::string& key) const {
    auto it = cases_.find(key);
    return it == cases_.end() ? nullptr : &it->second.anchor;
  }
  const std::vector<std::string>* subjects_of(const std::string& key) const {
    auto it = cases_.find(key);
    return it == cases_.end() ? nullptr : &it->second.subjects;
  }
  std::size_t size() const { return cases_.size(); }

 private:
  struct Case {
    std::string anchor;
    std::vector<std::string> subjects;
  };
  std::unordered_map<std::string, Case> cases_;
  std::unordered_map<std::string, std::unordered_set<std::string>> by_subject_;
};

// More changed records than this in one step: a full run is cheaper than
// judging them one by one.
constexpr std::size_t kFullRunAbove = 20000;

struct Change {
  std::string dataset;
  std::vector<std::string> keys;
};

}  // namespace

struct LiveRules::Impl {
  Impl(db::Database& d, const privacy::Vault* v, warnings::WarningStore& w, const core::Clock& c,
       const core::WorkdayCalendar& cal, LiveOptions o)
      : db(d), vault(v), store(w), clock(c), calendar(cal), options(std::move(o)) {}

  db::Database& db;
  const privacy::Vault* vault;
  warnings::WarningStore& store;
  const core::Clock& clock;
  const core::WorkdayCalendar& calendar;
  LiveOptions options;

  // Shared with callers, under `mutex`.
  mutable std::mutex mutex;
  mutable std::condition_variable wake;     // the worker: work, stop
  mutable std::condition_variable settled;  // wait_idle()
  std::deque<Change> queue;
  bool refresh_wanted = false;
  bool stopping = false;
  bool busy = false;  // the worker holds work it took from the queue
  LiveStatus status;
  std::thread worker;

  // The worker's (or the single caller's without a worker), under `work`.
  std::mutex work;
  std::unique_ptr<LivePack> pack;  // the engine points into its rules
  std::optional<FactStore> facts;
  std::optional<Engine> engine;
  struct RuleState {
    const RuleDef* rule = nullptr;
    warnings::RuleRouting routing;
    AnchorRule anchor;
    CaseIndex cases;
  };
  std::vector<RuleState> active;  // the active rules, pack order
  std::vector<std::string> active_ids;
  core::Date batch_date;
  bool have_batch = false;
  core::Date failed_on;  // the day the last load failed

  void fail(const std::string& message) {
    spdlog::error("live rules: {}", message);
    std::lock_guard lock(mutex);
    status.last_error = message;
    status.last_error_at = clock.now_unix_ms();
  }

  RuleState* state_of(const std::string& rule_id) {
    for (auto& s : active) {
      if (s.rule->id == rule_id) return &s;
    }
    return nullptr;
  }

  // Loads the facts (when asked, or when there are none) and the pack
  // (when asked), compiles, runs every active and shadow rule as of today
  // and stores the active rules' hits; escalates overdue warnings when
  // asked. What fails leaves the store, pack and engine in use as they were.
  core::Status full_run(bool reload_facts, bool new_pack, bool escalate) {
    std::unique_ptr<LivePack> next_pack;
    if (new_pack || !pack) {
      if (!options.pack) return core::Error::internal("未配置规则来源");
      auto p = options.pack();
      if (!p.ok()) return p.error();
      next_pack = std::make_unique<LivePack>(std::move(*p));
    }
    std::optional<FactStore> next_facts;
    LoadStats stats;
    if (reload_facts || !facts) {
      auto loaded = FactStore::load(db, vault, {}, &stats);
      if (!loaded.ok()) return loaded.error();
      next_facts.emplace(std::move(*loaded));
    }
    const LivePack& use_pack = next_pack ? *next_pack : *pack;
    FactStore& use_facts = next_facts ? *next_facts : *facts;
    auto compiled = Engine::compile(use_pack.rules, use_facts, use_pack.overrides, calendar);
    if (!compiled.ok()) return compiled.error();

    engine.reset();  // it points into the old store and pack
    if (next_facts) {
      facts.reset();
      facts.emplace(std::move(*next_facts));
    }
    if (next_pack) pack = std::move(next_pack);
    engine.emplace(std::move(*compiled));
    active.clear();
    active_ids.clear();
    for (const auto& rule : pack->rules) {
      if (rule.status != RuleStatus::active) continue;
      RuleState s;
      s.rule = &rule;
      s.routing = routing_of(rule);
      s.anchor = anchor_rule(rule);
      active.push_back(std::move(s));
      active_ids.push_back(rule.id);
    }
    {
      std::lock_guard lock(mutex);
      status.records = facts->records();
      if (reload_facts) status.load_ms = stats.load_ms;
      status.rules = engine->size();
      status.active_rules = active.size();
      status.generation = pack->generation;
    }

    const auto started = std::chrono::steady_clock::now();
    const core::Date today = clock.today();
    auto runs = engine->run(*facts, today.days_since_epoch());
    for (const auto& run : runs) {
      RuleState* s = state_of(run.rule->id);
      if (!s) continue;  // shadow: evaluated, never stored
      auto applied = store.apply(s->routing, warnings::ApplyScope::all(), run.hits, today);
      if (!applied.ok()) {
        return core::Error::internal("规则" + run.rule->id + "的预警未能保存：" +
                                     applied.error().message);
      }
      for (const auto& hit : run.hits) s->cases.put(hit, run.rule->from.dataset, s->anchor);
    }
    batch_date = today;
    have_batch = true;
    if (escalate) {
      auto escalated = store.escalate_overdue(today);
      if (!escalated.ok()) return escalated.error();
      if (escalated->escalated > 0) {
        spdlog::info("live rules: {} overdue warnings escalated", escalated->escalated);
      }
    }
    std::lock_guard lock(mutex);
    status.batch_ms = ms_since(started);
    status.batch_date = today.to_string();
    return {};
  }

  // The incremental step for one dataset's changed records.
  core::Status change(const std::string& dataset, const std::vector<std::string>& keys) {
    const FactTable* table = facts->table(dataset);
    if (!table) {
      spdlog::warn("live rules: change of unknown dataset {} ignored", dataset);
      return {};
    }
    if (keys.empty() || active.empty() || !engine) return {};
    const core::Date today = clock.today();
    const std::int64_t as_of = today.days_since_epoch();
    if (keys.size() > kFullRunAbove) {
      // A bulk import: the records in, then every rule over everything.
      auto rows = facts->reload_records(db, vault, dataset, keys);
      if (!rows.ok()) return rows.error();
      return full_run(/*reload_facts=*/false, /*new_pack=*/false, /*escalate=*/false);
    }

    // Cases the records took part in before: judged on the old data.
    std::unordered_map<std::string, std::vector<warnings::Subject>> judged_before;
    {
      std::vector<std::uint32_t> held;
      for (const auto& k : keys) {
        if (auto row = table->find(k)) held.push_back(static_cast<std::uint32_t>(*row));
      }
      if (!held.empty()) {
        std::sort(held.begin(), held.end());
        held.erase(std::unique(held.begin(), held.end()), held.end());
        for (auto& run :
             engine->run_for(*facts, dataset, held, as_of, {RuleStatus::active}, active_ids)) {
          judged_before[run.rule->id] = std::move(run.judged);
        }
      }
    }

    auto rows = facts->reload_records(db, vault, dataset, keys);
    if (!rows.ok()) return rows.error();
    {
      std::lock_guard lock(mutex);
      status.records = facts->records();
    }
    if (rows->empty()) return {};
    std::sort(rows->begin(), rows->end());
    rows->erase(std::unique(rows->begin(), rows->end()), rows->end());

    std::vector<std::string> changed;
    changed.reserve(keys.size());
    for (const auto& k : keys) changed.push_back(subject_text(dataset, k));

    auto runs = engine->run_for(*facts, dataset, *rows, as_of, {RuleStatus::active}, active_ids);
    for (auto& run : runs) {
      RuleState* s = state_of(run.rule->id);
      if (!s) continue;
      const RuleDef& rule = *run.rule;
      const std::string& from = rule.from.dataset;
      if (s->anchor.kind == AnchorRule::Kind::none) {
        if (auto st = whole_rule(*s, today); !st.ok()) return st;
        continue;
      }
      std::unordered_set<std::string> judged;
      for (const auto& j : run.judged) judged.insert(subject_text(j.dataset, j.record_key));

      // Anchors to judge again: judged before the change, or anchors of
      // live cases naming a changed record, that this run did not judge.
      std::set<std::uint32_t> again;
      const FactTable& from_table = *facts->table(from);
      auto judge_again = [&](std::string_view subject) {
        const auto bar = subject.find('\x1f');
        if (subject.substr(0, bar) != from) return;
        if (judged.count(std::string(subject))) return;
        if (auto row = from_table.find(subject.substr(bar + 1))) {
          again.insert(static_cast<std::uint32_t>(*row));
        }
      };
      if (auto before = judged_before.find(rule.id); before != judged_before.end()) {
        for (const auto& j : before->second) judge_again(subject_text(j.dataset, j.record_key));
      }
      for (const auto& c : changed) {
        const auto* named = s->cases.naming(c);
        if (!named) continue;
        for (const auto& key : *named) {
          const std::string* anchor = s->cases.anchor_of(key);
          if (anchor && judged.count(*anchor)) continue;
          // Every `from` record of the case (a window's members).
          for (const auto& subject : *s->cases.subjects_of(key)) judge_again(subject);
        }
      }
      if (!again.empty()) {
        std::vector<std::uint32_t> more(again.begin(), again.end());
        auto extra = engine->run_for(*facts, from, more, as_of, {RuleStatus::active}, {rule.id});
        for (auto& x : extra) {
          std::unordered_set<std::string> have;
          for (const auto& h : run.hits) have.insert(h.dedup_key);
          for (auto& h : x.hits) {
            if (have.insert(h.dedup_key).second) run.hits.push_back(std::move(h));
          }
          for (const auto& j : x.judged) judged.insert(subject_text(j.dataset, j.record_key));
        }
      }

      // The keys judged: those found, and the live cases anchored at a
      // record judged again.
      std::unordered_set<std::string> scope;
      for (const auto& h : run.hits) scope.insert(h.dedup_key);
      std::vector<std::string> gone;  // live cases that no longer hold
      for (const auto& j : judged) {
        const auto* named = s->cases.naming(j);
        if (!named) continue;
        for (const auto& key : *named) {
          const std::string* anchor = s->cases.anchor_of(key);
          if (anchor && *anchor == j && scope.insert(key).second) gone.push_back(key);
        }
      }
      if (scope.empty()) continue;
      std::vector<std::string> keys_judged(scope.begin(), scope.end());
      auto applied = store.apply(s->routing, warnings::ApplyScope::keys(std::move(keys_judged)),
                                 run.hits, today);
      if (!applied.ok()) {
        return core::Error::internal("规则" + rule.id + "的预警未能保存：" +
                                     applied.error().message);
      }
      for (const auto& key : gone) s->cases.remove(key);
      for (const auto& hit : run.hits) s->cases.put(hit, from, s->anchor);
    }
    return {};
  }

  // A rule whose cases cannot be told by their anchor: all of it again.
  core::Status whole_rule(RuleState& s, core::Date today) {
    auto runs = engine->run_only(*facts, today.days_since_epoch(), {s.rule->id});
    for (const auto& run : runs) {
      auto applied = store.apply(s.routing, warnings::ApplyScope::all(), run.hits, today);
      if (!applied.ok()) return applied.error();
      s.cases.clear();
      for (const auto& hit : run.hits) s.cases.put(hit, s.rule->from.dataset, s.anchor);
    }
    return {};
  }

  void set_state(LiveState state) {
    {
      std::lock_guard lock(mutex);
      status.state = state;
    }
    settled.notify_all();
  }

  // The first load, or a retry after a failure. Changes queued before it
  // began are covered by it.
  void initial(bool escalate) {
    std::size_t covered = 0;
    {
      std::lock_guard lock(mutex);
      covered = queue.size();
      status.state = LiveState::loading;
    }
    std::unique_lock work_lock(work);
    auto st = full_run(/*reload_facts=*/true, /*new_pack=*/true, escalate);
    work_lock.unlock();
    if (!st.ok()) {
      fail("载入失败：" + st.error().message);
      failed_on = clock.today();
      set_state(LiveState::failed);
      return;
    }
    {
      std::lock_guard lock(mutex);
      covered = std::min(covered, queue.size());
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(covered));
      status.queue = queue.size();
    }
    spdlog::info("live rules: ready, {} records, {} rules ({} active), first run {} ms",
                 status.records, status.rules, status.active_rules, status.batch_ms);
    set_state(LiveState::ready);
  }

  void run_worker() {
    initial(/*escalate=*/false);
    std::optional<long long> seen_generation;
    while (true) {
      std::vector<Change> taken;
      bool refresh = false;
      {
        std::unique_lock lock(mutex);
        // Changes wait while the engine is not ready (a failed load).
        wake.wait_for(lock, options.poll, [&] {
          return stopping || refresh_wanted || (status.state == LiveState::ready && !queue.empty());
        });
        if (stopping) break;
        refresh = refresh_wanted;
        refresh_wanted = false;
        if (status.state == LiveState::ready) {
          taken.assign(std::make_move_iterator(queue.begin()),
                       std::make_move_iterator(queue.end()));
          queue.clear();
          status.queue = 0;
        }
        busy = true;
      }
      if (status_state() == LiveState::failed) {
        // Tried again on request and when the day turns.
        if (refresh || clock.today() != failed_on) initial(/*escalate=*/false);
      } else {
        if (!refresh && options.generation) {
          // A generation other than the pack's in use: refresh, once per
          // generation seen (should a source never give it, no loop).
          auto g = options.generation();
          const long long in_use = pack_generation();
          if (g.ok() && *g != in_use && (!seen_generation || *g != *seen_generation)) {
            refresh = true;
            seen_generation = *g;
          }
        }
        process(taken);
        std::lock_guard work_lock(work);
        if (refresh) {
          auto st = full_run(/*reload_facts=*/false, /*new_pack=*/true, /*escalate=*/false);
          if (!st.ok()) fail("规则重新载入失败：" + st.error().message);
        }
        if (have_batch && clock.today() != batch_date) daily();
      }
      {
        std::lock_guard lock(mutex);
        busy = false;
      }
      settled.notify_all();
    }
    std::lock_guard lock(mutex);
    busy = false;
    status.state = LiveState::stopped;
    settled.notify_all();
  }

  // REQUIRES: `work` held.
  void daily() {
    spdlog::info("live rules: new day {}, full run", clock.today().to_string());
    auto st = full_run(options.daily_reload, /*new_pack=*/false, options.escalate);
    if (!st.ok()) {
      // The store and engine in use are kept; the next day tries again.
      fail("每日运行失败：" + st.error().message);
      batch_date = clock.today();
    }
  }

  long long pack_generation() const {
    std::lock_guard lock(mutex);
    return status.generation;
  }

  LiveState status_state() const {
    std::lock_guard lock(mutex);
    return status.state;
  }

  // Consecutive changes of one dataset go through the engine together.
  void process(std::vector<Change>& taken) {
    std::size_t i = 0;
    while (i < taken.size()) {
      Change merged = std::move(taken[i++]);
      while (i < taken.size() && taken[i].dataset == merged.dataset) {
        merged.keys.insert(merged.keys.end(), std::make_move_iterator(taken[i].keys.begin()),
                           std::make_move_iterator(taken[i].keys.end()));
        ++i;
      }
      const auto started = std::chrono::steady_clock::now();
      core::Status st;
      {
        std::lock_guard work_lock(work);
        try {
          st = change(merged.dataset, merged.keys);
        } catch (const std::exception& e) {
          st = core::Error::internal(e.what());
        }
      }
      if (!st.ok()) fail("增量更新失败（" + merged.dataset + "）：" + st.error().message);
      std::lock_guard lock(mutex);
      ++status.changes;
      status.last_change_ms = ms_since(started);
    }
  }
};

LiveRules::LiveRules(db::Database& db, const privacy::Vault* vault,
                     warnings::WarningStore& warnings, const core::Clock& clock,
                     const core::WorkdayCalendar& calendar, LiveOptions options)
    : impl_(std::make_unique<Impl>(db, vault, warnings, clock, calendar, std::move(options))) {}

LiveRules::~LiveRules() {
  stop();
}

void LiveRules::start() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->worker.joinable()) return;
  impl_->stopping = false;
  impl_->status.state = LiveState::loading;
  impl_->worker = std::thread([this] { impl_->run_worker(); });
}

void LiveRules::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->queue.clear();
    impl_->status.queue = 0;
  }
  impl_->wake.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
}

void LiveRules::records_changed(std::string dataset, std::vector<std::string> record_keys) {
  if (record_keys.empty()) return;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->queue.push_back({std::move(dataset), std::move(record_keys)});
    impl_->status.queue = impl_->queue.size();
  }
  impl_->wake.notify_all();
}

void LiveRules::refresh() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->refresh_wanted = true;
  }
  impl_->wake.notify_all();
}

LiveStatus LiveRules::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

bool LiveRules::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->settled.wait_for(lock, timeout, [&] {
    const LiveState s = impl_->status.state;
    if (s == LiveState::failed || s == LiveState::stopped) return !impl_->busy;
    return s == LiveState::ready && impl_->queue.empty() && !impl_->busy && !impl_->refresh_wanted;
  });
}

core::Status LiveRules::apply_change(const std::string& dataset,
                                     const std::vector<std::string>& keys) {
  std::lock_guard work_lock(impl_->work);
  if (!impl_->facts || !impl_->engine) return core::Error::internal("预警引擎尚未就绪");
  return impl_->change(dataset, keys);
}

core::Status LiveRules::load_now() {
  std::lock_guard work_lock(impl_->work);
  auto st = impl_->full_run(/*reload_facts=*/true, /*new_pack=*/true, /*escalate=*/false);
  std::lock_guard lock(impl_->mutex);
  impl_->status.state = st.ok() ? LiveState::ready : LiveState::failed;
  return st;
}

}  // namespace mingjing::rules
