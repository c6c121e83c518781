// RowReader: the rows of one query streamed in order, for reading whole
// tables fast (the warning engine's fact store), without SOCI's per-row
// conversions and without holding the result in memory.
//   SQLite      a statement stepped on the session's own handle.
//   PostgreSQL  a cursor fetched in batches of kBatchRows, inside the
//               connection's transaction, or one of its own (committed
//               when the reader ends) when none is open.
// Errors throw std::runtime_error with the database's message, as SOCI
// does.
//
// Thread-safety: a RowReader belongs to its Connection's thread, must not
// outlive the Connection, and is the only statement running on it until it
// is destroyed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "db/database.h"

namespace mingjing::db {

class RowReader {
 public:
  static constexpr int kBatchRows = 20000;

  // Runs `sql` (a SELECT). Throws std::runtime_error when it fails.
  RowReader(Connection& conn, const std::string& sql);
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;
  ~RowReader();

  // Moves to the next row: false after the last one.
  bool next();

  std::size_t columns() const;
  // REQUIRES: next() returned true; column < columns().
  bool is_null(std::size_t column) const;
  long long integer(std::size_t column) const;  // 0 for NULL
  double real(std::size_t column) const;        // 0 for NULL
  // "" for NULL. Valid until the next call to next().
  std::string_view text(std::size_t column) const;

 private:
  struct Impl;
  struct Sqlite;
  struct Postgresql;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mingjing::db
