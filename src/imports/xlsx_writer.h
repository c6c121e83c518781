// Writing one-sheet .xlsx workbooks for people to download: error reports
// of imports and exports of records. libxlsxwriter in its constant-memory
// mode streams rows to a temporary file, so a large export costs one row of
// memory plus the finished file; the workbook is returned as bytes.
//
// Thread-safety: a SheetWriter belongs to one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace mingjing::imports {

// One cell: empty, text, or a number (written as a number so sums work).
struct SheetCell {
  enum class Kind { empty, text, number } kind = Kind::empty;
  std::string text;
  double number = 0;

  static SheetCell of(std::string t) { return {Kind::text, std::move(t), 0}; }
  static SheetCell of(double n) { return {Kind::number, {}, n}; }
};

class SheetWriter {
 public:
  // A workbook with one sheet named `sheet_name` (Excel allows 31
  // characters; longer names are cut) and a bold, frozen header row.
  static core::Result<SheetWriter> create(const std::string& sheet_name,
                                          const std::vector<std::string>& headers);
  SheetWriter(SheetWriter&&) noexcept;
  SheetWriter& operator=(SheetWriter&&) noexcept;
  ~SheetWriter();

  // Rows in order. Text longer than Excel's cell limit is cut.
  void add_row(const std::vector<SheetCell>& cells);
  std::size_t rows() const;

  // Closes the workbook and returns the file's bytes.
  core::Result<std::string> finish();

 private:
  struct State;
  explicit SheetWriter(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mingjing::imports
