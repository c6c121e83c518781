// Row validation for the datasets of datasets.h: a header is mapped onto the
// dataset's columns, then each row's cells are parsed into typed values, and
// every problem becomes a RowError (row, column, value, reason in Chinese and
// English) for the error report. Checks that need the database (does the
// region exist, does the referenced project exist) are the importer's; this
// file checks everything a single row can tell.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "imports/datasets.h"

namespace mingjing::imports {

// One validated cell.
struct Value {
  enum class Kind { null, text, integer, real };
  Kind kind = Kind::null;
  // text, enumeration, date ('YYYY-MM-DD'), uscc, region, reference, and the
  // normalised plaintext of personal data (to be sealed by the store).
  std::string text;
  // money (fen), integer, boolean (0/1), datetime (unix ms).
  long long integer = 0;
  double real = 0;  // decimal

  bool is_null() const { return kind == Kind::null; }
};

struct RowError {
  std::size_t row = 0;    // the file's row number, header = 1
  std::string column;     // the dataset's column name ("" for the whole row)
  std::string value;      // as found (shortened)
  std::string reason;     // Chinese
  std::string reason_en;  // English
};

// Where each of the dataset's columns is in the file.
struct HeaderMap {
  std::vector<int> source;           // per DatasetSpec::columns: index in the row, or -1
  std::vector<std::string> unknown;  // headers that name no column (a warning)
};

// Headers match a column's name case-insensitively or one of its Chinese
// aliases; blanks around them are ignored. Refuses the whole file
// (invalid_argument, field = the column) when a required column is missing
// or a column appears twice.
core::Result<HeaderMap> map_header(const DatasetSpec& dataset,
                                   const std::vector<std::string>& header);

// A problem with one cell: Chinese and English reasons.
struct CellProblem {
  std::string reason;
  std::string reason_en;
};

// Parses one cell (blanks around it ignored) into `out`; false with the
// reasons in `problem` when it is not valid. An empty cell is null, or a
// problem when the column is required.
bool parse_cell(const ColumnSpec& column, std::string_view raw, Value& out, CellProblem& problem);

struct ParsedRow {
  std::vector<Value> values;  // per DatasetSpec::columns
  std::vector<RowError> errors;
  bool ok() const { return errors.empty(); }
};

// Parses a row: every cell, then the row-level rules (one_of). Cells beyond
// the header are ignored; missing trailing cells are empty.
ParsedRow parse_row(const DatasetSpec& dataset, const HeaderMap& header,
                    const std::vector<std::string>& cells, std::size_t row_number);

}  // namespace mingjing::imports
