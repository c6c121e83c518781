#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"

namespace mingjing::cli {

std::unique_ptr<db::Database> open_database(const std::string& url) {
  auto db = db::Database::open({.url = url, .pool_size = 8});
  if (!db.ok()) {
    std::cerr << "错误：" << db.error().message << "（" << url << "）\n";
    return nullptr;
  }
  if (auto st = (*db)->migrate(); !st.ok()) {
    std::cerr << "错误：" << st.error().message << "\n";
    return nullptr;
  }
  return std::move(db.value());
}

std::string default_key_file(const std::string& db_url) {
  const std::string prefix = "sqlite:";
  if (db_url.rfind(prefix, 0) != 0) return "mingjing.key";
  std::filesystem::path db_path = db_url.substr(prefix.size());
  return db_path.replace_extension(".key").string();
}

namespace {

std::string first_existing(const std::vector<std::filesystem::path>& candidates) {
  std::error_code ec;
  for (const auto& c : candidates) {
    if (std::filesystem::exists(c, ec)) return c.string();
  }
  return candidates.empty() ? "" : candidates.back().string();
}

std::filesystem::path exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path(".") : p.parent_path();
}

}  // namespace

// The binary is built at build/src/cli/mingjing or installed beside web/.
std::string default_static_dir() {
  return first_existing({exe_dir() / "web", exe_dir() / "../../../web/dist", "web/dist"});
}

std::string default_openapi_path() {
  return first_existing(
      {exe_dir() / "openapi.json", exe_dir() / "../../../docs/openapi.json", "docs/openapi.json"});
}

}  // namespace mingjing::cli
