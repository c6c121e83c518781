// mingjing warnings export: every warning in the spec's format
// (../shared/spec/data-formats.md), to stdout or --out FILE. Exit 0 when
// written, 1 when the database or the key fails, 2 for bad arguments.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "cli/commands.h"
#include "privacy/privacy.h"
#include "warnings/export.h"

namespace mingjing::cli {

int run_warnings_export(const WarningsExportOptions& o) {
  auto format = warnings::parse_export_format(o.format);
  if (!format) {
    std::cerr << "错误：导出格式应为jsonl、csv或xlsx：" << o.format << "\n";
    return 2;
  }
  auto db = open_database(o.db_url);
  if (!db) return 1;
  // The key opens subjects' ID numbers. It is never created here: a
  // database without a key has no sealed values to open.
  const std::string key_file = o.key_file.empty() ? default_key_file(o.db_url) : o.key_file;
  auto vault = privacy::Vault::open(key_file, /*create_missing=*/false);

  std::ofstream file;
  std::string partial;
  if (!o.out.empty()) {
    partial = o.out + ".partial";
    file.open(partial, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "错误：无法写入文件：" << o.out << "\n";
      return 1;
    }
  }
  std::ostream& out = o.out.empty() ? std::cout : file;
  auto summary = warnings::export_warnings(*db, vault.ok() ? &*vault : nullptr,
                                           warnings::Actor::system("cli"), *format, out);
  if (!summary.ok()) {
    if (file.is_open()) {
      file.close();
      std::remove(partial.c_str());
    }
    std::cerr << "错误：" << summary.error().message;
    if (!vault.ok() && summary.error().field == "key")
      std::cerr << "（" << vault.error().message << "）";
    std::cerr << "\n";
    return 1;
  }
  if (file.is_open()) {
    file.close();
    std::error_code ec;
    if (file) std::filesystem::rename(partial, o.out, ec);
    if (ec || !file) {
      std::remove(partial.c_str());
      std::cerr << "错误：无法写入文件：" << o.out << "\n";
      return 1;
    }
  } else {
    std::cout.flush();
  }
  // Exports carry personal data (ID numbers): who took one is on record.
  (void)audit::append_now(*db, {{0, "cli", "system", ""},
                                "warning.export",
                                o.out.empty() ? "stdout" : "file:" + o.out,
                                nlohmann::json{{"format", o.format},
                                               {"warnings", summary->warnings},
                                               {"subjects_missing", summary->subjects_missing}}
                                    .dump(),
                                "",
                                ""});
  if (!o.out.empty()) {
    nlohmann::ordered_json done = {{"warnings", summary->warnings},
                                   {"format", o.format},
                                   {"out", o.out},
                                   {"subjects_missing", summary->subjects_missing}};
    std::cout << done.dump() << "\n";
  }
  return 0;
}

}  // namespace mingjing::cli
