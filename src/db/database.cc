#include "db/database.h"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include "db/soci.h"
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "db/migrations.h"

namespace mingjing::db {
namespace {

// SOCI 4.0 splits its connect string on spaces and takes quotes literally,
// so a path with a space cannot be passed: refuse it clearly.
core::Result<std::string> sqlite_connect_string(const std::string& path) {
  if (path.find_first_of(" \t'\"") != std::string::npos) {
    return core::Error::invalid("SQLite 文件路径不能包含空格或引号", "db");
  }
  return "db=" + path + " timeout=30";
}

void prepare_sqlite_session(soci::session& s) {
  s << "PRAGMA journal_mode=WAL";
  s << "PRAGMA foreign_keys=ON";
  s << "PRAGMA synchronous=NORMAL";
}

}  // namespace

Connection::Connection(std::unique_ptr<soci::session> s, Dialect d)
    : session_(std::move(s)), dialect_(d) {}
Connection::Connection(Connection&&) noexcept = default;
Connection::~Connection() = default;

Database::Database(std::string url, Dialect dialect, std::unique_ptr<soci::connection_pool> pool)
    : url_(std::move(url)), dialect_(dialect), pool_(std::move(pool)) {}
Database::~Database() = default;

core::Result<std::unique_ptr<Database>> Database::open(const Settings& settings) {
  const std::string& url = settings.url;
  const std::size_t size = settings.pool_size == 0 ? 1 : settings.pool_size;
  Dialect dialect;
  std::string connect;
  if (url.rfind("sqlite:", 0) == 0) {
    dialect = Dialect::kSqlite;
    std::string path = url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs -> /abs
    if (path.empty()) return core::Error::invalid("数据库地址缺少文件路径", "db");
    auto cs = sqlite_connect_string(path);
    if (!cs.ok()) return cs.error();
    connect = *cs;
  } else if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    dialect = Dialect::kPostgresql;
    connect = url;
  } else {
    return core::Error::invalid("不支持的数据库地址，应以 sqlite: 或 postgresql:// 开头", "db");
  }
  auto pool = std::make_unique<soci::connection_pool>(size);
  try {
    for (std::size_t i = 0; i < size; ++i) {
      soci::session& s = pool->at(i);
      if (dialect == Dialect::kSqlite) {
        s.open(soci::sqlite3, connect);
        prepare_sqlite_session(s);
      } else {
        s.open(soci::postgresql, connect);
        s << "SET client_min_messages TO WARNING";
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("database open failed: {}", e.what());
    return core::Error{core::errc::kUnavailable, "无法连接数据库", "db"};
  }
  auto db = std::unique_ptr<Database>(new Database(url, dialect, std::move(pool)));
  db->pool_size_ = size;
  return db;
}

Connection Database::connect() {
  return Connection(std::make_unique<soci::session>(*pool_), dialect_);
}

Transaction::Transaction(Connection& conn) : conn_(conn) {
  conn_.session() << (conn_.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    conn_.session() << "ROLLBACK";
  } catch (const std::exception& e) {
    spdlog::warn("rollback failed: {}", e.what());
  }
}

void Transaction::commit() {
  conn_.session() << "COMMIT";
  done_ = true;
}

long long now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace mingjing::db
