// Tests for table sources: CSV text and xlsx sheets as header + rows, and
// opening an import file of either kind by its content.
#include "imports/table_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_db.h"
#include "support/xlsx_builder.h"

namespace mingjing::imports {
namespace {

using Cells = std::vector<std::string>;

std::vector<TableRow> read_all(TableSource& source) {
  std::vector<TableRow> out;
  for (int guard = 0; guard < 1000; ++guard) {
    auto row = source.next();
    EXPECT_TRUE(row.ok()) << row.error().message;
    if (!row.ok() || !row->has_value()) break;
    out.push_back(std::move(**row));
  }
  return out;
}

// A one-sheet workbook of region rows: header in row 1, a blank formatted
// row 2, data in rows 3 and 5 (the code as a number, as Excel stores it when
// typed), a #N/A in row 6.
xlsx_test::Book region_book() {
  xlsx_test::Book book;
  book.sheets.emplace_back(
      "区划", "xl/worksheets/sheet1.xml",
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c></row>"
      "<row r=\"2\" s=\"1\" customFormat=\"1\"><c r=\"A2\" s=\"1\"/></row>"
      "<row r=\"3\"><c r=\"A3\"><v>330782001001</v></c><c r=\"B3\" t=\"s\"><v>3</v></c>"
      "<c r=\"C3\" t=\"inlineStr\"><is><t>village</t></is></c></row>"
      "<row r=\"5\"><c r=\"A5\"><v>3.30782001002E+11</v></c><c r=\"B5\" t=\"str\"><v>新村</v></c>"
      "<c r=\"C5\" t=\"inlineStr\"><is><t>village</t></is></c></row>"
      "<row r=\"6\"><c r=\"A6\" t=\"e\"><v>#N/A</v></c></row>");
  book.shared = {"<t>code</t>", "<t>名称</t>", "<t>level</t>", "<t>江滨社区</t>"};
  return book;
}

TEST(CsvSource, RowsWithTheirLines) {
  auto source = csv_source("code,name\n\"33\n01\",甲\n\n1,2");
  EXPECT_EQ(source->format(), TableFormat::kCsv);
  auto rows = read_all(*source);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].number, 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"code", "name"}));
  EXPECT_EQ(rows[1].number, 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"33\n01", "甲"}));
  EXPECT_EQ(rows[2].number, 4u);  // a blank line is a record of one empty cell
  EXPECT_EQ(rows[2].cells, (Cells{""}));
  EXPECT_EQ(rows[3].number, 5u);
  EXPECT_TRUE(rows[3].issues.empty());
}

TEST(CsvSource, ParseErrorsPassThrough) {
  auto source = csv_source("a\n\"open\n");
  ASSERT_TRUE(source->next().ok());
  auto row = source->next();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().message, "第2行：引号未闭合");
}

TEST(XlsxSource, SheetRowsSkippingEmptyOnes) {
  testing::TempDir dir;
  std::string path = dir.file("regions.xlsx");
  xlsx_test::write_zip(path, region_book().parts());
  auto reader = XlsxReader::open_file(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto source = xlsx_source(std::move(*reader));
  EXPECT_EQ(source->format(), TableFormat::kXlsx);
  auto rows = read_all(*source);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].number, 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"code", "名称", "level"}));
  EXPECT_EQ(rows[1].number, 3u);  // row 2 is formatted but empty
  EXPECT_EQ(rows[1].cells, (Cells{"330782001001", "江滨社区", "village"}));
  EXPECT_EQ(rows[2].number, 5u);
  EXPECT_EQ(rows[2].cells, (Cells{"330782001002", "新村", "village"}));
  EXPECT_EQ(rows[3].number, 6u);  // no text, but an unreadable cell: kept
  EXPECT_TRUE(rows[3].cells.empty());
  ASSERT_EQ(rows[3].issues.size(), 1u);
  EXPECT_EQ(rows[3].issues[0].column, 0u);
  EXPECT_EQ(rows[3].issues[0].value, "#N/A");
}

// --- opening files ------------------------------------------------------------------

TEST(OpenTableFile, CsvInEachEncoding) {
  testing::TempDir dir;
  xlsx_test::write_bytes(dir.file("utf8.csv"), "code,名称\n1,甲\n");
  xlsx_test::write_bytes(dir.file("gbk.csv"), "code,name\n1,\xD5\xE3\xBD\xAD\n");
  auto utf8 = open_table_file(dir.file("utf8.csv"), 1 << 20);
  ASSERT_TRUE(utf8.ok()) << utf8.error().message;
  EXPECT_EQ(utf8->format, TableFormat::kCsv);
  EXPECT_EQ(utf8->encoding_name(), "UTF-8");
  auto rows = read_all(*utf8->source);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].cells, (Cells{"code", "名称"}));

  auto gbk = open_table_file(dir.file("gbk.csv"), 1 << 20);
  ASSERT_TRUE(gbk.ok()) << gbk.error().message;
  EXPECT_EQ(gbk->encoding_name(), "GB18030");
  rows = read_all(*gbk->source);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"1", "浙江"}));
}

TEST(OpenTableFile, WorkbookRecognisedByContent) {
  testing::TempDir dir;
  // Named .csv, but a zip archive: read as a workbook.
  for (const char* name : {"regions.xlsx", "regions.csv", "regions"}) {
    SCOPED_TRACE(name);
    xlsx_test::write_zip(dir.file(name), region_book().parts());
    auto table = open_table_file(dir.file(name), 1 << 20);
    ASSERT_TRUE(table.ok()) << table.error().message;
    EXPECT_EQ(table->format, TableFormat::kXlsx);
    EXPECT_EQ(table->encoding_name(), "xlsx");
    auto rows = read_all(*table->source);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[2].cells, (Cells{"330782001002", "新村", "village"}));
  }
  auto bytes = open_table_bytes(xlsx_test::read_bytes(dir.file("regions")), "上传.xlsx", 1 << 20);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(bytes->format, TableFormat::kXlsx);
  EXPECT_EQ(read_all(*bytes->source).size(), 4u);
}

TEST(OpenTableFile, RefusesWhatIsNotAWorkbook) {
  testing::TempDir dir;
  // CSV text named .xlsx: the user expects a workbook; say it is not one.
  xlsx_test::write_bytes(dir.file("fake.XLSX"), "code,name\n");
  auto fake = open_table_file(dir.file("fake.XLSX"), 1 << 20);
  ASSERT_FALSE(fake.ok());
  EXPECT_EQ(fake.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(fake.error().message, "文件不是有效的xlsx文件");
  EXPECT_EQ(fake.error().field, "file");
  EXPECT_FALSE(open_table_bytes("code,name\n", "a.xlsm", 1 << 20).ok());

  // Legacy .xls and encrypted workbooks are OLE compound files.
  const std::string ole = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(504, '\0');
  xlsx_test::write_bytes(dir.file("old.xls"), ole);
  auto old = open_table_file(dir.file("old.xls"), 1 << 20);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().message,
            "不支持旧版Excel（.xls）或加密的Excel文件，请另存为 .xlsx 或 CSV 后再导入");
  EXPECT_FALSE(open_table_bytes(ole, "x.xlsx", 1 << 20).ok());

  // A zip that is not a workbook.
  xlsx_test::write_zip(dir.file("other.zip"), {{"a.txt", "hello"}});
  auto zip = open_table_file(dir.file("other.zip"), 1 << 20);
  ASSERT_FALSE(zip.ok());
  EXPECT_EQ(zip.error().message, "文件不是有效的xlsx文件：缺少工作簿 xl/workbook.xml");
}

TEST(OpenTableFile, MissingAndTooLarge) {
  testing::TempDir dir;
  auto missing = open_table_file(dir.file("none.csv"), 1 << 20);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::errc::kNotFound);
  EXPECT_EQ(missing.error().message, "找不到文件：" + dir.file("none.csv"));

  xlsx_test::write_zip(dir.file("book.xlsx"), region_book().parts());
  auto size = std::filesystem::file_size(dir.file("book.xlsx"));
  // The caller's limit applies to workbooks too, even under XlsxLimits'.
  auto big = open_table_file(dir.file("book.xlsx"), size - 1);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, core::errc::kTooLarge);
  EXPECT_TRUE(open_table_file(dir.file("book.xlsx"), size).ok());

  xlsx_test::write_bytes(dir.file("big.csv"), std::string(2 * 1024 * 1024, 'a'));
  auto csv = open_table_file(dir.file("big.csv"), 1024 * 1024);
  ASSERT_FALSE(csv.ok());
  EXPECT_EQ(csv.error().message, "文件过大（2 MB），上限为 1 MB");
  auto upload = open_table_bytes(std::string(2 * 1024 * 1024, 'a'), "a.csv", 1024 * 1024);
  ASSERT_FALSE(upload.ok());
  EXPECT_EQ(upload.error().code, core::errc::kTooLarge);
  EXPECT_EQ(upload.error().message, "文件过大（2 MB），上限为 1 MB");
}

}  // namespace
}  // namespace mingjing::imports
