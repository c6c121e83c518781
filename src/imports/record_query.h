// Reading a dataset's records back as people may see them: personal values
// in their masked form only, limited to a region subtree (and, for county
// departments, to their programmes), searched by keyword, date range and
// enumeration values. The records page, its API and the xlsx export all
// read through here.
//
// Thread-safety: functions take a Database and open their own connection.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "imports/datasets.h"
#include "imports/validate.h"
#include "privacy/privacy.h"

namespace mingjing::imports {

struct RecordFilter {
  // The prefix of a region code (RegionCode::prefix()): rows in that
  // subtree. Datasets without a region column have no rows below county
  // level, so the caller passes "" only for county-wide roles.
  std::string scope_prefix;
  // Non-empty: only rows whose program_code is one of these (a county
  // department sees its own programmes' subsidies).
  std::vector<std::string> programmes;
  // Part of any text column (names, codes, titles…), or exactly a personal
  // value (an ID number, phone or account number, found by blind index).
  std::string keyword;
  // Inclusive 'YYYY-MM-DD' bounds on the dataset's main date column.
  std::string date_from;
  std::string date_to;
  // Non-empty: only the records with these keys (a warning's subjects).
  std::vector<std::string> record_keys;
  // Enumeration columns and the value each must have.
  std::vector<std::pair<std::string, std::string>> equals;
  int page = 1;
  int page_size = 20;
};

struct RecordPage {
  std::vector<long long> row_ids;        // one per row
  std::vector<std::vector<Value>> rows;  // one Value per column
  long long total = 0;
};

// The column date filters apply to: the dataset's first date or date-time
// column, or nullptr when it has none.
const ColumnSpec* main_date_column(const DatasetSpec& dataset);

// One page, newest first. invalid_argument (field = the filter) for a bad
// date, an unknown or non-enumeration column, or a value it cannot take.
// `vault` (may be null) turns a keyword that is a personal value into its
// blind index.
core::Result<RecordPage> list_records(db::Database& db, const privacy::Vault* vault,
                                      const DatasetSpec& dataset, const RecordFilter& filter);

// Every matching row, newest first, ignoring paging. Refuses (too_large)
// when more than `max_rows` match, before reading any.
core::Result<long long> for_each_record(
    db::Database& db, const privacy::Vault* vault, const DatasetSpec& dataset,
    const RecordFilter& filter, long long max_rows,
    const std::function<void(long long row_id, const std::vector<Value>& row)>& visit);

}  // namespace mingjing::imports
