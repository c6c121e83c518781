// The database: a pool of SOCI sessions on SQLite (default) or PostgreSQL,
// the schema migrations, and explicit transactions.
//
// URLs:
//   sqlite:./mingjing.db        a file (created if absent); WAL, foreign keys on
//   sqlite:/abs/path.db
//   postgresql://user:pass@host:port/db[?options...]   (libpq URI; postgres:// too)
//
// Thread-safety: Database is safe to share between threads. A Connection is
// a lease of one session and belongs to one thread at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"

namespace soci {
class session;
class connection_pool;
}  // namespace soci

namespace mingjing::db {

enum class Dialect { kSqlite, kPostgresql };

struct Settings {
  // Where the data lives. Default: a SQLite file in the working directory.
  std::string url = "sqlite:./mingjing.db";
  // Sessions kept open. Requests beyond this wait for a free one. SQLite
  // readers run in parallel under WAL; writers queue on the file lock.
  std::size_t pool_size = 4;
};

class Database;

// A leased session, returned to the pool on destruction.
class Connection {
 public:
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) = delete;
  ~Connection();

  soci::session& session() { return *session_; }
  soci::session& operator*() { return *session_; }
  Dialect dialect() const { return dialect_; }

 private:
  friend class Database;
  Connection(std::unique_ptr<soci::session> s, Dialect d);
  std::unique_ptr<soci::session> session_;
  Dialect dialect_;
};

class Database {
 public:
  // Opens the pool. Fails with invalid_argument for an unknown URL scheme and
  // unavailable when the database cannot be reached. Does not migrate.
  static core::Result<std::unique_ptr<Database>> open(const Settings& settings);
  ~Database();

  Dialect dialect() const { return dialect_; }
  const std::string& url() const { return url_; }

  // Leases a session; blocks while all are in use.
  Connection connect();

  // Applies every migration not yet applied, each in its own transaction, in
  // version order. Safe to call from several processes at once (PostgreSQL
  // advisory lock; SQLite write lock). Already up to date is not an error.
  core::Status migrate();

  // Highest applied migration version, 0 for an empty database.
  int schema_version();
  // Highest migration version this build knows.
  static int latest_version();

 private:
  Database(std::string url, Dialect dialect, std::unique_ptr<soci::connection_pool> pool);
  std::string url_;
  Dialect dialect_;
  std::size_t pool_size_ = 0;
  std::unique_ptr<soci::connection_pool> pool_;
};

// One unit of work. SQLite: BEGIN IMMEDIATE, so the write lock is taken up
// front and concurrent writers queue instead of failing on upgrade.
// Destroying an uncommitted Transaction rolls it back.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

// Current time in unix milliseconds: the single source of server timestamps
// stored in the database.
long long now_unix_ms();

}  // namespace mingjing::db
