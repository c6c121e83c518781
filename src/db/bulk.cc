#include "db/bulk.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "db/soci.h"

namespace mingjing::db {

void BulkRows::add_text(std::string_view text) {
  Cell c;
  c.kind = Cell::Kind::text;
  c.offset = text_.size();
  c.length = static_cast<std::uint32_t>(text.size());
  text_.append(text);
  cells_.push_back(c);
}

void BulkRows::add_integer(long long value) {
  Cell c;
  c.kind = Cell::Kind::integer;
  c.integer = value;
  cells_.push_back(c);
}

void BulkRows::add_real(double value) {
  Cell c;
  c.kind = Cell::Kind::real;
  c.real = value;
  cells_.push_back(c);
}

void BulkRows::clear(std::size_t width) {
  width_ = width;
  cells_.clear();
  text_.clear();
}

namespace {

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

std::string column_list(const std::vector<std::string>& columns, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i ? "," : "") + quoted(columns[i]);
  return out;
}

void check_width(const std::vector<std::string>& columns, const BulkRows& rows) {
  if (columns.size() != rows.width() || columns.empty()) {
    throw std::logic_error("bulk write: the rows are not as wide as the column list");
  }
}

// The rows to write: those listed, or all.
class Selection {
 public:
  Selection(const BulkRows& rows, const std::vector<std::size_t>* which)
      : all_(rows.size()), which_(which) {
    if (!which) return;
    for (std::size_t r : *which) {
      if (r >= all_) throw std::logic_error("bulk write: no such row");
    }
  }
  std::size_t size() const { return which_ ? which_->size() : all_; }
  std::size_t operator[](std::size_t i) const { return which_ ? (*which_)[i] : i; }

 private:
  std::size_t all_;
  const std::vector<std::size_t>* which_;
};

}  // namespace

struct BulkWriter::Impl {
  virtual ~Impl() = default;
  virtual std::unordered_map<std::string, std::string> lookup(
      const std::string& table, const std::string& key_column, const std::string& value_column,
      const std::vector<std::string_view>& keys) = 0;
  virtual void insert(const std::string& table, const std::vector<std::string>& columns,
                      const BulkRows& rows, Selection which) = 0;
  virtual void update(const std::string& table, const std::vector<std::string>& columns,
                      std::size_t key, const BulkRows& rows, Selection which) = 0;
};

// --- SQLite ---------------------------------------------------------------------------

namespace sq = sqlite_api;

struct BulkWriter::Sqlite final : BulkWriter::Impl {
  // SQLite copies the write-ahead log back into the database (a checkpoint)
  // once the log passes 1000 pages, which with 10,000-row batches is after
  // every commit: the pages of an index on random values (a blind index)
  // are then copied again and again. While a writer is open the log may
  // grow to this much before it is copied; the connection's own setting is
  // restored afterwards.
  static constexpr long long kCheckpointBytes = 256ll * 1024 * 1024;

  explicit Sqlite(sq::sqlite3* handle) : db(handle) {
    sq::sqlite3_stmt* st = nullptr;
    long long page_size = 4096;
    if (sq::sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, nullptr) == SQLITE_OK &&
        sq::sqlite3_step(st) == SQLITE_ROW) {
      page_size = std::max<long long>(512, sq::sqlite3_column_int64(st, 0));
    }
    sq::sqlite3_finalize(st);
    st = nullptr;
    if (sq::sqlite3_prepare_v2(db, "PRAGMA wal_autocheckpoint", -1, &st, nullptr) == SQLITE_OK &&
        sq::sqlite3_step(st) == SQLITE_ROW) {
      checkpoint_pages = static_cast<int>(sq::sqlite3_column_int64(st, 0));
    }
    sq::sqlite3_finalize(st);
    if (checkpoint_pages > 0) {
      sq::sqlite3_wal_autocheckpoint(db, static_cast<int>(kCheckpointBytes / page_size));
    }
  }

  ~Sqlite() override {
    for (auto& [sql, st] : statements) sq::sqlite3_finalize(st);
    if (checkpoint_pages > 0) {
      sq::sqlite3_wal_autocheckpoint(db, checkpoint_pages);
      // Copy what the log holds now, waiting for no one, so readers do not
      // search a long log until the next write.
      if (sq::sqlite3_get_autocommit(db)) {
        sq::sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
    }
  }

  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("sqlite3 ") + what + ": " + sq::sqlite3_errmsg(db));
  }

  // Prepared once per writer and SQL text, then reset and re-bound per row.
  sq::sqlite3_stmt* statement(const std::string& sql) {
    auto found = statements.find(sql);
    if (found != statements.end()) return found->second;
    sq::sqlite3_stmt* st = nullptr;
    if (sq::sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size() + 1),
                               SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
      fail("prepare");
    }
    statements.emplace(sql, st);
    return st;
  }

  // Binds the first `count` cells of a row to ?1…?count. Text is bound
  // without a copy: it lives in `rows` until the statement has run.
  void bind(sq::sqlite3_stmt* st, const BulkRows& rows, std::size_t r, std::size_t count) {
    const auto no_copy = static_cast<sq::sqlite3_destructor_type>(nullptr);  // SQLITE_STATIC
    for (std::size_t c = 0; c < count; ++c) {
      const BulkRows::Cell& cell = rows.cell(r, c);
      int at = static_cast<int>(c + 1), rc = SQLITE_OK;
      switch (cell.kind) {
        case BulkRows::Cell::Kind::null:
          rc = sq::sqlite3_bind_null(st, at);
          break;
        case BulkRows::Cell::Kind::integer:
          rc = sq::sqlite3_bind_int64(st, at, cell.integer);
          break;
        case BulkRows::Cell::Kind::real:
          rc = sq::sqlite3_bind_double(st, at, cell.real);
          break;
        case BulkRows::Cell::Kind::text: {
          std::string_view text = rows.text(cell);
          rc = sq::sqlite3_bind_text(st, at, text.data(), static_cast<int>(text.size()), no_copy);
          break;
        }
      }
      if (rc != SQLITE_OK) fail("bind");
    }
  }

  void run_rows(sq::sqlite3_stmt* st, const BulkRows& rows, Selection which, std::size_t count) {
    for (std::size_t i = 0; i < which.size(); ++i) {
      bind(st, rows, which[i], count);
      int rc = sq::sqlite3_step(st);
      if (rc != SQLITE_DONE) {
        std::string message = sq::sqlite3_errmsg(db);
        sq::sqlite3_reset(st);
        sq::sqlite3_clear_bindings(st);
        throw std::runtime_error("sqlite3 step: " + message);
      }
      sq::sqlite3_reset(st);
    }
    sq::sqlite3_clear_bindings(st);
  }

  std::unordered_map<std::string, std::string> lookup(
      const std::string& table, const std::string& key_column, const std::string& value_column,
      const std::vector<std::string_view>& keys) override {
    std::unordered_map<std::string, std::string> out;
    sq::sqlite3_stmt* st = statement("SELECT " + quoted(value_column) + " FROM " + quoted(table) +
                                     " WHERE " + quoted(key_column) + " = ?1");
    const auto no_copy = static_cast<sq::sqlite3_destructor_type>(nullptr);
    for (const auto& key : keys) {
      if (sq::sqlite3_bind_text(st, 1, key.data(), static_cast<int>(key.size()), no_copy) !=
          SQLITE_OK) {
        fail("bind");
      }
      int rc = sq::sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const auto* text = sq::sqlite3_column_text(st, 0);
        int size = sq::sqlite3_column_bytes(st, 0);
        out.emplace(std::string(key), text ? std::string(reinterpret_cast<const char*>(text),
                                                         static_cast<std::size_t>(size))
                                           : std::string());
      } else if (rc != SQLITE_DONE) {
        std::string message = sq::sqlite3_errmsg(db);
        sq::sqlite3_reset(st);
        throw std::runtime_error("sqlite3 step: " + message);
      }
      sq::sqlite3_reset(st);
    }
    sq::sqlite3_clear_bindings(st);
    return out;
  }

  void insert(const std::string& table, const std::vector<std::string>& columns,
              const BulkRows& rows, Selection which) override {
    std::string params;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      params += (i ? ",?" : "?") + std::to_string(i + 1);
    }
    run_rows(statement("INSERT INTO " + quoted(table) + " (" +
                       column_list(columns, columns.size()) + ") VALUES (" + params + ")"),
             rows, which, columns.size());
  }

  void update(const std::string& table, const std::vector<std::string>& columns, std::size_t key,
              const BulkRows& rows, Selection which) override {
    std::string sets;
    for (std::size_t i = 0; i < key; ++i) {
      sets += (i ? "," : "") + quoted(columns[i]) + "=?" + std::to_string(i + 1);
    }
    run_rows(statement("UPDATE " + quoted(table) + " SET " + sets + " WHERE " +
                       quoted(columns[key]) + "=?" + std::to_string(key + 1)),
             rows, which, key + 1);
  }

  sq::sqlite3* db;
  int checkpoint_pages = 0;  // the connection's setting, to restore
  std::unordered_map<std::string, sq::sqlite3_stmt*> statements;
};

// --- PostgreSQL -----------------------------------------------------------------------

struct BulkWriter::Postgresql final : BulkWriter::Impl {
  explicit Postgresql(PGconn* handle) : pg(handle) {}

  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

  [[noreturn]] void fail(const char* what, const PGresult* result = nullptr) {
    const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(pg);
    throw std::runtime_error(std::string("postgresql ") + what + ": " + message);
  }

  void exec(const std::string& sql) {
    Result r(PQexec(pg, sql.c_str()), &PQclear);
    auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail("query", r.get());
  }

  // COPY's text format: backslash escapes for the characters it uses itself.
  static void append_escaped(std::string& out, std::string_view text) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      const char* escape = c == '\\'   ? "\\\\"
                           : c == '\n' ? "\\n"
                           : c == '\r' ? "\\r"
                           : c == '\t' ? "\\t"
                                       : nullptr;
      if (!escape) continue;
      out.append(text.substr(start, i - start));
      out.append(escape);
      start = i + 1;
    }
    out.append(text.substr(start));
  }

  // COPY of the first `count` columns of the selected rows.
  void copy(const std::string& table, const std::vector<std::string>& columns, std::size_t count,
            const BulkRows& rows, Selection which) {
    {
      Result r(
          PQexec(pg, ("COPY " + quoted(table) + " (" + column_list(columns, count) + ") FROM STDIN")
                         .c_str()),
          &PQclear);
      if (PQresultStatus(r.get()) != PGRES_COPY_IN) fail("copy", r.get());
    }
    std::string buffer;
    constexpr std::size_t kSend = 1 << 20;
    buffer.reserve(kSend + 4096);
    bool sent = true;
    auto send = [&] {
      if (PQputCopyData(pg, buffer.data(), static_cast<int>(buffer.size())) != 1) sent = false;
      buffer.clear();
    };
    char number[32];
    for (std::size_t i = 0; i < which.size() && sent; ++i) {
      const std::size_t r = which[i];
      for (std::size_t c = 0; c < count; ++c) {
        if (c) buffer += '\t';
        const BulkRows::Cell& cell = rows.cell(r, c);
        switch (cell.kind) {
          case BulkRows::Cell::Kind::null:
            buffer += "\\N";
            break;
          case BulkRows::Cell::Kind::integer: {
            auto end = std::to_chars(number, number + sizeof number, cell.integer).ptr;
            buffer.append(number, end);
            break;
          }
          case BulkRows::Cell::Kind::real: {
            // The shortest text that reads back as the same double.
            auto end = std::to_chars(number, number + sizeof number, cell.real).ptr;
            buffer.append(number, end);
            break;
          }
          case BulkRows::Cell::Kind::text:
            append_escaped(buffer, rows.text(cell));
            break;
        }
      }
      buffer += '\n';
      if (buffer.size() >= kSend) send();
    }
    if (sent && !buffer.empty()) send();
    if (PQputCopyEnd(pg, sent ? nullptr : "bulk write aborted") != 1) fail("copy end");
    // The COPY's outcome, then nothing more.
    std::string error;
    while (PGresult* raw = PQgetResult(pg)) {
      Result r(raw, &PQclear);
      if (PQresultStatus(raw) != PGRES_COMMAND_OK && error.empty()) {
        error = PQresultErrorMessage(raw);
      }
    }
    if (!error.empty()) throw std::runtime_error("postgresql copy: " + error);
    if (!sent) fail("copy data");
  }

  std::unordered_map<std::string, std::string> lookup(
      const std::string& table, const std::string& key_column, const std::string& value_column,
      const std::vector<std::string_view>& keys) override {
    std::unordered_map<std::string, std::string> out;
    if (keys.empty()) return out;
    // One text[] parameter: {"k1","k2",…} with " and \ escaped.
    std::string array = "{";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      array += i ? ",\"" : "\"";
      for (char c : keys[i]) {
        if (c == '"' || c == '\\') array += '\\';
        array += c;
      }
      array += '"';
    }
    array += '}';
    std::string sql = "SELECT " + quoted(key_column) + "," + quoted(value_column) + " FROM " +
                      quoted(table) + " WHERE " + quoted(key_column) + " = ANY($1::text[])";
    const char* params[1] = {array.c_str()};
    Result r(PQexecParams(pg, sql.c_str(), 1, nullptr, params, nullptr, nullptr, 0), &PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) fail("lookup", r.get());
    for (int i = 0, n = PQntuples(r.get()); i < n; ++i) {
      out.emplace(PQgetvalue(r.get(), i, 0),
                  PQgetisnull(r.get(), i, 1) ? "" : PQgetvalue(r.get(), i, 1));
    }
    return out;
  }

  void insert(const std::string& table, const std::vector<std::string>& columns,
              const BulkRows& rows, Selection which) override {
    if (which.size() > 0) copy(table, columns, columns.size(), rows, which);
  }

  // The new values go into a temporary table by COPY, then one UPDATE joins
  // them to the table by key. The temporary table is made anew each time,
  // so it always has the table's current column types.
  void update(const std::string& table, const std::vector<std::string>& columns, std::size_t key,
              const BulkRows& rows, Selection which) override {
    if (which.size() == 0) return;
    const std::string scratch = "mingjing_bulk_update";
    exec("DROP TABLE IF EXISTS pg_temp." + scratch);
    exec("CREATE TEMPORARY TABLE " + scratch + " AS SELECT " + column_list(columns, key + 1) +
         " FROM " + quoted(table) + " WITH NO DATA");
    copy(scratch, columns, key + 1, rows, which);
    std::string sets;
    for (std::size_t i = 0; i < key; ++i) {
      sets += (i ? "," : "") + quoted(columns[i]) + "=u." + quoted(columns[i]);
    }
    exec("UPDATE " + quoted(table) + " AS t SET " + sets + " FROM " + scratch + " AS u WHERE t." +
         quoted(columns[key]) + "=u." + quoted(columns[key]));
    exec("DROP TABLE pg_temp." + scratch);
  }

  PGconn* pg;
};

// --- BulkWriter -----------------------------------------------------------------------

BulkWriter::BulkWriter(Connection& conn) {
  // SOCI's libraries export no type information for their back ends, so
  // dynamic_cast cannot be used: the back end's name says which it is.
  soci::session& session = conn.session();
  soci::details::session_backend* backend = session.get_backend();
  const std::string name = session.get_backend_name();
  if (!backend) throw std::logic_error("bulk write: the session is not open");
  if (name == "sqlite3") {
    impl_ = std::make_unique<Sqlite>(static_cast<soci::sqlite3_session_backend*>(backend)->conn_);
  } else if (name == "postgresql") {
    impl_ = std::make_unique<Postgresql>(
        static_cast<soci::postgresql_session_backend*>(backend)->conn_);
  } else {
    throw std::logic_error("bulk write: unsupported database " + name);
  }
}

BulkWriter::~BulkWriter() = default;

std::unordered_map<std::string, std::string> BulkWriter::lookup(
    const std::string& table, const std::string& key_column, const std::string& value_column,
    const std::vector<std::string_view>& keys) {
  return impl_->lookup(table, key_column, value_column, keys);
}

void BulkWriter::insert(const std::string& table, const std::vector<std::string>& columns,
                        const BulkRows& rows) {
  check_width(columns, rows);
  impl_->insert(table, columns, rows, Selection(rows, nullptr));
}

void BulkWriter::insert(const std::string& table, const std::vector<std::string>& columns,
                        const BulkRows& rows, const std::vector<std::size_t>& which) {
  check_width(columns, rows);
  impl_->insert(table, columns, rows, Selection(rows, &which));
}

void BulkWriter::update(const std::string& table, const std::vector<std::string>& columns,
                        std::size_t key, const BulkRows& rows) {
  check_width(columns, rows);
  if (key >= columns.size() || key == 0) throw std::logic_error("bulk update: bad key column");
  impl_->update(table, columns, key, rows, Selection(rows, nullptr));
}

void BulkWriter::update(const std::string& table, const std::vector<std::string>& columns,
                        std::size_t key, const BulkRows& rows,
                        const std::vector<std::size_t>& which) {
  check_width(columns, rows);
  if (key >= columns.size() || key == 0) throw std::logic_error("bulk update: bad key column");
  impl_->update(table, columns, key, rows, Selection(rows, &which));
}

}  // namespace mingjing::db
