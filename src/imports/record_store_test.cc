// RecordStore on a real database (SQLite file, and PostgreSQL as pg.*):
// inserts, updates, unchanged re-imports, and personal data that never
// reaches the database in plain text.
#include "imports/record_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "db/row.h"
#include "db/soci.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::imports {
namespace {

class DbRecordStore : public ::testing::Test {
 protected:
  void SetUp() override { testing::seed_town_a(tdb.db()); }

  // Parses CSV-like rows of a dataset with the given header.
  std::vector<std::vector<Value>> rows(const char* dataset, std::vector<std::string> header,
                                       std::vector<std::vector<std::string>> cells) {
    const DatasetSpec& d = *find_dataset(dataset);
    auto map = map_header(d, header);
    EXPECT_TRUE(map.ok()) << map.error().message;
    std::vector<std::vector<Value>> out;
    std::size_t n = 2;
    for (const auto& c : cells) {
      ParsedRow r = parse_row(d, *map, c, n++);
      EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].reason);
      out.push_back(r.values);
    }
    return out;
  }

  WriteCounts write(const char* dataset, const std::vector<std::vector<Value>>& values) {
    auto conn = tdb.db().connect();
    db::Transaction tx(conn);
    WriteCounts c = store.write(conn, *find_dataset(dataset), values, 0);
    tx.commit();
    return c;
  }

  std::string text(const std::string& sql) {
    auto conn = tdb.db().connect();
    std::string v;
    soci::indicator ind;
    conn.session() << sql, soci::into(v, ind);
    return ind == soci::i_ok ? v : "NULL";
  }
  long long number(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long v = -1;
    conn.session() << sql, soci::into(v);
    return v;
  }

  testing::TestDb tdb;
  privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(7);
    return k;
  }());
  RecordStore store{vault};
};

const std::vector<std::string> kPersonHeader = {"id_number", "name", "village_code", "phone"};

TEST_F(DbRecordStore, InsertsThenLeavesAnUnchangedReimportAlone) {
  auto first = rows("persons", kPersonHeader,
                    {{"11010519491231002X", "张三", "330782001001", "13812341234"},
                     {"110105198001011238", "李四", "330782001002", ""}});
  WriteCounts a = write("persons", first);
  EXPECT_EQ(a.inserted, 2u);
  EXPECT_EQ(a.updated, 0u);
  long long stamp = number("SELECT MAX(row_updated_at) FROM persons");
  std::string sealed = text("SELECT id_number_enc FROM persons WHERE name = '张三'");

  WriteCounts b = write("persons", first);
  EXPECT_EQ(b.inserted, 0u);
  EXPECT_EQ(b.updated, 0u);
  EXPECT_EQ(b.unchanged, 2u);
  EXPECT_EQ(number("SELECT COUNT(*) FROM persons"), 2);
  EXPECT_EQ(number("SELECT MAX(row_updated_at) FROM persons"), stamp) << "nothing rewritten";
  EXPECT_EQ(text("SELECT id_number_enc FROM persons WHERE name = '张三'"), sealed);
}

TEST_F(DbRecordStore, AChangedRowUpdatesTheSameRecord) {
  write("persons", rows("persons", kPersonHeader,
                        {{"11010519491231002X", "张三", "330782001001", "13812341234"}}));
  long long row_id = number("SELECT row_id FROM persons");
  WriteCounts c = write("persons", rows("persons", kPersonHeader,
                                        {{"11010519491231002x", "张三丰", "330782001002", ""}}));
  EXPECT_EQ(c.updated, 1u) << "the same person (lower-case x is the same number)";
  EXPECT_EQ(number("SELECT COUNT(*) FROM persons"), 1);
  EXPECT_EQ(number("SELECT row_id FROM persons"), row_id);
  EXPECT_EQ(text("SELECT name FROM persons"), "张三丰");
  EXPECT_EQ(text("SELECT village_code FROM persons"), "330782001002");
  EXPECT_EQ(text("SELECT phone_enc FROM persons"), "NULL") << "an emptied value is cleared";
}

TEST_F(DbRecordStore, ASecondRowWithTheSameKeyInOneCallWins) {
  WriteCounts c = write("deaths", rows("deaths", {"id_number", "death_date"},
                                       {{"11010519491231002X", "2024-05-01"},
                                        {"11010519491231002X", "2024-05-01"},
                                        {"11010519491231002X", "2024-05-02"}}));
  EXPECT_EQ(c.inserted, 1u);
  EXPECT_EQ(c.unchanged, 1u);
  EXPECT_EQ(c.updated, 1u);
  EXPECT_EQ(number("SELECT COUNT(*) FROM deaths"), 1);
  EXPECT_EQ(text("SELECT death_date FROM deaths"), "2024-05-02");
}

TEST_F(DbRecordStore, PersonalDataIsSealedIndexedAndMaskedNeverPlain) {
  write("persons", rows("persons", kPersonHeader,
                        {{"11010519491231002X", "张三", "330782001001", "13812341234"}}));
  std::string sealed = text("SELECT id_number_enc FROM persons");
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(*vault.open_sealed(sealed), "11010519491231002X");
  EXPECT_EQ(text("SELECT id_number_bidx FROM persons"),
            vault.blind_index(privacy::Kind::id_number, "11010519491231002X"));
  EXPECT_EQ(text("SELECT id_number_mask FROM persons"), "110105********002X");
  EXPECT_EQ(text("SELECT phone_mask FROM persons"), "138****1234");
  EXPECT_EQ(*vault.open_sealed(text("SELECT phone_enc FROM persons")), "13812341234");
  EXPECT_EQ(text("SELECT record_key FROM persons"),
            vault.blind_index(privacy::Kind::id_number, "11010519491231002X"));
  // Look-ups by the blind index.
  EXPECT_EQ(number("SELECT COUNT(*) FROM persons WHERE id_number_bidx = '" +
                   vault.blind_index(privacy::Kind::id_number, "11010519491231002X") + "'"),
            1);
}

// Nothing in the database holds a plain ID number, phone or account number:
// on SQLite the whole file (WAL included) is searched, on PostgreSQL every
// row of the tables as text.
TEST_F(DbRecordStore, TheDatabaseHoldsNoPlainPersonalData) {
  write("persons", rows("persons", kPersonHeader,
                        {{"11010519491231002X", "张三", "330782001001", "13812341234"}}));
  write("accounts", rows("accounts", {"account_no", "village_code"},
                         {{"6222021234567890123", "330782001001"}}));
  std::string bytes;
  if (tdb.db().dialect() == db::Dialect::kSqlite) {
    std::string path = tdb.url().substr(std::string("sqlite:").size());
    for (const std::string& p : {path, path + "-wal"}) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      bytes += ss.str();
    }
  } else {
    auto conn = tdb.db().connect();
    for (const char* table : {"persons", "accounts"}) {
      soci::rowset<std::string> rs =
          (conn.session().prepare << std::string("SELECT row_to_json(t)::text FROM ") + table +
                                         " t");
      for (const auto& r : rs) bytes += r;
    }
  }
  ASSERT_NE(bytes.find("张三"), std::string::npos) << "the search reads the stored data";
  EXPECT_EQ(bytes.find("11010519491231002X"), std::string::npos);
  EXPECT_EQ(bytes.find("19491231"), std::string::npos);
  EXPECT_EQ(bytes.find("13812341234"), std::string::npos);
  EXPECT_EQ(bytes.find("6222021234567890123"), std::string::npos);
}

TEST_F(DbRecordStore, TypedColumnsKeepTheirTypes) {
  write("accounts", rows("accounts", {"account_no", "village_code"},
                         {{"6222021234567890123", "330782001001"}}));
  WriteCounts c = write(
      "bank_transactions",
      rows("bank_transactions", {"id", "account_no", "time", "direction", "amount", "balance"},
           {{"T1", "6222 0212 3456 7890 123", "2025-03-01 10:00", "OUT", "1,234.50", ""}}));
  EXPECT_EQ(c.inserted, 1u);
  EXPECT_EQ(number("SELECT amount FROM bank_transactions"), 123450);
  EXPECT_EQ(number("SELECT \"time\" FROM bank_transactions"), 1740794400000);
  EXPECT_EQ(text("SELECT direction FROM bank_transactions"), "out");
  EXPECT_EQ(text("SELECT balance FROM bank_transactions"), "NULL");
  EXPECT_EQ(text("SELECT account_no_bidx FROM bank_transactions"),
            text("SELECT account_no_bidx FROM accounts"))
      << "joins on the blind index";
  write("shareholders", rows("shareholders", {"uscc", "holder_uscc", "share_pct"},
                             {{"91350100M000100Y43", "91350100M000100Y43", "12.5%"}}));
  auto conn = tdb.db().connect();
  double pct = 0;
  conn.session() << "SELECT share_pct FROM shareholders", soci::into(pct);
  EXPECT_DOUBLE_EQ(pct, 12.5);
}

}  // namespace
}  // namespace mingjing::imports
