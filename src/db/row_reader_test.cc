// RowReader on a real database (SQLite file, and PostgreSQL as pg.*): every
// kind of cell reads back as written, results longer than one cursor batch
// arrive whole and in order, the reader works inside the caller's
// transaction, and a bad query throws.
#include "db/row_reader.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "db/bulk.h"
#include "db/soci.h"
#include "support/test_db.h"

namespace mingjing::db {
namespace {

class DbRowReader : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = tdb.db().connect();
    const char* real = conn.dialect() == Dialect::kSqlite ? "REAL" : "DOUBLE PRECISION";
    conn.session() << std::string("CREATE TABLE probe (n BIGINT NOT NULL, t TEXT, i BIGINT, r ") +
                          real + ")";
  }

  // Rows n = 0..count-1: t = "row n", i = n * 1000 - 7, r = n / 4; every
  // 10th row NULL in t, i and r.
  void fill(int count) {
    BulkRows rows(4);
    for (int n = 0; n < count; ++n) {
      rows.add_integer(n);
      if (n % 10 == 9) {
        rows.add_null();
        rows.add_null();
        rows.add_null();
      } else {
        rows.add_text("row " + std::to_string(n));
        rows.add_integer(n * 1000LL - 7);
        rows.add_real(n / 4.0);
      }
    }
    auto conn = tdb.db().connect();
    Transaction tx(conn);
    BulkWriter writer(conn);
    writer.insert("probe", {"n", "t", "i", "r"}, rows);
    tx.commit();
  }

  testing::TestDb tdb;
};

TEST_F(DbRowReader, EveryKindOfCellReadsBack) {
  {
    auto conn = tdb.db().connect();
    conn.session() << "INSERT INTO probe VALUES (1, 'tab\there, 义乌, \"q\"', -9007199254740993, "
                      "0.1)";
    conn.session() << "INSERT INTO probe VALUES (2, '', 0, -2.5e-300)";
    conn.session() << "INSERT INTO probe VALUES (3, NULL, NULL, NULL)";
  }
  auto conn = tdb.db().connect();
  RowReader reader(conn, "SELECT n, t, i, r FROM probe ORDER BY n");
  EXPECT_EQ(reader.columns(), 4u);
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.integer(0), 1);
  EXPECT_EQ(reader.text(1), "tab\there, 义乌, \"q\"");
  EXPECT_EQ(reader.integer(2), -9007199254740993LL);
  EXPECT_DOUBLE_EQ(reader.real(3), 0.1);
  EXPECT_FALSE(reader.is_null(1));
  ASSERT_TRUE(reader.next());
  EXPECT_EQ(reader.text(1), "");
  EXPECT_FALSE(reader.is_null(1)) << "empty text is not NULL";
  EXPECT_EQ(reader.integer(2), 0);
  EXPECT_FALSE(reader.is_null(2));
  EXPECT_DOUBLE_EQ(reader.real(3), -2.5e-300);
  ASSERT_TRUE(reader.next());
  EXPECT_TRUE(reader.is_null(1));
  EXPECT_TRUE(reader.is_null(2));
  EXPECT_TRUE(reader.is_null(3));
  EXPECT_EQ(reader.text(1), "");
  EXPECT_EQ(reader.integer(2), 0);
  EXPECT_EQ(reader.real(3), 0.0);
  EXPECT_FALSE(reader.next());
  EXPECT_FALSE(reader.next()) << "the end stays the end";
}

TEST_F(DbRowReader, LongResultsArriveWholeAndInOrder) {
  const int count = 2 * RowReader::kBatchRows + 123;
  fill(count);
  auto conn = tdb.db().connect();
  RowReader reader(conn, "SELECT n, t, i, r FROM probe ORDER BY n");
  int n = 0, nulls = 0;
  while (reader.next()) {
    ASSERT_EQ(reader.integer(0), n);
    if (n % 10 == 9) {
      ASSERT_TRUE(reader.is_null(1));
      ++nulls;
    } else {
      ASSERT_EQ(reader.text(1), "row " + std::to_string(n));
      ASSERT_EQ(reader.integer(2), n * 1000LL - 7);
      ASSERT_EQ(reader.real(3), n / 4.0);
    }
    ++n;
  }
  EXPECT_EQ(n, count);
  EXPECT_EQ(nulls, count / 10);
}

TEST_F(DbRowReader, ExactlyOneBatchEndsCleanly) {
  fill(RowReader::kBatchRows);
  auto conn = tdb.db().connect();
  int n = 0;
  {
    RowReader reader(conn, "SELECT n FROM probe ORDER BY n");
    while (reader.next()) ++n;
  }
  EXPECT_EQ(n, RowReader::kBatchRows);
  // The connection is usable afterwards, outside any transaction.
  long long total = 0;
  conn.session() << "SELECT COUNT(*) FROM probe", soci::into(total);
  EXPECT_EQ(total, RowReader::kBatchRows);
}

TEST_F(DbRowReader, ReadsInsideTheCallersTransaction) {
  auto conn = tdb.db().connect();
  Transaction tx(conn);
  conn.session() << "INSERT INTO probe (n, t) VALUES (42, 'not yet committed')";
  {
    RowReader reader(conn, "SELECT t FROM probe WHERE n = 42");
    ASSERT_TRUE(reader.next());
    EXPECT_EQ(reader.text(0), "not yet committed");
    EXPECT_FALSE(reader.next());
  }
  tx.commit();
  long long total = 0;
  conn.session() << "SELECT COUNT(*) FROM probe", soci::into(total);
  EXPECT_EQ(total, 1) << "the reader left the caller's transaction to the caller";
}

TEST_F(DbRowReader, ABadQueryThrowsAndLeavesTheConnectionUsable) {
  auto conn = tdb.db().connect();
  EXPECT_THROW(RowReader(conn, "SELECT nothing FROM nowhere"), std::runtime_error);
  long long total = -1;
  conn.session() << "SELECT COUNT(*) FROM probe", soci::into(total);
  EXPECT_EQ(total, 0);
}

}  // namespace
}  // namespace mingjing::db
