// RecordStore: writes validated rows of one dataset into its table
// (migration 0002). A record is identified by its record_key (the dataset's
// key columns, personal values by blind index); a row whose key exists
// updates that record, and a row whose values are all unchanged (same
// row_digest) is left alone, so importing the same file twice changes
// nothing. Personal values are sealed, blind-indexed and masked here, so no
// plain ID number, phone or account number ever reaches the database.
//
// Rows go in with bulk statements, inside the caller's transaction: the
// importer commits one transaction per batch, so an interrupted import
// leaves whole batches or nothing.
//
// Thread-safety: a RecordStore holds no state beyond the vault; one per
// thread or shared, either is fine. A Connection is single-threaded.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

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

class RecordStore {
 public:
  explicit RecordStore(const privacy::Vault& vault) : vault_(vault) {}

  // Rows are read in order: a key seen twice in one call counts as an
  // update (or unchanged) the second time, and the last values win.
  WriteCounts write(db::Connection& conn, const DatasetSpec& dataset,
                    const std::vector<std::vector<Value>>& rows, long long import_id);

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
std::unordered_map<std::string, std::string> stored_digests(db::Connection& conn,
                                                            const std::string& table,
                                                            const std::vector<std::string>& keys);

}  // namespace mingjing::imports
