#include "imports/table_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

namespace mingjing::imports {

namespace {

class CsvSource final : public TableSource {
 public:
  explicit CsvSource(std::string text) : reader_(std::move(text)) {}
  explicit CsvSource(std::unique_ptr<TextStream> stream) : reader_(std::move(stream)) {}

  core::Result<std::optional<TableRow>> next() override {
    auto record = reader_.next();
    if (!record.ok()) return record.error();
    if (!record->has_value()) return std::optional<TableRow>{};
    TableRow row;
    row.number = reader_.record_line();
    row.cells = std::move(**record);
    return std::optional(std::move(row));
  }

  TableFormat format() const override { return TableFormat::kCsv; }

 private:
  CsvReader reader_;
};

class XlsxSource final : public TableSource {
 public:
  explicit XlsxSource(XlsxReader reader) : reader_(std::move(reader)) {}

  core::Result<std::optional<TableRow>> next() override {
    while (true) {
      auto row = reader_.next();
      if (!row.ok()) return row.error();
      if (!row->has_value()) return std::optional<TableRow>{};
      XlsxRow& r = **row;
      if (r.cells.empty() && r.issues.empty()) continue;  // a formatted, empty row
      return std::optional(TableRow{r.number, std::move(r.cells), std::move(r.issues)});
    }
  }

  TableFormat format() const override { return TableFormat::kXlsx; }

 private:
  XlsxReader reader_;
};

constexpr std::string_view kOle = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

bool has_xlsx_name(const std::string& name) {
  std::string ext = std::filesystem::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".xlsx" || ext == ".xlsm";
}

// The checks both entry points share on the first bytes of the file.
core::Status check_head(std::string_view head, const std::string& name) {
  if (head.substr(0, kOle.size()) == kOle) {
    return core::Error::invalid(
        "不支持旧版Excel（.xls）或加密的Excel文件，请另存为 .xlsx 或 CSV 后再导入", "file");
  }
  if (!looks_like_zip(head) && has_xlsx_name(name)) {
    return core::Error::invalid("文件不是有效的xlsx文件", "file");
  }
  return {};
}

XlsxLimits capped(XlsxLimits limits, std::uint64_t max_file_bytes) {
  limits.max_file_bytes = std::min(limits.max_file_bytes, max_file_bytes);
  return limits;
}

}  // namespace

std::unique_ptr<TableSource> csv_source(std::string utf8_text) {
  return std::make_unique<CsvSource>(std::move(utf8_text));
}

std::unique_ptr<TableSource> csv_source(std::unique_ptr<TextStream> utf8_stream) {
  return std::make_unique<CsvSource>(std::move(utf8_stream));
}

std::unique_ptr<TableSource> xlsx_source(XlsxReader reader) {
  return std::make_unique<XlsxSource>(std::move(reader));
}

std::string_view TableFile::encoding_name() const {
  return format == TableFormat::kXlsx ? "xlsx" : to_string(encoding);
}

core::Result<TableFile> open_table_file(const std::string& path, std::uint64_t max_file_bytes,
                                        const XlsxLimits& xlsx) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return core::Error::not_found("找不到文件：" + path);
  }
  std::string head(8, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::Error::not_found("找不到文件：" + path);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (auto s = check_head(head, path); !s.ok()) return s.error();
  TableFile out;
  if (looks_like_zip(head)) {
    auto reader = XlsxReader::open_file(path, capped(xlsx, max_file_bytes));
    if (!reader.ok()) return reader.error();
    out.source = xlsx_source(std::move(*reader));
    out.format = TableFormat::kXlsx;
    return out;
  }
  auto text = open_text_file(path, static_cast<std::size_t>(max_file_bytes));
  if (!text.ok()) return text.error();
  out.source = csv_source(std::move(text->stream));
  out.encoding = text->encoding;
  return out;
}

core::Result<TableFile> open_table_bytes(std::string bytes, const std::string& name,
                                         std::uint64_t max_file_bytes, const XlsxLimits& xlsx) {
  if (auto s = check_head(std::string_view(bytes).substr(0, 8), name); !s.ok()) return s.error();
  TableFile out;
  if (looks_like_zip(bytes)) {
    auto reader = XlsxReader::open_bytes(std::move(bytes), capped(xlsx, max_file_bytes));
    if (!reader.ok()) return reader.error();
    out.source = xlsx_source(std::move(*reader));
    out.format = TableFormat::kXlsx;
    return out;
  }
  if (bytes.size() > max_file_bytes) {
    constexpr std::size_t kMiB = 1024 * 1024;
    return core::Error{core::errc::kTooLarge,
                       "文件过大（" + std::to_string((bytes.size() + kMiB - 1) / kMiB) +
                           " MB），上限为 " + std::to_string(max_file_bytes / kMiB) + " MB",
                       "file"};
  }
  Encoding encoding = detect_encoding(bytes);
  auto text = to_utf8(bytes, encoding);
  if (!text.ok()) return text.error();
  out.source = csv_source(std::move(*text));
  out.encoding = encoding;
  return out;
}

}  // namespace mingjing::imports
