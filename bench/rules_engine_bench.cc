// The warning engine on a county, for the speed targets of issue 4
// (bench/rules_engine.sh drives it and compares with the SQL baseline).
//
//   rules_engine_bench --db URL [--key-file F] [--as-of YYYY-MM-DD]
//                      [--runs N] [--pack-runs N] [--only ID,ID,...]
//                      [--out DIR] [--rules DIR]
//
// In one process: loads the fact store (timed; peak RSS after the load),
// compiles the built-in pack (or the *.yaml files of --rules DIR), runs
// the rules named by --only N times (Engine::run_only) and the whole
// active pack N times (--pack-runs; Engine::run with the active status),
// then reports the median of each. With --out, the hits of the --only
// rules go to DIR/RULE.tsv, one line per subject:
// "dedup_key<TAB>dataset<TAB>record_key" (the form of the SQL baseline's
// result files: hit, dataset, id).
//
// Prints JSON lines: {"load":..}, {"rule":..} per --only rule (median
// eval ms, hits), {"only":..} (median wall ms of the --only run),
// {"pack":..} (median wall ms of the active pack, rules, hits) and
// {"peak_rss_mb":..} at the end.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/workday_calendar.h"
#include "db/database.h"
#include "privacy/privacy.h"
#include "rules/engine.h"
#include "rules/facts.h"
#include "rules/rule_def.h"

namespace {

namespace rules = mingjing::rules;

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
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

int usage() {
  std::fprintf(stderr,
               "usage: rules_engine_bench --db URL [--key-file F] [--as-of YYYY-MM-DD]\n"
               "                          [--runs N] [--pack-runs N] [--only ID,ID,...]\n"
               "                          [--out DIR] [--rules DIR]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, key_file, as_of_text = "2025-12-31", only_text, out_dir, rules_dir;
  int runs = 5, pack_runs = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    std::optional<std::string> value = next();
    if (!value) return usage();
    if (arg == "--db") {
      url = *value;
    } else if (arg == "--key-file") {
      key_file = *value;
    } else if (arg == "--as-of") {
      as_of_text = *value;
    } else if (arg == "--runs") {
      runs = std::max(1, std::stoi(*value));
    } else if (arg == "--pack-runs") {
      pack_runs = std::max(0, std::stoi(*value));
    } else if (arg == "--only") {
      only_text = *value;
    } else if (arg == "--out") {
      out_dir = *value;
    } else if (arg == "--rules") {
      rules_dir = *value;
    } else {
      return usage();
    }
  }
  if (url.empty()) return usage();
  auto as_of = mingjing::core::Date::parse(as_of_text);
  if (!as_of.ok()) return usage();
  const std::int64_t as_of_days = as_of->days_since_epoch();

  auto database = mingjing::db::Database::open({url, 2});
  if (!database.ok()) {
    std::fprintf(stderr, "%s\n", database.error().message.c_str());
    return 1;
  }
  std::optional<mingjing::privacy::Vault> vault;
  if (!key_file.empty()) {
    auto opened = mingjing::privacy::Vault::open(key_file, false);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.error().message.c_str());
      return 1;
    }
    vault = std::move(*opened);
  }

  // (a) Loading, as `mingjing rules run` does it.
  const auto load_start = std::chrono::steady_clock::now();
  rules::LoadStats stats;
  auto facts = rules::FactStore::load(**database, vault ? &*vault : nullptr, {}, &stats);
  if (!facts.ok()) {
    std::fprintf(stderr, "%s\n", facts.error().message.c_str());
    return 1;
  }
  const double load_ms = ms_since(load_start);
  const long load_rss = peak_rss_mb();

  auto pack = rules_dir.empty() ? rules::builtin_rules() : rules::load_rules(rules_dir);
  if (!pack.ok()) {
    std::fprintf(stderr, "%s\n", pack.error().message.c_str());
    return 1;
  }
  const auto compile_start = std::chrono::steady_clock::now();
  auto engine =
      rules::Engine::compile(*pack, *facts, {}, mingjing::core::WorkdayCalendar::builtin());
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.error().message.c_str());
    return 1;
  }
  const double compile_ms = ms_since(compile_start);
  std::size_t active = 0;
  for (const auto& r : *pack) active += r.status == rules::RuleStatus::active;
  std::printf("%s\n", nlohmann::json{{"load",
                                      {{"records", stats.records},
                                       {"load_ms", load_ms},
                                       {"store_mb", stats.bytes / (1024 * 1024)},
                                       {"peak_rss_mb_after_load", load_rss},
                                       {"compile_ms", compile_ms},
                                       {"rules", pack->size()},
                                       {"active_rules", active}}}}
                          .dump()
                          .c_str());
  std::fflush(stdout);

  // (b) The --only rules, N times.
  const std::vector<std::string> only = split_ids(only_text);
  if (!only.empty()) {
    std::map<std::string, std::vector<double>> per_rule;
    std::vector<double> walls;
    std::vector<rules::RuleRun> last;
    for (int run = 0; run < runs; ++run) {
      const auto start = std::chrono::steady_clock::now();
      last = engine->run_only(*facts, as_of_days, only);
      walls.push_back(ms_since(start));
      for (const auto& r : last) per_rule[r.rule->id].push_back(r.eval_us / 1000.0);
    }
    if (last.size() != only.size()) {
      std::fprintf(stderr, "rules_engine_bench: --only names %zu rules, the pack ran %zu\n",
                   only.size(), last.size());
      return 1;
    }
    for (const auto& r : last) {
      std::size_t unknown = 0;
      for (const auto& n : r.not_evaluated) unknown += n.records;
      std::printf("%s\n", nlohmann::json{{"rule", r.rule->id},
                                         {"ms", median(per_rule[r.rule->id])},
                                         {"all_ms", per_rule[r.rule->id]},
                                         {"hits", r.hits.size()},
                                         {"evaluated", r.evaluated},
                                         {"not_evaluated", unknown}}
                              .dump()
                              .c_str());
      if (!out_dir.empty()) {
        std::ofstream out(out_dir + "/" + r.rule->id + ".tsv");
        for (const auto& hit : r.hits) {
          for (const auto& s : hit.subjects) {
            out << hit.dedup_key << '\t' << s.dataset << '\t' << s.record_key << '\n';
          }
        }
        if (!out) {
          std::fprintf(stderr, "rules_engine_bench: cannot write %s\n", out_dir.c_str());
          return 1;
        }
      }
    }
    std::printf(
        "%s\n",
        nlohmann::json{{"only", {{"ms", median(walls)}, {"all_ms", walls}}}}.dump().c_str());
    std::fflush(stdout);
  }

  // (c) The whole active pack, N times (--pack-runs, default --runs).
  if (pack_runs < 0) pack_runs = runs;
  std::vector<double> walls;
  std::size_t hits = 0, ran = 0;
  for (int run = 0; run < pack_runs; ++run) {
    const auto start = std::chrono::steady_clock::now();
    auto all = engine->run(*facts, as_of_days, {rules::RuleStatus::active});
    walls.push_back(ms_since(start));
    hits = 0;
    for (const auto& r : all) hits += r.hits.size();
    ran = all.size();
  }
  std::printf(
      "%s\n",
      nlohmann::json{
          {"pack", {{"ms", median(walls)}, {"all_ms", walls}, {"rules", ran}, {"hits", hits}}}}
          .dump()
          .c_str());
  std::printf("%s\n", nlohmann::json{{"peak_rss_mb", peak_rss_mb()}}.dump().c_str());
  return 0;
}
