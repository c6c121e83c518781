// LiveRules over a real database (SQLite file, and PostgreSQL as pg.*):
// the good files of every dataset imported through the ordinary importer,
// the shipped rule pack, then imports told to the live engine as the server
// tells it. Warnings must be stored within a second; a case that no longer
// holds is marked still_hit = false; a change told while loading is not
// lost; the incremental path leaves exactly the warnings a full batch run
// after every import leaves; the daily run follows the clock.
#include "rules/live.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>

#include "core/clock.h"
#include "core/workday_calendar.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "privacy/privacy.h"
#include "rules/rule_def.h"
#include "support/region_fixture.h"
#include "support/test_db.h"
#include "warnings/warnings.h"

namespace mingjing::rules {
namespace {

using namespace std::chrono_literals;

std::string good_file(const std::string& dataset) {
  std::ifstream in(testing::source_dir() + "/tests/data/datasets/" + dataset + ".csv",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// 2025-06-30 10:00 in Shanghai.
constexpr long long kJune30 = 1751248800000LL;
constexpr long long kDayMs = 86400000LL;

LiveOptions shipped_pack() {
  LiveOptions o;
  o.pack = []() -> core::Result<LivePack> {
    auto rules = builtin_rules();
    if (!rules.ok()) return rules.error();
    return LivePack{std::move(*rules), {}, 0};
  };
  o.poll = 50ms;
  o.daily_reload = true;
  return o;
}

// One stored warning, as the comparison sees it.
using WarningRow = std::tuple<std::string, std::string, std::string, std::string, std::string, int,
                              std::string, std::string>;  // rule, key, severity, subjects,
                                                          // status, still_hit, evidence,
                                                          // region

// A database with the good files and the machinery around it.
struct County {
  County() {
    testing::seed_town_a(tdb.db());
    for (const auto& spec : imports::datasets()) import(spec.name, good_file(spec.name));
  }

  // Imports `csv` into `dataset` as the web import does; returns the keys
  // the importer reports.
  std::vector<std::string> import(const std::string& dataset, const std::string& csv) {
    imports::ImportOptions options;
    options.file_name = dataset + ".csv";
    options.keep_record_keys = true;
    auto source = imports::csv_source(csv);
    auto summary = importer.run(*imports::find_dataset(dataset), *source, options);
    EXPECT_TRUE(summary.ok()) << dataset << ": " << summary.error().message;
    if (!summary.ok()) return {};
    EXPECT_EQ(summary->rejected, 0u)
        << dataset << ": " << (summary->errors.empty() ? "" : summary->errors[0].reason);
    return summary->record_keys;
  }

  std::map<std::pair<std::string, std::string>, WarningRow> warnings_stored() {
    std::map<std::pair<std::string, std::string>, WarningRow> out;
    auto conn = tdb.db().connect();
    soci::rowset<soci::row> rows =
        (conn.session().prepare << "SELECT rule_id, dedup_key, severity, subjects, status, "
                                   "still_hit, evidence, region_code FROM warnings");
    for (const soci::row& r : rows) {
      WarningRow w{r.get<std::string>(0),
                   r.get<std::string>(1),
                   r.get<std::string>(2),
                   r.get<std::string>(3),
                   r.get<std::string>(4),
                   static_cast<int>(r.get_properties(5).get_data_type() == soci::dt_long_long
                                        ? r.get<long long>(5)
                                        : r.get<int>(5)),
                   r.get<std::string>(6),
                   r.get<std::string>(7)};
      out[{std::get<0>(w), std::get<1>(w)}] = w;
    }
    return out;
  }

  // The warning of `rule` naming `record_key` among its subjects.
  std::optional<WarningRow> warning_naming(const std::string& rule, const std::string& key) {
    for (const auto& [k, w] : warnings_stored()) {
      if (std::get<0>(w) == rule && std::get<3>(w).find("\"" + key + "\"") != std::string::npos) {
        return w;
      }
    }
    return std::nullopt;
  }

  testing::TestDb tdb;
  privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(5);
    return k;
  }());
  imports::Importer importer{tdb.db(), vault};
  core::FixedClock clock{kJune30};
  warnings::WarningStore store{tdb.db(), core::WorkdayCalendar::builtin(), clock};
};

// Polls `check` until it holds or `within` passes.
template <typename F>
bool eventually(F check, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (true) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

const std::string kAccountA1 = "201000123456789012";
const std::string kPaymentsHeader =
    "id,village_code,category,payee_name,payee_id_number,payee_uscc,payee_account,amount,method,"
    "purpose,project_id,applied_at,approved_at,paid_at,status\n";
const std::string kBankHeader =
    "id,account_no,time,direction,amount,counterparty_name,counterparty_account,summary,balance\n";
const std::string kSubsidiesHeader =
    "id,program_code,program_name,department,means_tested,recipient_id_number,recipient_name,"
    "village_code,amount,period,paid_at,account_no\n";

class DbLiveRules : public ::testing::Test {};

TEST_F(DbLiveRules, ImportsRaiseAndClearWarningsWithinASecond) {
  County county;
  LiveRules live(county.tdb.db(), &county.vault, county.store, county.clock,
                 core::WorkdayCalendar::builtin(), shipped_pack());
  live.start();
  ASSERT_TRUE(live.wait_idle(60s));
  LiveStatus st = live.status();
  ASSERT_EQ(st.state, LiveState::ready) << st.last_error;
  EXPECT_GT(st.records, 100u);
  EXPECT_GT(st.active_rules, 30u);
  EXPECT_EQ(st.batch_date, "2025-06-30");
  // The first run stored what `rules run` would.
  const auto first = county.warnings_stored();
  EXPECT_FALSE(first.empty());
  EXPECT_FALSE(county.warning_naming("F01", "ZC-LIVE-1"));

  // A cash payment over the limit: F01 must be raised within a second.
  auto keys = county.import("payments", kPaymentsHeader +
                                            "ZC-LIVE-1,330782001001,办公费,张建国,,,,5000.00,cash,"
                                            "办公用品,,2025-06-01 10:00,,,pending\n");
  ASSERT_EQ(keys, std::vector<std::string>{"ZC-LIVE-1"});
  const auto told = std::chrono::steady_clock::now();
  live.records_changed("payments", keys);
  ASSERT_TRUE(eventually([&] { return county.warning_naming("F01", "ZC-LIVE-1").has_value(); }, 1s))
      << "F01 not stored within 1 s; last error: " << live.status().last_error;
  EXPECT_LT(std::chrono::steady_clock::now() - told, 1s);
  auto raised = *county.warning_naming("F01", "ZC-LIVE-1");
  EXPECT_EQ(std::get<4>(raised), "new");
  EXPECT_EQ(std::get<5>(raised), 1);
  EXPECT_EQ(std::get<7>(raised), testing::kVillageA1);

  // Paid by transfer after all: the case no longer holds.
  keys = county.import("payments", kPaymentsHeader +
                                       "ZC-LIVE-1,330782001001,办公费,张建国,,,,5000.00,transfer,"
                                       "办公用品,,2025-06-01 10:00,,,pending\n");
  live.records_changed("payments", keys);
  ASSERT_TRUE(
      eventually([&] { return std::get<5>(*county.warning_naming("F01", "ZC-LIVE-1")) == 0; }, 1s))
      << live.status().last_error;
  EXPECT_EQ(std::get<4>(*county.warning_naming("F01", "ZC-LIVE-1")), "new") << "stays open";

  // Cases elsewhere were not touched: every warning of the first run is as
  // it was.
  ASSERT_TRUE(live.wait_idle(5s));
  const auto after = county.warnings_stored();
  for (const auto& [key, w] : first) {
    auto it = after.find(key);
    ASSERT_NE(it, after.end());
    EXPECT_EQ(it->second, w) << key.first << " " << key.second;
  }
  st = live.status();
  EXPECT_EQ(st.changes, 2);
  EXPECT_TRUE(st.last_error.empty()) << st.last_error;
}

TEST_F(DbLiveRules, AChangeToldWhileLoadingIsApplied) {
  County county;
  LiveRules live(county.tdb.db(), &county.vault, county.store, county.clock,
                 core::WorkdayCalendar::builtin(), shipped_pack());
  // Imported and told before and while the first load runs: the one told
  // before start is covered by the load, the other may or may not be seen
  // by it, and is queued either way.
  auto early = county.import("payments", kPaymentsHeader +
                                             "ZC-LIVE-E,330782001001,办公费,张建国,,,,4000.00,"
                                             "cash,办公用品,,2025-06-01 10:00,,,pending\n");
  live.records_changed("payments", early);
  live.start();
  auto late = county.import("payments", kPaymentsHeader +
                                            "ZC-LIVE-L,330782001001,办公费,张建国,,,,3000.00,"
                                            "cash,办公用品,,2025-06-01 10:00,,,pending\n");
  live.records_changed("payments", late);
  ASSERT_TRUE(live.wait_idle(60s));
  ASSERT_EQ(live.status().state, LiveState::ready) << live.status().last_error;
  EXPECT_TRUE(county.warning_naming("F01", "ZC-LIVE-E"));
  EXPECT_TRUE(county.warning_naming("F01", "ZC-LIVE-L"));
  EXPECT_EQ(live.status().queue, 0u);
}

TEST_F(DbLiveRules, LoadingThatFailsSaysSoAndTheServerKeepsGoing) {
  County county;
  LiveOptions options = shipped_pack();
  options.pack = []() -> core::Result<LivePack> { return core::Error::internal("规则库不可用"); };
  LiveRules live(county.tdb.db(), &county.vault, county.store, county.clock,
                 core::WorkdayCalendar::builtin(), std::move(options));
  live.start();
  ASSERT_TRUE(live.wait_idle(10s));
  LiveStatus st = live.status();
  EXPECT_EQ(st.state, LiveState::failed);
  EXPECT_NE(st.last_error.find("规则库不可用"), std::string::npos) << st.last_error;
  live.records_changed("payments", {"ZC2025-0001"});  // queued, harmless
  live.stop();
  EXPECT_EQ(live.status().state, LiveState::stopped);
}

TEST_F(DbLiveRules, ANewGenerationOfThePackIsRunWhole) {
  County county;
  // A registry stand-in: the shipped rules, overrides that change, and a
  // generation that moves with them.
  std::mutex mutex;
  std::vector<ParamOverride> overrides;
  std::atomic<long long> generation{1};
  LiveOptions options = shipped_pack();
  options.pack = [&]() -> core::Result<LivePack> {
    auto rules = builtin_rules();
    if (!rules.ok()) return rules.error();
    std::lock_guard lock(mutex);
    return LivePack{std::move(*rules), overrides, generation.load()};
  };
  options.generation = [&]() -> core::Result<long long> { return generation.load(); };
  LiveRules live(county.tdb.db(), &county.vault, county.store, county.clock,
                 core::WorkdayCalendar::builtin(), std::move(options));
  live.start();
  ASSERT_TRUE(live.wait_idle(60s));
  EXPECT_EQ(live.status().generation, 1);
  live.records_changed(
      "payments",
      county.import("payments", kPaymentsHeader + "ZC-LIVE-G,330782001001,办公费,张建国,,,,"
                                                  "5000.00,cash,办公用品,,2025-06-01 10:00,,,"
                                                  "pending\n"));
  ASSERT_TRUE(live.wait_idle(5s));
  ASSERT_TRUE(county.warning_naming("F01", "ZC-LIVE-G"));
  EXPECT_EQ(std::get<5>(*county.warning_naming("F01", "ZC-LIVE-G")), 1);

  // The county raises its cash limit to 10,000 yuan: the case no longer
  // holds once the new generation runs.
  {
    std::lock_guard lock(mutex);
    ParamSetting limit;
    limit.type = ParamType::money;
    limit.integer = 1000000;
    overrides.push_back({"F01", "cash_limit", testing::kCounty, limit});
  }
  generation = 2;
  ASSERT_TRUE(eventually(
      [&] {
        return live.status().generation == 2 &&
               std::get<5>(*county.warning_naming("F01", "ZC-LIVE-G")) == 0;
      },
      10s))
      << live.status().last_error;
}

// The steps both databases go through, and a warning each must leave as
// stated (so the comparison covers real changes).
struct Step {
  std::string dataset;
  std::string csv;
  std::string rule;        // the warning of this rule
  std::string record_key;  // naming this record
  int still_hit;           // is then still hit (1) or no longer (0)
};

std::vector<Step> steps() {
  const std::string approvals = "单号,审批环节,审批人身份证号,审批意见,审批时间\n";
  return {
      // A bank outflow no payment explains (F07).
      {"bank_transactions",
       kBankHeader + "BT-LIVE-1," + kAccountA1 + ",2025-04-01 09:00,out,4321.00,某公司,,货款,\n",
       "F07", "BT-LIVE-1", 1},
      // A cash payment over the limit, paid without review (F01, F04).
      {"payments",
       kPaymentsHeader + "ZC-LIVE-1,330782001001,办公费,张建国,,,,5000.00,cash,办公用品,,"
                         "2025-04-01 10:00,2025-04-01 11:00,2025-04-02 10:00,paid\n",
       "F01", "ZC-LIVE-1", 1},
      // The payment that explains the bank line: F07 no longer holds (the
      // change comes from the joined dataset).
      {"payments",
       kPaymentsHeader + "ZC-LIVE-2,330782001001,货款,某公司,,,,4321.00,transfer,货款,,"
                         "2025-03-31 10:00,2025-03-31 11:00,2025-04-01 09:00,paid\n",
       "F07", "BT-LIVE-1", 0},
      // The cash payment was a transfer after all: F01 no longer holds.
      {"payments",
       kPaymentsHeader + "ZC-LIVE-1,330782001001,办公费,张建国,,,,5000.00,transfer,办公用品,,"
                         "2025-04-01 10:00,2025-04-01 11:00,2025-04-02 10:00,paid\n",
       "F01", "ZC-LIVE-1", 0},
      // The supervision committee's approval arrives: F04 no longer holds
      // for ZC-LIVE-2.
      {"payment_approvals",
       approvals + "ZC-LIVE-2,supervision_committee,330782196907230135,approve,2025-03-31 10:30\n",
       "F04", "ZC-LIVE-2", 0},
      // A subsidy to a person who died in January, a second one in the
      // same period (S01, S05).
      {"subsidies",
       kSubsidiesHeader +
           "BT-LIVE-S1,DB001,城乡居民最低生活保障金,义乌市民政局,是,330782195809090314,吴金福,"
           "330782001001,1185,2025-03,2025-03-20 09:00,6217001234560000111\n",
       "S05", "BT-LIVE-S1", 1},
      // It belonged to April: S05's March case no longer holds (the group
      // it left is judged again), S01 still does.
      {"subsidies",
       kSubsidiesHeader +
           "BT-LIVE-S1,DB001,城乡居民最低生活保障金,义乌市民政局,是,330782195809090314,吴金福,"
           "330782001001,1185,2025-04,2025-03-20 09:00,6217001234560000111\n",
       "S05", "BT-LIVE-S1", 0},
      // Another unexplained outflow, then booked on the other village's
      // account: the case moves with it.
      {"bank_transactions",
       kBankHeader + "BT-LIVE-2," + kAccountA1 + ",2025-05-01 09:00,out,777.00,某人,,其他,\n",
       "F07", "BT-LIVE-2", 1},
      {"bank_transactions",
       kBankHeader + "BT-LIVE-2,201000987654321098,2025-05-01 09:00,out,777.00,某人,,其他,\n",
       "F07", "BT-LIVE-2", 1},
      // The approval was a rejection: F04 holds for ZC-LIVE-2 again.
      {"payment_approvals",
       approvals + "ZC-LIVE-2,supervision_committee,330782196907230135,reject,2025-03-31 10:30\n",
       "F04", "ZC-LIVE-2", 1},
      // The payment's amount was mistyped: the bank line it explained is
      // unexplained again (a case of a record the new value no longer
      // reaches).
      {"payments",
       kPaymentsHeader + "ZC-LIVE-2,330782001001,货款,某公司,,,,4322.00,transfer,货款,,"
                         "2025-03-31 10:00,2025-03-31 11:00,2025-04-01 09:00,paid\n",
       "F07", "BT-LIVE-1", 1},
  };
}

TEST_F(DbLiveRules, IncrementalLeavesTheWarningsABatchRunAfterEveryImportLeaves) {
  County incremental;  // A: the live engine, told after each import
  County batch;        // B: a full run after each import
  LiveRules live(incremental.tdb.db(), &incremental.vault, incremental.store, incremental.clock,
                 core::WorkdayCalendar::builtin(), shipped_pack());
  live.start();
  ASSERT_TRUE(live.wait_idle(60s));
  ASSERT_EQ(live.status().state, LiveState::ready) << live.status().last_error;
  LiveRules full(batch.tdb.db(), &batch.vault, batch.store, batch.clock,
                 core::WorkdayCalendar::builtin(), shipped_pack());
  ASSERT_TRUE(full.load_now().ok());
  ASSERT_EQ(incremental.warnings_stored(), batch.warnings_stored());

  int number = 0;
  for (const Step& step : steps()) {
    SCOPED_TRACE("step " + std::to_string(++number) + " " + step.dataset);
    live.records_changed(step.dataset, incremental.import(step.dataset, step.csv));
    ASSERT_TRUE(live.wait_idle(10s));
    ASSERT_TRUE(live.status().last_error.empty()) << live.status().last_error;
    batch.import(step.dataset, step.csv);
    ASSERT_TRUE(full.load_now().ok());
    auto a = incremental.warnings_stored();
    auto b = batch.warnings_stored();
    // The rules over the warnings themselves (D07, E03) judge the
    // lifecycle, not the imported records: an import does not re-run them
    // (the full runs, at start and daily, do), so the full run here sees
    // warnings the incremental side has not judged yet.
    std::erase_if(a,
                  [](const auto& w) { return w.first.first == "D07" || w.first.first == "E03"; });
    std::erase_if(b,
                  [](const auto& w) { return w.first.first == "D07" || w.first.first == "E03"; });
    for (const auto& [key, w] : b) {
      auto it = a.find(key);
      if (it == a.end()) {
        ADD_FAILURE() << "only in batch: " << key.first << " " << key.second;
      } else {
        EXPECT_EQ(it->second, w) << key.first << " " << key.second;
      }
    }
    for (const auto& [key, w] : a) {
      if (!b.contains(key)) ADD_FAILURE() << "only incremental: " << key.first << " " << key.second;
    }
    auto named = incremental.warning_naming(step.rule, step.record_key);
    ASSERT_TRUE(named) << step.rule << " " << step.record_key;
    EXPECT_EQ(std::get<5>(*named), step.still_hit) << step.rule << " " << step.record_key;
  }
  auto s01 = incremental.warning_naming("S01", "BT-LIVE-S1");
  ASSERT_TRUE(s01);
  EXPECT_EQ(std::get<5>(*s01), 1);
  EXPECT_EQ(live.status().changes, static_cast<long long>(steps().size()));
}

TEST_F(DbLiveRules, TheDailyRunFollowsTheClock) {
  County county;
  LiveRules live(county.tdb.db(), &county.vault, county.store, county.clock,
                 core::WorkdayCalendar::builtin(), shipped_pack());
  live.start();
  ASSERT_TRUE(live.wait_idle(60s));
  ASSERT_EQ(live.status().batch_date, "2025-06-30");
  // An unanswered complaint (D06: deadline) written around the server, as
  // `mingjing import` would: only the daily run sees it.
  county.import("complaints",
                "id,village_code,category,submitted_at\n"
                "TS-LIVE-1,330782001001,财务,2025-06-29 09:00\n");
  std::this_thread::sleep_for(200ms);  // several polls: nothing runs on the same day
  EXPECT_FALSE(county.warning_naming("D06", "TS-LIVE-1"));
  EXPECT_EQ(live.status().batch_date, "2025-06-30");

  // Past midnight in Shanghai: the full run (facts read again) and the
  // escalation of overdue warnings.
  county.clock.set(kJune30 + 120LL * kDayMs);
  ASSERT_TRUE(eventually([&] { return live.status().batch_date == "2025-10-28"; }, 30s))
      << live.status().last_error;
  ASSERT_TRUE(live.wait_idle(30s));
  auto d06 = county.warning_naming("D06", "TS-LIVE-1");
  ASSERT_TRUE(d06);
  EXPECT_EQ(std::get<2>(*d06), "red");
  // Warnings raised on 06-30 with deadlines long past have moved up.
  auto conn = county.tdb.db().connect();
  long long escalated = 0;
  conn.session() << "SELECT COUNT(*) FROM warnings WHERE escalation_level > 0",
      soci::into(escalated);
  EXPECT_GT(escalated, 0);
}

}  // namespace
}  // namespace mingjing::rules
