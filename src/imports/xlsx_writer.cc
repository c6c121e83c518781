#include "imports/xlsx_writer.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace mingjing::imports {
namespace {

constexpr std::size_t kMaxCellBytes = 32000;  // Excel keeps 32,767 characters

// Cuts UTF-8 text at a character boundary.
std::string fit_cell(const std::string& text) {
  if (text.size() <= kMaxCellBytes) return text;
  std::size_t end = kMaxCellBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Column width in Excel units for a header or value: CJK characters are
// about two units wide.
double display_width(const std::string& text) {
  double width = 0;
  for (unsigned char c : text) {
    if (c < 0x80) {
      width += 1;
    } else if ((c & 0xC0) != 0x80) {
      width += 2;
    }
  }
  return width;
}

}  // namespace

struct SheetWriter::State {
  std::string path;
  lxw_workbook* workbook = nullptr;
  lxw_worksheet* sheet = nullptr;
  std::size_t columns = 0;
  lxw_row_t next_row = 1;

  ~State() {
    if (workbook) workbook_close(workbook);  // frees it; the file is removed below
    if (!path.empty()) std::filesystem::remove(path);
  }
};

SheetWriter::SheetWriter(std::unique_ptr<State> state) : state_(std::move(state)) {}
SheetWriter::SheetWriter(SheetWriter&&) noexcept = default;
SheetWriter& SheetWriter::operator=(SheetWriter&&) noexcept = default;
SheetWriter::~SheetWriter() = default;

core::Result<SheetWriter> SheetWriter::create(const std::string& sheet_name,
                                              const std::vector<std::string>& headers) {
  auto state = std::make_unique<State>();
  std::filesystem::path dir = std::filesystem::temp_directory_path();
  std::string pattern = (dir / "mingjing-xlsx-XXXXXX").string();
  int fd = mkstemp(pattern.data());
  if (fd < 0) return core::Error{core::errc::kInternal, "无法创建临时文件", {}};
  ::close(fd);
  state->path = pattern;
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  std::string tmpdir = dir.string();
  options.tmpdir = tmpdir.data();
  state->workbook = workbook_new_opt(state->path.c_str(), &options);
  if (!state->workbook) return core::Error{core::errc::kInternal, "无法创建表格文件", {}};
  std::string name = sheet_name.empty() ? "Sheet1" : sheet_name;
  // Excel forbids these characters in sheet names and allows 31 of the rest.
  for (char& c : name) {
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '_';
  }
  auto chars = core::split_utf8(name);
  if (chars.size() > 31) {
    std::string cut;
    for (std::size_t i = 0; i < 31; ++i) cut.append(chars[i]);
    name = cut;
  }
  state->sheet = workbook_add_worksheet(state->workbook, name.c_str());
  if (!state->sheet) return core::Error{core::errc::kInternal, "无法创建工作表", {}};
  lxw_format* bold = workbook_add_format(state->workbook);
  format_set_bold(bold);
  state->columns = headers.size();
  for (std::size_t c = 0; c < headers.size(); ++c) {
    double width = std::clamp(display_width(headers[c]) + 2, 8.0, 40.0);
    worksheet_set_column(state->sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), width,
                         nullptr);
    worksheet_write_string(state->sheet, 0, static_cast<lxw_col_t>(c), headers[c].c_str(), bold);
  }
  worksheet_freeze_panes(state->sheet, 1, 0);
  return SheetWriter(std::move(state));
}

void SheetWriter::add_row(const std::vector<SheetCell>& cells) {
  lxw_row_t row = state_->next_row++;
  for (std::size_t c = 0; c < cells.size(); ++c) {
    auto col = static_cast<lxw_col_t>(c);
    switch (cells[c].kind) {
      case SheetCell::Kind::empty:
        break;
      case SheetCell::Kind::text:
        if (!cells[c].text.empty()) {
          worksheet_write_string(state_->sheet, row, col, fit_cell(cells[c].text).c_str(), nullptr);
        }
        break;
      case SheetCell::Kind::number:
        worksheet_write_number(state_->sheet, row, col, cells[c].number, nullptr);
        break;
    }
  }
}

std::size_t SheetWriter::rows() const {
  return state_->next_row - 1;
}

core::Result<std::string> SheetWriter::finish() {
  lxw_error closed = workbook_close(state_->workbook);
  state_->workbook = nullptr;
  if (closed != LXW_NO_ERROR) return core::Error{core::errc::kInternal, "表格文件写入失败", {}};
  std::ifstream in(state_->path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in) return core::Error{core::errc::kInternal, "表格文件读取失败", {}};
  return bytes.str();
}

}  // namespace mingjing::imports
