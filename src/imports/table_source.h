// A table to import, whatever file it came in: CSV text or the first sheet of
// an .xlsx workbook. Importers read a header row and then data rows, each
// with the number the user sees for it in the file, so error reports can say
// "第N行" for both formats.
//
// Thread-safety: a TableSource belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "imports/csv_reader.h"
#include "imports/xlsx_reader.h"

namespace mingjing::imports {

// A cell that could not be read (xlsx only: a formula error such as #N/A, an
// impossible date serial); its text is empty. An importer rejects the row
// when the cell is in a column it uses.
using CellIssue = XlsxCellIssue;

struct TableRow {
  // CSV: the line where the record starts (a quoted field may span lines);
  // xlsx: the sheet row number. The header is normally 1.
  std::size_t number = 0;
  std::vector<std::string> cells;
  std::vector<CellIssue> issues;
};

enum class TableFormat { kCsv, kXlsx };

class TableSource {
 public:
  virtual ~TableSource() = default;
  // The next row, the first being the header; nullopt at the end. CSV gives
  // every record, blank lines included (one empty cell); xlsx leaves out
  // rows without any content (Excel keeps formatted empty rows). Fails as
  // the underlying reader does (bad quoting, malformed sheet XML, limits).
  virtual core::Result<std::optional<TableRow>> next() = 0;
  virtual TableFormat format() const = 0;
};

// CSV text that is already UTF-8, whole or streamed.
std::unique_ptr<TableSource> csv_source(std::string utf8_text);
std::unique_ptr<TableSource> csv_source(std::unique_ptr<TextStream> utf8_stream);
// The first worksheet of an opened workbook.
std::unique_ptr<TableSource> xlsx_source(XlsxReader reader);

struct TableFile {
  std::unique_ptr<TableSource> source;
  TableFormat format = TableFormat::kCsv;
  Encoding encoding = Encoding::kUtf8;  // CSV: as detected; xlsx: always UTF-8

  // For import summaries: "UTF-8", "UTF-8 (BOM)" or "GB18030" for CSV,
  // "xlsx" for a workbook.
  std::string_view encoding_name() const;
};

// Opens an import file and tells CSV from xlsx by its content (a zip
// archive is a workbook, whatever its name). Neither is loaded whole: CSV is
// streamed (open_text_file), a workbook's sheet is inflated row by row. Both are limited to
// `max_file_bytes`; workbooks also to `xlsx` (whose max_file_bytes is
// lowered to `max_file_bytes` if larger). Errors:
//   not_found, too_large  as open_text_file / XlsxReader::open_file
//   invalid_argument      "文件不是有效的xlsx文件" for a .xlsx/.xlsm name on
//                         something that is not a zip; a legacy .xls or an
//                         encrypted workbook (both OLE compound files) is
//                         refused with a message saying to save as .xlsx
//                         or CSV; CSV encoding errors as to_utf8
core::Result<TableFile> open_table_file(const std::string& path, std::uint64_t max_file_bytes,
                                        const XlsxLimits& xlsx = {});
// The same for bytes in memory (an upload); `name` is the file name the user
// gave, used only to recognise ".xlsx".
core::Result<TableFile> open_table_bytes(std::string bytes, const std::string& name,
                                         std::uint64_t max_file_bytes, const XlsxLimits& xlsx = {});

}  // namespace mingjing::imports
