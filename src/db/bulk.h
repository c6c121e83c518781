// Bulk writes for imports: many rows into one table through each database's
// own fast path, behind one narrow interface so callers never see sqlite3.h
// or libpq.
//   SQLite      statements prepared once per BulkWriter and run once per
//               row with positional parameters (the sqlite3 C API on the
//               session's own handle).
//   PostgreSQL  COPY FROM STDIN for inserts; COPY into a temporary table
//               and one UPDATE … FROM for updates; one query with a text
//               array for look-ups.
// Everything runs inside whatever transaction the connection is in
// (db::Transaction), so a batch is still committed whole or not at all.
// Errors throw std::runtime_error with the database's message, as SOCI does.
//
// Thread-safety: a BulkWriter belongs to its Connection's thread and must
// not outlive the Connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db/database.h"

namespace mingjing::db {

// Rows of a fixed number of cells, kept in one flat buffer: cells are added
// row by row, left to right.
class BulkRows {
 public:
  struct Cell {
    enum class Kind : std::uint8_t { null, text, integer, real };
    Kind kind = Kind::null;
    std::uint32_t length = 0;  // text
    union {
      std::uint64_t offset;  // text: where in the text buffer
      long long integer;
      double real;
    };
    Cell() : offset(0) {}
  };

  explicit BulkRows(std::size_t width = 0) : width_(width) {}

  void add_null() { cells_.emplace_back(); }
  void add_text(std::string_view text);
  void add_integer(long long value);
  void add_real(double value);

  std::size_t width() const { return width_; }
  // Complete rows.
  std::size_t size() const { return width_ == 0 ? 0 : cells_.size() / width_; }
  bool empty() const { return size() == 0; }
  // Empties the rows and sets their width, keeping the memory for reuse.
  void clear(std::size_t width);

  const Cell& cell(std::size_t row, std::size_t column) const {
    return cells_[row * width_ + column];
  }
  std::string_view text(const Cell& cell) const {
    return std::string_view(text_).substr(cell.offset, cell.length);
  }

 private:
  std::size_t width_;
  std::vector<Cell> cells_;
  std::string text_;
};

class BulkWriter {
 public:
  explicit BulkWriter(Connection& conn);
  BulkWriter(const BulkWriter&) = delete;
  BulkWriter& operator=(const BulkWriter&) = delete;
  ~BulkWriter();

  // For those of `keys` found in `key_column` of `table`: the TEXT value of
  // `value_column` in that row (NULL reads as "").
  std::unordered_map<std::string, std::string> lookup(const std::string& table,
                                                      const std::string& key_column,
                                                      const std::string& value_column,
                                                      const std::vector<std::string_view>& keys);

  // INSERT INTO table (columns…): one row per row of `rows` (as wide as
  // `columns`), or per row listed in `which`.
  void insert(const std::string& table, const std::vector<std::string>& columns,
              const BulkRows& rows);
  void insert(const std::string& table, const std::vector<std::string>& columns,
              const BulkRows& rows, const std::vector<std::size_t>& which);

  // UPDATE table SET columns[0..key) WHERE columns[key] matches: one row
  // per row of `rows` (as wide as `columns`; cells after the key are not
  // written), or per row listed in `which`. Keys must be distinct within
  // one call. Rows can so share one layout with insert().
  void update(const std::string& table, const std::vector<std::string>& columns, std::size_t key,
              const BulkRows& rows);
  void update(const std::string& table, const std::vector<std::string>& columns, std::size_t key,
              const BulkRows& rows, const std::vector<std::size_t>& which);

 private:
  struct Impl;
  struct Sqlite;
  struct Postgresql;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mingjing::db
