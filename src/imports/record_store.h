// RecordStore: writes validated rows of one dataset into its table
// (migration 0002). A record is identified by its record_key (the dataset's
// key columns, personal values by blind index); a row whose key exists
// updates that record, and a row whose values are all unchanged (same
// row_digest) is left alone, so importing the same file twice changes
// nothing. Personal values are sealed, blind-indexed and masked here, so no
// plain ID number, phone or account number ever reaches the database.
//
// Rows go in through db::BulkWriter (prepared statements on SQLite, COPY
// on PostgreSQL), inside the caller's transaction: the importer commits one
// transaction per batch, so an interrupted import leaves whole batches or
// nothing.
//
// Thread-safety: a RecordStore holds no state beyond the vault; one per
// thread or shared, either is fine. A Connection is single-threaded.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "db/bulk.h"
#include "db/database.h"
#include "imports/datasets.h"
#include "imports/validate.h"
#include "privacy/privacy.h"

namespace mingjing::imports {

struct WriteCounts {
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
};

// Validated rows on their way into a table, with what the store derives
// from each row once: its record key, its digest and the blind index of
// each personal value (prepare), and the row as stored, sealed and masked
// (encode). The importer checks references with the same blind indexes, so
// none is computed twice, and may prepare and encode one batch on one
// thread while another is written on another.
struct PreparedRows {
  std::vector<std::vector<Value>> values;
  std::vector<std::string> keys;
  std::vector<std::string> digests;
  std::vector<std::string> blind;  // row by row, one per dataset column; "" if none
  std::size_t columns = 0;         // the dataset's columns, set by prepare
  db::BulkRows stored;             // set by encode
  std::vector<bool> skip;          // rows write() leaves out (empty: none)

  std::size_t size() const { return values.size(); }
  const std::string& blind_index(std::size_t row, std::size_t column) const {
    return blind[row * columns + column];
  }
  // Empties everything, keeping the memory for the next batch.
  void clear();
};

class RecordStore {
 public:
  explicit RecordStore(const privacy::Vault& vault) : vault_(vault) {}

  // Computes keys, digests and blind indexes for `rows.values`.
  void prepare(const DatasetSpec& dataset, PreparedRows& rows) const;
  // Computes the stored form of every row (after prepare): sealed, blind-
  // indexed and masked personal values, import_id (NULL when <= 0) and the
  // time. Rows that turn out unchanged are sealed for nothing, but this
  // can run ahead of the database.
  void encode(const DatasetSpec& dataset, PreparedRows& rows, long long import_id) const;

  // Writes the encoded rows not skipped. Rows are read in order: a key seen
  // twice in one call counts as an update (or unchanged) the second time,
  // and the last values win.
  WriteCounts write(db::BulkWriter& writer, const DatasetSpec& dataset,
                    const PreparedRows& rows) const;
  // All of it for plain rows (one BulkWriter per call).
  WriteCounts write(db::Connection& conn, const DatasetSpec& dataset,
                    const std::vector<std::vector<Value>>& rows, long long import_id) const;

  // The record key of a row: key values joined by U+001F, personal ones by
  // their blind index.
  std::string record_key(const DatasetSpec& dataset, const std::vector<Value>& row) const;
  // A keyed fingerprint of all of a row's values.
  std::string row_digest(const DatasetSpec& dataset, const std::vector<Value>& row) const;

 private:
  const privacy::Vault& vault_;
};

// The masked form of a personal value for display ("330421********123X").
std::string mask_personal(ColumnType type, const std::string& plaintext);

// The blind-index domain of a personal column type.
privacy::Kind privacy_kind(ColumnType type);

// Which of `keys` are record keys of `table`, with their row digests.
std::unordered_map<std::string, std::string> stored_digests(
    db::BulkWriter& writer, const std::string& table, const std::vector<std::string_view>& keys);

}  // namespace mingjing::imports
