// Fact store load: how long FactStore::load takes to read a county from the
// database, and the memory it holds.
//
//   facts_load --db URL [--key-file F | --no-vault]
//       Loads every dataset of URL and prints what it took: records, load
//       seconds, the store's own bytes (columns, keys, dictionary), the
//       time to build the indexes the pack joins on, and peak RSS. Without
//       --key-file the generator's fixed test key opens ID numbers.
//   facts_load --db sqlite:/path/new.db --generate N
//       Only writes about N synthetic records into a new database, shaped
//       like a county's bulk (bank transactions, subsidies, labour,
//       payments and their approvals, persons, accounts, projects, bids)
//       and stored exactly as the importer stores them (sealed,
//       blind-indexed, masked), with the fixed test key. A load fixture,
//       not a county: for realistic content use `mingjing demo`.
// bench/facts_load.sh runs the two as separate processes, so the peak RSS
// reported is the load's own.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/id_number.h"
#include "db/database.h"
#include "db/soci.h"
#include "imports/datasets.h"
#include "imports/record_store.h"
#include "privacy/privacy.h"
#include "rules/facts.h"

namespace {

namespace imports = mingjing::imports;
namespace privacy = mingjing::privacy;
namespace db = mingjing::db;
namespace rules = mingjing::rules;
using imports::Value;

privacy::Vault test_vault() {
  std::array<std::uint8_t, 32> key{};
  key.fill(42);
  return privacy::Vault::from_key(key);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// --- the synthetic county --------------------------------------------------------------

class Generator {
 public:
  Generator(db::Database& database, const privacy::Vault& vault, std::size_t records)
      : db_(database), store_(vault), n_(records) {}

  void run() {
    villages();
    const std::size_t persons = n_ * 3 / 100, projects = std::max<std::size_t>(n_ / 500, 10);
    const std::size_t payments = n_ * 12 / 100;
    write("persons", persons, [&](Row& r, std::size_t i) {
      r.text("id_number", person_id(i));
      r.text("name", "村民" + std::to_string(i));
      r.text("village_code", village_of_person(i));
    });
    write("accounts", villages_.size() * 2, [&](Row& r, std::size_t i) {
      r.text("account_no", village_account(i));
      r.text("village_code", villages_[i / 2]);
      r.text("bank", "浙江义乌农村商业银行");
      r.text("kind", i % 2 ? "general" : "basic");
    });
    write("bank_transactions", n_ * 40 / 100, [&](Row& r, std::size_t i) {
      r.text("id", "BT" + std::to_string(i));
      r.text("account_no", village_account(pick(villages_.size() * 2)));
      r.integer("time", moment());
      r.text("direction", i % 3 ? "out" : "in");
      r.integer("amount", 100 + static_cast<long long>(pick(50'000'000)));
      r.text("counterparty_name", "义乌市某某工程有限公司" + std::to_string(pick(200)));
      r.text("counterparty_account", "6217" + digits(pick(5000), 15));
      r.text("summary", "工程款支付 第" + std::to_string(1 + pick(12)) + "期");
      r.integer("balance", static_cast<long long>(pick(900'000'000)));
    });
    write("projects", projects, [&](Row& r, std::size_t i) {
      r.text("id", "XM" + std::to_string(i));
      r.text("village_code", villages_[i % villages_.size()]);
      r.text("name", "村道硬化工程" + std::to_string(i));
      r.text("category", "works");
      r.integer("estimated_amount", 1'000'000 + static_cast<long long>(pick(90'000'000)));
      r.text("method", i % 2 ? "inquiry" : "open_tender");
    });
    write("bids", projects * 3, [&](Row& r, std::size_t i) {
      r.text("project_id", "XM" + std::to_string(i / 3));
      r.text("bidder_uscc", "91330782MA" + digits((i / 3 * 7 + i % 3) % 400, 8));
      r.integer("amount", 1'000'000 + static_cast<long long>(pick(90'000'000)));
      r.integer("submitted_at", moment());
      r.text("status", i % 3 ? "valid" : "winner");
    });
    write("payments", payments, [&](Row& r, std::size_t i) {
      const std::size_t person = pick(persons);
      r.text("id", "ZC" + std::to_string(i));
      r.text("village_code", village_of_person(person));
      r.text("category", i % 2 ? "工程款" : "误工补贴");
      r.text("payee_name", "村民" + std::to_string(person));
      if (i % 2) r.text("payee_id_number", person_id(person));
      r.text("payee_account", "6217" + digits(person, 15));
      r.integer("amount", 1000 + static_cast<long long>(pick(5'000'000)));
      r.text("method", i % 10 ? "transfer" : "cash");
      const long long applied = moment();
      r.integer("applied_at", applied);
      r.integer("approved_at", applied + 86'400'000);
      r.integer("paid_at", applied + 2 * 86'400'000);
      r.text("status", "paid");
    });
    static const char* kSteps[] = {"bookkeeper", "supervision_committee", "committee_director"};
    write("payment_approvals", std::min(n_ * 10 / 100, payments * 3), [&](Row& r, std::size_t i) {
      r.text("payment_id", "ZC" + std::to_string(i / 3));
      r.text("step", kSteps[i % 3]);
      r.text("approver_id_number", person_id(pick(persons)));
      r.text("decision", "approve");
      r.integer("time", moment());
    });
    write("labor", n_ * 14 / 100, [&](Row& r, std::size_t i) {
      const std::size_t person = pick(persons);
      r.text("id", "WG" + std::to_string(i));
      r.text("village_code", village_of_person(person));
      r.text("project_id", "XM" + std::to_string(pick(projects)));
      r.text("worker_id_number", person_id(person));
      r.text("worker_name", "村民" + std::to_string(person));
      const long long start = 19'700 + static_cast<long long>(pick(700));
      r.text("work_start", mingjing::core::Date::from_days(start).to_string());
      r.text("work_end", mingjing::core::Date::from_days(start + 10).to_string());
      r.real("days", 10);
      r.integer("daily_wage", 26'000);
      r.integer("amount", 260'000);
      r.integer("paid_at", moment());
      r.text("pay_method", "transfer");
      r.text("payee_account", "6217" + digits(person, 15));
    });
    static const char* kPrograms[] = {"GDNY01", "DB001", "TK001", "CJ001", "YL001"};
    write("subsidies", n_ * 20 / 100, [&](Row& r, std::size_t i) {
      const std::size_t person = pick(persons);
      r.text("id", "BZ" + std::to_string(i));
      r.text("program_code", kPrograms[i % 5]);
      r.text("department", "义乌市民政局");
      r.integer("means_tested", i % 5 == 1 ? 1 : 0);
      r.text("recipient_id_number", person_id(person));
      r.text("recipient_name", "村民" + std::to_string(person));
      r.text("village_code", village_of_person(person));
      r.integer("amount", 10'000 + static_cast<long long>(pick(200'000)));
      r.text("period", "2025-" + digits(1 + i % 12, 2));
      r.integer("paid_at", moment());
      r.text("account_no", "6217" + digits(person, 15));
    });
    std::printf("generated %zu records\n", written_);
  }

 private:
  // One record in the catalogue's column order.
  struct Row {
    const imports::DatasetSpec* spec;
    std::vector<Value> values;
    Value& at(const char* name) {
      for (std::size_t c = 0; c < spec->columns.size(); ++c) {
        if (spec->columns[c].name == name) return values[c];
      }
      throw std::logic_error(std::string("no column ") + name);
    }
    void text(const char* name, std::string value) {
      Value& v = at(name);
      v.kind = Value::Kind::text;
      v.text = std::move(value);
    }
    void integer(const char* name, long long value) {
      Value& v = at(name);
      v.kind = Value::Kind::integer;
      v.integer = value;
    }
    void real(const char* name, double value) {
      Value& v = at(name);
      v.kind = Value::Kind::real;
      v.real = value;
    }
  };

  template <typename Fill>
  void write(const char* dataset, std::size_t count, Fill fill) {
    const imports::DatasetSpec& spec = *imports::find_dataset(dataset);
    constexpr std::size_t kBatch = 50'000;
    std::vector<std::vector<Value>> batch;
    auto conn = db_.connect();
    for (std::size_t i = 0; i < count; ++i) {
      Row row{&spec, std::vector<Value>(spec.columns.size())};
      fill(row, i);
      batch.push_back(std::move(row.values));
      if (batch.size() == kBatch || i + 1 == count) {
        db::Transaction tx(conn);
        store_.write(conn, spec, batch, 0);
        tx.commit();
        written_ += batch.size();
        batch.clear();
      }
    }
  }

  void villages() {
    auto conn = db_.connect();
    db::Transaction tx(conn);
    conn.session() << "INSERT INTO regions VALUES ('330782000000', '义乌市', 'county', NULL, 0)";
    for (int town = 1; town <= 10; ++town) {
      const std::string town_code = "330782" + digits(town, 3) + "000";
      conn.session() << "INSERT INTO regions VALUES ('" + town_code + "', '镇" +
                            std::to_string(town) + "', 'town', '330782000000', 0)";
      for (int village = 1; village <= 20; ++village) {
        const std::string code = "330782" + digits(town, 3) + digits(village, 3);
        conn.session() << "INSERT INTO regions VALUES ('" + code + "', '村" + code.substr(6) +
                              "', 'village', '" + town_code + "', 0)";
        villages_.push_back(code);
      }
    }
    tx.commit();
  }

  static std::string digits(std::size_t value, int width) {
    std::string s = std::to_string(value);
    return s.size() < static_cast<std::size_t>(width) ? std::string(width - s.size(), '0') + s : s;
  }

  // A valid ID number, different for each i: birth day and sequence from i.
  static std::string person_id(std::size_t i) {
    const auto birth =
        mingjing::core::Date::from_days(-11'000 + static_cast<long long>(i % 23'000));
    std::string first17 = "330782" + digits(birth.year(), 4) + digits(birth.month(), 2) +
                          digits(birth.day(), 2) + digits(i / 23'000 + 1, 3);
    return first17 + mingjing::core::IdNumber::check_char(first17);
  }

  const std::string& village_of_person(std::size_t i) const {
    return villages_[(i * 2654435761u) % villages_.size()];
  }
  std::string village_account(std::size_t i) const { return "6228480" + digits(i, 12); }

  std::size_t pick(std::size_t bound) {
    return std::uniform_int_distribution<std::size_t>(0, bound - 1)(rng_);
  }
  // A moment in 2024-2025, unix ms.
  long long moment() {
    return 1'704'038'400'000LL + static_cast<long long>(pick(63'072'000)) * 1000;
  }

  db::Database& db_;
  imports::RecordStore store_;
  std::size_t n_;
  std::size_t written_ = 0;
  std::vector<std::string> villages_;
  std::mt19937_64 rng_{330782};
};

int usage() {
  std::fprintf(stderr,
               "usage: facts_load --db URL [--key-file F | --no-vault]\n"
               "       facts_load --db sqlite:/path/new.db --generate N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url, key_file;
  std::size_t generate = 0;
  bool no_vault = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--db" && i + 1 < argc) {
      url = argv[++i];
    } else if (arg == "--key-file" && i + 1 < argc) {
      key_file = argv[++i];
    } else if (arg == "--generate" && i + 1 < argc) {
      generate = std::stoul(argv[++i]);
    } else if (arg == "--no-vault") {
      no_vault = true;
    } else {
      return usage();
    }
  }
  if (url.empty()) return usage();
  auto database = db::Database::open({url, 2});
  if (!database.ok()) {
    std::fprintf(stderr, "%s\n", database.error().message.c_str());
    return 1;
  }
  db::Database& db = **database;

  if (generate > 0) {
    if (auto migrated = db.migrate(); !migrated.ok()) {
      std::fprintf(stderr, "%s\n", migrated.error().message.c_str());
      return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    Generator(db, test_vault(), generate).run();
    std::printf("generate_s %.1f\n", seconds_since(start));
    return 0;
  }

  std::optional<privacy::Vault> vault;
  if (!key_file.empty()) {
    auto opened = privacy::Vault::open(key_file, false);
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.error().message.c_str());
      return 1;
    }
    vault = std::move(*opened);
  } else if (!no_vault) {
    vault = test_vault();
  }

  rules::LoadStats stats;
  auto store = rules::FactStore::load(db, vault ? &*vault : nullptr, {}, &stats);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  const long load_rss = peak_rss_mb();
  // The join keys most of the pack uses.
  const auto start = std::chrono::steady_clock::now();
  for (auto [dataset, column] : {std::pair{"subsidies", "recipient_id_number"},
                                 {"labor", "worker_id_number"},
                                 {"bank_transactions", "account_no"},
                                 {"payments", "payee_account"},
                                 {"persons", "id_number"},
                                 {"payment_approvals", "payment_id"}}) {
    store->warm_index(dataset, column);
  }
  const double index_s = seconds_since(start);
  std::printf(
      "records %zu\nload_s %.2f\nstore_mb %zu\ndictionary_codes %zu\n"
      "load_peak_rss_mb %ld\nindex_6_s %.2f\npeak_rss_mb %ld\n",
      stats.records, stats.load_ms / 1000.0, stats.bytes / (1024 * 1024),
      store->dictionary().size() - 1, load_rss, index_s, peak_rss_mb());
  for (const auto& spec : imports::datasets()) {
    std::printf("  %-18s %zu\n", spec.name.c_str(), store->table(spec.name)->size());
  }
  return 0;
}
