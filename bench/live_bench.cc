// The server's incremental path (issue 4): how long one new record takes
// from "an import wrote it" to "its warnings are stored", on a county of
// about 2,000,000 records.
//
//   live_bench --db URL --key-file F [--n 1000] [--as-of YYYY-MM-DD]
//
// Loads the county into rules::LiveRules with the shipped pack (and runs
// the whole active pack once, storing its warnings, as the server does at
// start), then N times: writes one new record through the ordinary importer
// (alternately a bank transaction on one of the county's accounts and a
// subsidy payment to one of its residents), writes what the commit route
// writes after it (the run's region, the audit entry; neither timed) and
// times
// LiveRules::apply_change() for its key: the records read back from the
// database, upserted, the rules that read the dataset re-run for the
// affected cases and their hits stored (WarningStore::apply), exactly the
// step the server's worker runs after an import. Prints p50/p95/p99/max,
// overall and per dataset. Writes into the database: run it on a copy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/date.h"
#include "core/workday_calendar.h"
#include "db/database.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "privacy/privacy.h"
#include "rules/live.h"
#include "warnings/warnings.h"

namespace {

namespace core = mingjing::core;
namespace db = mingjing::db;
namespace imports = mingjing::imports;
namespace privacy = mingjing::privacy;
namespace rules = mingjing::rules;
namespace warnings = mingjing::warnings;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long long count(db::Database& d, const std::string& sql) {
  auto conn = d.connect();
  long long n = 0;
  conn.session() << sql, soci::into(n);
  return n;
}

struct Sample {
  std::string plain;  // account number or ID number
  std::string village;
};

// Up to `limit` sealed values of `column` in `table`, opened.
std::vector<Sample> open_samples(db::Database& d, const privacy::Vault& vault,
                                 const std::string& table, const std::string& column, int limit) {
  std::vector<Sample> out;
  auto conn = d.connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare << "SELECT " + column + "_enc, village_code FROM " + table +
                                     " WHERE " + column +
                                     "_enc IS NOT NULL ORDER BY row_id LIMIT " +
                                     std::to_string(limit));
  for (const soci::row& r : rows) {
    auto plain = vault.open_sealed(r.get<std::string>(0));
    if (plain.ok()) out.push_back({*plain, r.get<std::string>(1)});
  }
  return out;
}

struct Programme {
  std::string code, name, department, means_tested;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(at, v.size() - 1)];
}

void report(const std::string& label, const std::vector<double>& ms) {
  std::printf("%-18s n=%-5zu p50=%.2f ms  p95=%.2f ms  p99=%.2f ms  max=%.2f ms\n", label.c_str(),
              ms.size(), percentile(ms, 0.50), percentile(ms, 0.95), percentile(ms, 0.99),
              ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()));
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, key_file, as_of_text = "2025-12-31";
  int n = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--db") {
      url = next();
    } else if (a == "--key-file") {
      key_file = next();
    } else if (a == "--n") {
      n = std::stoi(next());
    } else if (a == "--as-of") {
      as_of_text = next();
    } else {
      std::fprintf(stderr,
                   "usage: live_bench --db URL --key-file F [--n 1000] [--as-of YYYY-MM-DD]\n");
      return 2;
    }
  }
  if (url.empty() || key_file.empty()) {
    std::fprintf(stderr, "live_bench: --db and --key-file are required\n");
    return 2;
  }
  auto opened = db::Database::open({url, 4});
  if (!opened.ok()) {
    std::fprintf(stderr, "live_bench: %s\n", opened.error().message.c_str());
    return 1;
  }
  db::Database& database = **opened;
  auto vault = privacy::Vault::open(key_file, /*create_missing=*/false);
  if (!vault.ok()) {
    std::fprintf(stderr, "live_bench: %s\n", vault.error().message.c_str());
    return 1;
  }
  auto as_of = core::Date::parse(as_of_text);
  if (!as_of.ok()) return 2;
  // 10:00 in Shanghai on the as-of day.
  core::FixedClock clock(as_of->days_since_epoch() * 86400000LL + 2LL * 3600 * 1000);
  warnings::WarningStore store(database, core::WorkdayCalendar::builtin(), clock);

  rules::LiveOptions options;
  options.pack = []() -> mingjing::core::Result<rules::LivePack> {
    auto shipped = rules::builtin_rules();
    if (!shipped.ok()) return shipped.error();
    return rules::LivePack{std::move(*shipped), {}, 0};
  };
  rules::LiveRules live(database, &*vault, store, clock, core::WorkdayCalendar::builtin(),
                        std::move(options));
  const auto started = std::chrono::steady_clock::now();
  auto loaded = live.load_now();
  if (!loaded.ok()) {
    std::fprintf(stderr, "live_bench: %s\n", loaded.error().message.c_str());
    return 1;
  }
  const rules::LiveStatus st = live.status();
  std::printf(
      "records %zu\nrules %zu (%zu active)\nload_ms %lld\nfirst_run_ms %lld\nstart_s %.1f\n",
      st.records, st.rules, st.active_rules, st.load_ms, st.batch_ms, seconds_since(started));

  const auto accounts = open_samples(database, *vault, "accounts", "account_no", 400);
  const auto persons = open_samples(database, *vault, "persons", "id_number", 2000);
  std::vector<Programme> programmes;
  {
    auto conn = database.connect();
    soci::rowset<soci::row> rows =
        (conn.session().prepare
         << "SELECT DISTINCT program_code, program_name, department, means_tested FROM "
            "subsidies ORDER BY program_code");
    for (const soci::row& r : rows) {
      Programme p;
      p.code = r.get<std::string>(0);
      p.name = r.get_indicator(1) == soci::i_null ? "" : r.get<std::string>(1);
      p.department = r.get<std::string>(2);
      if (r.get_indicator(3) != soci::i_null) {
        p.means_tested =
            (r.get_properties(3).get_data_type() == soci::dt_long_long ? r.get<long long>(3)
                                                                       : r.get<int>(3)) != 0
                ? "是"
                : "否";
      }
      programmes.push_back(p);
    }
  }
  if (accounts.empty() || persons.empty() || programmes.empty()) {
    std::fprintf(stderr, "live_bench: the county has no accounts, persons or subsidies\n");
    return 1;
  }

  const long long warnings_before = count(database, "SELECT COUNT(*) FROM warnings");
  imports::Importer importer(database, *vault);
  std::mt19937_64 random(20261123);
  std::map<std::string, std::vector<double>> by_dataset;
  std::vector<double> all;
  double import_s = 0;
  for (int i = 0; i < n; ++i) {
    const bool bank = i % 2 == 0;
    const std::string day = "2025-11-" + std::to_string(10 + static_cast<int>(random() % 20));
    const std::string time =
        day + " " + std::to_string(8 + random() % 10) + ":" + std::to_string(10 + random() % 50);
    std::string dataset, csv;
    if (bank) {
      const Sample& a = accounts[random() % accounts.size()];
      dataset = "bank_transactions";
      csv =
          "id,account_no,time,direction,amount,counterparty_name,summary\n"
          "LB-BT-" +
          std::to_string(i) + "," + a.plain + "," + time + "," + (random() % 2 ? "out" : "in") +
          "," + std::to_string(100 + random() % 50000) + ".00,某单位,往来款\n";
    } else {
      const Sample& p = persons[random() % persons.size()];
      const Programme& g = programmes[random() % programmes.size()];
      dataset = "subsidies";
      csv =
          "id,program_code,program_name,department,means_tested,recipient_id_number,"
          "village_code,amount,period,paid_at\n"
          "LB-S-" +
          std::to_string(i) + "," + g.code + "," + g.name + "," + g.department + "," +
          g.means_tested + "," + p.plain + "," + p.village + "," +
          std::to_string(100 + random() % 3000) + ",2025-11," + time + "\n";
    }
    imports::ImportOptions io;
    io.file_name = dataset + ".csv";
    io.keep_record_keys = true;
    auto source = imports::csv_source(csv);
    const auto import_started = std::chrono::steady_clock::now();
    auto summary = importer.run(*imports::find_dataset(dataset), *source, io);
    if (!summary.ok() || summary->record_keys.size() != 1) {
      std::fprintf(stderr, "live_bench: import %d (%s) failed: %s\n", i, dataset.c_str(),
                   summary.ok()
                       ? (summary->errors.empty() ? "no key" : summary->errors[0].reason.c_str())
                       : summary.error().message.c_str());
      return 1;
    }
    // What the commit route writes after the importer, before it tells the
    // live engine: the run's region and the audit entry.
    {
      auto conn = database.connect();
      db::Transaction tx(conn);
      std::string region = "330782000000";
      conn.session() << "UPDATE imports SET region_code = :r WHERE id = :id", soci::use(region),
          soci::use(summary->import_id);
      mingjing::audit::append(conn, {{0, "bench", "system", ""},
                                     "import." + dataset,
                                     "import:" + std::to_string(summary->import_id),
                                     io.file_name,
                                     "",
                                     ""});
      tx.commit();
    }
    import_s += seconds_since(import_started);
    const auto t0 = std::chrono::steady_clock::now();
    auto applied = live.apply_change(dataset, summary->record_keys);
    const double ms = seconds_since(t0) * 1000.0;
    if (!applied.ok()) {
      std::fprintf(stderr, "live_bench: change %d failed: %s\n", i,
                   applied.error().message.c_str());
      return 1;
    }
    by_dataset[dataset].push_back(ms);
    all.push_back(ms);
  }
  std::printf("imports_s %.1f (not timed below)\n", import_s);
  std::printf("warnings_raised %lld\n",
              count(database, "SELECT COUNT(*) FROM warnings") - warnings_before);
  report("all", all);
  for (const auto& [dataset, ms] : by_dataset) report(dataset, ms);
  return 0;
}
