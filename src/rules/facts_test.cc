// The fact store in memory: the dictionary, the tables the catalogue gives,
// upsert of validated rows (typed values, blind indexes, masks, birth dates,
// regions, record keys as the import stores them) and the hash indexes.
#include "rules/facts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "core/date.h"
#include "imports/record_store.h"
#include "imports/validate.h"
#include "privacy/privacy.h"

namespace mingjing::rules {
namespace {

privacy::Vault test_vault() {
  std::array<std::uint8_t, 32> key{};
  key.fill(7);
  return privacy::Vault::from_key(key);
}

// One row as the importer validates it: header and cells as in a CSV file.
std::vector<imports::Value> parsed(const char* dataset, const std::vector<std::string>& header,
                                   const std::vector<std::string>& cells) {
  const imports::DatasetSpec& spec = *imports::find_dataset(dataset);
  auto map = imports::map_header(spec, header);
  EXPECT_TRUE(map.ok());
  imports::ParsedRow row = imports::parse_row(spec, *map, cells, 2);
  EXPECT_TRUE(row.ok()) << (row.errors.empty()
                                ? ""
                                : row.errors[0].column + ": " + row.errors[0].reason_en);
  return row.values;
}

std::int64_t days(const char* date) {
  return core::Date::parse(date)->days_since_epoch();
}

// --- Dictionary --------------------------------------------------------------------------

TEST(Dictionary, CodesAreDenseFromOneAndEmptyTextIsNoCode) {
  Dictionary d;
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.intern(""), kNoCode);
  EXPECT_EQ(d.intern("江滨社区"), 1u);
  EXPECT_EQ(d.intern("330782001001"), 2u);
  EXPECT_EQ(d.intern("江滨社区"), 1u) << "equal text, one code";
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.text(1), "江滨社区");
  EXPECT_EQ(d.text(2), "330782001001");
  EXPECT_EQ(d.text(kNoCode), "");
  EXPECT_EQ(d.text(99), "") << "an unknown code reads as missing";
}

TEST(Dictionary, FindDoesNotAdd) {
  Dictionary d;
  d.intern("a");
  EXPECT_EQ(d.find("a"), std::optional<Code>(1));
  EXPECT_EQ(d.find("b"), std::nullopt);
  EXPECT_EQ(d.find(""), std::nullopt);
  EXPECT_EQ(d.size(), 2u);
}

TEST(Dictionary, ManyAndLongTextSurviveGrowth) {
  Dictionary d;
  const std::string long_text(300000, 'x');  // bigger than a block's eighth
  std::vector<Code> codes;
  for (int i = 0; i < 200000; ++i) {
    codes.push_back(d.intern("TX" + std::to_string(i)));
    if (i == 1000) {
      EXPECT_EQ(d.intern(long_text), 1002u);
    }
  }
  EXPECT_EQ(d.size(), 200002u);
  for (int i = 0; i < 200000; i += 997) {
    ASSERT_EQ(d.text(codes[i]), "TX" + std::to_string(i));
    ASSERT_EQ(d.find("TX" + std::to_string(i)), std::optional<Code>(codes[i]));
  }
  EXPECT_EQ(d.text(1002), long_text);
  EXPECT_EQ(codes[0], 1u);
  EXPECT_EQ(codes[1001], 1003u) << "the long text took the code after TX1000";
  EXPECT_GT(d.bytes(), 200000u * 6);
}

TEST(Dictionary, ReserveKeepsCodesAndAddsNone) {
  Dictionary d;
  d.intern("before");
  const std::size_t small = d.bytes();
  d.reserve(100000);
  EXPECT_EQ(d.size(), 2u);
  EXPECT_GT(d.bytes(), small + 100000 * 8);
  EXPECT_EQ(d.find("before"), std::optional<Code>(1));
  EXPECT_EQ(d.intern("after"), 2u);
  d.reserve(10);  // never shrinks
  EXPECT_EQ(d.text(1), "before");
  EXPECT_EQ(d.find("after"), std::optional<Code>(2));
}

TEST(Dictionary, CopiesShareTheirCodes) {
  Dictionary a;
  Dictionary b = a;
  a.intern("shared");
  EXPECT_EQ(b.find("shared"), std::optional<Code>(1));
}

// --- Tables from the catalogue ----------------------------------------------------------

TEST(FactStore, EmptyHasATableForEveryDatasetWithDerivedColumns) {
  FactStore store = FactStore::empty();
  EXPECT_EQ(store.records(), 0u);
  for (const auto& spec : imports::datasets()) {
    const FactTable* t = store.table(spec.name);
    ASSERT_NE(t, nullptr) << spec.name;
    EXPECT_EQ(&t->spec(), &spec);
    EXPECT_EQ(t->size(), 0u);
  }
  EXPECT_EQ(store.table("nonsense"), nullptr);

  const FactTable& persons = *store.table("persons");
  std::vector<std::string> names;
  for (const auto& c : persons.columns()) names.push_back(c.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"id_number", "id_number.mask", "id_number.birth_date",
                                      "id_number.sex", "name", "village_code", "household_no",
                                      "relation_to_head", "phone", "phone.mask", "address"}));
  EXPECT_EQ(persons.column("id_number")->type, FactType::text);
  EXPECT_EQ(persons.column("id_number")->source, imports::ColumnType::id_number);
  EXPECT_EQ(persons.column("id_number.mask")->source, imports::ColumnType::text);
  EXPECT_EQ(persons.column("id_number.birth_date")->type, FactType::date);
  EXPECT_EQ(persons.column("id_number.sex")->source, imports::ColumnType::enumeration);
  EXPECT_EQ(persons.column("phone.birth_date"), nullptr) << "only ID numbers give a birth date";
  EXPECT_EQ(persons.column("nothing"), nullptr);

  const FactTable& projects = *store.table("projects");
  EXPECT_EQ(projects.column("estimated_amount")->type, FactType::money);
  EXPECT_EQ(projects.column("tender_published_at")->type, FactType::datetime);
  EXPECT_EQ(projects.column("award_date")->type, FactType::date);
  EXPECT_EQ(projects.column("winner_uscc")->type, FactType::text);
  EXPECT_EQ(projects.column("winner_uscc")->source, imports::ColumnType::uscc);
  EXPECT_EQ(store.table("leases")->column("area")->type, FactType::decimal);
  EXPECT_EQ(store.table("leases")->column("lessee_is_member")->type, FactType::boolean);
  EXPECT_EQ(store.table("meetings")->column("eligible")->type, FactType::integer);
  EXPECT_EQ(store.table("bids")->column("project_id")->source, imports::ColumnType::reference);
}

// --- upsert --------------------------------------------------------------------------------

const std::vector<std::string> kLeaseHeader = {
    "id",           "village_code",     "asset_name",  "asset_kind",       "area",
    "lessee_name",  "lessee_id_number", "lessee_uscc", "lessee_is_member", "method",
    "signed_at",    "start_date",       "end_date",    "annual_rent",      "benchmark_rent",
    "consent_ratio"};

TEST(FactStore, UpsertStoresTypedValuesAsTheImportWould) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  const imports::DatasetSpec& spec = *imports::find_dataset("leases");
  auto values = parsed("leases", kLeaseHeader,
                       {"ZL2024-001", "330782001001", "江滨社区东区集体土地", "land", "12.5",
                        "陈伟", "33078219920217101x", "", "是", "open_tender", "2024/02/20",
                        "2024-03-01", "2029-02-28", "18,750.00", "", "0.92"});
  auto row = store.upsert(spec, values, vault);
  ASSERT_TRUE(row.ok()) << row.error().message;
  EXPECT_EQ(*row, 0u);
  const FactTable& t = *store.table("leases");
  ASSERT_EQ(t.size(), 1u);
  const Dictionary& dict = store.dictionary();

  EXPECT_EQ(dict.text(t.column("id")->codes[0]), "ZL2024-001");
  EXPECT_EQ(dict.text(t.column("asset_kind")->codes[0]), "land");
  EXPECT_DOUBLE_EQ(t.column("area")->reals[0], 12.5);
  EXPECT_EQ(t.column("lessee_is_member")->ints[0], 1);
  EXPECT_EQ(t.column("signed_at")->ints[0], days("2024-02-20"));
  EXPECT_EQ(t.column("end_date")->ints[0], days("2029-02-28"));
  EXPECT_EQ(t.column("annual_rent")->ints[0], 1875000) << "money in fen";
  EXPECT_DOUBLE_EQ(t.column("consent_ratio")->reals[0], 0.92);

  // Missing values, one per kind of column.
  EXPECT_TRUE(t.column("lessee_uscc")->missing(0));
  EXPECT_EQ(t.column("lessee_uscc")->codes[0], kNoCode);
  EXPECT_TRUE(t.column("benchmark_rent")->missing(0));
  EXPECT_EQ(t.column("benchmark_rent")->ints[0], kMissing);
  EXPECT_FALSE(t.column("annual_rent")->missing(0));
  EXPECT_FALSE(t.column("area")->missing(0));

  // The ID number: blind index, mask, birth date and sex; never the number.
  const std::string normalised = "33078219920217101X";
  EXPECT_EQ(dict.text(t.column("lessee_id_number")->codes[0]),
            vault.blind_index(privacy::Kind::id_number, normalised));
  EXPECT_EQ(dict.text(t.column("lessee_id_number.mask")->codes[0]),
            imports::mask_personal(imports::ColumnType::id_number, normalised));
  EXPECT_EQ(t.column("lessee_id_number.birth_date")->ints[0], days("1992-02-17"));
  EXPECT_EQ(dict.text(t.column("lessee_id_number.sex")->codes[0]), "male");
  EXPECT_EQ(dict.find(normalised), std::nullopt);
  EXPECT_EQ(dict.find("33078219920217101x"), std::nullopt);

  // Record key and region.
  EXPECT_EQ(dict.text(t.record_key(0)), imports::RecordStore(vault).record_key(spec, values));
  EXPECT_EQ(dict.text(t.region(0)), "330782001001");
  EXPECT_EQ(t.find("ZL2024-001"), std::optional<std::size_t>(0));
  EXPECT_EQ(t.find(t.record_key(0)), std::optional<std::size_t>(0));
  EXPECT_EQ(t.find("ZL2024-999"), std::nullopt);
  EXPECT_EQ(t.find(kNoCode), std::nullopt);
}

TEST(FactStore, PersonalKeysAreBlindIndexedInTheRecordKey) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  const imports::DatasetSpec& spec = *imports::find_dataset("officials");
  auto values =
      parsed("officials", {"id_number", "name", "region_code", "position", "kind"},
             {"330782197008210522", "李秀英", "330782001001", "妇联主席", "village_cadre"});
  ASSERT_TRUE(store.upsert(spec, values, vault).ok());
  const FactTable& t = *store.table("officials");
  const std::string key = imports::RecordStore(vault).record_key(spec, values);
  EXPECT_EQ(key, vault.blind_index(privacy::Kind::id_number, "330782197008210522") +
                     "\x1f"
                     "330782001001\x1f妇联主席");
  EXPECT_EQ(store.dictionary().text(t.record_key(0)), key);
  EXPECT_EQ(store.dictionary().text(t.column("id_number.sex")->codes[0]), "female");
  EXPECT_EQ(t.column("start_date")->ints[0], kMissing);
}

TEST(FactStore, ChildRecordsTakeTheirParentsRegion) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  ASSERT_TRUE(store
                  .upsert(*imports::find_dataset("accounts"),
                          parsed("accounts", {"account_no", "village_code"},
                                 {"6228 4803 9876 5432 109", "330782001002"}),
                          vault)
                  .ok());
  // The same account written without blanks: one blind index, one parent.
  ASSERT_TRUE(
      store
          .upsert(*imports::find_dataset("bank_transactions"),
                  parsed("bank_transactions", {"id", "account_no", "time", "direction", "amount"},
                         {"BT1", "6228480398765432109", "2025-03-01 09:15", "out", "10"}),
                  vault)
          .ok());
  // A transaction on an account the store does not hold: no region.
  ASSERT_TRUE(
      store
          .upsert(*imports::find_dataset("bank_transactions"),
                  parsed("bank_transactions", {"id", "account_no", "time", "direction", "amount"},
                         {"BT2", "6228480300000000000", "2025-03-01 09:15", "in", "5"}),
                  vault)
          .ok());
  const FactTable& accounts = *store.table("accounts");
  const FactTable& bt = *store.table("bank_transactions");
  EXPECT_EQ(bt.column("account_no")->codes[0], accounts.record_key(0));
  EXPECT_EQ(store.dictionary().text(bt.region(0)), "330782001002");
  EXPECT_EQ(bt.region(1), kNoCode);
  EXPECT_EQ(bt.column("amount")->ints[0], 1000);
  EXPECT_GT(bt.column("time")->ints[0], 1740000000000);
  EXPECT_EQ(store.records(), 3u);
}

TEST(FactStore, UpsertReplacesARecordAndKeepsIndexesCurrent) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  const imports::DatasetSpec& spec = *imports::find_dataset("subsidies");
  const std::vector<std::string> header = {
      "id",           "program_code", "department", "recipient_id_number",
      "village_code", "amount",       "paid_at"};
  auto add = [&](const char* id, const char* person, const char* amount) {
    auto row = store.upsert(
        spec,
        parsed("subsidies", header,
               {id, "DB001", "民政局", person, "330782001001", amount, "2025-03-10 09:00"}),
        vault);
    EXPECT_TRUE(row.ok());
    return row.ok() ? *row : 999;
  };
  const char* zhang = "330782196503120415";
  const char* wu = "330782195809090314";
  EXPECT_EQ(add("S1", zhang, "100"), 0u);
  EXPECT_EQ(add("S2", wu, "200"), 1u);
  EXPECT_EQ(add("S3", zhang, "300"), 2u);

  const HashIndex& by_person = store.index("subsidies", "recipient_id_number");
  const HashIndex& by_amount = store.index("subsidies", "amount");
  EXPECT_EQ(&by_person, &store.index("subsidies", "recipient_id_number")) << "built once";
  const Code zhang_code =
      *store.dictionary().find(vault.blind_index(privacy::Kind::id_number, zhang));
  const Code wu_code = *store.dictionary().find(vault.blind_index(privacy::Kind::id_number, wu));
  auto rows = [](std::span<const std::uint32_t> s) {
    return std::vector<std::uint32_t>(s.begin(), s.end());
  };
  EXPECT_EQ(rows(by_person.rows(zhang_code)), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(rows(by_person.rows(wu_code)), (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(by_person.distinct(), 2u);
  EXPECT_EQ(rows(by_amount.rows(30000)), (std::vector<std::uint32_t>{2}));
  EXPECT_TRUE(by_amount.rows(12345).empty());

  // S1 now goes to Wu: same record, same row; both indexes follow.
  EXPECT_EQ(add("S1", wu, "250"), 0u);
  EXPECT_EQ(store.table("subsidies")->size(), 3u);
  EXPECT_EQ(store.table("subsidies")->column("amount")->ints[0], 25000);
  EXPECT_EQ(rows(by_person.rows(zhang_code)), (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(rows(by_person.rows(wu_code)), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_TRUE(by_amount.rows(10000).empty());
  EXPECT_EQ(rows(by_amount.rows(25000)), (std::vector<std::uint32_t>{0}));
  // A new record joins the end of its value's rows.
  EXPECT_EQ(add("S4", wu, "250"), 3u);
  EXPECT_EQ(rows(by_person.rows(wu_code)), (std::vector<std::uint32_t>{0, 1, 3}));
  EXPECT_EQ(rows(by_amount.rows(25000)), (std::vector<std::uint32_t>{0, 3}));
  // Zhang's last subsidy goes to Wu too: Zhang leaves the index.
  EXPECT_EQ(add("S3", wu, "300"), 2u);
  EXPECT_TRUE(by_person.rows(zhang_code).empty());
  EXPECT_EQ(by_person.distinct(), 1u);
  EXPECT_EQ(rows(by_person.rows(wu_code)), (std::vector<std::uint32_t>{0, 1, 2, 3}));
  // An index built after the changes sees them all.
  EXPECT_EQ(store.index("subsidies", "village_code").distinct(), 1u);
  EXPECT_EQ(store.index("subsidies", "village_code")
                .rows(*store.dictionary().find("330782001001"))
                .size(),
            4u);
}

TEST(FactStore, IndexesSkipMissingValuesAndHandleDecimals) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  const imports::DatasetSpec& spec = *imports::find_dataset("leases");
  auto lease = [&](const char* id, const char* area, const char* benchmark) {
    return parsed("leases", kLeaseHeader,
                  {id, "330782001001", "地", "", area, "某人", "", "", "", "", "", "2024-03-01",
                   "2029-02-28", "100", benchmark, ""});
  };
  ASSERT_TRUE(store.upsert(spec, lease("L1", "12.5", ""), vault).ok());
  ASSERT_TRUE(store.upsert(spec, lease("L2", "", "90"), vault).ok());
  ASSERT_TRUE(store.upsert(spec, lease("L3", "12.50", ""), vault).ok());
  const HashIndex& area = store.index("leases", "area");
  EXPECT_EQ(area.distinct(), 1u);
  EXPECT_EQ(area.rows(std::bit_cast<std::int64_t>(12.5)).size(), 2u);
  const HashIndex& benchmark = store.index("leases", "benchmark_rent");
  EXPECT_EQ(benchmark.distinct(), 1u);
  EXPECT_TRUE(benchmark.rows(kMissing).empty());
  EXPECT_EQ(benchmark.rows(9000).size(), 1u);
  EXPECT_TRUE(store.index("leases", "lessee_id_number").rows(kNoCode).empty());
  EXPECT_EQ(store.index("leases", "lessee_id_number").distinct(), 0u);
}

TEST(FactStore, ABigIndexFindsEveryRow) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  const imports::DatasetSpec& spec = *imports::find_dataset("complaints");
  for (int i = 0; i < 3000; ++i) {
    ASSERT_TRUE(
        store
            .upsert(spec,
                    parsed("complaints", {"id", "village_code", "submitted_at", "satisfaction"},
                           {"C" + std::to_string(i), i % 2 ? "330782001001" : "330782001002",
                            "2025-03-08 10:15", std::to_string(i % 7)}),
                    vault)
            .ok());
  }
  const HashIndex& ids = store.index("complaints", "id");
  const HashIndex& marks = store.index("complaints", "satisfaction");
  EXPECT_EQ(ids.distinct(), 3000u);
  EXPECT_EQ(marks.distinct(), 7u);
  for (int i = 0; i < 3000; i += 17) {
    auto rows = ids.rows(*store.dictionary().find("C" + std::to_string(i)));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], static_cast<std::uint32_t>(i));
  }
  auto threes = marks.rows(3);
  ASSERT_EQ(threes.size(), 3000u / 7 + 1);
  for (std::size_t k = 0; k < threes.size(); ++k) EXPECT_EQ(threes[k], 3 + 7 * k);
  EXPECT_EQ(store.table("complaints")->find("C2999"), std::optional<std::size_t>(2999));
}

TEST(FactStore, UnknownDatasetsAndColumnsAreRefused) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  imports::DatasetSpec made_up = *imports::find_dataset("deaths");
  made_up.name = "funerals";
  auto values = parsed("deaths", {"id_number", "death_date"}, {"330782195809090314", "2025-01-26"});
  auto refused = store.upsert(made_up, values, vault);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(refused.error().message, "未知的数据集：funerals");

  values.pop_back();
  auto short_row = store.upsert(*imports::find_dataset("deaths"), values, vault);
  ASSERT_FALSE(short_row.ok());
  EXPECT_EQ(short_row.error().field, "values");
  EXPECT_EQ(store.records(), 0u);

  EXPECT_THROW((void)store.index("funerals", "id_number"), std::invalid_argument);
  EXPECT_THROW((void)store.index("deaths", "cause"), std::invalid_argument);
  HashIndex none;
  EXPECT_TRUE(none.rows(1).empty());
  EXPECT_EQ(none.distinct(), 0u);
}

TEST(FactStore, MovesKeepTablesAndDictionaryTogether) {
  const privacy::Vault vault = test_vault();
  FactStore store = FactStore::empty();
  ASSERT_TRUE(store
                  .upsert(*imports::find_dataset("deaths"),
                          parsed("deaths", {"id_number", "death_date"},
                                 {"330782195809090314", "2025-01-26"}),
                          vault)
                  .ok());
  FactStore moved = std::move(store);
  const FactTable& deaths = *moved.table("deaths");
  const std::string key = vault.blind_index(privacy::Kind::id_number, "330782195809090314");
  EXPECT_EQ(deaths.find(key), std::optional<std::size_t>(0));
  EXPECT_EQ(deaths.column("death_date")->ints[0], days("2025-01-26"));
  EXPECT_EQ(deaths.region(0), kNoCode) << "deaths have no region";
}

}  // namespace
}  // namespace mingjing::rules
