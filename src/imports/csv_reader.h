// Reading tabular import files: RFC 4180 CSV in UTF-8, UTF-8 with BOM or
// GB18030/GBK (Excel on Chinese Windows), always handed out as UTF-8.
//
// Files are streamed: read and decoded in chunks of about a megabyte, so a
// million-row file never sits in memory whole. A character cut by a chunk
// boundary is completed by the next chunk, and a quoted field may span
// chunks. Before streaming, open_text_file reads the file once to detect its
// encoding from all of its bytes and to refuse bad encoding up front, so a
// file is either read whole or not at all for encoding reasons.
//
// Thread-safety: a CsvReader, a TextStream and a Utf8Decoder each belong to
// one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mingjing::imports {

enum class Encoding { kUtf8, kUtf8Bom, kGb18030 };
std::string_view to_string(Encoding e);

// Guesses the encoding of a file from its first bytes: a BOM, else valid
// UTF-8, else GB18030 (a superset of GBK and GB2312).
Encoding detect_encoding(std::string_view head);

// True when `text` is entirely valid UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Converts bytes to UTF-8 chunk by chunk. Fails with invalid_argument when
// the bytes are not valid in the encoding (so mojibake is never stored).
// Strips a leading UTF-8 BOM for kUtf8Bom.
class Utf8Decoder {
 public:
  explicit Utf8Decoder(Encoding from);
  Utf8Decoder(Utf8Decoder&&) noexcept;
  Utf8Decoder& operator=(Utf8Decoder&&) noexcept;
  ~Utf8Decoder();

  // Appends the UTF-8 text of `bytes` to `out`. A multibyte character cut
  // off at the end of `bytes` is kept back and completed by the next call.
  core::Status feed(std::string_view bytes, std::string& out);
  // The end of the input: fails if a character was left incomplete.
  core::Status finish(std::string& out);

 private:
  struct Icu;
  core::Status convert_gb18030(std::string_view bytes, bool flush, std::string& out);
  Encoding from_;
  bool at_start_ = true;
  std::string carry_;  // UTF-8: the bytes of a character cut at the end of a chunk
  std::unique_ptr<Icu> icu_;
};

// Converts `bytes` to UTF-8 in one go (Utf8Decoder).
core::Result<std::string> to_utf8(std::string_view bytes, Encoding from);

// UTF-8 text, in pieces.
class TextStream {
 public:
  virtual ~TextStream() = default;
  // Appends the next piece to `out`; false at the end. Fails as
  // Utf8Decoder does, or when the file cannot be read.
  virtual core::Result<bool> read(std::string& out) = 0;
};

// Opens a file as a stream of UTF-8 text (at most `max_bytes`), having read
// it once to detect its encoding from all of its bytes and to check that it
// converts. Errors: not_found (no such file), too_large, invalid_argument
// (encoding, as to_utf8).
struct OpenedText {
  std::unique_ptr<TextStream> stream;
  Encoding encoding = Encoding::kUtf8;
};
core::Result<OpenedText> open_text_file(const std::string& path, std::size_t max_bytes);

// Parses CSV text that is UTF-8, whole or streamed.
class CsvReader {
 public:
  explicit CsvReader(std::string text) : buf_(std::move(text)) {}
  explicit CsvReader(std::unique_ptr<TextStream> stream) : stream_(std::move(stream)) {}

  // The next record, or nullopt at the end. A quoted field may span lines;
  // "" inside quotes is one quote. Fails on an unterminated quote or a quote
  // inside an unquoted field, naming the line, and as the stream fails.
  core::Result<std::optional<std::vector<std::string>>> next();
  // 1-based line where the record last returned by next() started.
  std::size_t record_line() const { return record_line_; }

 private:
  // True when there is a character at pos_, reading the next piece of the
  // stream if needed (everything before pos_ is dropped then).
  bool more();

  std::string buf_;
  std::size_t pos_ = 0;
  std::unique_ptr<TextStream> stream_;
  std::optional<core::Error> stream_error_;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
};

// Reads a whole file (at most `max_bytes`) and converts it to UTF-8.
// Errors: as open_text_file.
struct LoadedText {
  std::string text;
  Encoding encoding;
};
core::Result<LoadedText> load_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace mingjing::imports
