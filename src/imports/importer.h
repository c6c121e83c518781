// Importer: one file of one dataset into its table. Reads the header, maps it
// onto the dataset (a missing required column refuses the file), validates
// every row (cells, region existence, references to other datasets), and
// writes the good rows through RecordStore, one transaction per batch. Bad
// rows go into the summary's error list for the error report. Every run is
// recorded in the `imports` table (file, digest, who, when, counts, status),
// and each written record points at the run that last wrote it.
//
// Interrupted runs: a batch is committed whole or not at all, and the run
// stays "running" in `imports`. Running the same file again finishes the job:
// records already written are recognised by their keys and left alone.
// Strict mode writes nothing unless every row is good.
//
// Speed: run() reads, validates, blind-indexes and seals on a thread of its
// own, one batch ahead (at most two waiting), while the calling thread
// checks references and writes through db::BulkWriter. Results, errors and
// their order are as if it were done one batch after the other.
//
// Thread-safety: one Importer per import; the Database and Vault are shared.
// The TableSource is read on the importer's own thread during run().
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "imports/datasets.h"
#include "imports/table_source.h"
#include "imports/validate.h"
#include "privacy/privacy.h"

namespace mingjing::imports {

// Batch sizes measured with bench/import_bank_transactions.sh (see
// docs/benchmarks.md): SQLite rewrites the blind-index pages a batch touched
// at each commit, so fewer, larger batches are faster; PostgreSQL was slower
// with 100,000 rows per transaction than with 10,000.
inline constexpr std::size_t kSqliteBatchRows = 100000;
inline constexpr std::size_t kPostgresBatchRows = 10000;

struct ImportOptions {
  bool strict = false;
  // Good rows per transaction (a batch); 0: the database's own size
  // (kSqliteBatchRows, kPostgresBatchRows).
  std::size_t batch_rows = 0;
  std::size_t max_rows = 2'000'000;     // data rows; more refuses the file
  std::size_t max_errors_kept = 10000;  // all are counted, this many are listed
  std::string file_name;                // for the record of the run
  std::string file_sha256;
  long long user_id = 0;  // 0: the command line
  std::string username = "cli";

  // Preview: validate everything (references and regions against what is
  // stored) and count what would be inserted, updated or left unchanged,
  // but write nothing and record no run.
  bool dry_run = false;
  // How many good rows to keep in the summary's `sample` (for a preview).
  std::size_t sample_rows = 0;
  // A further rule each parsed row must pass (the uploader's region and
  // programme scope); an error it returns rejects the row.
  std::function<std::optional<RowError>(const std::vector<Value>& values, std::size_t row)>
      row_check;
  // Keep the record key of every good row in the summary (record_keys),
  // for those who must learn what an import touched (the server's live
  // warning engine).
  bool keep_record_keys = false;
  // Test seam: called right after each batch's transaction commits, with
  // the number of batches committed so far, so a test can kill the process
  // between batches. Never called in strict mode (one transaction).
  std::function<void(std::size_t committed_batches)> after_batch_commit;
};

struct ImportSummary {
  std::string dataset;
  long long import_id = 0;
  std::size_t rows = 0;  // data rows read
  std::size_t inserted = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t rejected = 0;
  std::vector<std::string> warnings;       // unknown columns, errors not listed
  std::vector<RowError> errors;            // the first max_errors_kept
  std::vector<std::vector<Value>> sample;  // the first sample_rows good rows
  // With keep_record_keys (and not a dry run): the key of every good row
  // written or found unchanged, in file order (a key repeated in the file
  // is listed each time).
  std::vector<std::string> record_keys;
};

class Importer {
 public:
  Importer(db::Database& db, const privacy::Vault& vault) : db_(db), vault_(vault) {}

  // Refuses the file as a whole (invalid_argument, field = column or
  // "file") for a missing required column, an empty file, too many rows, a
  // reader error, or, in strict mode, the first bad row.
  core::Result<ImportSummary> run(const DatasetSpec& dataset, TableSource& source,
                                  const ImportOptions& options);

 private:
  db::Database& db_;
  const privacy::Vault& vault_;
};

}  // namespace mingjing::imports
