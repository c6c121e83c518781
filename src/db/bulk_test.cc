// BulkWriter on a real database (SQLite file, and PostgreSQL as pg.*):
// every kind of cell survives the trip (COPY's escapes, array literals for
// look-ups), only the selected rows are written, updates set the columns
// before the key, and writes belong to the caller's transaction.
#include "db/bulk.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "db/soci.h"
#include "support/test_db.h"

namespace mingjing::db {
namespace {

class DbBulkWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = tdb.db().connect();
    const char* real = conn.dialect() == Dialect::kSqlite ? "REAL" : "DOUBLE PRECISION";
    conn.session() << std::string("CREATE TABLE probe (t TEXT, i BIGINT, r ") + real +
                          ", k TEXT NOT NULL UNIQUE, extra TEXT)";
  }

  // One row: t, i, r, k, extra (NULL where the optional is empty).
  static void add(BulkRows& rows, std::optional<std::string> t, std::optional<long long> i,
                  std::optional<double> r, const std::string& k, const std::string& extra) {
    t ? rows.add_text(*t) : rows.add_null();
    i ? rows.add_integer(*i) : rows.add_null();
    r ? rows.add_real(*r) : rows.add_null();
    rows.add_text(k);
    rows.add_text(extra);
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
    soci::indicator ind;
    conn.session() << sql, soci::into(v, ind);
    return ind == soci::i_ok ? v : -999;
  }

  const std::vector<std::string> columns{"t", "i", "r", "k", "extra"};
  testing::TestDb tdb;
};

// Text that COPY's text format and array literals must escape.
const std::string kAwkward = "tab\there, line\nbreak, cr\r, back\\slash, \"quote\", {brace,}, 义乌";

TEST_F(DbBulkWriter, EveryKindOfCellArrivesAsSent) {
  BulkRows rows(columns.size());
  add(rows, kAwkward, -9007199254740993LL, 0.1, "k1", "x");
  add(rows, std::nullopt, std::nullopt, std::nullopt, "k2", "");
  add(rows, "\\N", 0, 1e-300, "NULL", "y");  // looks like COPY's and arrays' NULL, is not
  {
    auto conn = tdb.db().connect();
    Transaction tx(conn);
    BulkWriter writer(conn);
    writer.insert("probe", columns, rows);
    tx.commit();
  }
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'k1'"), kAwkward);
  EXPECT_EQ(number("SELECT i FROM probe WHERE k = 'k1'"), -9007199254740993LL);
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'k2'"), "NULL");
  EXPECT_EQ(number("SELECT i FROM probe WHERE k = 'k2'"), -999);
  EXPECT_EQ(text("SELECT extra FROM probe WHERE k = 'k2'"), "") << "empty text is not NULL";
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'NULL'"), "\\N");
  auto conn = tdb.db().connect();
  double r1 = 0, r3 = 0;
  conn.session() << "SELECT r FROM probe WHERE k = 'k1'", soci::into(r1);
  conn.session() << "SELECT r FROM probe WHERE k = 'NULL'", soci::into(r3);
  EXPECT_EQ(r1, 0.1) << "a double read back exactly";
  EXPECT_EQ(r3, 1e-300);
}

TEST_F(DbBulkWriter, LookUpAwkwardKeys) {
  BulkRows rows(columns.size());
  const std::vector<std::string> keys{kAwkward, "", "NULL", "a\"b", "c\\d", "{x,y}", "k 1"};
  for (std::size_t n = 0; n < keys.size(); ++n) {
    add(rows, "v" + std::to_string(n), 1, 1.0, keys[n], "e");
  }
  auto conn = tdb.db().connect();
  BulkWriter writer(conn);
  writer.insert("probe", columns, rows);
  std::vector<std::string_view> ask(keys.begin(), keys.end());
  ask.push_back("missing");
  auto found = writer.lookup("probe", "k", "t", ask);
  ASSERT_EQ(found.size(), keys.size());
  for (std::size_t n = 0; n < keys.size(); ++n) {
    EXPECT_EQ(found[keys[n]], "v" + std::to_string(n)) << keys[n];
  }
  EXPECT_FALSE(found.contains("missing"));
  EXPECT_TRUE(writer.lookup("probe", "k", "t", {}).empty());
}

TEST_F(DbBulkWriter, OnlyTheSelectedRowsAndUpdatesSetWhatComesBeforeTheKey) {
  BulkRows rows(columns.size());
  for (int n = 0; n < 5; ++n) add(rows, "old", n, 0.5, "k" + std::to_string(n), "first");
  auto conn = tdb.db().connect();
  BulkWriter writer(conn);
  writer.insert("probe", columns, rows, {0, 2, 4});
  EXPECT_EQ(number("SELECT COUNT(*) FROM probe"), 3);
  EXPECT_EQ(number("SELECT COUNT(*) FROM probe WHERE k IN ('k1', 'k3')"), 0);

  BulkRows changed(columns.size());
  add(changed, "new", 40, std::nullopt, "k4", "not written");
  add(changed, "new", 20, 2.5, "k2", "not written");
  add(changed, "never", 99, 9.0, "k0", "not selected");
  writer.update("probe", columns, 3, changed, {0, 1});
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'k4'"), "new");
  EXPECT_EQ(number("SELECT i FROM probe WHERE k = 'k4'"), 40);
  EXPECT_EQ(text("SELECT r FROM probe WHERE k = 'k4'"), "NULL");
  EXPECT_EQ(number("SELECT i FROM probe WHERE k = 'k2'"), 20);
  EXPECT_EQ(text("SELECT extra FROM probe WHERE k = 'k2'"), "first") << "after the key: untouched";
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'k0'"), "old");
  // Updating all rows, a second time on the same writer (statements reused).
  writer.update("probe", columns, 3, changed);
  EXPECT_EQ(text("SELECT t FROM probe WHERE k = 'k0'"), "never");
  EXPECT_THROW(writer.insert("probe", columns, rows, {5}), std::logic_error) << "no row 5";
}

TEST_F(DbBulkWriter, WritesBelongToTheTransaction) {
  BulkRows rows(columns.size());
  add(rows, "a", 1, 1.0, "k1", "");
  {
    auto conn = tdb.db().connect();
    Transaction tx(conn);
    BulkWriter writer(conn);
    writer.insert("probe", columns, rows);
    writer.update("probe", columns, 3, rows);
  }  // rolled back
  EXPECT_EQ(number("SELECT COUNT(*) FROM probe"), 0);
}

TEST_F(DbBulkWriter, ADuplicateKeyThrowsAndTheConnectionRecovers) {
  BulkRows rows(columns.size());
  add(rows, "a", 1, 1.0, "same", "");
  add(rows, "b", 2, 2.0, "same", "");
  {
    auto conn = tdb.db().connect();
    Transaction tx(conn);
    BulkWriter writer(conn);
    EXPECT_THROW(writer.insert("probe", columns, rows), std::runtime_error);
  }
  auto conn = tdb.db().connect();
  BulkWriter writer(conn);
  writer.insert("probe", columns, rows, {1});
  EXPECT_EQ(text("SELECT t FROM probe"), "b");
}

// SQLite only (not a Db* test, so not re-run on PostgreSQL).
TEST(SqliteBulkWriter, TheCheckpointSettingIsRestored) {
  testing::TestDb tdb;
  ASSERT_FALSE(tdb.is_postgresql());
  auto conn = tdb.db().connect();
  auto setting = [&] {
    int pages = 0;
    conn.session() << "PRAGMA wal_autocheckpoint", soci::into(pages);
    return pages;
  };
  conn.session() << "PRAGMA wal_autocheckpoint=777";
  {
    BulkWriter writer(conn);
    EXPECT_GT(setting(), 777) << "a long log is allowed while writing in bulk";
  }
  EXPECT_EQ(setting(), 777);
}

}  // namespace
}  // namespace mingjing::db
