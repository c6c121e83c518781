// Internals shared by facts.cc (the store in memory) and facts_load.cc
// (filling it from the database): how a dataset's columns become fact
// columns, value conversions, and the hash index's representation.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/facts.h"

namespace mingjing::rules::detail {

// Where one catalogue column lives among a table's fact columns.
struct ColumnPlace {
  std::size_t first = 0;   // its value (personal: the blind index)
  bool personal = false;   // then first + 1 is the mask
  bool id_number = false;  // then first + 2 is the birth date, first + 3 the sex
};

// The fact columns of a dataset, in catalogue order, and where each
// catalogue column went.
std::vector<FactColumn> fact_columns(const imports::DatasetSpec& dataset);
std::vector<ColumnPlace> column_places(const imports::DatasetSpec& dataset);

// The catalogue column whose record gives a row its region when the
// dataset has no region column of its own (bank_transactions.account_no,
// bids.project_id…): the first column that references another dataset.
// nullptr when there is none.
const imports::ColumnSpec* parent_reference(const imports::DatasetSpec& dataset);

// 'YYYY-MM-DD' (the stored form; other forms core::Date accepts work too)
// as days since 1970-01-01; kMissing when it is not a date.
std::int64_t days_from_text(std::string_view text);

// Birth date (days) and sex (true for female) of a normalised ID number;
// nullopt when it is not a valid one.
struct Person {
  std::int64_t birth_days = kMissing;
  bool female = false;
};
std::optional<Person> person_of(std::string_view id_number);

inline constexpr const char* kMale = "male";
inline constexpr const char* kFemale = "female";

// The value a row holds in a column as an index key; nullopt when missing.
inline std::optional<std::int64_t> index_key(const FactColumn& column, std::size_t row) {
  if (column.type == FactType::text) {
    Code code = column.codes[row];
    if (code == kNoCode) return std::nullopt;
    return static_cast<std::int64_t>(code);
  }
  if (column.type == FactType::decimal) {
    double value = column.reals[row];
    if (std::isnan(value)) return std::nullopt;
    if (value == 0) value = 0;  // -0.0 and 0.0 are one value
    return std::bit_cast<std::int64_t>(value);
  }
  std::int64_t value = column.ints[row];
  if (value == kMissing) return std::nullopt;
  return value;
}

// A finaliser that spreads integer keys over the table (splitmix64).
inline std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace mingjing::rules::detail

namespace mingjing::rules {

// value -> rows. Built once as one array of rows grouped by value, found
// through an open-addressing table; values whose rows change later (upsert)
// move to `changed`, which holds their whole, still ascending, row list.
struct HashIndex::Impl {
  struct Slot {
    std::int64_t value = kMissing;  // kMissing: empty (missing values are never indexed)
    std::uint32_t offset = 0;
    std::uint32_t count = 0;
  };
  std::vector<Slot> slots;  // a power of two in size
  std::vector<std::uint32_t> rows;
  std::unordered_map<std::int64_t, std::vector<std::uint32_t>> changed;
  std::size_t distinct = 0;

  // Builds from every row of `column`.
  void build(const FactColumn& column, std::size_t size);
  const Slot* find_slot(std::int64_t value) const;
  std::span<const std::uint32_t> rows_of(std::int64_t value) const;
  void add(std::int64_t value, std::uint32_t row);
  void remove(std::int64_t value, std::uint32_t row);
  std::size_t bytes() const;
};

struct FactStore::Impl {
  std::vector<FactTable> tables;  // imports::datasets() order
  // (table, column) -> its index. Built under the mutex; std::map keeps
  // references stable while others are added.
  mutable std::mutex index_mutex;
  mutable std::map<std::pair<std::size_t, std::size_t>, HashIndex> indexes;

  std::optional<std::size_t> table_of(std::string_view name) const {
    for (std::size_t t = 0; t < tables.size(); ++t) {
      if (tables[t].name() == name) return t;
    }
    return std::nullopt;
  }
};

}  // namespace mingjing::rules
