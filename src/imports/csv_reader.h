// Reading tabular import files: RFC 4180 CSV in UTF-8, UTF-8 with BOM or
// GB18030/GBK (Excel on Chinese Windows), always handed out as UTF-8.
//
// Thread-safety: a CsvReader belongs to one thread.
#pragma once

#include <cstddef>
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

// Converts `bytes` to UTF-8. Fails with invalid_argument when the bytes are
// not valid in `from` (so mojibake is never stored). Strips a UTF-8 BOM.
core::Result<std::string> to_utf8(std::string_view bytes, Encoding from);

// Parses CSV text that is already UTF-8.
class CsvReader {
 public:
  explicit CsvReader(std::string text) : text_(std::move(text)) {}

  // The next record, or nullopt at the end. A quoted field may span lines;
  // "" inside quotes is one quote. Fails on an unterminated quote or a quote
  // inside an unquoted field, naming the line.
  core::Result<std::optional<std::vector<std::string>>> next();
  // 1-based line where the record last returned by next() started.
  std::size_t record_line() const { return record_line_; }

 private:
  std::string text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
};

// Reads a whole file (at most `max_bytes`) and converts it to UTF-8.
// Errors: not_found (no such file), too_large, invalid_argument (encoding).
struct LoadedText {
  std::string text;
  Encoding encoding;
};
core::Result<LoadedText> load_text_file(const std::string& path, std::size_t max_bytes);

}  // namespace mingjing::imports
