// The dataset catalogue: every import format of ../shared/spec/data-formats.md
// as data. One DatasetSpec per dataset names its table, its columns (English
// header, Chinese aliases, type, required, allowed values, references) and
// the columns that identify a record, so one validator and one store serve
// all 22 datasets. The formats are a contract: add optional columns or
// datasets freely, never rename or drop one.
//
// How a column is stored (migration 0002_records.sql, checked against this
// catalogue by datasets_test.cc on both back ends):
//   text, enumeration, uscc, region, reference   TEXT
//   money                                         BIGINT, integer fen
//   integer, boolean                              BIGINT (boolean 0/1)
//   decimal                                       {{REAL}}
//   date                                          TEXT 'YYYY-MM-DD'
//   datetime                                      BIGINT, unix milliseconds
//   id_number, phone, account (personal data)     three columns: <name>_enc
//       (sealed, privacy::Vault), <name>_bidx (blind index, for look-ups and
//       joins) and <name>_mask (the masked form shown to most roles)
// Every table also has: row_id (surrogate key; "id" is the source
// system's), record_key (the identifying columns as one text, UNIQUE:
// re-importing a record updates it), row_digest (a keyed digest of the
// record's values: sealed values differ on every write, so an unchanged
// re-import is recognised by this digest and left alone), import_id (the import that last wrote
// it), row_created_at, row_updated_at ("created_at" is a meetings column).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mingjing::imports {

enum class ColumnType {
  text,
  enumeration,  // one of ColumnSpec::values
  integer,
  decimal,
  money,
  boolean,  // true/false, 1/0, 是/否
  date,
  datetime,
  id_number,  // GB 11643, personal data
  phone,      // personal data
  account,    // bank account number, personal data
  uscc,       // GB 32100
  region,     // a 12-digit code that must exist in the region tree
  reference,  // the id of a record of ColumnSpec::references
};

// "text", "money", "id_number"…: the type's name in the API.
std::string_view to_string(ColumnType type);

// True for the types stored sealed with a blind index and a masked copy.
bool is_personal(ColumnType type);

struct ColumnSpec {
  std::string name;                  // header and column name, lower case
  std::vector<std::string> aliases;  // Chinese headers accepted as well
  ColumnType type = ColumnType::text;
  bool required = false;
  std::vector<std::string> values;  // enumeration: the allowed values
  std::string references;           // a record of this dataset must exist (any type)
  std::size_t max_length = 200;     // text: characters
};

struct DatasetSpec {
  std::string name;     // "bank_transactions": the CLI and API name, and the table
  std::string chinese;  // "银行流水"
  std::vector<ColumnSpec> columns;
  // Columns that identify a record: a re-import of the same values updates
  // it. Event datasets use their "id"; registries their natural key.
  std::vector<std::string> key;
  // The column that places a record in the region tree (scopes), or "" for
  // county-wide registries (companies, vehicles…), readable at county level.
  std::string region_column;
  // At least one of these must be present in a row ("holder_id_number or
  // holder_uscc (one of them*)").
  std::vector<std::string> one_of;

  const ColumnSpec* column(std::string_view name) const;
};

// All datasets except regions (which has its own importer), in the spec's
// order except that projects and bids come before payments: every dataset
// comes after the ones it refers to, so importing in this order never meets
// a reference that is not there yet.
const std::vector<DatasetSpec>& datasets();
const DatasetSpec* find_dataset(std::string_view name);

// For a dataset without a region column, the column that references a record
// which has one (a bank transaction's account, a bid's project, an approval's
// payment, a rent instalment's lease): such a record is in its parent's
// region. nullptr for datasets with a region column and for county-wide
// registries (companies, vehicles…).
const ColumnSpec* region_parent(const DatasetSpec& dataset);

// The stored column names of one spec column ("id_number" gives
// id_number_enc, id_number_bidx, id_number_mask).
std::vector<std::string> stored_columns(const ColumnSpec& column);

}  // namespace mingjing::imports
