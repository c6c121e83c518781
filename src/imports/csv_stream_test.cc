// Streaming CSV: records, line numbers and errors must not depend on where
// the text is cut into chunks; characters cut by a chunk boundary are
// completed by the next chunk in every encoding; files larger than a chunk
// read the same as the whole text; encoding is decided and checked over the
// whole file before any of it is read; memory does not grow with the file.
#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <fstream>
#include <string>
#include <vector>

#include "imports/csv_reader.h"
#include "support/test_db.h"

namespace mingjing::imports {
namespace {

// UTF-8 text handed out in the given pieces.
class Pieces final : public TextStream {
 public:
  explicit Pieces(std::vector<std::string> pieces) : pieces_(std::move(pieces)) {}
  core::Result<bool> read(std::string& out) override {
    if (next_ == pieces_.size()) return false;
    out += pieces_[next_++];
    return true;
  }

 private:
  std::vector<std::string> pieces_;
  std::size_t next_ = 0;
};

// Every record with the line it starts on, then the error if any.
struct Parsed {
  std::vector<std::pair<std::size_t, std::vector<std::string>>> records;
  std::string error;
  bool operator==(const Parsed&) const = default;
};

Parsed parse(CsvReader reader) {
  Parsed out;
  while (true) {
    auto rec = reader.next();
    if (!rec.ok()) {
      out.error = rec.error().message;
      break;
    }
    if (!rec->has_value()) break;
    out.records.emplace_back(reader.record_line(), std::move(**rec));
  }
  return out;
}

Parsed parse_whole(const std::string& text) {
  return parse(CsvReader(text));
}

Parsed parse_pieces(std::vector<std::string> pieces) {
  return parse(CsvReader(std::make_unique<Pieces>(std::move(pieces))));
}

std::string describe(const Parsed& p) {
  std::string out;
  for (const auto& [line, fields] : p.records) {
    out += std::to_string(line) + ":";
    for (const auto& f : fields) out += "[" + f + "]";
    out += "\n";
  }
  return out + "error: " + p.error;
}

// Quoted fields with commas, doubled quotes and line breaks, CRLF and LF,
// an empty line, Chinese text, and no newline at the end.
const std::string kTricky =
    "id,名称,备注\r\n"
    "A1,\"义乌\n稠城\",\"他说\"\"好\"\"\"\r\n"
    "A2,,\"\"\n"
    "\n"
    "A3,\"x\r\ny\",\"a,b\"\r"
    "A4,末行,\"\"\"\"";

TEST(CsvStream, TheSameRecordsWhereverTheTextIsCut) {
  const Parsed whole = parse_whole(kTricky);
  ASSERT_EQ(whole.records.size(), 6u) << describe(whole);
  ASSERT_EQ(whole.records[1].second, (std::vector<std::string>{"A1", "义乌\n稠城", "他说\"好\""}));
  EXPECT_EQ(whole.records[2].first, 4u) << "the line after a field spanning two lines";
  for (std::size_t i = 0; i <= kTricky.size(); ++i) {
    for (std::size_t j = i; j <= kTricky.size(); ++j) {
      Parsed cut =
          parse_pieces({kTricky.substr(0, i), kTricky.substr(i, j - i), kTricky.substr(j)});
      ASSERT_EQ(cut, whole) << "cut at " << i << " and " << j << "\n" << describe(cut);
    }
  }
}

TEST(CsvStream, OneByteAtATimeAndEmptyPieces) {
  std::vector<std::string> bytes{""};
  for (char c : kTricky) {
    bytes.emplace_back(1, c);
    bytes.emplace_back();
  }
  EXPECT_EQ(parse_pieces(bytes), parse_whole(kTricky));
}

TEST(CsvStream, AQuotedFieldWithANewlineAcrossTheBoundary) {
  // The quote opens in one chunk, the line break and the closing quote
  // come in the next ones; "" is split between chunks too.
  Parsed p = parse_pieces({"a,b\n1,\"first", "\nsecond\"", "\",x\"", "\"", "\"\n2,y\n"});
  ASSERT_EQ(p.error, "");
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[1].second, (std::vector<std::string>{"1", "first\nsecond\",x\""}));
  EXPECT_EQ(p.records[2].first, 4u);
  EXPECT_EQ(p.records[2].second, (std::vector<std::string>{"2", "y"}));
}

TEST(CsvStream, ErrorsAreTheSameWhereverTheTextIsCut) {
  for (const std::string text : {"a,b\n1,\"open\nstill open", "a\n\"x\"y\n", "a\nab\"c\n"}) {
    const Parsed whole = parse_whole(text);
    ASSERT_NE(whole.error, "") << text;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      EXPECT_EQ(parse_pieces({text.substr(0, i), text.substr(i)}), whole) << text << " cut " << i;
    }
  }
}

TEST(CsvStream, AStreamErrorEndsTheRecords) {
  class Failing final : public TextStream {
   public:
    core::Result<bool> read(std::string& out) override {
      if (calls_++ == 0) {
        out += "a,b\n1,2\n3,";
        return true;
      }
      return core::Error::invalid("文件不是有效的 UTF-8 编码");
    }

   private:
    int calls_ = 0;
  };
  CsvReader reader(std::make_unique<Failing>());
  auto header = reader.next();
  ASSERT_TRUE(header.ok() && header->has_value());
  auto first = reader.next();
  ASSERT_TRUE(first.ok() && first->has_value());
  auto broken = reader.next();
  ASSERT_FALSE(broken.ok()) << "a half record is not handed out";
  EXPECT_EQ(broken.error().message, "文件不是有效的 UTF-8 编码");
  EXPECT_FALSE(reader.next().ok()) << "and the reader stays failed";
}

// --- decoding in pieces ---------------------------------------------------------------

// Feeds `bytes` cut at i and j; the UTF-8 text or the error message.
std::string decode_cut(Encoding from, const std::string& bytes, std::size_t i, std::size_t j) {
  Utf8Decoder decoder(from);
  std::string out;
  for (std::string_view piece :
       {std::string_view(bytes).substr(0, i), std::string_view(bytes).substr(i, j - i),
        std::string_view(bytes).substr(j)}) {
    if (auto s = decoder.feed(piece, out); !s.ok()) return "error: " + s.error().message;
  }
  if (auto s = decoder.finish(out); !s.ok()) return "error: " + s.error().message;
  return out;
}

void expect_every_cut(Encoding from, const std::string& bytes, const std::string& expected) {
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    for (std::size_t j = i; j <= bytes.size(); ++j) {
      ASSERT_EQ(decode_cut(from, bytes, i, j), expected) << "cut at " << i << " and " << j;
    }
  }
}

TEST(Utf8Decoder, Utf8CharactersCutAnywhere) {
  const std::string text = "a浙江¥𠀀,b\n";  // one to four bytes per character
  expect_every_cut(Encoding::kUtf8, text, text);
  expect_every_cut(Encoding::kUtf8Bom, "\xEF\xBB\xBF" + text, text);
}

TEST(Utf8Decoder, Gb18030CharactersCutAnywhere) {
  // 浙江 (two bytes each), ¥ and 𠀀 (four bytes each), ASCII between.
  expect_every_cut(Encoding::kGb18030, "a\xD5\xE3\xBD\xAD,\x81\x30\x84\x36|\x95\x32\x82\x36\n",
                   "a浙江,¥|𠀀\n");
}

TEST(Utf8Decoder, BadBytesFailWhereverTheyAreCut) {
  const std::string not_utf8 = "error: 文件不是有效的 UTF-8 编码";
  const std::string not_gb = "error: 无法识别文件编码（应为 UTF-8 或 GBK/GB18030）";
  expect_every_cut(Encoding::kUtf8, "ab\xE6\xB5", not_utf8);       // cut off at the end
  expect_every_cut(Encoding::kUtf8, "ab\xE6\x41\xB5x", not_utf8);  // broken in the middle
  expect_every_cut(Encoding::kUtf8Bom, "\xEF\xBB\xBF\xFFx", not_utf8);
  expect_every_cut(Encoding::kGb18030, "ab\xD5", not_gb);         // cut off at the end
  expect_every_cut(Encoding::kGb18030, "ab\xD5\x20xyz", not_gb);  // not a trail byte
}

// --- files larger than a chunk ---------------------------------------------------------

constexpr std::size_t kChunk = 1 << 20;  // as csv_reader.cc reads

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string to_gb18030(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 2 + 16, '\0');
  int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

Parsed parse_file(const std::string& path, Encoding expected) {
  auto opened = open_text_file(path, 64 * kChunk);
  if (!opened.ok()) return Parsed{{}, "open: " + opened.error().message};
  EXPECT_EQ(opened->encoding, expected);
  return parse(CsvReader(std::move(opened->stream)));
}

// UTF-8 rows of Chinese text, padded so that the chunk boundary falls
// inside a character and inside a quoted field with a line break.
std::string rows_across_the_boundary(std::size_t boundary_in) {
  std::string text = "id,名称,备注\n";
  while (text.size() + 200 < boundary_in) text += "R,义乌市稠城街道,普通\n";
  text += "Q,\"跨越\n边界的";
  while (text.size() < boundary_in + 4) text += "字";
  text += "\",尾\nZ,最后,一行\n";
  return text;
}

TEST(CsvFile, Utf8AcrossTheChunkBoundary) {
  testing::TempDir dir;
  const std::string text = rows_across_the_boundary(kChunk);
  // The boundary falls inside a three-byte character.
  ASSERT_EQ(static_cast<unsigned char>(text[kChunk]) & 0xC0, 0x80);
  write_file(dir.file("a.csv"), text);
  Parsed streamed = parse_file(dir.file("a.csv"), Encoding::kUtf8);
  EXPECT_EQ(streamed.error, "");
  EXPECT_EQ(streamed, parse_whole(text));
  ASSERT_GE(streamed.records.size(), 3u);
  EXPECT_EQ(streamed.records.back().second, (std::vector<std::string>{"Z", "最后", "一行"}));
}

TEST(CsvFile, BomAndUtf8AcrossTheChunkBoundary) {
  testing::TempDir dir;
  const std::string text = rows_across_the_boundary(kChunk - 3);
  write_file(dir.file("bom.csv"), "\xEF\xBB\xBF" + text);
  Parsed streamed = parse_file(dir.file("bom.csv"), Encoding::kUtf8Bom);
  EXPECT_EQ(streamed, parse_whole(text));
  ASSERT_FALSE(streamed.records.empty());
  EXPECT_EQ(streamed.records[0].second[0], "id") << "the BOM is not part of the first header";
}

TEST(CsvFile, Gb18030AcrossTheChunkBoundary) {
  testing::TempDir dir;
  // In GB18030 bytes: rows up to just before the boundary, then a quoted
  // field of two-byte characters across it. One of two paddings puts the
  // boundary inside a character.
  for (std::string pad : {"", "x"}) {
    std::string text = "id,名称,备注\nR" + pad + ",义乌,普通\n";
    const std::string row = "R,义乌市稠城街道,普通\n";
    const std::size_t row_bytes = to_gb18030(row).size();
    for (std::size_t size = to_gb18030(text).size(); size + 300 < kChunk; size += row_bytes) {
      text += row;
    }
    text += "Q,\"跨越\n边界的";
    const std::size_t run = to_gb18030(text).size();  // where the two-byte characters start
    for (int i = 0; i < 400; ++i) text += "字";
    text += "\",尾\nZ,最后,一行\n";
    ASSERT_LT(run, kChunk);
    ASSERT_GT(run + 800, kChunk);
    if ((kChunk - run) % 2 == 0) continue;  // the boundary falls between characters
    const std::string gb = to_gb18030(text);
    write_file(dir.file("gb.csv"), gb);
    Parsed streamed = parse_file(dir.file("gb.csv"), Encoding::kGb18030);
    EXPECT_EQ(streamed, parse_whole(text));
    ASSERT_FALSE(streamed.records.empty());
    EXPECT_EQ(streamed.records.back().second, (std::vector<std::string>{"Z", "最后", "一行"}));
    return;
  }
  FAIL() << "no padding put the boundary inside a character";
}

TEST(CsvFile, TheEncodingIsDecidedByTheWholeFile) {
  testing::TempDir dir;
  // More than a chunk of ASCII, then GBK: GB18030, as if read whole.
  std::string text = "id,name\n";
  while (text.size() < 2 * kChunk) text += "1,abc\n";
  text += "2,浙江\n";
  write_file(dir.file("late.csv"), to_gb18030(text));
  EXPECT_EQ(parse_file(dir.file("late.csv"), Encoding::kGb18030), parse_whole(text));
}

TEST(CsvFile, BadBytesLateInTheFileRefuseItOnOpening) {
  testing::TempDir dir;
  std::string ascii = "id,name\n";
  while (ascii.size() < 2 * kChunk) ascii += "1,abc\n";
  write_file(dir.file("bom.csv"), "\xEF\xBB\xBF" + ascii + "2,\xFF\n");
  write_file(dir.file("gb.csv"), ascii + "2,\xD5\xE3\xFF\n");
  write_file(dir.file("cut.csv"), ascii + "2,\xE6\xB5");
  auto bom = open_text_file(dir.file("bom.csv"), 64 * kChunk);
  ASSERT_FALSE(bom.ok());
  EXPECT_EQ(bom.error().message, "文件不是有效的 UTF-8 编码");
  auto gb = open_text_file(dir.file("gb.csv"), 64 * kChunk);
  ASSERT_FALSE(gb.ok());
  EXPECT_EQ(gb.error().message, "无法识别文件编码（应为 UTF-8 或 GBK/GB18030）");
  // Valid UTF-8 up to a character cut off by the end: UTF-8, refused.
  auto cut = open_text_file(dir.file("cut.csv"), 64 * kChunk);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().message, "文件不是有效的 UTF-8 编码");
}

// Peak resident memory in kB since the last reset (0 if unknown).
long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

TEST(CsvFile, AHundredMegabytesStreamInLittleMemory) {
  testing::TempDir dir;
  const std::string path = dir.file("big.csv");
  std::size_t rows = 0;
  {
    std::ofstream out(path, std::ios::binary);
    out << "id,account_no,counterparty_name,summary\n";
    std::string row;
    for (std::size_t written = 0; written < 100 * kChunk; written += row.size(), ++rows) {
      row = "TX" + std::to_string(rows) + ",6222021234567890123,义乌市稠城街道某某建材有限公司," +
            "\"工程款\n支付 第" + std::to_string(rows % 12) + "期\"\n";
      out << row;
    }
  }
  // Start the peak afresh (Linux: writing 5 to clear_refs resets VmHWM).
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long before = peak_rss_kb();
  auto opened = open_text_file(path, 128 * kChunk);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  CsvReader reader(std::move(opened->stream));
  std::size_t records = 0;
  std::vector<std::string> last;
  while (true) {
    auto rec = reader.next();
    ASSERT_TRUE(rec.ok()) << rec.error().message;
    if (!rec->has_value()) break;
    ++records;
    last = std::move(**rec);
  }
  EXPECT_EQ(records, rows + 1);
  EXPECT_EQ(last[0], "TX" + std::to_string(rows - 1));
  EXPECT_EQ(reader.record_line(), 2 * rows) << "each row spans two lines";
  const long grown_mb = (peak_rss_kb() - before) / 1024;
  EXPECT_LT(grown_mb, 16) << "peak memory grew by " << grown_mb << " MB for a 100 MB file";
}

}  // namespace
}  // namespace mingjing::imports
