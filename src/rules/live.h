// LiveRules: the warning engine inside the server (docs/rules-engine.md,
// "The incremental path in the server"). It owns a fact store loaded from
// the database and the rule pack compiled against it, and keeps the stored
// warnings current:
//
//  - start(): loads the facts on a thread of its own (the server answers
//    meanwhile; status() says loading), compiles the pack, runs every active
//    and shadow rule once and stores the active rules' hits
//    (ApplyScope::all(), as `mingjing rules run` does; shadow rules are
//    evaluated, never stored).
//  - records_changed(): told after an import commits. Queued and returns at
//    once; the worker reads those records from the database again, puts
//    them into the store, re-runs the rules that read the dataset for the
//    cases those records take part in (Engine::run_for) and stores the hits
//    with ApplyScope::keys(): the keys it found, plus the keys of the stored
//    cases it judged again, so a case that no longer holds is marked
//    still_hit = false and cases elsewhere are untouched. Changes told while
//    loading wait in the queue and are applied after the first run.
//  - once a day, when the civil date (Asia/Shanghai, from the injected
//    clock) changes: the facts are read again (which also brings in what
//    was written around the server, e.g. `mingjing import`), every rule
//    runs in batch and overdue warnings are escalated
//    (WarningStore::escalate_overdue).
//  - reload(): a new pack (the rule registry's effective() after a change);
//    compiled, then a full batch run.
//
// What it cannot see: records deleted from the database (the store never
// deletes), and warnings written by another process since the last batch
// run. Both are made good by the daily run.
//
// Thread-safety: every public method may be called from any thread. One
// worker thread owns the store and the engine; everything it does is
// serialised.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "rules/rule_def.h"

namespace mingjing::core {
class Clock;
class WorkdayCalendar;
}  // namespace mingjing::core
namespace mingjing::db {
class Database;
}
namespace mingjing::privacy {
class Vault;
}
namespace mingjing::warnings {
class WarningStore;
}

namespace mingjing::rules {

// A rule pack as the live engine runs it: RuleRegistry::effective() gives
// exactly these three.
struct LivePack {
  std::vector<RuleDef> rules;  // any status: active rules raise, shadow ones are only run
  std::vector<ParamOverride> overrides;
  long long generation = 0;  // the registry's; 0 for a fixed pack
};

struct LiveOptions {
  // Where the pack comes from: called at start, on refresh() and, with
  // `generation`, whenever the generation it returns moves. Required.
  std::function<core::Result<LivePack>()> pack;
  // Optional: the pack's current generation, polled every `poll`
  // (RuleRegistry::generation()).
  std::function<core::Result<long long>()> generation;
  // How often the worker looks at the clock (the daily run) and the
  // generation when nothing else wakes it.
  std::chrono::milliseconds poll{1000};
  // The daily run reads all facts again (false: re-evaluates the store it
  // holds; for tests and benchmarks that change the database themselves).
  bool daily_reload = true;
  // Escalate overdue warnings in the daily run.
  bool escalate = true;
};

enum class LiveState { stopped, loading, ready, failed };
std::string_view to_string(LiveState state);

struct LiveStatus {
  LiveState state = LiveState::stopped;
  std::size_t records = 0;       // in the fact store
  std::size_t rules = 0;         // compiled
  std::size_t active_rules = 0;  // of which raise warnings
  long long generation = 0;      // of the pack in use
  long long load_ms = 0;         // the last load of the facts
  long long batch_ms = 0;        // the last full run, evaluation and storing
  std::string batch_date;        // its as-of date, YYYY-MM-DD
  long long changes = 0;         // records_changed() calls processed
  long long last_change_ms = 0;  // the last one, reading to stored (ms)
  std::size_t queue = 0;         // calls waiting
  long long last_error_at = 0;   // unix ms; 0: none
  std::string last_error;        // Chinese
};

class LiveRules {
 public:
  LiveRules(db::Database& db, const privacy::Vault* vault, warnings::WarningStore& warnings,
            const core::Clock& clock, const core::WorkdayCalendar& calendar, LiveOptions options);
  ~LiveRules();  // stops the worker
  LiveRules(const LiveRules&) = delete;
  LiveRules& operator=(const LiveRules&) = delete;

  // Starts the worker: load, first run, then changes as they come. Once.
  void start();
  // Stops the worker after the step it is in; changes still queued are
  // dropped (the next start's full run covers them).
  void stop();

  // `record_keys` of `dataset` were written (inserted, updated or left as
  // they were): queued, never blocks on the worker. Unknown datasets are
  // logged and ignored.
  void records_changed(std::string dataset, std::vector<std::string> record_keys);
  // Reads the pack from LiveOptions::pack again and runs it (queued).
  void refresh();

  LiveStatus status() const;
  // Until the worker is ready with nothing queued and nothing in hand, or
  // failed; false on timeout. For tests, benchmarks and a clean shutdown.
  bool wait_idle(std::chrono::milliseconds timeout) const;

  // The step the server runs for each change, on the calling thread,
  // without the queue. REQUIRES: ready, and no worker started (benchmarks
  // and tests drive the engine directly this way).
  core::Status apply_change(const std::string& dataset, const std::vector<std::string>& keys);
  // Loads and runs the first batch on the calling thread (no worker).
  core::Status load_now();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mingjing::rules
