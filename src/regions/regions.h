// regions: the administrative tree (province -> city -> county -> town ->
// village -> group) that every scope check and every record hangs from.
//
// The tree is small (thousands of nodes) and read on every request, so the
// service keeps an immutable snapshot in memory. Writes (import) go to the
// database and replace the snapshot. Other processes sharing a PostgreSQL
// database pick changes up within `Settings::refresh_ms`.
//
// Thread-safety: RegionService is safe to use from many threads.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/region_code.h"
#include "core/result.h"
#include "db/database.h"

namespace mingjing::imports {
class TableSource;
}  // namespace mingjing::imports

namespace mingjing::regions {

struct Region {
  std::string code;
  std::string name;
  core::RegionLevel level;
  std::string parent_code;  // empty for a root
};

struct RegionCounts {
  int towns = 0;
  int villages = 0;
};

// One rejected row of an import: where, what, why.
struct RowError {
  std::size_t row;  // line in the file (header is line 1)
  std::string column;
  std::string value;
  std::string reason;  // Chinese
};

struct ImportSummary {
  std::size_t rows = 0;
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t rejected = 0;
  std::vector<std::string> warnings;
  std::vector<RowError> errors;
};

struct ImportOptions {
  bool strict = false;  // reject the whole file on the first bad row
};

class Snapshot;

class RegionService {
 public:
  struct Settings {
    long long refresh_ms = 60'000;  // re-read the table at most this often
  };
  RegionService(db::Database& db, Settings settings);
  explicit RegionService(db::Database& db) : RegionService(db, Settings{}) {}
  ~RegionService();

  // The region, or not_found.
  core::Result<Region> get(const std::string& code);
  // Direct children in code order; empty for a leaf or an unknown code.
  std::vector<Region> children(const std::string& code);
  // From the root down to the region itself; empty for an unknown code.
  std::vector<Region> path(const std::string& code);
  RegionCounts counts(const std::string& code);
  // True when `code` is `scope_root` or lies below it. Unknown codes are not
  // within any scope.
  bool within(const std::string& code, const std::string& scope_root);
  std::size_t size();

  // Imports CSV text (code,name,level,parent_code; header required, columns
  // in any order, Chinese aliases 代码/名称/级别/上级代码). Rows are validated
  // (12-digit code, known level matching the code, parent_code equal to the
  // code's own parent and derived from the code when empty, parent accepted
  // from the file or already stored) and upserted in one transaction; bad
  // rows go to `errors`. Fails as a whole when a required column is missing
  // or, with `strict`, on the first bad row.
  core::Result<ImportSummary> import_csv(const std::string& utf8_text, const ImportOptions& opts);
  // The same from any table (CSV text or the first sheet of an .xlsx file,
  // see imports/table_source.h). Row numbers in `errors` are the source's
  // (CSV line, sheet row). A cell the source could not read (a formula error
  // such as #N/A, an impossible date) rejects its row when it lies in one of
  // the four columns.
  core::Result<ImportSummary> import_table(imports::TableSource& source, const ImportOptions& opts);

 private:
  std::shared_ptr<const Snapshot> snapshot();
  void invalidate();

  db::Database& db_;
  Settings settings_;
  std::mutex mu_;
  std::shared_ptr<const Snapshot> snapshot_;
  long long loaded_at_ = 0;
};

}  // namespace mingjing::regions
