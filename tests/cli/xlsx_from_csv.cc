// Test helper: writes a CSV file as an .xlsx workbook with libxlsxwriter, the
// way a clerk's Excel file looks: the data on the first sheet, whole numbers
// of up to 15 digits typed as numbers (as Excel stores a region code typed
// into a cell), a second sheet with notes that an import must not read.
//
//   xlsx_from_csv IN.csv OUT.xlsx
#include <xlsxwriter.h>

#include <iostream>
#include <string>

#include "imports/csv_reader.h"

namespace {

bool whole_number(const std::string& s) {
  if (s.empty() || s.size() > 15 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: xlsx_from_csv IN.csv OUT.xlsx\n";
    return 2;
  }
  auto text = mingjing::imports::load_text_file(argv[1], 64u * 1024 * 1024);
  if (!text.ok()) {
    std::cerr << text.error().message << "\n";
    return 1;
  }
  lxw_workbook* workbook = workbook_new(argv[2]);
  if (!workbook) return 1;
  lxw_worksheet* data = workbook_add_worksheet(workbook, "数据");
  lxw_worksheet* notes = workbook_add_worksheet(workbook, "说明");
  worksheet_write_string(notes, 0, 0, "code", nullptr);
  worksheet_write_string(notes, 1, 0, "本表为说明，不应导入", nullptr);

  mingjing::imports::CsvReader reader(std::move(text->text));
  lxw_row_t row = 0;
  while (true) {
    auto record = reader.next();
    if (!record.ok()) {
      std::cerr << record.error().message << "\n";
      return 1;
    }
    if (!record->has_value()) break;
    lxw_col_t col = 0;
    for (const std::string& cell : **record) {
      if (whole_number(cell)) {
        worksheet_write_number(data, row, col, std::stod(cell), nullptr);
      } else if (!cell.empty()) {
        worksheet_write_string(data, row, col, cell.c_str(), nullptr);
      }
      ++col;
    }
    ++row;
  }
  return workbook_close(workbook) == LXW_NO_ERROR ? 0 : 1;
}
