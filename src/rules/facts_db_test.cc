// FactStore::load on a real database (SQLite file, and PostgreSQL as pg.*):
// the good files of every dataset (tests/data/datasets) imported through the
// ordinary importer, then loaded. Checks typed values against hand-known
// figures and against the stored rows, blind indexes and masks against the
// stored columns, birth dates against the sealed numbers, derived regions,
// indexes, upsert after load (it gives what load gives), subsets, unknown
// datasets, and that no plaintext personal value is held.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/date.h"
#include "db/row.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "imports/record_store.h"
#include "imports/table_source.h"
#include "privacy/privacy.h"
#include "rules/facts.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::rules {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string good_file(const std::string& dataset) {
  return read_file(testing::source_dir() + "/tests/data/datasets/" + dataset + ".csv");
}

std::int64_t days(const char* date) {
  return core::Date::parse(date)->days_since_epoch();
}

// Stored rows of a table: record_key -> column name -> text (NULL: absent).
using StoredRows = std::map<std::string, std::map<std::string, std::optional<std::string>>>;

class DbFactStore : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::seed_town_a(tdb.db());
    for (const auto& spec : imports::datasets()) {
      imports::ImportOptions options;
      options.file_name = spec.name + ".csv";
      auto source = imports::csv_source(good_file(spec.name));
      auto summary = importer.run(spec, *source, options);
      ASSERT_TRUE(summary.ok()) << spec.name << ": " << summary.error().message;
      ASSERT_EQ(summary->rejected, 0u) << spec.name;
      ASSERT_GT(summary->inserted, 0u) << spec.name;
    }
  }

  FactStore load(const privacy::Vault* with = nullptr, std::vector<std::string> datasets = {},
                 LoadStats* stats = nullptr) {
    auto store = FactStore::load(tdb.db(), with, datasets, stats);
    EXPECT_TRUE(store.ok()) << store.error().message;
    return store.ok() ? std::move(*store) : FactStore::empty();
  }

  // Every stored column of `table` as text, by record key.
  StoredRows stored(const std::string& table) {
    StoredRows out;
    auto conn = tdb.db().connect();
    soci::rowset<soci::row> rows = (conn.session().prepare << "SELECT * FROM " + table);
    for (const soci::row& r : rows) {
      std::map<std::string, std::optional<std::string>> values;
      std::string key;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const std::string name = r.get_properties(i).get_name();
        std::optional<std::string> value;
        if (r.get_indicator(i) != soci::i_null) {
          switch (r.get_properties(i).get_data_type()) {
            case soci::dt_string:
              value = r.get<std::string>(i);
              break;
            case soci::dt_double: {
              std::ostringstream s;
              s.precision(17);
              s << r.get<double>(i);
              value = s.str();
              break;
            }
            case soci::dt_integer:
              value = std::to_string(r.get<int>(i));
              break;
            case soci::dt_long_long:
              value = std::to_string(r.get<long long>(i));
              break;
            default:
              value = std::to_string(r.get<unsigned long long>(i));
          }
        }
        if (name == "record_key") key = *value;
        values[name] = value;
      }
      out[key] = values;
    }
    return out;
  }

  long long count(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = -1;
    conn.session() << sql, soci::into(n);
    return n;
  }

  testing::TestDb tdb;
  privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(5);
    return k;
  }());
  imports::Importer importer{tdb.db(), vault};
};

TEST_F(DbFactStore, EveryDatasetLoadsWithItsTypedValues) {
  LoadStats stats;
  FactStore store = load(&vault, {}, &stats);
  std::size_t total = 0;
  for (const auto& spec : imports::datasets()) {
    const FactTable& t = *store.table(spec.name);
    EXPECT_EQ(static_cast<long long>(t.size()), count("SELECT COUNT(*) FROM " + spec.name))
        << spec.name;
    total += t.size();
  }
  EXPECT_EQ(store.records(), total);
  EXPECT_EQ(stats.records, total);
  EXPECT_GT(stats.bytes, total * 8);
  EXPECT_GE(stats.load_ms, 0);

  const Dictionary& dict = store.dictionary();
  const FactTable& projects = *store.table("projects");
  auto p1 = projects.find("JB2025-001");
  auto p2 = projects.find("JB2025-002");
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(projects.column("estimated_amount")->ints[*p1], 86000000);
  EXPECT_EQ(projects.column("final_amount")->ints[*p1], 85123040);
  EXPECT_EQ(projects.column("award_date")->ints[*p1], days("2025-02-10"));
  EXPECT_EQ(dict.text(projects.column("winner_uscc")->codes[*p1]), "91330782MA2HX1K07M");
  EXPECT_EQ(dict.text(projects.column("method")->codes[*p2]), "invited_tender");
  // 2025-01-06 09:00 in Shanghai.
  EXPECT_EQ(projects.column("tender_published_at")->ints[*p1], 1736125200000);
  EXPECT_TRUE(projects.column("completion_date")->missing(*p2));
  EXPECT_TRUE(projects.column("final_amount")->missing(*p2));
  EXPECT_EQ(projects.column("final_amount")->ints[*p2], kMissing);

  const FactTable& leases = *store.table("leases");
  auto l1 = leases.find("ZL2024-001");
  ASSERT_TRUE(l1);
  EXPECT_DOUBLE_EQ(leases.column("area")->reals[*l1], 12.5);
  EXPECT_DOUBLE_EQ(leases.column("consent_ratio")->reals[*l1], 0.92);
  EXPECT_EQ(leases.column("lessee_is_member")->ints[*l1], 1);
  EXPECT_EQ(leases.column("end_date")->ints[*l1], days("2029-02-28"));
  EXPECT_TRUE(leases.column("lessee_uscc")->missing(*l1));

  const FactTable& complaints = *store.table("complaints");
  auto c2 = complaints.find("TS2025-002");
  ASSERT_TRUE(c2);
  EXPECT_TRUE(complaints.column("satisfaction")->missing(*c2));
  EXPECT_TRUE(complaints.column("closed_at")->missing(*c2));
  EXPECT_EQ(complaints.column("satisfaction")->ints[*complaints.find("TS2025-001")], 4);

  const FactTable& deaths = *store.table("deaths");
  auto death = deaths.find(vault.blind_index(privacy::Kind::id_number, "330782193610050228"));
  ASSERT_TRUE(death);
  EXPECT_EQ(deaths.column("death_date")->ints[*death], days("2025-02-03")) << "from 2025/02/03";
}

TEST_F(DbFactStore, EveryValueEqualsTheStoredRow) {
  FactStore store = load(&vault);
  const Dictionary& dict = store.dictionary();
  for (const auto& spec : imports::datasets()) {
    const FactTable& t = *store.table(spec.name);
    const StoredRows rows = stored(spec.name);
    ASSERT_EQ(rows.size(), t.size()) << spec.name;
    for (std::size_t row = 0; row < t.size(); ++row) {
      const std::string key(dict.text(t.record_key(row)));
      ASSERT_EQ(rows.count(key), 1u) << spec.name << " " << key;
      const auto& db = rows.at(key);
      for (const auto& col : spec.columns) {
        SCOPED_TRACE(spec.name + "." + col.name + " of " + key);
        if (imports::is_personal(col.type)) {
          const auto& bidx = db.at(col.name + "_bidx");
          const auto& mask = db.at(col.name + "_mask");
          EXPECT_EQ(dict.text(t.column(col.name)->codes[row]), bidx.value_or(""));
          EXPECT_EQ(dict.text(t.column(col.name + ".mask")->codes[row]), mask.value_or(""));
          EXPECT_EQ(t.column(col.name)->missing(row), !bidx.has_value());
          continue;
        }
        const FactColumn& c = *t.column(col.name);
        const auto& value = db.at(col.name);
        EXPECT_EQ(c.missing(row), !value.has_value());
        if (!value) continue;
        switch (c.type) {
          case FactType::text:
            EXPECT_EQ(dict.text(c.codes[row]), *value);
            break;
          case FactType::decimal:
            EXPECT_DOUBLE_EQ(c.reals[row], std::stod(*value));
            break;
          case FactType::date:
            EXPECT_EQ(c.ints[row], days(value->c_str()));
            EXPECT_EQ(core::Date::from_days(c.ints[row]).to_string(), *value);
            break;
          default:
            EXPECT_EQ(c.ints[row], std::stoll(*value));
        }
      }
    }
  }
}

TEST_F(DbFactStore, IdNumbersGiveBirthDateAndSexOnlyWithTheVault) {
  FactStore store = load(&vault);
  const FactTable& persons = *store.table("persons");
  auto zhang = persons.find(vault.blind_index(privacy::Kind::id_number, "330782196503120415"));
  auto li = persons.find(vault.blind_index(privacy::Kind::id_number, "330782197008210522"));
  ASSERT_TRUE(zhang && li);
  EXPECT_EQ(persons.column("id_number.birth_date")->ints[*zhang], days("1965-03-12"));
  EXPECT_EQ(store.dictionary().text(persons.column("id_number.sex")->codes[*zhang]), "male");
  EXPECT_EQ(persons.column("id_number.birth_date")->ints[*li], days("1970-08-21"));
  EXPECT_EQ(store.dictionary().text(persons.column("id_number.sex")->codes[*li]), "female");
  EXPECT_EQ(store.dictionary().text(persons.column("id_number.mask")->codes[*zhang]),
            "330782********0415");

  // Every ID number of every dataset: birth date and sex as the sealed
  // number says.
  auto conn = tdb.db().connect();
  for (const auto& spec : imports::datasets()) {
    const FactTable& t = *store.table(spec.name);
    for (const auto& col : spec.columns) {
      if (col.type != imports::ColumnType::id_number) continue;
      soci::rowset<soci::row> rows =
          (conn.session().prepare << "SELECT record_key, " + col.name + "_enc FROM " + spec.name);
      for (const soci::row& r : rows) {
        auto row = t.find(r.get<std::string>(0));
        ASSERT_TRUE(row);
        const FactColumn& birth = *t.column(col.name + ".birth_date");
        const FactColumn& sex = *t.column(col.name + ".sex");
        if (r.get_indicator(1) == soci::i_null) {
          EXPECT_TRUE(birth.missing(*row));
          EXPECT_TRUE(sex.missing(*row));
          continue;
        }
        auto plain = vault.open_sealed(r.get<std::string>(1));
        ASSERT_TRUE(plain.ok());
        EXPECT_EQ(core::Date::from_days(birth.ints[*row]).to_string(),
                  plain->substr(6, 4) + "-" + plain->substr(10, 2) + "-" + plain->substr(12, 2))
            << spec.name << "." << col.name;
        EXPECT_EQ(store.dictionary().text(sex.codes[*row]),
                  ((*plain)[16] - '0') % 2 ? "male" : "female");
      }
    }
  }

  FactStore blind = load(nullptr);
  const FactTable& persons_blind = *blind.table("persons");
  ASSERT_EQ(persons_blind.size(), persons.size());
  for (std::size_t row = 0; row < persons_blind.size(); ++row) {
    EXPECT_TRUE(persons_blind.column("id_number.birth_date")->missing(row));
    EXPECT_TRUE(persons_blind.column("id_number.sex")->missing(row));
    EXPECT_FALSE(persons_blind.column("id_number")->missing(row)) << "joins work without a vault";
  }
}

TEST_F(DbFactStore, ChildRecordsTakeTheirParentsRegion) {
  FactStore store = load(&vault);
  const Dictionary& dict = store.dictionary();
  struct Link {
    const char* child;
    const char* column;
    const char* parent;
  };
  for (const Link& link :
       {Link{"bank_transactions", "account_no", "accounts"}, Link{"bids", "project_id", "projects"},
        Link{"payment_approvals", "payment_id", "payments"},
        Link{"rent_due", "lease_id", "leases"}}) {
    const FactTable& child = *store.table(link.child);
    const FactTable& parent = *store.table(link.parent);
    ASSERT_GT(child.size(), 0u) << link.child;
    for (std::size_t row = 0; row < child.size(); ++row) {
      auto p = parent.find(child.column(link.column)->codes[row]);
      ASSERT_TRUE(p) << link.child << " row " << row << " has its parent";
      EXPECT_EQ(child.region(row), parent.region(*p)) << link.child;
      EXPECT_NE(child.region(row), kNoCode) << link.child;
    }
  }
  // Checked against the files: ZL2025-002 is a lease of 下车门社区.
  const FactTable& rent = *store.table("rent_due");
  std::set<std::string> rent_regions;
  for (std::size_t row = 0; row < rent.size(); ++row) {
    if (dict.text(rent.column("lease_id")->codes[row]) == "ZL2025-002") {
      rent_regions.insert(std::string(dict.text(rent.region(row))));
    }
  }
  EXPECT_EQ(rent_regions, std::set<std::string>{testing::kVillageA2});
  // Own region columns, and none for county-wide registries.
  const FactTable& officials = *store.table("officials");
  for (std::size_t row = 0; row < officials.size(); ++row) {
    EXPECT_EQ(officials.region(row), officials.column("region_code")->codes[row]);
  }
  for (const char* registry : {"deaths", "companies", "vehicles", "relatives"}) {
    const FactTable& t = *store.table(registry);
    for (std::size_t row = 0; row < t.size(); ++row) EXPECT_EQ(t.region(row), kNoCode);
  }
}

TEST_F(DbFactStore, IndexesMatchTheDatabase) {
  FactStore store = load(&vault);
  const FactTable& subsidies = *store.table("subsidies");
  const HashIndex& by_person = store.index("subsidies", "recipient_id_number");
  auto conn = tdb.db().connect();
  soci::rowset<soci::row> people =
      (conn.session().prepare << "SELECT recipient_id_number_bidx, COUNT(*) FROM subsidies "
                                 "GROUP BY recipient_id_number_bidx");
  std::size_t distinct = 0;
  for (const soci::row& r : people) {
    const std::string bidx = r.get<std::string>(0);
    auto rows = by_person.rows(*store.dictionary().find(bidx));
    EXPECT_EQ(static_cast<long long>(rows.size()), db::get_int(r, 1));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(store.dictionary().text(subsidies.column("recipient_id_number")->codes[rows[i]]),
                bidx);
      if (i) {
        EXPECT_LT(rows[i - 1], rows[i]) << "rows ascend";
      }
    }
    ++distinct;
  }
  EXPECT_EQ(by_person.distinct(), distinct);
  EXPECT_GT(distinct, 1u);
}

TEST_F(DbFactStore, UpsertAfterLoadGivesWhatLoadGives) {
  // Every good row parsed again and upserted into an empty store must hold
  // exactly what loading the imported rows gives.
  FactStore loaded = load(&vault);
  FactStore upserted = FactStore::empty();
  for (const auto& spec : imports::datasets()) {
    auto source = imports::csv_source(good_file(spec.name));
    auto header_row = source->next();
    ASSERT_TRUE(header_row.ok() && *header_row);
    auto header = imports::map_header(spec, (*header_row)->cells);
    ASSERT_TRUE(header.ok());
    while (true) {
      auto next = source->next();
      ASSERT_TRUE(next.ok());
      if (!*next) break;
      auto parsed = imports::parse_row(spec, *header, (*next)->cells, (*next)->number);
      ASSERT_TRUE(parsed.ok()) << spec.name;
      ASSERT_TRUE(upserted.upsert(spec, parsed.values, vault).ok());
    }
  }
  for (const auto& spec : imports::datasets()) {
    const FactTable& a = *loaded.table(spec.name);
    const FactTable& b = *upserted.table(spec.name);
    ASSERT_EQ(a.size(), b.size()) << spec.name;
    for (std::size_t row = 0; row < a.size(); ++row) {
      const std::string_view key = loaded.dictionary().text(a.record_key(row));
      auto other = b.find(key);
      ASSERT_TRUE(other) << spec.name << " " << key;
      EXPECT_EQ(loaded.dictionary().text(a.region(row)),
                upserted.dictionary().text(b.region(*other)));
      for (std::size_t c = 0; c < a.columns().size(); ++c) {
        const FactColumn& x = a.columns()[c];
        const FactColumn& y = b.columns()[c];
        SCOPED_TRACE(spec.name + "." + x.name);
        ASSERT_EQ(x.name, y.name);
        ASSERT_EQ(x.missing(row), y.missing(*other));
        if (x.missing(row)) continue;
        switch (x.type) {
          case FactType::text:
            EXPECT_EQ(loaded.dictionary().text(x.codes[row]),
                      upserted.dictionary().text(y.codes[*other]));
            break;
          case FactType::decimal:
            EXPECT_EQ(x.reals[row], y.reals[*other]);
            break;
          default:
            EXPECT_EQ(x.ints[row], y.ints[*other]);
        }
      }
    }
  }
}

TEST_F(DbFactStore, UpsertReplacesALoadedRecordAndKeepsItsIndexCurrent) {
  FactStore store = load(&vault);
  const imports::DatasetSpec& spec = *imports::find_dataset("projects");
  const FactTable& projects = *store.table("projects");
  const std::size_t before = projects.size();
  const HashIndex& by_winner = store.index("projects", "winner_uscc");
  const Code old_winner = *store.dictionary().find("91330782MA2HX1K07M");
  const std::size_t old_count = by_winner.rows(old_winner).size();
  auto row = projects.find("JB2025-001");
  ASSERT_TRUE(row);

  auto header = imports::map_header(spec, {"id", "village_code", "name", "category",
                                           "estimated_amount", "method", "winner_uscc"});
  ASSERT_TRUE(header.ok());
  auto parsed = imports::parse_row(spec, *header,
                                   {"JB2025-001", "330782001002", "江滨北路道路硬化工程", "works",
                                    "900000", "open_tender", "913307827739025141"},
                                   2);
  ASSERT_TRUE(parsed.ok());
  auto replaced = store.upsert(spec, parsed.values, vault);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(*replaced, *row);
  EXPECT_EQ(projects.size(), before);
  EXPECT_EQ(projects.column("estimated_amount")->ints[*row], 90000000);
  EXPECT_TRUE(projects.column("award_date")->missing(*row)) << "the new values replace all";
  EXPECT_EQ(store.dictionary().text(projects.region(*row)), testing::kVillageA2);
  EXPECT_EQ(by_winner.rows(old_winner).size(), old_count - 1);
  auto now = by_winner.rows(*store.dictionary().find("913307827739025141"));
  EXPECT_NE(std::find(now.begin(), now.end(), *row), now.end());
}

// Every record of `a` is in `b` with the same values and region.
void expect_same_records(const FactStore& a_store, const FactStore& b_store) {
  for (const auto& spec : imports::datasets()) {
    const FactTable& a = *a_store.table(spec.name);
    const FactTable& b = *b_store.table(spec.name);
    ASSERT_EQ(a.size(), b.size()) << spec.name;
    for (std::size_t row = 0; row < a.size(); ++row) {
      const std::string_view key = a_store.dictionary().text(a.record_key(row));
      auto other = b.find(key);
      ASSERT_TRUE(other) << spec.name << " " << key;
      EXPECT_EQ(a_store.dictionary().text(a.region(row)),
                b_store.dictionary().text(b.region(*other)));
      for (std::size_t c = 0; c < a.columns().size(); ++c) {
        const FactColumn& x = a.columns()[c];
        const FactColumn& y = b.columns()[c];
        SCOPED_TRACE(spec.name + "." + x.name);
        ASSERT_EQ(x.missing(row), y.missing(*other));
        if (x.missing(row)) continue;
        switch (x.type) {
          case FactType::text:
            EXPECT_EQ(a_store.dictionary().text(x.codes[row]),
                      b_store.dictionary().text(y.codes[*other]));
            break;
          case FactType::decimal:
            EXPECT_EQ(x.reals[row], y.reals[*other]);
            break;
          default:
            EXPECT_EQ(x.ints[row], y.ints[*other]);
        }
      }
    }
  }
}

TEST_F(DbFactStore, ReloadRecordsGivesWhatLoadGives) {
  // Every stored record read again by key into an empty store (parents
  // first, as the catalogue orders them) holds what loading gives.
  FactStore loaded = load(&vault);
  FactStore reloaded = FactStore::empty();
  for (const auto& spec : imports::datasets()) {
    std::vector<std::string> keys;
    {
      auto conn = tdb.db().connect();
      soci::rowset<std::string> rows =
          (conn.session().prepare << "SELECT record_key FROM " + spec.name);
      for (const auto& k : rows) keys.push_back(k);
    }
    keys.push_back("no such record");
    auto rows = reloaded.reload_records(tdb.db(), &vault, spec.name, keys);
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_EQ(rows->size(), keys.size() - 1) << spec.name << ": unknown keys are skipped";
  }
  expect_same_records(loaded, reloaded);
  EXPECT_EQ(reloaded.reload_records(tdb.db(), &vault, "nosuch", {}).error().code,
            core::errc::kInvalidArgument);
}

TEST_F(DbFactStore, ReloadRecordsReplacesAChangedRecordAndKeepsItsIndexCurrent) {
  FactStore store = load(&vault);
  const FactTable& projects = *store.table("projects");
  const std::size_t before = projects.size();
  const HashIndex& by_winner = store.index("projects", "winner_uscc");
  const Code old_winner = *store.dictionary().find("91330782MA2HX1K07M");
  const std::size_t old_count = by_winner.rows(old_winner).size();
  auto row = projects.find("JB2025-001");
  ASSERT_TRUE(row);

  // The record changes in the database (imported again) and a new one
  // arrives; the store learns both from their keys.
  auto source = imports::csv_source(
      "id,village_code,name,category,estimated_amount,method,winner_uscc\n"
      "JB2025-001,330782001001,江滨北路道路硬化工程,works,900000,open_tender,"
      "913307827739025141\n"
      "JB2025-NEW,330782001002,新建工程,works,100000,open_tender,913307827739025141\n");
  imports::ImportOptions options;
  options.file_name = "projects.csv";
  auto summary = importer.run(*imports::find_dataset("projects"), *source, options);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(summary->rejected, 0u);
  const std::vector<std::string> keys = {"JB2025-001", "JB2025-NEW"};
  auto rows = store.reload_records(tdb.db(), &vault, "projects", keys);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], *row);
  EXPECT_EQ((*rows)[1], before);
  EXPECT_EQ(projects.size(), before + 1);
  EXPECT_EQ(projects.column("estimated_amount")->ints[*row], 90000000);
  EXPECT_TRUE(projects.column("award_date")->missing(*row)) << "the new values replace all";
  EXPECT_EQ(store.dictionary().text(projects.region(before)), testing::kVillageA2);
  EXPECT_EQ(by_winner.rows(old_winner).size(), old_count - 1);
  auto now = by_winner.rows(*store.dictionary().find("913307827739025141"));
  EXPECT_NE(std::find(now.begin(), now.end(), *row), now.end());
  EXPECT_NE(std::find(now.begin(), now.end(), before), now.end());
  // And the whole store is what a fresh load gives (the project stayed in
  // its village: a parent moving does not move its children's regions).
  expect_same_records(load(&vault), store);
}

TEST_F(DbFactStore, ASubsetBringsItsParentsAndUnknownNamesAreRefused) {
  FactStore store = load(&vault, {"bank_transactions", "rent_due"});
  EXPECT_GT(store.table("bank_transactions")->size(), 0u);
  EXPECT_GT(store.table("accounts")->size(), 0u) << "the parent came along";
  EXPECT_GT(store.table("leases")->size(), 0u);
  EXPECT_EQ(store.table("persons")->size(), 0u);
  EXPECT_EQ(store.table("projects")->size(), 0u);
  for (std::size_t row = 0; row < store.table("bank_transactions")->size(); ++row) {
    EXPECT_NE(store.table("bank_transactions")->region(row), kNoCode);
  }

  auto refused = FactStore::load(tdb.db(), &vault, {"subsidies", "funerals"});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(refused.error().message, "未知的数据集：funerals");
  EXPECT_EQ(refused.error().field, "datasets");
}

TEST_F(DbFactStore, TheLoadedStoreHoldsNoPlaintextPersonalValue) {
  FactStore store = load(&vault);
  // Every personal value the database holds, opened.
  std::set<std::string> plaintexts;
  auto conn = tdb.db().connect();
  for (const auto& spec : imports::datasets()) {
    for (const auto& col : spec.columns) {
      if (!imports::is_personal(col.type)) continue;
      soci::rowset<soci::row> rows =
          (conn.session().prepare << "SELECT " + col.name + "_enc FROM " + spec.name);
      for (const soci::row& r : rows) {
        if (r.get_indicator(0) == soci::i_null) continue;
        auto plain = vault.open_sealed(r.get<std::string>(0));
        ASSERT_TRUE(plain.ok());
        plaintexts.insert(*plain);
      }
    }
  }
  ASSERT_GT(plaintexts.size(), 30u);
  EXPECT_EQ(plaintexts.count("330782196503120415"), 1u) << "the oracle knows the numbers";
  // The dictionary is the only place text lives.
  const Dictionary& dict = store.dictionary();
  for (Code code = 1; code < dict.size(); ++code) {
    for (const auto& plain : plaintexts) {
      ASSERT_EQ(dict.text(code).find(plain), std::string_view::npos)
          << "code " << code << " holds a personal value";
    }
  }
}

}  // namespace
}  // namespace mingjing::rules
