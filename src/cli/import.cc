// mingjing import DATASET FILE: prints one JSON summary line; exit 0 when
// the file was read (even with rejected rows), 2 when refused as a whole.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "imports/table_source.h"
#include "regions/regions.h"

namespace mingjing::cli {
namespace {

constexpr std::size_t kMaxRegionFileBytes = 64u * 1024 * 1024;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

int refuse(const std::string& dataset, const core::Error& e) {
  nlohmann::ordered_json out = {
      {"dataset", dataset},
      {"error", {{"code", e.code}, {"message", e.message}, {"field", e.field}}}};
  std::cout << out.dump() << "\n";
  std::cerr << "错误：" << e.message << "\n";
  return 2;
}

}  // namespace

int run_import(const ImportOptions& o) {
  if (o.dataset != "regions") {
    return refuse(o.dataset, core::Error::invalid("暂不支持的数据集：" + o.dataset, "dataset"));
  }
  // CSV or the first sheet of an .xlsx workbook, told apart by content.
  auto table = imports::open_table_file(o.file, kMaxRegionFileBytes);
  if (!table.ok()) return refuse(o.dataset, table.error());
  auto db = open_database(o.db_url);
  if (!db) return 1;
  regions::RegionService regions(*db);
  auto summary = regions.import_table(*table->source, {.strict = o.strict});
  if (!summary.ok()) return refuse(o.dataset, summary.error());
  if (!o.errors_file.empty()) {
    std::ofstream err(o.errors_file, std::ios::binary);
    err << "\xEF\xBB\xBF"
        << "row,column,value,reason\n";  // BOM: Excel opens it as UTF-8
    for (const auto& e : summary->errors) {
      err << e.row << ',' << csv_field(e.column) << ',' << csv_field(e.value) << ','
          << csv_field(e.reason) << "\n";
    }
  }
  nlohmann::ordered_json out = {{"dataset", o.dataset},
                                {"rows", summary->rows},
                                {"inserted", summary->inserted},
                                {"updated", summary->updated},
                                {"rejected", summary->rejected},
                                {"warnings", summary->warnings},
                                {"encoding", std::string(table->encoding_name())}};
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace mingjing::cli
