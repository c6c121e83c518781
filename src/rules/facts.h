// The facts the warning engine reads: every dataset of the import catalogue
// (imports::datasets()) as typed columns in memory.
//
// - All text shares one Dictionary, so equal text anywhere (a credit code in
//   projects and in companies, a region code) has one Code and joins compare
//   integers. Code 0 is "missing".
// - Integers (money in fen, integer, boolean 0/1, date as days since
//   1970-01-01, datetime as unix milliseconds) use kMissing for missing;
//   decimals use NaN.
// - Personal values (id_number, phone, account) are held as their blind
//   index (column "<name>", a Code: equal values join) and their mask
//   (column "<name>.mask", a Code, for explanations). With a vault, an
//   id_number column also gives "<name>.birth_date" (date) and "<name>.sex"
//   (text "male"/"female"), read from the number itself (the vault opens
//   it while loading; the plaintext is never kept).
//   Column sources: "<name>" keeps the catalogue's personal type,
//   "<name>.mask" is text, "<name>.birth_date" date and "<name>.sex"
//   enumeration.
// - Each row keeps the record's `record_key` (subjects of a warning) and its
//   region: the dataset's region column, or for datasets without one
//   (bank_transactions, bids, payment_approvals, rent_due) the region of
//   the parent record it references (account, project, payment, lease).
//
// Besides the import catalogue, the store holds the derived datasets
// (derived_datasets()): read-only views of the platform's own tables that a
// rule may read like any other, never imported. `warnings` is the warning
// lifecycle (one row per case, from the warnings table).
//
// Indexes: index(dataset, column) builds a hash index (value -> rows, rows
// ascending) on first use and keeps it; every rule joining on that column
// shares it. upsert() keeps built indexes current. Missing values are not
// indexed. A decimal column is indexed by the bits of its value
// (std::bit_cast<std::int64_t>(double), -0.0 as 0.0).
//
// Regions of child records are taken when the child is loaded or upserted:
// upserting a parent with a new region does not move its children.
//
// Thread-safety: loading and upsert() need exclusive access; const methods,
// including index() once built, may be called from several threads only
// after warm_index() has built what they use.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "imports/datasets.h"
#include "imports/validate.h"

namespace mingjing::db {
class Database;
}
namespace mingjing::privacy {
class Vault;
}

namespace mingjing::rules {

using Code = std::uint32_t;
inline constexpr Code kNoCode = 0;
inline constexpr std::int64_t kMissing = std::numeric_limits<std::int64_t>::min();

enum class FactType : std::uint8_t { integer, decimal, money, boolean, date, datetime, text };

// Interned text. Codes are dense, starting at 1; "" is never interned
// (it is kNoCode, missing).
// The derived datasets, and a catalogue or derived dataset by name
// (nullptr when neither has it). imports::find_dataset() does not know the
// derived ones, so they cannot be imported.
const std::vector<imports::DatasetSpec>& derived_datasets();
const imports::DatasetSpec* find_fact_dataset(std::string_view name);
bool is_derived_dataset(std::string_view name);

class Dictionary {
 public:
  Dictionary();
  Code intern(std::string_view text);
  std::optional<Code> find(std::string_view text) const;  // without adding
  std::string_view text(Code code) const;                 // "" for kNoCode
  std::size_t size() const;                               // codes in use, plus one
  std::size_t bytes() const;                              // memory held, approximately
  // Room for `codes` codes in all without growing (a hint; never shrinks).
  void reserve(std::size_t codes);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

struct FactColumn {
  std::string name;  // "amount", "id_number" (blind index), "id_number.mask"…
  FactType type = FactType::text;
  imports::ColumnType source = imports::ColumnType::text;  // the catalogue's type
  std::vector<std::int64_t> ints;  // integer, money, boolean, date, datetime
  std::vector<double> reals;       // decimal
  std::vector<Code> codes;         // text (and blind indexes, masks)

  bool missing(std::size_t row) const;
};

class FactTable {
 public:
  const imports::DatasetSpec& spec() const { return *spec_; }
  const std::string& name() const { return spec_->name; }
  std::size_t size() const { return record_keys_.size(); }
  const std::vector<FactColumn>& columns() const { return columns_; }
  const FactColumn* column(std::string_view name) const;  // nullptr if none
  Code record_key(std::size_t row) const { return record_keys_[row]; }
  Code region(std::size_t row) const { return regions_[row]; }  // village (or town) code
  // The row of a record, by its record_key text or its Code; nullopt when
  // the table holds no such record.
  std::optional<std::size_t> find(std::string_view record_key) const;
  std::optional<std::size_t> find(Code record_key) const;

 private:
  friend class FactStore;
  void add_key(Code record_key, std::size_t row);

  const imports::DatasetSpec* spec_ = nullptr;
  Dictionary dictionary_;  // the store's (shared), for find(text)
  std::vector<FactColumn> columns_;
  std::vector<Code> record_keys_;
  std::vector<Code> regions_;
  // record key -> row: open addressing, (code << 32 | row) per slot, 0 empty.
  std::vector<std::uint64_t> key_slots_;
};

// value (an int64, or a Code widened) -> the rows holding it, ascending.
// A span from rows() is valid until the next upsert() into its store. A
// default-constructed index is empty.
class HashIndex {
 public:
  std::span<const std::uint32_t> rows(std::int64_t value) const;
  std::size_t distinct() const;

 private:
  friend class FactStore;
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

struct LoadStats {
  std::size_t records = 0;
  long long load_ms = 0;
  std::size_t bytes = 0;  // approximate memory held by columns and dictionary
};

class FactStore {
 public:
  FactStore();
  ~FactStore();
  FactStore(FactStore&&) noexcept;
  FactStore& operator=(FactStore&&) noexcept;

  // Every dataset, or only `datasets` when given (and the datasets their
  // regions come from), from the database. With a vault, ID numbers also
  // give birth date and sex. Failure: invalid_argument for an unknown
  // dataset name; internal when the database cannot be read.
  static core::Result<FactStore> load(db::Database& db, const privacy::Vault* vault,
                                      const std::vector<std::string>& datasets = {},
                                      LoadStats* stats = nullptr);

  // An empty store with every dataset's table (for tests and rule cases).
  static FactStore empty();

  // Adds or replaces (same record key) one record given as validated values
  // in the catalogue's column order (imports::parse_row's output, personal
  // values in plaintext: they are blind-indexed and masked with `vault`).
  // Returns the row. Built indexes are kept current. Failure
  // (invalid_argument): a dataset the store has no table for, or values
  // not as many as its columns.
  core::Result<std::size_t> upsert(const imports::DatasetSpec& dataset,
                                   const std::vector<imports::Value>& values,
                                   const privacy::Vault& vault);

  // Reads the records of `dataset` with these record keys from the
  // database again, exactly as load() reads them, and puts them into the
  // store: a record it holds is replaced in its row, a new one is appended.
  // Keys the database does not hold are skipped (the store never deletes).
  // Returns the rows written, in the database's order. Built indexes are
  // kept current. Failure: invalid_argument for an unknown dataset;
  // internal when the database cannot be read (the store is then unchanged).
  core::Result<std::vector<std::uint32_t>> reload_records(db::Database& db,
                                                          const privacy::Vault* vault,
                                                          std::string_view dataset,
                                                          std::span<const std::string> record_keys);

  Dictionary& dictionary() { return dictionary_; }
  const Dictionary& dictionary() const { return dictionary_; }
  const FactTable* table(std::string_view dataset) const;  // nullptr if unknown
  std::size_t records() const;                             // all tables

  // The shared index on dataset.column, built on first use. An unknown
  // dataset or column is a bug: std::invalid_argument.
  const HashIndex& index(std::string_view dataset, std::string_view column) const;
  void warm_index(std::string_view dataset, std::string_view column) const;

 private:
  struct Impl;
  // Writes row `at` of `from` (a table's fact columns, as the loader fills
  // them) as the record `key` of table `table`; returns its row.
  std::uint32_t put_row(std::size_t table, Code key, const std::vector<FactColumn>& from,
                        std::size_t at);

  Dictionary dictionary_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mingjing::rules
