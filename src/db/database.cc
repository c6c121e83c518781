#include "db/database.h"

#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "db/migrations.h"
#include "db/soci.h"

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

// SOCI 4.0 rewrites the connect string as keyword=value pairs, which mangles
// a libpq URI. Convert postgresql://user:pass@host:port/db?k=v ourselves.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// libpq keyword values are quoted with single quotes; \ and ' are escaped.
std::string pg_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

core::Result<std::string> pg_keyword_string(const std::string& url) {
  std::string_view rest = url;
  rest.remove_prefix(rest.find("://") + 3);
  std::string query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  std::string dbname = rest.find('/') == std::string_view::npos
                           ? ""
                           : percent_decode(rest.substr(rest.find('/') + 1));
  std::string out;
  auto add = [&](const char* key, const std::string& v) {
    if (!v.empty()) out += std::string(out.empty() ? "" : " ") + key + "=" + pg_value(v);
  };
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    add("user", percent_decode(userinfo.substr(0, colon)));
    if (colon != std::string_view::npos)
      add("password", percent_decode(userinfo.substr(colon + 1)));
  }
  std::string host(authority), port;
  if (auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    host = std::string(authority.substr(0, colon));
    port = std::string(authority.substr(colon + 1));
  }
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  add("host", percent_decode(host));
  add("port", port);
  add("dbname", dbname);
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    start = end + 1;
    auto eq = pair.find('=');
    if (eq == std::string::npos) return core::Error::invalid("数据库地址参数格式不正确", "db");
    std::string key = percent_decode(pair.substr(0, eq));
    if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
      return core::Error::invalid("数据库地址参数格式不正确", "db");
    }
    add(key.c_str(), percent_decode(pair.substr(eq + 1)));
  }
  return out;
}

void prepare_sqlite_session(soci::session& s) {
  s << "PRAGMA journal_mode=WAL";
  s << "PRAGMA foreign_keys=ON";
  s << "PRAGMA synchronous=NORMAL";
  // SQLite's default page cache is 2 MB: a large import then spends its time
  // re-reading index pages. 64 MB is allocated only as pages are used.
  s << "PRAGMA cache_size=-65536";
  // A log grown large during an import is cut back to this when it restarts.
  s << "PRAGMA journal_size_limit=67108864";
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
    auto cs = pg_keyword_string(url);
    if (!cs.ok()) return cs.error();
    connect = *cs;
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
