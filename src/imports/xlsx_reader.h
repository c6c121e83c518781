// Reading the first worksheet of an Excel .xlsx file row by row.
//
// An .xlsx file is a zip archive of XML parts. XlsxReader finds the first
// worksheet in workbook order (xl/workbook.xml and its relationships, never
// simply "sheet1.xml"; chart sheets are passed over, and so are hidden
// sheets unless every worksheet is hidden: the first tab the user sees),
// loads the shared strings and the cell styles, and then streams the
// worksheet: it inflates the part in chunks and parses one <row> element at
// a time, so memory does not grow with the number of rows.
//
// Cell values come back as UTF-8 text:
//   shared (t="s"), inline (t="inlineStr") and formula (t="str") strings
//       as written; rich-text runs are joined, phonetic runs (<rPh>) dropped,
//       leading and trailing blanks kept only with xml:space="preserve" (as
//       Excel does), _xHHHH_ escapes decoded.
//   booleans (t="b")  "true" / "false"
//   numbers           the digits as written in the file ("1234.5" stays
//                     "1234.5", never a float round trip); exponent forms
//                     become plain decimals ("1.23E+5" -> "123000").
//   dates             numbers whose cell style is a date or time format
//                     (built-in formats 14-22, 27-36, 45-47 and 50-58, or a
//                     custom format with y/m/d/h/s outside quotes and
//                     brackets) become "YYYY-MM-DD" for date formats (a
//                     fraction of a day is dropped, as Excel shows it),
//                     "YYYY-MM-DD HH:MM:SS" for formats that show a time of
//                     day as well (rounded to the second), and "HH:MM:SS"
//                     for time-only formats on a value below one day. The
//                     format decides, as it decides what Excel shows: a
//                     date-and-time format at midnight still gives
//                     "2025-01-26 00:00:00". The 1900 date system (serial 60,
//                     Excel's fictitious 1900-02-29, is refused) or, when the
//                     workbook says date1904, the 1904 system.
//                     ISO dates (t="d") come back the same way.
//   errors (t="e")    an empty cell plus an issue (see XlsxCellIssue).
// A cell that cannot be read (a formula error such as #N/A, a date serial
// out of range or 60) never fails the whole file: the cell is empty and the
// row carries an issue naming the column, so an importer can reject just that
// row. Malformed XML, a bad cell reference or a limit that is exceeded fails
// next() instead.
//
// Thread-safety: an XlsxReader belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mingjing::imports {

// Limits that keep a hostile or broken file from exhausting memory or disk.
struct XlsxLimits {
  // The .xlsx file itself (compressed size).
  std::uint64_t max_file_bytes = 100ull * 1024 * 1024;
  // All parts read, uncompressed, together (zip bombs). Checked against the
  // sizes the archive declares before reading and the bytes actually
  // inflated while reading.
  std::uint64_t max_uncompressed_bytes = 1024ull * 1024 * 1024;
  // Each part that is read whole: workbook, relationships, styles.
  std::uint64_t max_part_bytes = 32ull * 1024 * 1024;
  // The shared-strings part (uncompressed), and the memory its strings take
  // once loaded (they are held for the whole read).
  std::uint64_t max_shared_strings_bytes = 256ull * 1024 * 1024;
  // Columns per row (Excel's own limit is 16384, column XFD).
  std::size_t max_columns = 16384;
  // One <row> element of the worksheet XML.
  std::size_t max_row_bytes = 16ull * 1024 * 1024;
};

// A cell whose value could not be read; its text in XlsxRow::cells is empty.
struct XlsxCellIssue {
  std::size_t column = 0;  // 0-based index into XlsxRow::cells
  std::string value;       // what the file holds: "#N/A", "60", ...
  std::string reason;      // Chinese, e.g. "单元格为公式错误值：#N/A"
};

struct XlsxRow {
  // 1-based row number in the sheet, as Excel shows it ("第N行"). Rows the
  // file leaves out (empty in Excel) are skipped, so numbers may jump.
  std::size_t number = 0;
  // Cell texts placed by their column (A is 0); gaps are empty strings.
  // Trailing empty cells are dropped, so an empty row has no cells.
  std::vector<std::string> cells;
  std::vector<XlsxCellIssue> issues;
};

class XlsxReader {
 public:
  // Opens the file at `path` (at most limits.max_file_bytes) and prepares to
  // read its first worksheet. Errors:
  //   not_found         no such file
  //   too_large         the file, or the parts it would inflate to, exceed
  //                     a limit (field "file")
  //   invalid_argument  "文件不是有效的xlsx文件" (not a zip archive), the same
  //                     with the missing part named, "xlsx文件中没有工作表",
  //                     malformed XML in the workbook, styles or strings
  static core::Result<XlsxReader> open_file(const std::string& path, const XlsxLimits& limits = {});
  // The same from bytes in memory (an upload). The reader keeps them.
  static core::Result<XlsxReader> open_bytes(std::string bytes, const XlsxLimits& limits = {});

  XlsxReader(XlsxReader&&) noexcept;
  XlsxReader& operator=(XlsxReader&&) noexcept;
  ~XlsxReader();

  // The next row present in the sheet, or nullopt at the end. Fails on
  // malformed sheet XML, a bad cell reference, too many columns, a row over
  // max_row_bytes or the uncompressed limit, naming the row ("第N行"); once
  // it has failed it returns the same error again.
  core::Result<std::optional<XlsxRow>> next();

  // The name of the sheet being read, as shown on its tab.
  const std::string& sheet_name() const;
  // True when the workbook uses the 1904 date system.
  bool date1904() const;

 private:
  struct Impl;
  explicit XlsxReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Spreadsheet column letters for a 0-based index: 0 -> "A", 27 -> "AB".
std::string column_letters(std::size_t index);

// True when `head` starts like a zip archive (and so possibly an .xlsx).
bool looks_like_zip(std::string_view head);

}  // namespace mingjing::imports
