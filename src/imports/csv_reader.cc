#include "imports/csv_reader.h"

#include <unicode/ucnv.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace mingjing::imports {

std::string_view to_string(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "UTF-8";
    case Encoding::kUtf8Bom:
      return "UTF-8 (BOM)";
    case Encoding::kGb18030:
      return "GB18030";
  }
  return "?";
}

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kChunkBytes = 1 << 20;
constexpr std::size_t kMiB = 1024 * 1024;

const char* const kNotUtf8 = "文件不是有效的 UTF-8 编码";
const char* const kNotGb18030 = "无法识别文件编码（应为 UTF-8 或 GBK/GB18030）";

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid. A sequence
// cut off by the end of `s` counts as valid only with `allow_cut` (a head
// read for detection may end mid-character; a whole file may not).
// The second byte's range excludes overlong forms, UTF-16 surrogates and
// code points above U+10FFFF (Unicode table 3-7), which PostgreSQL rejects.
std::size_t utf8_sequence(std::string_view s, std::size_t i, bool allow_cut) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= s.size()) return allow_cut ? len : 0;
    auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool is_valid_utf8(std::string_view s, bool allow_cut) {
  std::size_t i = 0;
  while (i < s.size()) {
    // Runs of ASCII eight bytes at a time: most of a CSV file.
    while (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= s.size()) break;
    std::size_t n = utf8_sequence(s, i, allow_cut);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// Where the last, incomplete character at the end of `s` starts, or
// s.size() when `s` ends on a character boundary (or on bytes that are
// invalid anyway, which validation then reports).
std::size_t complete_prefix(std::string_view s) {
  for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    auto c = static_cast<unsigned char>(s[s.size() - back]);
    if (c < 0x80) break;
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return len > back ? s.size() - back : s.size();
  }
  return s.size();
}

core::Error too_large(std::size_t size, std::size_t max_bytes) {
  // Round the size up: "1.5 MB" must not read as "1 MB, limit 1 MB".
  return core::Error{core::errc::kTooLarge,
                     "文件过大（" + std::to_string((size + kMiB - 1) / kMiB) + " MB），上限为 " +
                         std::to_string(max_bytes / kMiB) + " MB",
                     "file"};
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  return is_valid_utf8(text, false);
}

Encoding detect_encoding(std::string_view head) {
  if (head.substr(0, 3) == kBom) return Encoding::kUtf8Bom;
  return is_valid_utf8(head, true) ? Encoding::kUtf8 : Encoding::kGb18030;
}

// --- Utf8Decoder --------------------------------------------------------------------

// GB18030 through ICU: the converters keep a character cut at the end of a
// chunk, and the pivot buffer (UTF-16 between the two) lives across calls.
struct Utf8Decoder::Icu {
  using Converter = std::unique_ptr<UConverter, decltype(&ucnv_close)>;
  Converter from{nullptr, &ucnv_close};
  Converter utf8{nullptr, &ucnv_close};
  std::array<UChar, 1024> pivot{};
  UChar* pivot_source = pivot.data();
  UChar* pivot_target = pivot.data();
  bool reset = true;
};

Utf8Decoder::Utf8Decoder(Encoding from) : from_(from) {}
Utf8Decoder::Utf8Decoder(Utf8Decoder&&) noexcept = default;
Utf8Decoder& Utf8Decoder::operator=(Utf8Decoder&&) noexcept = default;
Utf8Decoder::~Utf8Decoder() = default;

core::Status Utf8Decoder::feed(std::string_view bytes, std::string& out) {
  if (from_ == Encoding::kGb18030) {
    if (!icu_) {
      icu_ = std::make_unique<Icu>();
      UErrorCode status = U_ZERO_ERROR;
      icu_->from.reset(ucnv_open("GB18030", &status));
      icu_->utf8.reset(ucnv_open("UTF-8", &status));
      // Stop on bytes that are not GB18030 instead of inserting replacement marks.
      if (U_SUCCESS(status)) {
        ucnv_setToUCallBack(icu_->from.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr,
                            &status);
      }
      if (U_FAILURE(status)) return core::Error::internal();
    }
    return convert_gb18030(bytes, false, out);
  }
  std::string joined;
  if (!carry_.empty()) {
    joined = carry_ + std::string(bytes);
    bytes = joined;
    carry_.clear();
  }
  if (at_start_) {
    // The BOM itself may arrive in pieces.
    if (from_ == Encoding::kUtf8Bom && bytes.size() < kBom.size() && kBom.starts_with(bytes)) {
      carry_ = std::string(bytes);
      return {};
    }
    at_start_ = false;
    if (from_ == Encoding::kUtf8Bom && bytes.starts_with(kBom)) bytes.remove_prefix(kBom.size());
  }
  std::size_t whole = complete_prefix(bytes);
  if (!is_valid_utf8(bytes.substr(0, whole), false) || !is_valid_utf8(bytes.substr(whole), true)) {
    return core::Error::invalid(kNotUtf8);
  }
  out.append(bytes.substr(0, whole));
  carry_ = std::string(bytes.substr(whole));
  return {};
}

core::Status Utf8Decoder::finish(std::string& out) {
  if (from_ == Encoding::kGb18030) {
    if (!icu_) return {};  // nothing was fed
    return convert_gb18030({}, true, out);
  }
  if (!carry_.empty()) return core::Error::invalid(kNotUtf8);
  return {};
}

core::Status Utf8Decoder::convert_gb18030(std::string_view bytes, bool flush, std::string& out) {
  // ICU refuses a null source, which an empty view may have.
  static const char kNothing = 0;
  const char* source = bytes.empty() ? &kNothing : bytes.data();
  const char* source_end = source + bytes.size();
  while (true) {
    // At most 3 UTF-8 bytes per GB18030 byte, plus what the pivot holds.
    std::size_t at = out.size();
    out.resize(at + static_cast<std::size_t>(source_end - source) * 3 + 4 * icu_->pivot.size());
    char* target = out.data() + at;
    UErrorCode status = U_ZERO_ERROR;
    ucnv_convertEx(icu_->utf8.get(), icu_->from.get(), &target, out.data() + out.size(), &source,
                   source_end, icu_->pivot.data(), &icu_->pivot_source, &icu_->pivot_target,
                   icu_->pivot.data() + icu_->pivot.size(), icu_->reset, flush, &status);
    icu_->reset = false;
    out.resize(static_cast<std::size_t>(target - out.data()));
    if (status == U_BUFFER_OVERFLOW_ERROR) continue;
    if (U_FAILURE(status)) return core::Error::invalid(kNotGb18030);
    return {};
  }
}

core::Result<std::string> to_utf8(std::string_view bytes, Encoding from) {
  Utf8Decoder decoder(from);
  std::string out;
  out.reserve(from == Encoding::kGb18030 ? bytes.size() * 3 / 2 + 16 : bytes.size());
  if (auto s = decoder.feed(bytes, out); !s.ok()) return s.error();
  if (auto s = decoder.finish(out); !s.ok()) return s.error();
  return out;
}

// --- files ----------------------------------------------------------------------------

namespace {

// A file read in chunks of kChunkBytes, at most `max_bytes` in all.
class ChunkedFile {
 public:
  ChunkedFile(const std::string& path, std::size_t max_bytes)
      : in_(path, std::ios::binary), max_bytes_(max_bytes) {}
  bool is_open() const { return in_.is_open(); }

  // The next chunk (empty at the end).
  core::Result<std::string_view> read() {
    chunk_.resize(kChunkBytes);
    in_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0 && in_.bad()) return core::Error::invalid("无法读取文件", "file");
    total_ += n;
    // The size was checked on opening; a file growing meanwhile is caught here.
    if (total_ > max_bytes_) return too_large(total_, max_bytes_);
    return std::string_view(chunk_.data(), n);
  }

 private:
  std::ifstream in_;
  std::size_t max_bytes_;
  std::size_t total_ = 0;
  std::string chunk_;
};

class FileTextStream final : public TextStream {
 public:
  FileTextStream(const std::string& path, std::size_t max_bytes, Encoding encoding)
      : file_(path, max_bytes), decoder_(encoding) {}

  core::Result<bool> read(std::string& out) override {
    if (done_) return false;
    if (!file_.is_open()) return core::Error::not_found("无法读取文件");
    auto chunk = file_.read();
    if (!chunk.ok()) return chunk.error();
    if (chunk->empty()) {
      done_ = true;
      if (auto s = decoder_.finish(out); !s.ok()) return s.error();
      return true;
    }
    if (auto s = decoder_.feed(*chunk, out); !s.ok()) return s.error();
    return true;
  }

 private:
  ChunkedFile file_;
  Utf8Decoder decoder_;
  bool done_ = false;
};

// Reads the whole file through a decoder, keeping nothing. `fed` tells
// whether every chunk was accepted, the status whether finishing was too (a
// character cut by the end of the file fails only there).
struct WholeFileCheck {
  bool fed = false;
  core::Status status;
};
core::Result<WholeFileCheck> check_whole_file(const std::string& path, std::size_t max_bytes,
                                              Encoding encoding) {
  ChunkedFile file(path, max_bytes);
  if (!file.is_open()) return core::Error::not_found("找不到文件：" + path);
  Utf8Decoder decoder(encoding);
  std::string scratch;
  while (true) {
    auto chunk = file.read();
    if (!chunk.ok()) return chunk.error();
    scratch.clear();
    if (chunk->empty()) return WholeFileCheck{true, decoder.finish(scratch)};
    if (auto s = decoder.feed(*chunk, scratch); !s.ok()) return WholeFileCheck{false, s};
  }
}

}  // namespace

core::Result<OpenedText> open_text_file(const std::string& path, std::size_t max_bytes) {
  // A directory opens as a stream too, with a bogus size.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::Error::not_found("找不到文件：" + path);
  }
  auto size = std::filesystem::file_size(path, ec);
  if (ec) return core::Error::not_found("找不到文件：" + path);
  if (size > max_bytes) return too_large(size, max_bytes);
  std::string head(kBom.size(), '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::Error::not_found("找不到文件：" + path);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  // The encoding is decided by all of the file, as detect_encoding would on
  // the whole text: a BOM, else UTF-8 if every byte is valid (a character
  // cut by the end of the file included, which is then refused), else
  // GB18030. Bad encoding refuses the file before any of it is imported.
  Encoding encoding = head == kBom ? Encoding::kUtf8Bom : Encoding::kUtf8;
  auto check = check_whole_file(path, max_bytes, encoding);
  if (!check.ok()) return check.error();
  if (!check->fed && encoding == Encoding::kUtf8) {
    encoding = Encoding::kGb18030;
    check = check_whole_file(path, max_bytes, encoding);
    if (!check.ok()) return check.error();
  }
  if (!check->status.ok()) return check->status.error();
  return OpenedText{std::make_unique<FileTextStream>(path, max_bytes, encoding), encoding};
}

core::Result<LoadedText> load_text_file(const std::string& path, std::size_t max_bytes) {
  auto opened = open_text_file(path, max_bytes);
  if (!opened.ok()) return opened.error();
  LoadedText out{{}, opened->encoding};
  while (true) {
    auto more = opened->stream->read(out.text);
    if (!more.ok()) return more.error();
    if (!*more) return out;
  }
}

// --- CsvReader ------------------------------------------------------------------------

bool CsvReader::more() {
  while (pos_ >= buf_.size()) {
    if (!stream_ || stream_error_) return false;
    buf_.clear();
    pos_ = 0;
    auto r = stream_->read(buf_);
    if (!r.ok()) {
      stream_error_ = r.error();
      return false;
    }
    if (!*r) {
      stream_.reset();
      return false;
    }
  }
  return true;
}

core::Result<std::optional<std::vector<std::string>>> CsvReader::next() {
  if (!more()) {
    if (stream_error_) return *stream_error_;
    return std::optional<std::vector<std::string>>{};
  }
  record_line_ = line_;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // current field started with a quote
  while (more()) {
    if (quoted) {
      // Up to the next quote, counting lines.
      std::size_t start = pos_;
      while (pos_ < buf_.size() && buf_[pos_] != '"') {
        if (buf_[pos_] == '\n') ++line_;
        ++pos_;
      }
      field.append(buf_, start, pos_ - start);
      if (pos_ == buf_.size()) continue;
      ++pos_;  // the quote: closing, or the first of ""
      if (more() && buf_[pos_] == '"') {
        field += '"';
        ++pos_;
      } else {
        quoted = false;
      }
      continue;
    }
    std::size_t start = pos_;
    while (pos_ < buf_.size()) {
      char c = buf_[pos_];
      if (c == ',' || c == '\r' || c == '\n' || c == '"') break;
      ++pos_;
    }
    if (pos_ > start) {
      if (was_quoted) {
        return core::Error::invalid("第" + std::to_string(line_) + "行：引号后有多余字符");
      }
      field.append(buf_, start, pos_ - start);
    }
    if (pos_ == buf_.size()) continue;
    char c = buf_[pos_++];
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && more() && buf_[pos_] == '\n') ++pos_;
      ++line_;
      fields.push_back(std::move(field));
      return std::optional(std::move(fields));
    } else {  // a quote
      if (!field.empty() || was_quoted) {
        return core::Error::invalid("第" + std::to_string(line_) + "行：引号位置不正确");
      }
      quoted = was_quoted = true;
    }
  }
  if (stream_error_) return *stream_error_;
  if (quoted) {
    return core::Error::invalid("第" + std::to_string(record_line_) + "行：引号未闭合");
  }
  fields.push_back(std::move(field));
  return std::optional(std::move(fields));
}

}  // namespace mingjing::imports
