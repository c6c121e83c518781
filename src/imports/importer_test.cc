// The importer end to end on a real database (SQLite, and PostgreSQL as
// pg.*): good files, every kind of bad row, refusals, strict mode, re-import,
// GBK text and an xlsx workbook written by libxlsxwriter.
#include "imports/importer.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>
#include <xlsxwriter.h>

#include <map>
#include <stdexcept>

#include "db/soci.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::imports {
namespace {

class DbImporter : public ::testing::Test {
 protected:
  void SetUp() override { testing::seed_town_a(tdb.db()); }

  core::Result<ImportSummary> import(const char* dataset, std::string csv,
                                     ImportOptions options = {}) {
    auto source = csv_source(std::move(csv));
    options.file_name = std::string(dataset) + ".csv";
    return importer.run(*find_dataset(dataset), *source, options);
  }

  long long count(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = -1;
    conn.session() << sql, soci::into(n);
    return n;
  }
  std::string text(const std::string& sql) {
    auto conn = tdb.db().connect();
    std::string v;
    soci::indicator ind;
    conn.session() << sql, soci::into(v, ind);
    return ind == soci::i_ok ? v : "NULL";
  }

  testing::TestDb tdb;
  privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(3);
    return k;
  }());
  Importer importer{tdb.db(), vault};
};

const char* kProjects =
    "id,village_code,name,category,estimated_amount,method\n"
    "P1,330782001001,江滨村道路硬化,works,\"350,000.00\",open_tender\n"
    "P2,330782001002,下车门村路灯采购,goods,48000,inquiry\n";

TEST_F(DbImporter, TheKeysOfTheGoodRowsAreKeptWhenAsked) {
  auto plain = import("projects", kProjects);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->record_keys.empty()) << "only when asked";

  ImportOptions keep;
  keep.keep_record_keys = true;
  // P1 unchanged, P3 new, a row with an unknown village rejected.
  auto s = import("projects",
                  "id,village_code,name,category,estimated_amount,method\n"
                  "P1,330782001001,江滨村道路硬化,works,\"350,000.00\",open_tender\n"
                  "P9,330782009999,不存在的村,works,1000,inquiry\n"
                  "P3,330782001002,新项目,goods,1000,inquiry\n",
                  keep);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rejected, 1u);
  EXPECT_EQ(s->record_keys, (std::vector<std::string>{"P1", "P3"}));

  keep.dry_run = true;
  auto preview = import("projects",
                        "id,village_code,name,category,estimated_amount,method\n"
                        "P4,330782001002,预览,goods,1000,inquiry\n",
                        keep);
  ASSERT_TRUE(preview.ok());
  EXPECT_TRUE(preview->record_keys.empty()) << "a preview writes nothing";
}

TEST_F(DbImporter, AGoodFileIsStoredAndRecordedAsARun) {
  auto s = import("projects", kProjects);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows, 2u);
  EXPECT_EQ(s->inserted, 2u);
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_TRUE(s->warnings.empty());
  EXPECT_EQ(count("SELECT estimated_amount FROM projects WHERE id = 'P1'"), 35000000);
  EXPECT_EQ(count("SELECT import_id FROM projects WHERE id = 'P2'"), s->import_id);
  EXPECT_EQ(text("SELECT status FROM imports WHERE id = " + std::to_string(s->import_id)), "done");
  EXPECT_EQ(count("SELECT inserted FROM imports WHERE id = " + std::to_string(s->import_id)), 2);
}

TEST_F(DbImporter, ReimportingTheSameFileChangesNothing) {
  ASSERT_TRUE(import("projects", kProjects).ok());
  long long stamp = count("SELECT MAX(row_updated_at) FROM projects");
  long long first_import = count("SELECT MIN(import_id) FROM projects");
  auto again = import("projects", kProjects);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->inserted, 0u);
  EXPECT_EQ(again->updated, 0u);
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM projects"), 2);
  EXPECT_EQ(count("SELECT MAX(row_updated_at) FROM projects"), stamp);
  EXPECT_EQ(count("SELECT MIN(import_id) FROM projects"), first_import);
  EXPECT_EQ(count("SELECT COUNT(*) FROM imports"), 2) << "both runs are on record";
}

TEST_F(DbImporter, EachKindOfBadRowIsRejectedAndGoodRowsCommit) {
  ASSERT_TRUE(import("projects", kProjects).ok());
  std::string csv =
      "project_id,bidder_uscc,bidder_name,amount,submitted_at,status\n"
      "P1,91350100M000100Y43,甲公司,340000,2025-03-01 09:00,valid\n"     // good
      "P1,91350100M000100Y4A,乙公司,341000,2025-03-01 09:10,valid\n"     // checksum
      "P1,91350100M000100Y43,丙公司,-1,2025-03-01 09:20,valid\n"         // negative money
      "P1,91350100M000100Y43,甲公司,340000,2025-02-30 09:00,valid\n"     // bad date
      "P1,91350100M000100Y43,甲公司,340000,2025-03-01 09:00,sideways\n"  // bad enum
      "P9,91350100M000100Y43,甲公司,340000,2025-03-01 09:00,valid\n"     // no such project
      ",91350100M000100Y43,甲公司,340000,2025-03-01 09:00,valid\n";      // required empty
  auto s = import("bids", csv);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows, 7u);
  EXPECT_EQ(s->inserted, 1u);
  EXPECT_EQ(s->rejected, 6u);
  ASSERT_EQ(s->errors.size(), 6u);
  std::map<std::size_t, std::pair<std::string, std::string>> by_row;
  for (const auto& e : s->errors) by_row[e.row] = {e.column, e.reason};
  EXPECT_EQ(by_row[3].first, "bidder_uscc");
  EXPECT_EQ(by_row[4], (std::pair<std::string, std::string>{"amount", "金额不能为负数"}));
  EXPECT_EQ(by_row[5].first, "submitted_at");
  EXPECT_EQ(by_row[6].first, "status");
  EXPECT_EQ(by_row[7], (std::pair<std::string, std::string>{"project_id",
                                                            "引用的村级工程及采购项目记录不存在"}));
  EXPECT_EQ(by_row[8], (std::pair<std::string, std::string>{"project_id", "必填项为空"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM bids"), 1);
}

TEST_F(DbImporter, UnknownRegionsAreRejected) {
  auto s = import("projects",
                  "id,village_code,name,category,estimated_amount,method\n"
                  "P3,330782009999,不存在村项目,works,1000,direct\n");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->errors.size(), 1u);
  EXPECT_EQ(s->errors[0].reason, "区划代码不存在");
  EXPECT_EQ(s->errors[0].value, "330782009999");
}

TEST_F(DbImporter, AMissingRequiredColumnRefusesTheWholeFile) {
  auto s =
      import("projects", "id,village_code,name,category,method\nP1,330782001001,x,works,direct\n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "estimated_amount");
  EXPECT_EQ(count("SELECT COUNT(*) FROM projects"), 0);
  auto empty = import("projects", "");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "文件为空：没有表头行");
}

TEST_F(DbImporter, StrictModeWritesNothingWhenOneRowIsBad) {
  std::string csv = std::string(kProjects) + "P3,330782001001,坏行,works,abc,direct\n";
  ImportOptions strict;
  strict.strict = true;
  strict.batch_rows = 1;  // several batches: all must roll back
  auto s = import("projects", csv, strict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "第4行“estimated_amount”列（abc）：金额格式不正确：abc");
  EXPECT_EQ(count("SELECT COUNT(*) FROM projects"), 0);
  EXPECT_EQ(text("SELECT status FROM imports"), "refused");
  auto lenient = import("projects", csv);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->inserted, 2u);
}

TEST_F(DbImporter, ChineseHeadersUnknownColumnsAndSmallBatches) {
  ImportOptions small;
  small.batch_rows = 2;
  std::string csv = "项目编号,村代码,项目名称,项目类别,预算金额,采购方式,备注\n";
  for (int i = 0; i < 5; ++i) {
    csv += "Q" + std::to_string(i) + ",330782001001,项目" + std::to_string(i) +
           ",services,100,direct,随便\n";
  }
  auto s = import("projects", csv, small);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 5u);
  EXPECT_EQ(s->warnings, std::vector<std::string>{"未识别的列已忽略：备注"});
}

TEST_F(DbImporter, PersonalDataReferencesMatchThroughTheBlindIndex) {
  ASSERT_TRUE(
      import("accounts", "account_no,village_code\n6222021234567890123,330782001001\n").ok());
  auto s = import("bank_transactions",
                  "id,account_no,time,direction,amount\n"
                  "T1,6222 0212 3456 7890 123,2025-03-01 10:00,out,10\n"
                  "T2,6222021234567890999,2025-03-01 10:00,out,10\n");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->inserted, 1u);
  ASSERT_EQ(s->errors.size(), 1u);
  EXPECT_EQ(s->errors[0].row, 3u);
  EXPECT_EQ(s->errors[0].value, "6222***********0999") << "even the error report masks it";
}

TEST_F(DbImporter, GbkTextFromChineseExcelIsReadAsUtf8) {
  std::string utf8 = std::string(kProjects);
  UErrorCode status = U_ZERO_ERROR;
  std::string gbk(utf8.size() * 2, '\0');
  int32_t n = ucnv_convert("GB18030", "UTF-8", gbk.data(), static_cast<int32_t>(gbk.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  ASSERT_TRUE(U_SUCCESS(status));
  gbk.resize(static_cast<std::size_t>(n));
  ASSERT_EQ(gbk.find("江滨"), std::string::npos) << "really GBK bytes";
  auto table = open_table_bytes(gbk, "projects.csv", 1 << 20);
  ASSERT_TRUE(table.ok()) << table.error().message;
  auto s = importer.run(*find_dataset("projects"), *table->source, {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 2u);
  EXPECT_EQ(text("SELECT name FROM projects WHERE id = 'P1'"), "江滨村道路硬化");
}

TEST_F(DbImporter, AnXlsxWorkbookWithDatesAndNumbers) {
  testing::TempDir dir;
  std::string path = dir.file("deaths.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "死亡登记");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  worksheet_write_string(ws, 0, 0, "身份证号", nullptr);
  worksheet_write_string(ws, 0, 1, "姓名", nullptr);
  worksheet_write_string(ws, 0, 2, "死亡日期", nullptr);
  worksheet_write_string(ws, 1, 0, "11010519491231002X", nullptr);
  worksheet_write_string(ws, 1, 1, "张三", nullptr);
  lxw_datetime when = {2025, 1, 26, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 2, &when, date);
  worksheet_write_string(ws, 2, 0, "110105198001011238", nullptr);
  worksheet_write_string(ws, 2, 1, "李四", nullptr);
  worksheet_write_number(ws, 2, 2, 45683, nullptr);                 // a serial that lost its format
  worksheet_write_string(ws, 3, 0, "110105198001011230", nullptr);  // bad checksum
  worksheet_write_string(ws, 3, 2, "2025-01-01", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto table = open_table_file(path, 1 << 20);
  ASSERT_TRUE(table.ok()) << table.error().message;
  auto s = importer.run(*find_dataset("deaths"), *table->source, {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 2u);
  ASSERT_EQ(s->errors.size(), 1u);
  EXPECT_EQ(s->errors[0].row, 4u);
  EXPECT_EQ(s->errors[0].column, "id_number");
  EXPECT_EQ(count("SELECT COUNT(*) FROM deaths WHERE death_date = '2025-01-26'"), 2);
}

// --- many batches through the reader thread ------------------------------------------

class DbImporterBatches : public DbImporter {
 protected:
  void SetUp() override {
    DbImporter::SetUp();
    ASSERT_TRUE(import("accounts",
                       "account_no,village_code\n"
                       "6222021234567890123,330782001001\n"
                       "6222021234567890456,330782001001\n")
                    .ok());
  }
  static ImportOptions batches_of(std::size_t rows) {
    ImportOptions o;
    o.batch_rows = rows;
    return o;
  }
  static constexpr const char* kHeader = "id,account_no,time,direction,amount\n";
};

TEST_F(DbImporterBatches, ErrorsCountsAndDuplicatesAcrossBatches) {
  std::string csv = std::string(kHeader) +
                    "T1,6222021234567890123,2025-03-01 10:00,out,10\n"  // 2 good
                    "T2,6222021234567890999,2025-03-01 10:00,out,10\n"  // 3 no such account
                    "T3,6222021234567890123,2025-03-01 10:00,out,-1\n"  // 4 negative
                    "T4,6222021234567890999,2025-03-01 10:00,out,10\n"  // 5 no such account
                    "T1,6222021234567890456,2025-03-01 10:00,out,10\n"  // 6 T1 again, changed
                    "T5,6222021234567890123,2025-02-30 10:00,out,10\n"  // 7 bad date
                    "T6,6222021234567890456,2025-03-01 10:00,in,10\n"   // 8 good
                    "T6,6222021234567890456,2025-03-01 10:00,in,20\n"   // 9 T6 again, changed
                    "T7,6222021234567890123,2025-03-01 10:00,in,30\n";  // 10 good
  auto s = import("bank_transactions", csv, batches_of(2));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows, 9u);
  EXPECT_EQ(s->inserted, 3u);  // T1, T6, T7
  EXPECT_EQ(s->updated, 2u);   // T1 and T6 the second time
  EXPECT_EQ(s->unchanged, 0u);
  EXPECT_EQ(s->rejected, 4u);
  // As before the reader thread: per batch, the bad rows read while it
  // filled, then its rows with missing references.
  std::vector<std::size_t> rows;
  for (const auto& e : s->errors) rows.push_back(e.row);
  EXPECT_EQ(rows, (std::vector<std::size_t>{3, 4, 5, 7}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM bank_transactions"), 3);
  EXPECT_EQ(text("SELECT account_no_mask FROM bank_transactions WHERE id = 'T1'"),
            "6222***********0456");
  EXPECT_EQ(count("SELECT amount FROM bank_transactions WHERE id = 'T6'"), 2000);
  EXPECT_EQ(count("SELECT rows_read FROM imports WHERE id = " + std::to_string(s->import_id)), 9);

  // The same file with its duplicates taken out, twice: the second run
  // changes nothing.
  std::string clean = std::string(kHeader) +
                      "T1,6222021234567890456,2025-03-01 10:00,out,10\n"
                      "T6,6222021234567890456,2025-03-01 10:00,in,20\n"
                      "T7,6222021234567890123,2025-03-01 10:00,in,30\n";
  ASSERT_TRUE(import("bank_transactions", clean, batches_of(2)).ok());
  auto again = import("bank_transactions", clean, batches_of(2));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 3u);
  EXPECT_EQ(again->inserted + again->updated, 0u);
}

// A batch larger than the chunks the reader hands over (10,000 rows): each
// commit holds exactly one batch, and a file refused part-way keeps the
// committed batches and nothing of the one being written.
TEST_F(DbImporterBatches, ABatchSpanningSeveralChunksCommitsWhole) {
  std::string csv = std::string(kHeader);
  for (int i = 1; i <= 55000; ++i) {
    csv += "T" + std::to_string(i) + ",6222021234567890123,2025-03-01 10:00,out,10\n";
  }
  ImportOptions o = batches_of(25000);
  std::vector<long long> stored_at_commit;
  o.after_batch_commit = [&](std::size_t) {
    stored_at_commit.push_back(count("SELECT COUNT(*) FROM bank_transactions"));
  };
  o.max_rows = 54000;  // refused while the third batch is being written
  auto s = import("bank_transactions", csv, o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, core::errc::kTooLarge);
  EXPECT_EQ(stored_at_commit, (std::vector<long long>{25000, 50000}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM bank_transactions"), 50000);

  // Run again without the limit: the rest goes in, the rest only.
  stored_at_commit.clear();
  o.max_rows = 2'000'000;
  auto again = import("bank_transactions", csv, o);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->inserted, 5000u);
  EXPECT_EQ(again->unchanged, 50000u);
  EXPECT_EQ(stored_at_commit, (std::vector<long long>{50000, 50000, 55000}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM bank_transactions"), 55000);
}

TEST_F(DbImporterBatches, StrictRefusesAMissingReferenceInALaterBatch) {
  std::string csv = std::string(kHeader);
  for (int i = 1; i <= 4; ++i) {
    csv += "T" + std::to_string(i) + ",6222021234567890123,2025-03-01 10:00,out,10\n";
  }
  csv += "T5,6222021234567890999,2025-03-01 10:00,out,10\n";  // row 6
  csv += "T6,6222021234567890123,2025-03-01 10:00,out,10\n";
  ImportOptions strict = batches_of(2);
  strict.strict = true;
  auto s = import("bank_transactions", csv, strict);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message,
            "第6行“account_no”列（6222***********0999）：引用的村级银行账户记录不存在");
  EXPECT_EQ(count("SELECT COUNT(*) FROM bank_transactions"), 0);
  EXPECT_EQ(text("SELECT status FROM imports WHERE dataset = 'bank_transactions'"), "refused");
}

TEST_F(DbImporterBatches, AReaderErrorLateInTheFileKeepsWholeBatches) {
  std::string csv = std::string(kHeader);
  for (int i = 1; i <= 5; ++i) {
    csv += "T" + std::to_string(i) + ",6222021234567890123,2025-03-01 10:00,out,10\n";
  }
  csv += "T6,\"6222021234567890123\"x,2025-03-01 10:00,out,10\n";  // row 7: bad quoting
  auto s = import("bank_transactions", csv, batches_of(2));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "第7行：引号后有多余字符");
  EXPECT_EQ(count("SELECT COUNT(*) FROM bank_transactions"), 4) << "two whole batches";
  EXPECT_EQ(text("SELECT status FROM imports WHERE dataset = 'bank_transactions'"), "failed");

  ImportOptions few = batches_of(2);
  few.max_rows = 3;
  auto too_many = import("bank_transactions", csv, few);
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, core::errc::kTooLarge);
}

// A source that gives a header and two rows, then throws.
class ThrowingSource final : public TableSource {
 public:
  core::Result<std::optional<TableRow>> next() override {
    ++calls_;
    if (calls_ == 1)
      return std::optional(TableRow{1, {"id", "account_no", "time", "direction", "amount"}, {}});
    if (calls_ <= 3) {
      return std::optional(TableRow{
          calls_,
          {"T" + std::to_string(calls_), "6222021234567890123", "2025-03-01 10:00", "out", "1"},
          {}});
    }
    throw std::runtime_error("the disk went away");
  }
  TableFormat format() const override { return TableFormat::kCsv; }

 private:
  std::size_t calls_ = 0;
};

TEST_F(DbImporterBatches, AnExceptionInTheReaderThreadReachesTheCaller) {
  ThrowingSource source;
  ImportOptions o = batches_of(1);
  EXPECT_THROW(importer.run(*find_dataset("bank_transactions"), source, o), std::runtime_error);
  // Nothing hangs, and the connection pool is whole again.
  auto s = import("bank_transactions",
                  std::string(kHeader) + "T9,6222021234567890123,2025-03-01 10:00,out,1\n");
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 1u);
}

}  // namespace
}  // namespace mingjing::imports
