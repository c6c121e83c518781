// Tests for the CSV reader, encoding detection and conversion, and file loading.
#include "imports/csv_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "support/test_db.h"

namespace mingjing::imports {
namespace {

using Records = std::vector<std::vector<std::string>>;

// Reads every record; fails the test on a parse error.
Records read_all(const std::string& text) {
  CsvReader reader(text);
  Records out;
  while (true) {
    auto rec = reader.next();
    EXPECT_TRUE(rec.ok()) << rec.error().message;
    if (!rec.ok() || !rec->has_value()) break;
    out.push_back(**rec);
  }
  return out;
}

// Reads until the first error and returns it (fails the test if none).
core::Error first_error(const std::string& text) {
  CsvReader reader(text);
  for (int guard = 0; guard < 100; ++guard) {
    auto rec = reader.next();
    if (!rec.ok()) return rec.error();
    if (!rec->has_value()) break;
  }
  ADD_FAILURE() << "expected a parse error for: " << text;
  return {};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// "浙江" and "义乌市" in GBK (also valid GB18030), built by hand.
const std::string kGbkZhejiang = "\xD5\xE3\xBD\xAD";
const std::string kGbkYiwu = "\xD2\xE5\xCE\xDA\xCA\xD0";

// --- RFC 4180 parsing -------------------------------------------------------

TEST(CsvReader, SimpleRecordsAndEnd) {
  CsvReader reader("a,b,c\n1,2,3\n");
  auto r1 = reader.next();
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(r1->has_value());
  EXPECT_EQ(**r1, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(reader.record_line(), 1u);
  auto r2 = reader.next();
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(r2->has_value());
  EXPECT_EQ(**r2, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(reader.record_line(), 2u);
  auto end = reader.next();
  ASSERT_TRUE(end.ok());
  EXPECT_FALSE(end->has_value());
  // Stays at the end.
  auto again = reader.next();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
}

TEST(CsvReader, EmptyTextHasNoRecords) {
  EXPECT_TRUE(read_all("").empty());
}

TEST(CsvReader, TrailingNewlineDoesNotAddARecord) {
  EXPECT_EQ(read_all("a,b\n"), (Records{{"a", "b"}}));
  EXPECT_EQ(read_all("a,b"), (Records{{"a", "b"}}));
  EXPECT_EQ(read_all("a,b\r\n"), (Records{{"a", "b"}}));
}

TEST(CsvReader, QuotedCommas) {
  EXPECT_EQ(read_all("\"a,b\",c\n\"1,2,3\"\n"), (Records{{"a,b", "c"}, {"1,2,3"}}));
}

TEST(CsvReader, DoubledQuotesAreOneQuote) {
  EXPECT_EQ(read_all("\"say \"\"hi\"\"\",x\n"), (Records{{"say \"hi\"", "x"}}));
  EXPECT_EQ(read_all("\"\"\"\"\n"), (Records{{"\""}}));
  EXPECT_EQ(read_all("\"a\"\"\",b"), (Records{{"a\"", "b"}}));
}

TEST(CsvReader, NewlinesInsideQuotesAndLineNumbers) {
  CsvReader reader("h1,h2\n\"line1\nline2\",z\nnext,\"x\r\ny\"\r\nlast,row\n");
  auto r1 = reader.next();
  ASSERT_TRUE(r1.ok() && r1->has_value());
  EXPECT_EQ(reader.record_line(), 1u);
  auto r2 = reader.next();
  ASSERT_TRUE(r2.ok() && r2->has_value());
  EXPECT_EQ(**r2, (std::vector<std::string>{"line1\nline2", "z"}));
  EXPECT_EQ(reader.record_line(), 2u);
  auto r3 = reader.next();
  ASSERT_TRUE(r3.ok() && r3->has_value());
  // A CRLF inside quotes is part of the value.
  EXPECT_EQ(**r3, (std::vector<std::string>{"next", "x\r\ny"}));
  EXPECT_EQ(reader.record_line(), 4u);
  auto r4 = reader.next();
  ASSERT_TRUE(r4.ok() && r4->has_value());
  EXPECT_EQ(**r4, (std::vector<std::string>{"last", "row"}));
  EXPECT_EQ(reader.record_line(), 6u);
}

TEST(CsvReader, CrlfLineEndings) {
  EXPECT_EQ(read_all("a,b\r\nc,d\r\n"), (Records{{"a", "b"}, {"c", "d"}}));
  CsvReader reader("a\r\nb\r\nc\r\n");
  for (std::size_t line = 1; line <= 3; ++line) {
    auto r = reader.next();
    ASSERT_TRUE(r.ok() && r->has_value());
    EXPECT_EQ(reader.record_line(), line);
  }
}

TEST(CsvReader, EmptyFields) {
  EXPECT_EQ(read_all(",,\n"), (Records{{"", "", ""}}));
  EXPECT_EQ(read_all("a,\n,b\n"), (Records{{"a", ""}, {"", "b"}}));
  EXPECT_EQ(read_all("\"\",x,\"\"\n"), (Records{{"", "x", ""}}));
  // A blank line is one record with one empty field.
  EXPECT_EQ(read_all("a\n\nb\n"), (Records{{"a"}, {""}, {"b"}}));
}

TEST(CsvReader, KeepsSpacesAndChineseText) {
  EXPECT_EQ(read_all(" 浙江省 ,义乌市\n"), (Records{{" 浙江省 ", "义乌市"}}));
}

// --- parse errors -------------------------------------------------------------

TEST(CsvReader, UnterminatedQuoteNamesTheRecordLine) {
  auto e = first_error("a,b\n\"open,\nmore\n");
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "第2行：引号未闭合");
}

TEST(CsvReader, QuoteInsideUnquotedField) {
  auto e = first_error("a,b\nc,d\nab\"c,d\n");
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "第3行：引号位置不正确");
}

TEST(CsvReader, CharactersAfterClosingQuote) {
  auto e = first_error("\"ab\"c,d\n");
  EXPECT_EQ(e.code, core::errc::kInvalidArgument);
  EXPECT_EQ(e.message, "第1行：引号后有多余字符");
  // A space after the closing quote is not allowed either, and the line is
  // the one where the bad character is.
  EXPECT_EQ(first_error("x\n\"a\nb\" ,c\n").message, "第3行：引号后有多余字符");
}

// --- encodings ------------------------------------------------------------------

TEST(Encoding, Names) {
  EXPECT_EQ(to_string(Encoding::kUtf8), "UTF-8");
  EXPECT_EQ(to_string(Encoding::kUtf8Bom), "UTF-8 (BOM)");
  EXPECT_EQ(to_string(Encoding::kGb18030), "GB18030");
}

TEST(Encoding, DetectsUtf8BomAndGbk) {
  EXPECT_EQ(detect_encoding(""), Encoding::kUtf8);
  EXPECT_EQ(detect_encoding("code,name\n"), Encoding::kUtf8);
  EXPECT_EQ(detect_encoding("浙江,义乌市"), Encoding::kUtf8);
  EXPECT_EQ(detect_encoding("\xEF\xBB\xBF"
                            "code,名称"),
            Encoding::kUtf8Bom);
  EXPECT_EQ(detect_encoding(kGbkZhejiang), Encoding::kGb18030);
  EXPECT_EQ(detect_encoding("code,name\n1," + kGbkYiwu + "\n"), Encoding::kGb18030);
}

TEST(Encoding, HeadCutMidCharacterIsStillUtf8) {
  std::string zhe = "浙";  // E6 B5 99
  ASSERT_EQ(zhe.size(), 3u);
  EXPECT_EQ(detect_encoding("abc" + zhe.substr(0, 2)), Encoding::kUtf8);
}

TEST(Encoding, MalformedUtf8IsNotUtf8) {
  EXPECT_EQ(detect_encoding("\xC0\x80"), Encoding::kGb18030);          // overlong NUL
  EXPECT_EQ(detect_encoding("\xE0\x80\x80x"), Encoding::kGb18030);     // overlong 3-byte
  EXPECT_EQ(detect_encoding("\xED\xA0\x80x"), Encoding::kGb18030);     // UTF-16 surrogate
  EXPECT_EQ(detect_encoding("\xF4\x90\x80\x80"), Encoding::kGb18030);  // above U+10FFFF
  EXPECT_EQ(detect_encoding("\xFF"), Encoding::kGb18030);
}

TEST(ToUtf8, PassesValidUtf8Through) {
  auto r = to_utf8("code,名称\n𠀀", Encoding::kUtf8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "code,名称\n𠀀");
}

TEST(ToUtf8, StripsBom) {
  auto r = to_utf8(
      "\xEF\xBB\xBF"
      "a,浙江",
      Encoding::kUtf8Bom);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "a,浙江");
}

TEST(ToUtf8, ConvertsGbkAndGb18030) {
  auto r = to_utf8(kGbkZhejiang + "," + kGbkYiwu + "\r\n", Encoding::kGb18030);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "浙江,义乌市\r\n");
  // Four-byte GB18030 sequences: U+00A5 and U+20000.
  auto four = to_utf8("\x81\x30\x84\x36|\x95\x32\x82\x36", Encoding::kGb18030);
  ASSERT_TRUE(four.ok()) << four.error().message;
  EXPECT_EQ(*four, "¥|𠀀");
}

TEST(ToUtf8, LargeGbkTextFitsTheOutputBuffer) {
  std::string gbk, expected;
  for (int i = 0; i < 50000; ++i) {
    gbk += kGbkZhejiang + "\x95\x32\x82\x36";
    expected += "浙江𠀀";
  }
  auto r = to_utf8(gbk, Encoding::kGb18030);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, expected);
}

TEST(ToUtf8, RejectsInvalidUtf8) {
  for (std::string bad : {std::string("abc\xFF"), std::string("\xC3"), std::string("\xC3(x"),
                          std::string("\xED\xA0\x80"), std::string("\xE0\x80\x80")}) {
    auto r = to_utf8(bad, Encoding::kUtf8);
    ASSERT_FALSE(r.ok()) << "accepted: " << bad;
    EXPECT_EQ(r.error().code, core::errc::kInvalidArgument);
    EXPECT_EQ(r.error().message, "文件不是有效的 UTF-8 编码");
  }
  auto bom = to_utf8("\xEF\xBB\xBF\xFF", Encoding::kUtf8Bom);
  ASSERT_FALSE(bom.ok());
  EXPECT_EQ(bom.error().message, "文件不是有效的 UTF-8 编码");
}

TEST(ToUtf8, RejectsInvalidGb18030) {
  for (std::string bad : {std::string("\xD5"), kGbkZhejiang + "\xFF\xFF",
                          std::string("ab\x80"
                                      "cd")}) {
    auto r = to_utf8(bad, Encoding::kGb18030);
    ASSERT_FALSE(r.ok()) << "accepted a bad GB18030 sequence";
    EXPECT_EQ(r.error().code, core::errc::kInvalidArgument);
    EXPECT_EQ(r.error().message, "无法识别文件编码（应为 UTF-8 或 GBK/GB18030）");
  }
}

// --- files ------------------------------------------------------------------------

TEST(LoadTextFile, NotFound) {
  testing::TempDir dir;
  std::string path = dir.file("missing.csv");
  auto r = load_text_file(path, 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kNotFound);
  EXPECT_EQ(r.error().message, "找不到文件：" + path);
}

TEST(LoadTextFile, TooLarge) {
  testing::TempDir dir;
  std::string path = dir.file("big.csv");
  write_file(path, std::string(3 * 1024 * 1024 / 2, 'a'));  // 1.5 MiB
  auto r = load_text_file(path, 1024 * 1024);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kTooLarge);
  EXPECT_EQ(r.error().field, "file");
  // The size is rounded up, so it never reads as equal to the limit.
  EXPECT_EQ(r.error().message, "文件过大（2 MB），上限为 1 MB");
}

TEST(LoadTextFile, ExactlyTheLimitIsAccepted) {
  testing::TempDir dir;
  std::string path = dir.file("edge.csv");
  write_file(path, "a,b\n");
  auto r = load_text_file(path, 4);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->text, "a,b\n");
  EXPECT_FALSE(load_text_file(path, 3).ok());
}

TEST(LoadTextFile, DetectsAndConvertsEachEncoding) {
  testing::TempDir dir;
  write_file(dir.file("utf8.csv"), "代码,名称\n");
  write_file(dir.file("bom.csv"), "\xEF\xBB\xBF代码,名称\n");
  write_file(dir.file("gbk.csv"), "code,name\n330000000000," + kGbkZhejiang + "\n");
  write_file(dir.file("empty.csv"), "");

  auto utf8 = load_text_file(dir.file("utf8.csv"), 1 << 20);
  ASSERT_TRUE(utf8.ok());
  EXPECT_EQ(utf8->encoding, Encoding::kUtf8);
  EXPECT_EQ(utf8->text, "代码,名称\n");

  auto bom = load_text_file(dir.file("bom.csv"), 1 << 20);
  ASSERT_TRUE(bom.ok());
  EXPECT_EQ(bom->encoding, Encoding::kUtf8Bom);
  EXPECT_EQ(bom->text, "代码,名称\n");

  auto gbk = load_text_file(dir.file("gbk.csv"), 1 << 20);
  ASSERT_TRUE(gbk.ok());
  EXPECT_EQ(gbk->encoding, Encoding::kGb18030);
  EXPECT_EQ(gbk->text, "code,name\n330000000000,浙江\n");

  auto empty = load_text_file(dir.file("empty.csv"), 1 << 20);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->text, "");
}

TEST(LoadTextFile, DirectoryIsNotAFile) {
  testing::TempDir dir;
  auto r = load_text_file(dir.path().string(), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kNotFound);
  EXPECT_EQ(r.error().message, "找不到文件：" + dir.path().string());
}

TEST(LoadTextFile, UndecodableBytesFail) {
  testing::TempDir dir;
  write_file(dir.file("bad.csv"), "code,name\n1,\xFF\xFF\n");
  auto r = load_text_file(dir.file("bad.csv"), 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(r.error().message, "无法识别文件编码（应为 UTF-8 或 GBK/GB18030）");
}

}  // namespace
}  // namespace mingjing::imports
