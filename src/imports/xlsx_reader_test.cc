// Tests for the xlsx reader: real archives written in the test with libzip
// (every XML part spelled out) and with libxlsxwriter (as Excel-like tools
// write them), read back row by row.
#include "imports/xlsx_reader.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <xlsxwriter.h>
#include <zip.h>

#include <cstring>
#include <string>
#include <vector>

#include "support/test_db.h"
#include "support/xlsx_builder.h"

namespace mingjing::imports {
namespace {

using xlsx_test::Book;
using xlsx_test::Sheet;
using Cells = std::vector<std::string>;

// A workbook with one sheet holding `rows`.
Book one_sheet(const std::string& rows) {
  Book book;
  book.sheets.push_back({"Sheet1", "xl/worksheets/sheet1.xml", rows});
  return book;
}

// Writes the book and opens it; fails the test when it does not open.
std::optional<XlsxReader> open_book(const testing::TempDir& dir, const Book& book,
                                    const XlsxLimits& limits = {}) {
  std::string path = dir.file("book.xlsx");
  xlsx_test::write_zip(path, book.parts());
  auto r = XlsxReader::open_file(path, limits);
  EXPECT_TRUE(r.ok()) << r.error().message;
  if (!r.ok()) return std::nullopt;
  return std::move(*r);
}

// Every row; fails the test on an error.
std::vector<XlsxRow> read_rows(XlsxReader& reader) {
  std::vector<XlsxRow> out;
  for (int guard = 0; guard < 100000; ++guard) {
    auto row = reader.next();
    EXPECT_TRUE(row.ok()) << row.error().message;
    if (!row.ok() || !row->has_value()) break;
    out.push_back(std::move(**row));
  }
  return out;
}

std::vector<XlsxRow> read_book(const Book& book) {
  testing::TempDir dir;
  auto reader = open_book(dir, book);
  if (!reader) return {};
  return read_rows(*reader);
}

// The first error next() returns (fails the test if none).
core::Error first_row_error(const Book& book, const XlsxLimits& limits = {}) {
  testing::TempDir dir;
  auto reader = open_book(dir, book, limits);
  if (!reader) return {};
  for (int guard = 0; guard < 100000; ++guard) {
    auto row = reader->next();
    if (!row.ok()) return row.error();
    if (!row->has_value()) break;
  }
  ADD_FAILURE() << "expected a row error";
  return {};
}

core::Error open_error(const std::string& path, const XlsxLimits& limits = {}) {
  auto r = XlsxReader::open_file(path, limits);
  EXPECT_FALSE(r.ok()) << "opened: " << path;
  return r.ok() ? core::Error{} : r.error();
}

// Styles with: 0 General, 1 built-in date 14, 2 custom yyyy/mm/dd, 3 custom
// date and time, 4 built-in 22 (m/d/yy h:mm), 5 built-in 20 (h:mm),
// 6 custom 0.00, 7 quoted text with d/m/s in it, 8 Chinese date (built-in
// 31, not defined in the file), 9 [Red] number, 10 mm:ss, 11 scientific.
std::string test_styles() {
  return xlsx_test::styles_xml({{164, "yyyy/mm/dd"},
                                {165, "yyyy\\-mm\\-dd\\ hh:mm:ss"},
                                {166, "0.00"},
                                {167, "#,##0.00&quot; days and months&quot;"},
                                {168, "[Red]#,##0.00;[Blue]\\-#,##0.00"},
                                {169, "mm:ss"},
                                {170, "0.00E+00"}},
                               {0, 14, 164, 165, 22, 20, 166, 167, 31, 168, 169, 170});
}

// --- cell values -------------------------------------------------------------------

TEST(XlsxReader, CellTypes) {
  Book book = one_sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><t>内联文本</t></is></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1234.5</v></c><c r=\"B2\" t=\"n\"><v>330782001001</v></c>"
      "<c r=\"C2\" t=\"b\"><v>1</v></c><c r=\"D2\" t=\"b\"><v>0</v></c>"
      "<c r=\"E2\" t=\"str\"><f>A1&amp;B1</f><v>代码名称</v></c>"
      "<c r=\"F2\"><f>1+1</f><v>2</v></c><c r=\"G2\" t=\"s\"><v>2</v></c></row>");
  book.shared = {"<t>代码</t>", "<t>名称</t>", "<t>A &amp; B &lt;c&gt; &#x4E2D;</t>"};
  auto rows = read_book(book);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].number, 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"代码", "名称", "内联文本"}));
  EXPECT_EQ(rows[1].number, 2u);
  EXPECT_EQ(rows[1].cells,
            (Cells{"1234.5", "330782001001", "true", "false", "代码名称", "2", "A & B <c> 中"}));
  EXPECT_TRUE(rows[1].issues.empty());
}

TEST(XlsxReader, GapsInColumnsAndRows) {
  // Columns A, C and AB; rows 1, 2, 5 and then one without r= (row 6);
  // cells without r= follow the previous one.
  auto rows = read_book(one_sheet(
      "<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"C1\"><v>3</v></c><c r=\"AB1\"><v>28</v></c>"
      "</row>"
      "<row r=\"2\"><c r=\"B2\"><v>2</v></c></row>"
      "<row r=\"5\" spans=\"1:3\"><c r=\"C5\" s=\"0\"/><c r=\"D5\"><v>4</v></c></row>"
      "<row><c><v>a</v></c><c r=\"c6\"><v>c</v></c><c><v>d</v></c></row>"
      "<row r=\"9\"><c r=\"A9\" s=\"0\"/><c r=\"B9\" t=\"s\"/></row>"));
  ASSERT_EQ(rows.size(), 5u);
  Cells first(28);
  first[0] = "1";
  first[2] = "3";
  first[27] = "28";
  EXPECT_EQ(rows[0].cells, first);
  EXPECT_EQ(rows[1].number, 2u);
  EXPECT_EQ(rows[1].cells, (Cells{"", "2"}));
  EXPECT_EQ(rows[2].number, 5u);
  EXPECT_EQ(rows[2].cells, (Cells{"", "", "", "4"}));  // the styled empty C5 is a gap
  EXPECT_EQ(rows[3].number, 6u);
  EXPECT_EQ(rows[3].cells, (Cells{"a", "", "c", "d"}));
  EXPECT_EQ(rows[4].number, 9u);
  EXPECT_TRUE(rows[4].cells.empty());  // formatted but empty: no cells
}

TEST(XlsxReader, RichTextSpacesAndEscapes) {
  Book book = one_sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
      "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
      "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c>"
      "<c r=\"G1\" t=\"inlineStr\"><is><r><t>义乌</t></r><r><rPr><b/></rPr>"
      "<t xml:space=\"preserve\"> 市</t></r></is></c></row>");
  book.shared = {
      // Rich text: runs joined, their formatting ignored.
      "<r><rPr><b/><sz val=\"11\"/></rPr><t>稠城</t></r><r><t xml:space=\"preserve\"> 街道 "
      "</t></r>",
      // Leading and trailing blanks: kept only with xml:space="preserve".
      "<t xml:space=\"preserve\">  前后空格 </t>", "<t>  去掉空格  </t>",
      // Phonetic runs are not part of the value.
      "<t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh><phoneticPr fontId=\"1\"/>",
      // Excel's escapes: a carriage return, a literal "_x0041_", an emoji.
      "<t>一_x000D_\n二 _x005F_x0041_ _xD83D__xDE00_</t>",
      // A blank-only preserved string and CDATA.
      "<t xml:space=\"preserve\"> </t><r><t><![CDATA[<b>]]></t></r>"};
  auto rows = read_book(book);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"稠城 街道 ", "  前后空格 ", "去掉空格", "東京",
                                  "一\r\n二 _x0041_ 😀", " <b>", "义乌 市"}));
}

TEST(XlsxReader, NumbersAreKeptAsWritten) {
  auto rows = read_book(one_sheet(
      "<row r=\"1\"><c><v>1234.5</v></c><c><v>0.1</v></c><c><v>-7</v></c><c><v>1.23E+5</v></c>"
      "<c><v>1.5E-3</v></c><c><v>-2.5e2</v></c><c><v>1E+21</v></c><c><v>3.30782001001E+11</v></c>"
      "<c><v>1.0E+0</v></c><c><v>-0E+0</v></c><c><v>0.30000000000000004</v></c>"
      "<c><v>12345678901234567890</v></c><c><v> 42 </v></c></row>"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells,
            (Cells{"1234.5", "0.1", "-7", "123000", "0.0015", "-250", "1000000000000000000000",
                   "330782001001", "1", "0", "0.30000000000000004", "12345678901234567890", "42"}));
}

TEST(XlsxReader, FormulaErrorsAreIssuesNotFailures) {
  auto rows = read_book(one_sheet(
      "<row r=\"3\"><c r=\"A3\"><v>1</v></c><c r=\"B3\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
      "<c r=\"C3\" t=\"e\"><v>#N/A</v></c><c r=\"D3\" t=\"s\"/></row>"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"1"}));
  ASSERT_EQ(rows[0].issues.size(), 2u);
  EXPECT_EQ(rows[0].issues[0].column, 1u);
  EXPECT_EQ(rows[0].issues[0].value, "#DIV/0!");
  EXPECT_EQ(rows[0].issues[0].reason, "单元格为公式错误值：#DIV/0!");
  EXPECT_EQ(rows[0].issues[1].column, 2u);
  EXPECT_EQ(rows[0].issues[1].reason, "单元格为公式错误值：#N/A");
}

// --- dates ---------------------------------------------------------------------------

TEST(XlsxReader, DateStylesGiveDates) {
  Book book = one_sheet(
      "<row r=\"1\"><c s=\"1\"><v>45683</v></c><c s=\"2\"><v>45683</v></c>"
      "<c s=\"3\"><v>45683.5</v></c><c s=\"4\"><v>45683.75</v></c><c s=\"5\"><v>0.5</v></c>"
      "<c s=\"8\"><v>45683</v></c><c s=\"10\"><v>0.0010416666666666667</v></c>"
      "<c s=\"1\"><v>45683.99999</v></c><c s=\"3\"><v>45683.999999</v></c>"
      "<c s=\"5\"><v>1.25</v></c><c s=\"3\"><v>4.5683E+4</v></c></row>"
      // Numbers in number styles stay numbers.
      "<row r=\"2\"><c s=\"0\"><v>45683</v></c><c s=\"6\"><v>45683</v></c>"
      "<c s=\"7\"><v>45683</v></c><c s=\"9\"><v>45683</v></c><c s=\"11\"><v>45683</v></c>"
      "<c s=\"99\"><v>45683</v></c><c s=\"1\" t=\"s\"><v>0</v></c></row>"
      // The edges of the 1900 system: 59 and 61 around the fictitious 60.
      "<row r=\"3\"><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c><c s=\"1\"><v>61</v></c>"
      "<c s=\"1\"><v>2958465</v></c></row>");
  book.styles = test_styles();
  book.shared = {"<t>2025-01-26</t>"};
  auto rows = read_book(book);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].cells,
            (Cells{"2025-01-26", "2025-01-26", "2025-01-26 12:00:00", "2025-01-26 18:00:00",
                   "12:00:00", "2025-01-26", "00:01:30", "2025-01-26", "2025-01-27 00:00:00",
                   "1900-01-01 06:00:00", "2025-01-26 00:00:00"}));
  EXPECT_TRUE(rows[0].issues.empty());
  EXPECT_EQ(rows[1].cells,
            (Cells{"45683", "45683", "45683", "45683", "45683", "45683", "2025-01-26"}));
  EXPECT_EQ(rows[2].cells, (Cells{"1900-01-01", "1900-02-28", "1900-03-01", "9999-12-31"}));
}

TEST(XlsxReader, Serial60AndOutOfRangeAreRefusedPerCell) {
  Book book = one_sheet(
      "<row r=\"7\"><c r=\"A7\"><v>x</v></c><c r=\"B7\" s=\"1\"><v>60</v></c>"
      "<c r=\"C7\" s=\"3\"><v>60.25</v></c><c r=\"D7\" s=\"1\"><v>0</v></c>"
      "<c r=\"E7\" s=\"1\"><v>2958466</v></c><c r=\"F7\" s=\"1\"><v>-1</v></c></row>");
  book.styles = test_styles();
  auto rows = read_book(book);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"x"}));
  ASSERT_EQ(rows[0].issues.size(), 5u);
  EXPECT_EQ(rows[0].issues[0].column, 1u);
  EXPECT_EQ(rows[0].issues[0].value, "60");
  EXPECT_EQ(rows[0].issues[0].reason, "Excel日期序列号60对应不存在的1900年2月29日");
  EXPECT_EQ(rows[0].issues[1].reason, "Excel日期序列号60对应不存在的1900年2月29日");
  for (std::size_t i = 2; i < 5; ++i) {
    EXPECT_EQ(rows[0].issues[i].column, i + 1);
    EXPECT_EQ(rows[0].issues[i].reason, "Excel日期序列号超出范围（应为1至2958465）");
  }
}

TEST(XlsxReader, Date1904System) {
  Book book = one_sheet(
      "<row r=\"1\"><c s=\"1\"><v>44221</v></c><c s=\"1\"><v>0</v></c><c s=\"1\"><v>60</v></c>"
      "<c s=\"3\"><v>44221.25</v></c><c><v>44221</v></c></row>");
  book.styles = test_styles();
  book.date1904 = true;
  testing::TempDir dir;
  auto reader = open_book(dir, book);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(reader->date1904());
  auto rows = read_rows(*reader);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells,
            (Cells{"2025-01-26", "1904-01-01", "1904-03-01", "2025-01-26 06:00:00", "44221"}));
  EXPECT_TRUE(rows[0].issues.empty());
}

TEST(XlsxReader, IsoDateCells) {
  auto rows = read_book(
      one_sheet("<row r=\"1\"><c t=\"d\"><v>2025-01-26T00:00:00</v></c>"
                "<c t=\"d\"><v>2025-01-26T08:30:15.000</v></c><c t=\"d\"><v>2025-01-26</v></c>"
                "<c t=\"d\"><v>2025-02-30T00:00:00</v></c></row>"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"2025-01-26", "2025-01-26 08:30:15", "2025-01-26"}));
  ASSERT_EQ(rows[0].issues.size(), 1u);
  EXPECT_EQ(rows[0].issues[0].column, 3u);
  EXPECT_EQ(rows[0].issues[0].reason, "日期单元格格式无效");
}

// --- which sheet ------------------------------------------------------------------------

TEST(XlsxReader, FirstSheetInWorkbookOrder) {
  // sheet2.xml is listed first in the workbook: it is the first tab.
  Book book;
  book.sheets.push_back({"区划", "xl/worksheets/sheet2.xml",
                         "<row r=\"1\"><c t=\"inlineStr\"><is><t>第一个标签</t>"
                         "</is></c></row>"});
  book.sheets.push_back({"Sheet1", "xl/worksheets/sheet1.xml",
                         "<row r=\"1\"><c t=\"inlineStr\"><is><t>sheet1.xml</t></is></c></row>"});
  testing::TempDir dir;
  auto reader = open_book(dir, book);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->sheet_name(), "区划");
  auto rows = read_rows(*reader);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"第一个标签"}));
}

TEST(XlsxReader, SkipsChartSheetsAndHiddenSheets) {
  Book book;
  book.sheets.push_back({"图表", "xl/chartsheets/sheet1.xml", "", "",
                         "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                         "chartsheet"});
  book.sheets.push_back({"隐藏", "xl/worksheets/sheet3.xml",
                         "<row r=\"1\"><c t=\"inlineStr\"><is><t>hidden</t></is></c></row>",
                         "hidden"});
  book.sheets.push_back({"数据", "xl/worksheets/sheet1.xml",
                         "<row r=\"1\"><c t=\"inlineStr\"><is><t>visible</t></is></c></row>"});
  testing::TempDir dir;
  auto reader = open_book(dir, book);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->sheet_name(), "数据");
  auto rows = read_rows(*reader);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"visible"}));

  // When every worksheet is hidden, the first one is read.
  book.sheets[2].state = "veryHidden";
  auto again = open_book(dir, book);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sheet_name(), "隐藏");
}

TEST(XlsxReader, PrefixedElementsCommentsAndCdata) {
  // The OpenXML SDK writes "x:" prefixes; a comment or CDATA holding a row
  // must not be taken for one.
  Book book = one_sheet("");
  auto parts = book.parts();
  parts["xl/worksheets/sheet1.xml"] =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>"
      "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<x:sheetData><!-- <x:row r=\"1\"><x:c><x:v>9</x:v></x:c></x:row> -->"
      "<x:row r=\"2\"><x:c r=\"B2\" t=\"inlineStr\"><x:is><x:t>甲</x:t></x:is></x:c></x:row>"
      "<x:row r=\"3\" x14ac:dyDescent=\"0.25\"><x:c r=\"A3\" t=\"str\"><x:v><![CDATA[<row "
      "r=\"4\">]]>"
      "</x:v></x:c></x:row><x:row r=\"5\" /></x:sheetData></x:worksheet>";
  testing::TempDir dir;
  std::string path = dir.file("prefixed.xlsx");
  xlsx_test::write_zip(path, parts);
  auto reader = XlsxReader::open_file(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto rows = read_rows(*reader);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].number, 2u);
  EXPECT_EQ(rows[0].cells, (Cells{"", "甲"}));
  EXPECT_EQ(rows[1].number, 3u);
  EXPECT_EQ(rows[1].cells, (Cells{"<row r=\"4\">"}));
  EXPECT_EQ(rows[2].number, 5u);
}

TEST(XlsxReader, NoSharedStringsOrStylesParts) {
  auto rows = read_book(one_sheet("<row r=\"1\"><c s=\"3\"><v>45683</v></c></row>"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"45683"}));  // no styles: a plain number
}

TEST(XlsxReader, EmptySheet) {
  auto rows = read_book(one_sheet(""));
  EXPECT_TRUE(rows.empty());
}

// --- refusing files -------------------------------------------------------------------------

TEST(XlsxReader, NotAZip) {
  testing::TempDir dir;
  std::string path = dir.file("fake.xlsx");
  xlsx_test::write_bytes(path, "code,name\n330000000000,浙江省\n");
  auto e = open_error(path);
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "文件不是有效的xlsx文件");
  EXPECT_EQ(e.field, "file");

  xlsx_test::write_bytes(path, "");
  EXPECT_EQ(open_error(path).message, "文件不是有效的xlsx文件");

  auto bytes = XlsxReader::open_bytes("PK\x03\x04 but not really a zip");
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().message, "文件不是有效的xlsx文件");
}

TEST(XlsxReader, MissingFile) {
  testing::TempDir dir;
  auto e = open_error(dir.file("none.xlsx"));
  EXPECT_EQ(e.code, core::errc::kNotFound);
  EXPECT_EQ(e.message, "找不到文件：" + dir.file("none.xlsx"));
  EXPECT_EQ(open_error(dir.path().string()).code, core::errc::kNotFound);
}

TEST(XlsxReader, ZipWithoutWorkbook) {
  testing::TempDir dir;
  std::string path = dir.file("other.zip");
  xlsx_test::write_zip(path, {{"readme.txt", "hello"}, {"docs/a.xml", "<a/>"}});
  auto e = open_error(path);
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "文件不是有效的xlsx文件：缺少工作簿 xl/workbook.xml");

  // A workbook whose relationships are missing.
  auto parts = one_sheet("").parts();
  parts.erase("xl/_rels/workbook.xml.rels");
  xlsx_test::write_zip(path, parts);
  EXPECT_EQ(open_error(path).message, "文件不是有效的xlsx文件：缺少 xl/_rels/workbook.xml.rels");

  // The sheet the workbook names is not in the archive.
  parts = one_sheet("").parts();
  parts.erase("xl/worksheets/sheet1.xml");
  xlsx_test::write_zip(path, parts);
  EXPECT_EQ(open_error(path).message,
            "文件不是有效的xlsx文件：缺少工作表 xl/worksheets/sheet1.xml");
}

TEST(XlsxReader, WorkbookWithoutWorksheets) {
  testing::TempDir dir;
  std::string path = dir.file("empty.xlsx");
  xlsx_test::write_zip(path, Book{}.parts());
  auto e = open_error(path);
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "xlsx文件中没有工作表");
}

TEST(XlsxReader, MalformedXml) {
  testing::TempDir dir;
  std::string path = dir.file("bad.xlsx");
  auto parts = one_sheet("").parts();
  parts["xl/workbook.xml"] = "<workbook><sheets><sheet name=\"a\"</sheets>";
  xlsx_test::write_zip(path, parts);
  EXPECT_EQ(open_error(path).message, "文件不是有效的xlsx文件：xl/workbook.xml 的XML格式错误");

  // A broken row fails next(), naming where.
  auto e = first_row_error(
      one_sheet("<row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</c></row>"));
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "第2行附近：文件不是有效的xlsx文件：工作表的XML格式错误");

  // A sheet cut off in the middle of a row.
  parts = one_sheet("").parts();
  parts["xl/worksheets/sheet1.xml"] = "<worksheet><sheetData><row r=\"1\"><c><v>1</v>";
  xlsx_test::write_zip(path, parts);
  auto reader = XlsxReader::open_file(path);
  ASSERT_TRUE(reader.ok());
  auto row = reader->next();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().message,
            "第1行附近：文件不是有效的xlsx文件：xl/worksheets/sheet1.xml 的XML不完整");

  // DTDs are refused (no entity tricks).
  parts["xl/worksheets/sheet1.xml"] =
      "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet><sheetData><row r=\"1\"><c><v>&a;</v></c>"
      "</row></sheetData></worksheet>";
  xlsx_test::write_zip(path, parts);
  reader = XlsxReader::open_file(path);
  ASSERT_TRUE(reader.ok());
  row = reader->next();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.error().message,
            "第1行附近：文件不是有效的xlsx文件：xl/worksheets/sheet1.xml 含有不支持的 DTD 声明");
}

TEST(XlsxReader, BadReferences) {
  EXPECT_EQ(first_row_error(one_sheet("<row r=\"4\"><c r=\"1A\"><v>1</v></c></row>")).message,
            "第4行：单元格位置无效：1A");
  EXPECT_EQ(first_row_error(one_sheet("<row r=\"0\"><c><v>1</v></c></row>")).message,
            "第1行附近：文件不是有效的xlsx文件：工作表行号无效：0");
  EXPECT_EQ(first_row_error(one_sheet("<row r=\"1048577\"/>")).message,
            "第1行附近：文件不是有效的xlsx文件：工作表行号无效：1048577");
  Book book = one_sheet("<row r=\"2\"><c t=\"s\"><v>1</v></c></row>");
  book.shared = {"<t>only</t>"};
  EXPECT_EQ(first_row_error(book).message, "第2行：共享字符串编号无效：1");
}

TEST(XlsxReader, TooManyColumns) {
  // Excel's own limit by default: XFD is the last column.
  auto ok = read_book(one_sheet("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>"));
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].cells.size(), 16384u);
  EXPECT_EQ(ok[0].cells.back(), "1");
  auto e = first_row_error(one_sheet("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"));
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "第1行：列数超过上限（16384列）");
  EXPECT_EQ(
      first_row_error(one_sheet("<row r=\"3\"><c r=\"ZZZZZZZZZZ3\"><v>1</v></c></row>")).message,
      "第3行：单元格位置无效：ZZZZZZZZZZ3");

  XlsxLimits limits;
  limits.max_columns = 10;
  EXPECT_EQ(
      first_row_error(one_sheet("<row r=\"2\"><c r=\"J2\"/><c r=\"K2\"><v>1</v></c></row>"), limits)
          .message,
      "第2行：列数超过上限（10列）");
}

TEST(XlsxReader, ErrorsAreSticky) {
  testing::TempDir dir;
  auto reader = open_book(
      dir, one_sheet("<row r=\"1\"><c r=\"1A\"/></row><row r=\"2\"><c><v>2</v></c></row>"));
  ASSERT_TRUE(reader);
  auto first = reader->next();
  ASSERT_FALSE(first.ok());
  auto again = reader->next();
  ASSERT_FALSE(again.ok()) << "a row after a failed one";
  EXPECT_EQ(again.error().message, first.error().message);
}

TEST(XlsxReader, SharedStringsMemoryIsCapped) {
  // A part of many tiny items: each costs its text and an 8-byte offset.
  Book book = one_sheet("<row r=\"1\"><c t=\"s\"><v>999</v></c></row>");
  for (int i = 0; i < 1000; ++i) book.shared.push_back("<t>ab</t>");
  XlsxLimits limits;
  limits.max_shared_strings_bytes = 64 * 1024;  // the part (~24 KB) fits
  testing::TempDir dir;
  auto reader = open_book(dir, book, limits);
  ASSERT_TRUE(reader);
  auto rows = read_rows(*reader);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].cells, (Cells{"ab"}));

  limits.max_part_bytes = 1 << 20;
  limits.max_shared_strings_bytes = 1000 * 10 - 1;  // 1000 x (2 + 8) bytes
  std::string path = dir.file("strings.xlsx");
  xlsx_test::write_zip(path, book.parts());
  // The part itself is larger than that: refused before it is read.
  auto e = open_error(path, limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.message.rfind("xlsx文件中的 xl/sharedStrings.xml 过大", 0), 0u) << e.message;
  // Items packed so densely ("<si/>") that their offsets outgrow the part.
  auto parts = book.parts();
  std::string sst = "<sst xmlns=\"" + std::string(xlsx_test::kMainNs) + "\">";
  for (int i = 0; i < 4000; ++i) sst += "<si/>";
  parts["xl/sharedStrings.xml"] = sst + "</sst>";
  xlsx_test::write_zip(path, parts);
  limits.max_shared_strings_bytes = 31 * 1024;  // the part is ~20 KB; 4000 x 8 is 31.25 KB
  e = open_error(path, limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.message, "xlsx文件中的共享字符串超过 31 KB 上限");
}

TEST(XlsxReader, RowTooLarge) {
  XlsxLimits limits;
  limits.max_row_bytes = 4096;
  std::string big = "<row r=\"1\"><c><v>1</v></c></row><row r=\"2\">";
  for (int i = 0; i < 500; ++i) big += "<c><v>12345</v></c>";
  big += "</row>";
  auto e = first_row_error(one_sheet(big), limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.message, "第2行附近：xlsx文件中的单个 <row> 元素超过 4 KB 上限");
  // The same row within the default limit reads.
  auto rows = read_book(one_sheet(big));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].cells.size(), 500u);
}

TEST(XlsxReader, FileTooLarge) {
  testing::TempDir dir;
  std::string path = dir.file("book.xlsx");
  xlsx_test::write_zip(path, one_sheet("<row r=\"1\"><c><v>1</v></c></row>").parts());
  auto size = std::filesystem::file_size(path);
  XlsxLimits limits;
  limits.max_file_bytes = size - 1;
  auto e = open_error(path, limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.field, "file");
  EXPECT_EQ(e.message.rfind("文件过大（", 0), 0u) << e.message;
  limits.max_file_bytes = size;
  EXPECT_TRUE(XlsxReader::open_file(path, limits).ok());
  EXPECT_FALSE(
      XlsxReader::open_bytes(xlsx_test::read_bytes(path), {.max_file_bytes = size - 1}).ok());
}

// Overwrites the uncompressed size an archive declares for `name`, in the
// local header and in the central directory, as a zip bomb would.
void set_declared_size(std::string& zip, const std::string& name, std::uint32_t size) {
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) zip[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  };
  auto get16 = [&](std::size_t at) {
    return static_cast<std::size_t>(static_cast<unsigned char>(zip[at]) |
                                    (static_cast<unsigned char>(zip[at + 1]) << 8));
  };
  int patched = 0;
  for (std::size_t i = 0; i + 46 < zip.size(); ++i) {
    if (zip.compare(i, 4, "PK\x03\x04") == 0 && zip.compare(i + 30, name.size(), name) == 0 &&
        get16(i + 26) == name.size()) {
      put32(i + 22, size);
      ++patched;
    }
    if (zip.compare(i, 4, "PK\x01\x02") == 0 && zip.compare(i + 46, name.size(), name) == 0 &&
        get16(i + 28) == name.size()) {
      put32(i + 24, size);
      ++patched;
    }
  }
  ASSERT_EQ(patched, 2) << "entry not found: " << name;
}

TEST(XlsxReader, HugeDeclaredSizeIsRefused) {
  testing::TempDir dir;
  std::string path = dir.file("bomb.xlsx");
  xlsx_test::write_zip(path, one_sheet("<row r=\"1\"><c><v>1</v></c></row>").parts());
  std::string bytes = xlsx_test::read_bytes(path);
  set_declared_size(bytes, "xl/worksheets/sheet1.xml", 0xF0000000u);  // 3840 MB
  xlsx_test::write_bytes(path, bytes);
  auto e = open_error(path);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.field, "file");
  EXPECT_EQ(e.message, "xlsx文件中的 xl/worksheets/sheet1.xml 过大（3840 MB），上限为 1024 MB");
  auto from_memory = XlsxReader::open_bytes(bytes);
  ASSERT_FALSE(from_memory.ok());
  EXPECT_EQ(from_memory.error().code, core::errc::kTooLarge);
}

TEST(XlsxReader, UncompressedTotalIsCapped) {
  std::string rows;
  for (int i = 1; i <= 5000; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c><v>" + std::to_string(i) + "</v></c></row>";
  }
  auto parts = one_sheet(rows).parts();
  testing::TempDir dir;
  std::string path = dir.file("big.xlsx");
  xlsx_test::write_zip(path, parts);
  // What the reader inflates: the package and workbook relationships, the
  // workbook and the sheet (no shared strings or styles in this book).
  const std::size_t sheet = parts["xl/worksheets/sheet1.xml"].size();
  const std::size_t total = sheet + parts["_rels/.rels"].size() + parts["xl/workbook.xml"].size() +
                            parts["xl/_rels/workbook.xml.rels"].size();
  auto kb = [](std::size_t bytes) { return std::to_string((bytes + 1023) / 1024) + " KB"; };

  // Honest sizes, but the sheet alone inflates past the limit: refused on open.
  XlsxLimits limits;
  limits.max_uncompressed_bytes = 64 * 1024;
  ASSERT_GT(sheet, limits.max_uncompressed_bytes);
  auto e = open_error(path, limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.message,
            "xlsx文件中的 xl/worksheets/sheet1.xml 过大（" + kb(sheet) + "），上限为 64 KB");

  // Every part counts against the total, not only the sheet.
  limits.max_uncompressed_bytes = total;
  EXPECT_TRUE(XlsxReader::open_file(path, limits).ok());
  limits.max_uncompressed_bytes = total - 1;
  e = open_error(path, limits);
  EXPECT_EQ(e.code, core::errc::kTooLarge);
  EXPECT_EQ(e.message, "xlsx文件解压后超过 " + kb(total - 1) + " 上限（可能是压缩炸弹）");
}

TEST(XlsxReader, LyingDeclaredSizeIsCaughtWhileReading) {
  // The archive says the sheet is small; it inflates to far more.
  std::string rows;
  for (int i = 1; i <= 20000; ++i) {
    rows += "<row r=\"" + std::to_string(i) + "\"><c><v>" + std::to_string(i) + "</v></c></row>";
  }
  testing::TempDir dir;
  std::string path = dir.file("liar.xlsx");
  xlsx_test::write_zip(path, one_sheet(rows).parts());
  std::string bytes = xlsx_test::read_bytes(path);
  set_declared_size(bytes, "xl/worksheets/sheet1.xml", 1000);
  XlsxLimits limits;
  limits.max_uncompressed_bytes = 256 * 1024;
  auto reader = XlsxReader::open_bytes(bytes, limits);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  core::Error error;
  std::size_t read = 0;
  for (int guard = 0; guard < 30000; ++guard) {
    auto row = reader->next();
    if (!row.ok()) {
      error = row.error();
      break;
    }
    if (!row->has_value()) break;
    ++read;
  }
  // Caught by counting what is inflated, about 256 KB into the sheet.
  EXPECT_GT(read, 1000u);
  EXPECT_LT(read, 20000u);
  EXPECT_EQ(error.code, core::errc::kTooLarge);
  EXPECT_EQ(error.message, "第" + std::to_string(read + 1) +
                               "行附近：xlsx文件解压后超过 256 KB 上限（可能是压缩炸弹）");
}

TEST(XlsxReader, ColumnLetters) {
  EXPECT_EQ(column_letters(0), "A");
  EXPECT_EQ(column_letters(25), "Z");
  EXPECT_EQ(column_letters(26), "AA");
  EXPECT_EQ(column_letters(27), "AB");
  EXPECT_EQ(column_letters(701), "ZZ");
  EXPECT_EQ(column_letters(702), "AAA");
  EXPECT_EQ(column_letters(16383), "XFD");
  EXPECT_TRUE(looks_like_zip("PK\x03\x04rest"));
  EXPECT_FALSE(looks_like_zip("code,name"));
  EXPECT_FALSE(looks_like_zip("\xD0\xCF\x11\xE0"));
}

// --- Excel-like files written by libxlsxwriter ---------------------------------------------

TEST(XlsxReader, ReadsWhatLibxlsxwriterWrites) {
  for (bool constant_memory : {false, true}) {  // shared strings, then inline strings
    SCOPED_TRACE(constant_memory ? "constant memory" : "shared strings");
    testing::TempDir dir;
    std::string path = dir.file("written.xlsx");
    lxw_workbook_options options = {};
    options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
    options.tmpdir = nullptr;
    lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
    ASSERT_NE(wb, nullptr);
    lxw_worksheet* first = workbook_add_worksheet(wb, "区划代码");
    lxw_worksheet* second = workbook_add_worksheet(wb, "备用");
    lxw_format* date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    lxw_format* stamp = workbook_add_format(wb);
    format_set_num_format(stamp, "yyyy-mm-dd hh:mm:ss");
    lxw_format* cn_date = workbook_add_format(wb);
    format_set_num_format(cn_date, "yyyy\"年\"m\"月\"d\"日\"");
    lxw_format* money = workbook_add_format(wb);
    format_set_num_format(money, "#,##0.00");
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);

    const char* header[] = {"code", "name", "level", "amount", "date", "time", "flag", "note"};
    for (int c = 0; c < 8; ++c) worksheet_write_string(first, 0, c, header[c], bold);
    worksheet_write_number(first, 1, 0, 330782001001, nullptr);
    worksheet_write_string(first, 1, 1, "稠城街道 \"一\" & <二>", nullptr);
    worksheet_write_string(first, 1, 2, "village", nullptr);
    worksheet_write_number(first, 1, 3, 1234.5, money);
    lxw_datetime day = {2025, 1, 26, 0, 0, 0};
    worksheet_write_datetime(first, 1, 4, &day, date);
    lxw_datetime moment = {2025, 1, 26, 8, 30, 15};
    worksheet_write_datetime(first, 1, 5, &moment, stamp);
    worksheet_write_boolean(first, 1, 6, 1, nullptr);
    worksheet_write_formula_str(first, 1, 7, "=B2&\"!\"", nullptr, "稠城街道!");
    // Row 3 left out; row 4 with a gap in column B and a Chinese date.
    worksheet_write_string(first, 3, 0, "  留空格  ", nullptr);
    worksheet_write_datetime(first, 3, 2, &day, cn_date);
    worksheet_write_number(first, 3, 3, 0.1, nullptr);
    worksheet_write_number(first, 3, 4, 1.5e-7, nullptr);
    worksheet_write_boolean(first, 3, 6, 0, nullptr);
    if (!constant_memory) {
      lxw_rich_string_tuple part1 = {bold, const_cast<char*>("义乌")};
      lxw_rich_string_tuple part2 = {nullptr, const_cast<char*>("市")};
      lxw_rich_string_tuple* rich[] = {&part1, &part2, nullptr};
      worksheet_write_rich_string(first, 3, 7, rich, nullptr);
    }
    worksheet_write_string(second, 0, 0, "不应读到", nullptr);
    ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

    auto reader = XlsxReader::open_file(path);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    EXPECT_EQ(reader->sheet_name(), "区划代码");
    EXPECT_FALSE(reader->date1904());
    auto rows = read_rows(*reader);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].number, 1u);
    EXPECT_EQ(rows[0].cells,
              (Cells{"code", "name", "level", "amount", "date", "time", "flag", "note"}));
    EXPECT_EQ(rows[1].number, 2u);
    EXPECT_EQ(rows[1].cells, (Cells{"330782001001", "稠城街道 \"一\" & <二>", "village", "1234.5",
                                    "2025-01-26", "2025-01-26 08:30:15", "true", "稠城街道!"}));
    EXPECT_EQ(rows[2].number, 4u);
    Cells fourth{"  留空格  ", "", "2025-01-26", "0.1", "0.00000015", "", "false", "义乌市"};
    if (constant_memory) fourth.pop_back();  // no rich string: the empty tail is dropped
    EXPECT_EQ(rows[2].cells, fourth);
    for (const auto& row : rows) EXPECT_TRUE(row.issues.empty());
  }
}

// --- streaming ----------------------------------------------------------------------------------

// A worksheet part generated on the fly for libzip, so that neither writing
// nor reading the test file holds the whole sheet XML in memory.
struct GeneratedSheet {
  std::size_t rows = 0;
  std::size_t next = 0;
  int stage = 0;  // 0 head, 1 rows, 2 tail, 3 done
  std::string pending;
  std::size_t offset = 0;
  zip_error_t error;

  void refill() {
    pending.clear();
    offset = 0;
    if (stage == 0) {
      pending =
          xlsx_test::xml_head() + "<worksheet xmlns=\"" + xlsx_test::kMainNs + "\"><sheetData>";
      stage = 1;
    } else if (stage == 1) {
      for (int k = 0; k < 1000 && next < rows; ++k) {
        std::string n = std::to_string(++next);
        pending += "<row r=\"" + n + "\"><c r=\"A" + n + "\" t=\"s\"><v>0</v></c><c r=\"B" + n +
                   "\"><v>" + n + "</v></c><c r=\"C" + n +
                   "\" t=\"inlineStr\"><is><t>村民小组</t></is></c></row>";
      }
      if (next == rows) stage = 2;
    } else if (stage == 2) {
      pending = "</sheetData></worksheet>";
      stage = 3;
    }
  }

  static zip_int64_t callback(void* state, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<GeneratedSheet*>(state);
    switch (cmd) {
      case ZIP_SOURCE_OPEN:
        self->next = 0;
        self->stage = 0;
        self->pending.clear();
        self->offset = 0;
        return 0;
      case ZIP_SOURCE_READ: {
        auto* out = static_cast<char*>(data);
        zip_uint64_t done = 0;
        while (done < len) {
          if (self->offset == self->pending.size()) {
            if (self->stage == 3) break;
            self->refill();
            continue;
          }
          std::size_t n = std::min<std::size_t>(len - done, self->pending.size() - self->offset);
          std::memcpy(out + done, self->pending.data() + self->offset, n);
          self->offset += n;
          done += n;
        }
        return static_cast<zip_int64_t>(done);
      }
      case ZIP_SOURCE_CLOSE:
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_STAT: {
        auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &self->error);
        if (!st) return -1;
        zip_stat_init(st);
        return sizeof(*st);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self->error, data, len);
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
      default:
        zip_error_set(&self->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
};

long max_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(XlsxReader, MillionRowsStreamInLittleMemory) {
  constexpr std::size_t kRows = 1000000;  // ~110 MB of sheet XML
  testing::TempDir dir;
  std::string path = dir.file("million.xlsx");
  Book book = one_sheet("");
  book.shared = {"<t>代码</t>"};
  auto parts = book.parts();
  parts.erase("xl/worksheets/sheet1.xml");
  {
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    ASSERT_NE(z, nullptr);
    for (const auto& [name, content] : parts) {
      zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
      ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0);
    }
    GeneratedSheet sheet;
    sheet.rows = kRows;
    zip_error_init(&sheet.error);
    zip_source_t* src = zip_source_function(z, &GeneratedSheet::callback, &sheet);
    ASSERT_NE(src, nullptr);
    ASSERT_GE(zip_file_add(z, "xl/worksheets/sheet1.xml", src, 0), 0);
    ASSERT_EQ(zip_close(z), 0) << "zip_close failed";
    zip_error_fini(&sheet.error);
  }
  long before = max_rss_kb();
  auto reader = XlsxReader::open_file(path);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  std::size_t count = 0;
  XlsxRow last;
  while (true) {
    auto row = reader->next();
    ASSERT_TRUE(row.ok()) << row.error().message;
    if (!row->has_value()) break;
    ++count;
    last = std::move(**row);
  }
  long grown_mb = (max_rss_kb() - before) / 1024;
  EXPECT_EQ(count, kRows);
  EXPECT_EQ(last.number, kRows);
  EXPECT_EQ(last.cells, (Cells{"代码", std::to_string(kRows), "村民小组"}));
  // A DOM of the sheet would need several times the XML's 110 MB.
  EXPECT_LT(grown_mb, 32) << "peak memory grew by " << grown_mb << " MB";
}

}  // namespace
}  // namespace mingjing::imports
