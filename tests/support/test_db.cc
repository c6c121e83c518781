#include "support/test_db.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>

#include "db/soci.h"

namespace mingjing::testing {
namespace {

std::string random_suffix() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(rd() % 1000000);
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

void TestDb::run_admin(const std::string& sql) const {
  auto admin = db::Database::open({.url = admin_url_, .pool_size = 1});
  if (!admin.ok()) throw std::runtime_error("test PostgreSQL unreachable: " + admin_url_);
  auto conn = (*admin)->connect();
  conn.session() << sql;
}

TempDir::TempDir() {
  path_ = std::filesystem::temp_directory_path() / ("mingjing_test_" + random_suffix());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestDb::TestDb() {
  std::string backend = env("MINGJING_TEST_BACKEND");
  if (backend.empty() || backend == "sqlite") {
    url_ = "sqlite:" + dir_.file("test.db");
  } else if (backend == "postgresql") {
    admin_url_ = env("MINGJING_TEST_PG_URL");
    if (admin_url_.empty()) {
      throw std::runtime_error("MINGJING_TEST_BACKEND=postgresql needs MINGJING_TEST_PG_URL");
    }
    schema_ = "t_" + random_suffix();
    run_admin("CREATE SCHEMA " + schema_);
    url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_;
  } else {
    throw std::runtime_error("unknown MINGJING_TEST_BACKEND " + backend);
  }
  auto opened = db::Database::open({.url = url_, .pool_size = 4});
  if (!opened.ok()) throw std::runtime_error("open test db: " + opened.error().message);
  db_ = std::move(opened.value());
  auto migrated = db_->migrate();
  if (!migrated.ok()) throw std::runtime_error("migrate test db: " + migrated.error().message);
}

TestDb::~TestDb() {
  db_.reset();
  if (!schema_.empty()) {
    try {
      run_admin("DROP SCHEMA " + schema_ + " CASCADE");
    } catch (...) {
    }
  }
}

std::unique_ptr<db::Database> TestDb::open_again() const {
  auto opened = db::Database::open({.url = url_, .pool_size = 2});
  if (!opened.ok()) throw std::runtime_error("reopen test db: " + opened.error().message);
  return std::move(opened.value());
}

std::string source_dir() {
  return MINGJING_SOURCE_DIR;
}

}  // namespace mingjing::testing
