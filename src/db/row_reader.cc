#include "db/row_reader.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <charconv>
#include <stdexcept>

#include "db/soci.h"

namespace mingjing::db {

struct RowReader::Impl {
  virtual ~Impl() = default;
  virtual bool next() = 0;
  virtual std::size_t columns() const = 0;
  virtual bool is_null(std::size_t column) const = 0;
  virtual long long integer(std::size_t column) const = 0;
  virtual double real(std::size_t column) const = 0;
  virtual std::string_view text(std::size_t column) const = 0;
};

// --- SQLite ---------------------------------------------------------------------------

namespace sq = sqlite_api;

struct RowReader::Sqlite final : RowReader::Impl {
  Sqlite(sq::sqlite3* handle, const std::string& sql) : db(handle) {
    if (sq::sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size() + 1), &st, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(std::string("sqlite3 prepare: ") + sq::sqlite3_errmsg(db));
    }
    width = static_cast<std::size_t>(sq::sqlite3_column_count(st));
  }
  ~Sqlite() override { sq::sqlite3_finalize(st); }

  bool next() override {
    // Stepping a finished statement would run it again.
    if (done) return false;
    int rc = sq::sqlite3_step(st);
    if (rc == SQLITE_ROW) return true;
    done = true;
    if (rc == SQLITE_DONE) return false;
    throw std::runtime_error(std::string("sqlite3 step: ") + sq::sqlite3_errmsg(db));
  }
  std::size_t columns() const override { return width; }
  bool is_null(std::size_t c) const override {
    return sq::sqlite3_column_type(st, static_cast<int>(c)) == SQLITE_NULL;
  }
  long long integer(std::size_t c) const override {
    return sq::sqlite3_column_int64(st, static_cast<int>(c));
  }
  double real(std::size_t c) const override {
    return sq::sqlite3_column_double(st, static_cast<int>(c));
  }
  std::string_view text(std::size_t c) const override {
    const auto* p = sq::sqlite3_column_text(st, static_cast<int>(c));
    if (!p) return {};
    return std::string_view(
        reinterpret_cast<const char*>(p),
        static_cast<std::size_t>(sq::sqlite3_column_bytes(st, static_cast<int>(c))));
  }

  sq::sqlite3* db;
  sq::sqlite3_stmt* st = nullptr;
  std::size_t width = 0;
  bool done = false;
};

// --- PostgreSQL -----------------------------------------------------------------------

struct RowReader::Postgresql final : RowReader::Impl {
  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

  Postgresql(PGconn* handle, const std::string& sql) : pg(handle) {
    static std::atomic<unsigned long> counter{0};
    cursor = "mingjing_reader_" + std::to_string(++counter);
    own_transaction = PQtransactionStatus(pg) == PQTRANS_IDLE;
    if (own_transaction) exec("BEGIN");
    try {
      exec("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql);
      fetch();
    } catch (...) {
      if (own_transaction) quiet("ROLLBACK");
      throw;
    }
  }

  ~Postgresql() override {
    batch.reset();
    // Ends what the constructor began; errors here have nowhere to go.
    quiet("CLOSE " + cursor);
    if (own_transaction) quiet("COMMIT");
  }

  void quiet(const std::string& sql) { Result r(PQexec(pg, sql.c_str()), &PQclear); }

  void exec(const std::string& sql) {
    Result r(PQexec(pg, sql.c_str()), &PQclear);
    auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(std::string("postgresql query: ") + PQresultErrorMessage(r.get()));
    }
  }

  void fetch() {
    batch.reset(
        PQexec(pg, ("FETCH FORWARD " + std::to_string(kBatchRows) + " FROM " + cursor).c_str()));
    if (PQresultStatus(batch.get()) != PGRES_TUPLES_OK) {
      std::string message = PQresultErrorMessage(batch.get());
      batch.reset();
      throw std::runtime_error("postgresql fetch: " + message);
    }
    rows = PQntuples(batch.get());
    width = static_cast<std::size_t>(PQnfields(batch.get()));
    row = -1;
  }

  bool next() override {
    if (!batch) return false;
    if (++row < rows) return true;
    if (rows < kBatchRows) {  // that batch was the last
      batch.reset();
      return false;
    }
    fetch();
    if (rows == 0) {
      batch.reset();
      return false;
    }
    row = 0;
    return true;
  }
  std::size_t columns() const override { return width; }
  bool is_null(std::size_t c) const override {
    return PQgetisnull(batch.get(), row, static_cast<int>(c)) != 0;
  }
  long long integer(std::size_t c) const override {
    std::string_view t = text(c);
    long long value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
  }
  double real(std::size_t c) const override {
    std::string_view t = text(c);
    double value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
  }
  std::string_view text(std::size_t c) const override {
    const int column = static_cast<int>(c);
    return std::string_view(PQgetvalue(batch.get(), row, column),
                            static_cast<std::size_t>(PQgetlength(batch.get(), row, column)));
  }

  PGconn* pg;
  std::string cursor;
  bool own_transaction = false;
  Result batch{nullptr, &PQclear};
  int rows = 0;
  int row = -1;
  std::size_t width = 0;
};

// --- RowReader ------------------------------------------------------------------------

RowReader::RowReader(Connection& conn, const std::string& sql) {
  // As BulkWriter: SOCI's back ends export no type information, so the
  // back end's name says which handle it holds.
  soci::session& session = conn.session();
  soci::details::session_backend* backend = session.get_backend();
  const std::string name = session.get_backend_name();
  if (!backend) throw std::logic_error("row reader: the session is not open");
  if (name == "sqlite3") {
    impl_ =
        std::make_unique<Sqlite>(static_cast<soci::sqlite3_session_backend*>(backend)->conn_, sql);
  } else if (name == "postgresql") {
    impl_ = std::make_unique<Postgresql>(
        static_cast<soci::postgresql_session_backend*>(backend)->conn_, sql);
  } else {
    throw std::logic_error("row reader: unsupported database " + name);
  }
}

RowReader::~RowReader() = default;

bool RowReader::next() {
  return impl_->next();
}
std::size_t RowReader::columns() const {
  return impl_->columns();
}
bool RowReader::is_null(std::size_t column) const {
  return impl_->is_null(column);
}
long long RowReader::integer(std::size_t column) const {
  return impl_->integer(column);
}
double RowReader::real(std::size_t column) const {
  return impl_->real(column);
}
std::string_view RowReader::text(std::size_t column) const {
  return impl_->text(column);
}

}  // namespace mingjing::db
