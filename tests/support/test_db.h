// Test support: a fresh, migrated database per test on the backend chosen by
// the environment, so the same test runs on SQLite and PostgreSQL.
//
//   MINGJING_TEST_BACKEND=sqlite       (default) a new file in a temp folder
//   MINGJING_TEST_BACKEND=postgresql   a new schema in MINGJING_TEST_PG_URL,
//                                      dropped afterwards
//
// Asking for PostgreSQL without MINGJING_TEST_PG_URL throws: such a test
// fails rather than silently passing on the wrong backend.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "db/database.h"

namespace mingjing::testing {

// A temporary folder removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class TestDb {
 public:
  TestDb();
  ~TestDb();
  db::Database& db() { return *db_; }
  const std::string& url() const { return url_; }
  bool is_postgresql() const { return !schema_.empty(); }
  // Opens a second, independent pool on the same data (another "process").
  std::unique_ptr<db::Database> open_again() const;

 private:
  void run_admin(const std::string& sql) const;
  TempDir dir_;
  std::string url_;
  std::string schema_;
  std::string admin_url_;
  std::unique_ptr<db::Database> db_;
};

// The repository root, for tests that read shipped data files.
std::string source_dir();

}  // namespace mingjing::testing
