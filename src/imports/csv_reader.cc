#include "imports/csv_reader.h"

#include <unicode/ucnv.h>

#include <filesystem>
#include <fstream>
#include <memory>

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
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence(s, i, allow_cut);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  return is_valid_utf8(text, false);
}

Encoding detect_encoding(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") return Encoding::kUtf8Bom;
  return is_valid_utf8(head, true) ? Encoding::kUtf8 : Encoding::kGb18030;
}

core::Result<std::string> to_utf8(std::string_view bytes, Encoding from) {
  if (from == Encoding::kUtf8Bom && bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  if (from != Encoding::kGb18030) {
    if (!is_valid_utf8(bytes, false)) return core::Error::invalid("文件不是有效的 UTF-8 编码");
    return std::string(bytes);
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, decltype(&ucnv_close)> conv(ucnv_open("GB18030", &status),
                                                          &ucnv_close);
  if (U_FAILURE(status)) return core::Error::internal();
  // Stop on bytes that are not GB18030 instead of inserting replacement marks.
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  std::unique_ptr<UConverter, decltype(&ucnv_close)> utf8(ucnv_open("UTF-8", &status), &ucnv_close);
  if (U_FAILURE(status)) return core::Error::internal();
  std::string out(bytes.size() * 2 + 16, '\0');
  char* target = out.data();
  const char* source = bytes.data();
  ucnv_convertEx(utf8.get(), conv.get(), &target, out.data() + out.size(), &source,
                 bytes.data() + bytes.size(), nullptr, nullptr, nullptr, nullptr, true, true,
                 &status);
  if (U_FAILURE(status)) {
    return core::Error::invalid("无法识别文件编码（应为 UTF-8 或 GBK/GB18030）");
  }
  out.resize(static_cast<std::size_t>(target - out.data()));
  return out;
}

core::Result<std::optional<std::vector<std::string>>> CsvReader::next() {
  if (pos_ >= text_.size()) return std::optional<std::vector<std::string>>{};
  record_line_ = line_;
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;      // inside a quoted field
  bool was_quoted = false;  // current field started with a quote
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (quoted) {
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line_;
        field += c;
      }
      continue;
    }
    if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      ++line_;
      fields.push_back(std::move(field));
      return std::optional(std::move(fields));
    } else if (c == '"') {
      if (!field.empty() || was_quoted) {
        return core::Error::invalid("第" + std::to_string(line_) + "行：引号位置不正确");
      }
      quoted = was_quoted = true;
    } else {
      if (was_quoted) {
        return core::Error::invalid("第" + std::to_string(line_) + "行：引号后有多余字符");
      }
      field += c;
    }
  }
  if (quoted) {
    return core::Error::invalid("第" + std::to_string(record_line_) + "行：引号未闭合");
  }
  fields.push_back(std::move(field));
  return std::optional(std::move(fields));
}

core::Result<LoadedText> load_text_file(const std::string& path, std::size_t max_bytes) {
  // A directory opens as a stream too, with a bogus size.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::Error::not_found("找不到文件：" + path);
  }
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return core::Error::not_found("找不到文件：" + path);
  auto size = static_cast<std::size_t>(in.tellg());
  if (size > max_bytes) {
    // Round the size up: "1.5 MB" must not read as "1 MB, limit 1 MB".
    constexpr std::size_t kMiB = 1024 * 1024;
    return core::Error{core::errc::kTooLarge,
                       "文件过大（" + std::to_string((size + kMiB - 1) / kMiB) + " MB），上限为 " +
                           std::to_string(max_bytes / kMiB) + " MB",
                       "file"};
  }
  std::string bytes(size, '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  Encoding enc = detect_encoding(bytes);
  auto text = to_utf8(bytes, enc);
  if (!text.ok()) return text.error();
  return LoadedText{std::move(text.value()), enc};
}

}  // namespace mingjing::imports
