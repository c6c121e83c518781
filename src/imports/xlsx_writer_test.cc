// Tests for the xlsx writer: what it writes reads back through our own
// reader (and so through any spreadsheet program) with the same cells.
#include "imports/xlsx_writer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "imports/table_source.h"

namespace mingjing::imports {
namespace {

std::vector<std::vector<std::string>> read_back(std::string bytes) {
  auto file = open_table_bytes(std::move(bytes), "out.xlsx", 64u << 20);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
  std::vector<std::vector<std::string>> rows;
  if (!file.ok()) return rows;
  EXPECT_EQ(file->format, TableFormat::kXlsx);
  while (true) {
    auto row = file->source->next();
    EXPECT_TRUE(row.ok());
    if (!row.ok() || !*row) break;
    rows.push_back((*row)->cells);
  }
  return rows;
}

TEST(SheetWriter, WritesHeaderTextAndNumbersThatReadBack) {
  auto writer = SheetWriter::create("错误报告", {"行号", "列", "值", "原因"});
  ASSERT_TRUE(writer.ok());
  writer->add_row({SheetCell::of(2.0), SheetCell::of("id_number"),
                   SheetCell::of("330782199001011234"), SheetCell::of("身份证号校验位不正确")});
  writer->add_row(
      {SheetCell::of(5.0), SheetCell::of("amount"), SheetCell{}, SheetCell::of("金额不能为负数")});
  EXPECT_EQ(writer->rows(), 2u);
  auto bytes = writer->finish();
  ASSERT_TRUE(bytes.ok());
  auto rows = read_back(std::move(*bytes));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"行号", "列", "值", "原因"}));
  EXPECT_EQ(rows[1][0], "2");
  EXPECT_EQ(rows[1][2], "330782199001011234");  // text stays text, no 3.3E+17
  EXPECT_EQ(rows[1][3], "身份证号校验位不正确");
  EXPECT_EQ(rows[2][2], "");
}

TEST(SheetWriter, ManyRowsStreamAndLongCellsAreCut) {
  auto writer = SheetWriter::create(
      "一个名字超过三十一个字符的工作表名称会被截断以免Excel拒绝打开[x]", {"a"});
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 20000; ++i) writer->add_row({SheetCell::of(static_cast<double>(i))});
  writer->add_row({SheetCell::of(std::string(40000, 'x'))});
  auto bytes = writer->finish();
  ASSERT_TRUE(bytes.ok());
  auto rows = read_back(std::move(*bytes));
  ASSERT_EQ(rows.size(), 20002u);
  EXPECT_EQ(rows[20000][0], "19999");
  EXPECT_EQ(rows[20001][0].size(), 32000u);
}

TEST(SheetWriter, LeavesNoTemporaryFileBehind) {
  // A private temporary directory, so files of other tests running at the
  // same time do not count.
  std::string dir = (std::filesystem::temp_directory_path() / "mingjing-xlsx-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  std::string saved = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "";
  setenv("TMPDIR", dir.c_str(), 1);
  {
    auto finished = SheetWriter::create("s", {"a"});
    ASSERT_TRUE(finished.ok());
    ASSERT_TRUE(finished->finish().ok());
    auto abandoned = SheetWriter::create("s", {"a"});
    ASSERT_TRUE(abandoned.ok());
    abandoned->add_row({SheetCell::of("x")});
    EXPECT_FALSE(std::filesystem::is_empty(dir));  // the test looks in the right place
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  if (saved.empty()) {
    unsetenv("TMPDIR");
  } else {
    setenv("TMPDIR", saved.c_str(), 1);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace mingjing::imports
