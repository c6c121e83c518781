#include "imports/importer.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "db/bulk.h"
#include "db/soci.h"
#include "imports/record_store.h"

namespace mingjing::imports {
namespace {

std::unordered_set<std::string> region_codes(db::Connection& conn) {
  std::unordered_set<std::string> out;
  soci::rowset<std::string> rs = (conn.session().prepare << "SELECT code FROM regions");
  for (const auto& code : rs) out.insert(code);
  return out;
}

std::string row_label(const RowError& e) {
  return "第" + std::to_string(e.row) + "行" + (e.column.empty() ? "" : "“" + e.column + "”列") +
         (e.value.empty() ? "" : "（" + e.value + "）") + "：" + e.reason;
}

// A problem found in a file row. Only the first of a row counts it as
// rejected; the others are listed too.
struct FoundError {
  RowError error;
  bool counts = true;
};

// Rows travel from the reading thread to the writing thread in chunks of at
// most this many, whatever the batch (transaction) size: memory stays flat
// while a large batch lets the database write each index page once rather
// than once per commit.
constexpr std::size_t kChunkRows = 10000;

// One chunk of a batch on its way from the reading thread to the writing
// thread.
struct Batch {
  PreparedRows rows;                 // prepared and encoded
  std::vector<std::size_t> numbers;  // file row numbers
  std::vector<FoundError> errors;    // bad rows read while this batch filled
  // The reader stopped here, refusing ("refused") or failing ("failed") the
  // file as a whole: the rows of this batch are not written.
  std::optional<core::Error> stop;
  const char* stop_status = "";
  std::exception_ptr exception;  // the reader threw
  bool last = false;
  // The transaction ends with this chunk: it is committed once written.
  bool ends_transaction = false;

  void clear() {
    rows.clear();
    numbers.clear();
    errors.clear();
    stop.reset();
    exception = nullptr;
    ends_transaction = false;
    last = false;
  }
};

// Batches handed from the reading thread to the writing thread. At most
// kDepth wait, so memory stays bounded; written batches come back to be
// filled again, keeping their memory.
class BatchQueue {
 public:
  // Reader: false once the writer has stopped.
  bool push(std::unique_ptr<Batch> batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopped_ || full_.size() < kDepth; });
    if (stopped_) return false;
    full_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  // Writer: the next batch, waiting for it.
  std::unique_ptr<Batch> pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty(); });
    auto batch = std::move(full_.front());
    full_.pop_front();
    changed_.notify_all();
    return batch;
  }
  // Reader: an empty batch. Emptied here, not by the writer: the writer
  // is the busier thread, and the memory was allocated by this one.
  std::unique_ptr<Batch> empty() {
    std::unique_ptr<Batch> batch;
    {
      std::lock_guard lock(mutex_);
      if (free_.empty()) return std::make_unique<Batch>();
      batch = std::move(free_.back());
      free_.pop_back();
    }
    batch->clear();
    return batch;
  }
  // Writer: a batch done with.
  void recycle(std::unique_ptr<Batch> batch) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(batch));
  }
  // Writer: no more batches wanted.
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }
  // Reader: whether to give up early (cheap enough to ask for every row).
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::size_t kDepth = 2;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;
  std::vector<std::unique_ptr<Batch>> free_;
  std::atomic<bool> stopped_{false};  // set under mutex_, read without it too
};

// Record keys of other datasets known to exist, so a statement file whose
// every row names the same account asks the database once. Records are
// never deleted by an import, so a key found stays found; keys not found
// are asked again (a concurrent import may add them). Bounded: forgotten
// wholesale when it grows large.
class KnownReferences {
 public:
  bool contains(const std::string& table, const std::string& key) const {
    auto t = known_.find(table);
    return t != known_.end() && t->second.contains(key);
  }
  void add(const std::string& table, const std::string& key) {
    if (++size_ > kMaxKeys) {
      known_.clear();
      size_ = 1;
    }
    known_[table].insert(key);
  }

 private:
  static constexpr std::size_t kMaxKeys = 100000;
  std::unordered_map<std::string, std::unordered_set<std::string>> known_;
  std::size_t size_ = 0;
};

// What writing `rows` would do, without writing: keys already stored with
// the same digest are unchanged, with another digest updated, the rest new.
// A key repeated within the rows counts as an update the second time, as
// RecordStore::write counts it.
WriteCounts preview_counts(db::BulkWriter& writer, const DatasetSpec& dataset,
                           const PreparedRows& rows) {
  std::vector<std::string_view> keys;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!rows.skip[r]) keys.push_back(rows.keys[r]);
  }
  auto stored = stored_digests(writer, dataset.name, keys);
  WriteCounts counts;
  std::unordered_map<std::string_view, std::string_view> seen;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows.skip[r]) continue;
    std::string_view key = rows.keys[r];
    auto earlier = seen.find(key);
    auto existing = stored.find(rows.keys[r]);
    if (earlier == seen.end() && existing == stored.end()) {
      ++counts.inserted;
    } else if ((earlier != seen.end() ? earlier->second : std::string_view(existing->second)) ==
               rows.digests[r]) {
      ++counts.unchanged;
    } else {
      ++counts.updated;
    }
    seen[key] = rows.digests[r];
  }
  return counts;
}

}  // namespace

core::Result<ImportSummary> Importer::run(const DatasetSpec& dataset, TableSource& source,
                                          const ImportOptions& options) {
  ImportSummary summary;
  summary.dataset = dataset.name;

  auto first = source.next();
  if (!first.ok()) return first.error();
  if (!*first) return core::Error::invalid("文件为空：没有表头行", "file");
  auto mapped = map_header(dataset, (*first)->cells);
  if (!mapped.ok()) return mapped.error();
  const HeaderMap& header = *mapped;
  for (const auto& unknown : header.unknown) {
    summary.warnings.push_back("未识别的列已忽略：" + unknown);
  }

  auto conn = db_.connect();
  const std::size_t batch_rows = options.batch_rows > 0                   ? options.batch_rows
                                 : conn.dialect() == db::Dialect::kSqlite ? kSqliteBatchRows
                                                                          : kPostgresBatchRows;
  const auto regions = region_codes(conn);
  const RecordStore store(vault_);
  db::BulkWriter writer(conn);
  KnownReferences known;
  long long started = db::now_unix_ms();
  if (!options.dry_run) {
    conn.session() << "INSERT INTO imports (dataset, file_name, file_sha256, user_id, username, "
                      "started_at, status) VALUES (:d, :f, :s, :u, :n, :t, 'running') RETURNING id",
        soci::use(dataset.name), soci::use(options.file_name), soci::use(options.file_sha256),
        soci::use(options.user_id), soci::use(options.username), soci::use(started),
        soci::into(summary.import_id);
  }
  const long long import_id = summary.import_id;

  // A refused or failed run is recorded as such; a strict run's writes are
  // rolled back first.
  std::optional<db::Transaction> strict_tx;
  // Otherwise the batch being written, chunk by chunk.
  std::optional<db::Transaction> batch_tx;
  auto give_up = [&](core::Error e, const char* status) -> core::Error {
    strict_tx.reset();
    batch_tx.reset();
    if (options.dry_run) return e;
    long long at = db::now_unix_ms();
    std::string s = status;
    conn.session() << "UPDATE imports SET status = :s, finished_at = :f WHERE id = :id",
        soci::use(s), soci::use(at), soci::use(summary.import_id);
    return e;
  };

  auto reject = [&](RowError e) {
    ++summary.rejected;
    if (summary.errors.size() < options.max_errors_kept) summary.errors.push_back(std::move(e));
  };

  // Strict mode: one transaction for the whole file, rolled back on the
  // first bad row. Otherwise one per batch.
  if (options.strict && !options.dry_run) strict_tx.emplace(conn);

  // Two threads: this one writes batches to the database while a reader
  // thread reads, validates, blind-indexes and seals the next ones. The
  // reader touches neither the connection nor the summary.
  BatchQueue queue;
  std::size_t rows_read = 0;
  std::size_t committed_batches = 0;
  auto read_file = [&] {
    try {
      std::unique_ptr<Batch> batch = queue.empty();
      // Hands the batch over; false when the writer has stopped.
      std::size_t rows_in_transaction = 0;
      auto hand_over = [&](bool last) {
        store.prepare(dataset, batch->rows);
        store.encode(dataset, batch->rows, import_id);
        batch->last = last;
        batch->ends_transaction = last || rows_in_transaction >= batch_rows;
        if (batch->ends_transaction) rows_in_transaction = 0;
        if (!queue.push(std::move(batch))) return false;
        batch = queue.empty();
        return true;
      };
      auto stop = [&](core::Error e, const char* status) {
        batch->stop = std::move(e);
        batch->stop_status = status;
        batch->last = true;
        queue.push(std::move(batch));
      };
      while (true) {
        if (queue.stopped()) return;  // the writer gave up
        auto next = source.next();
        if (!next.ok()) return stop(next.error(), "failed");
        if (!*next) break;
        const TableRow& row = **next;
        // A blank line (CSV) is no row at all.
        bool blank = true;
        for (const auto& cell : row.cells) {
          if (!core::trim(cell).empty()) blank = false;
        }
        if (blank) continue;
        if (++rows_read > options.max_rows) {
          return stop(core::Error{core::errc::kTooLarge,
                                  "文件行数超过上限（" + std::to_string(options.max_rows) +
                                      "行），已导入的批次保留",
                                  "file"},
                      "failed");
        }
        ParsedRow parsed = parse_row(dataset, header, row.cells, row.number);
        // Cells the reader could not read (formula errors), in columns we use.
        for (const auto& issue : row.issues) {
          for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
            if (header.source[c] == static_cast<int>(issue.column)) {
              parsed.errors.push_back({row.number, dataset.columns[c].name, issue.value,
                                       issue.reason, "the cell could not be read"});
            }
          }
        }
        for (std::size_t c = 0; c < dataset.columns.size() && parsed.ok(); ++c) {
          const ColumnSpec& col = dataset.columns[c];
          const Value& v = parsed.values[c];
          if (col.type == ColumnType::region && !v.is_null() && !regions.contains(v.text)) {
            parsed.errors.push_back(
                {row.number, col.name, v.text, "区划代码不存在", "no such region code"});
          }
        }
        if (parsed.ok() && options.row_check) {
          if (auto refused = options.row_check(parsed.values, row.number)) {
            parsed.errors.push_back(std::move(*refused));
          }
        }
        if (!parsed.ok()) {
          if (options.strict) {
            return stop(core::Error::invalid(row_label(parsed.errors.front()), "file"), "refused");
          }
          for (std::size_t i = 0; i < parsed.errors.size(); ++i) {
            batch->errors.push_back({std::move(parsed.errors[i]), i == 0});
          }
          continue;
        }
        batch->rows.values.push_back(std::move(parsed.values));
        batch->numbers.push_back(row.number);
        ++rows_in_transaction;
        if ((batch->rows.size() >= kChunkRows || rows_in_transaction >= batch_rows) &&
            !hand_over(false)) {
          return;
        }
      }
      hand_over(true);
    } catch (...) {
      auto failed = std::make_unique<Batch>();
      failed->exception = std::current_exception();
      failed->last = true;
      queue.push(std::move(failed));
    }
  };
  std::thread reader(read_file);
  // However this function ends, the reader is told to stop and awaited.
  struct Stopper {
    BatchQueue& queue;
    std::thread& thread;
    void operator()() {
      queue.stop();
      if (thread.joinable()) thread.join();
    }
    ~Stopper() { (*this)(); }
  } stop_reader{queue, reader};

  // Writes one batch: references to other datasets are checked against
  // what is stored, then the good rows go in.
  auto write = [&](Batch& batch) -> core::Status {
    PreparedRows& rows = batch.rows;
    // Commits the batch once its last chunk is written.
    auto end_chunk = [&] {
      if (!batch.ends_transaction || !batch_tx) return;
      batch_tx->commit();
      batch_tx.reset();
      ++committed_batches;
      if (options.after_batch_commit) options.after_batch_commit(committed_batches);
    };
    if (rows.size() == 0) {
      end_chunk();
      return {};
    }
    rows.skip.assign(rows.size(), false);
    for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
      const ColumnSpec& col = dataset.columns[c];
      if (col.references.empty()) continue;
      // The referenced record's key: the value, or its blind index.
      auto wanted = [&](std::size_t r) -> const std::string& {
        return is_personal(col.type) ? rows.blind_index(r, c) : rows.values[r][c].text;
      };
      std::vector<std::string_view> ask;
      std::unordered_set<std::string_view> once;
      for (std::size_t r = 0; r < rows.size(); ++r) {
        if (rows.values[r][c].is_null()) continue;
        const std::string& key = wanted(r);
        if (!known.contains(col.references, key) && once.insert(key).second) ask.push_back(key);
      }
      const auto found = stored_digests(writer, col.references, ask);
      for (const auto& [key, digest] : found) known.add(col.references, key);
      const DatasetSpec* target = find_dataset(col.references);
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const Value& v = rows.values[r][c];
        if (v.is_null() || found.contains(wanted(r)) || known.contains(col.references, wanted(r))) {
          continue;
        }
        std::string shown = is_personal(col.type) ? mask_personal(col.type, v.text) : v.text;
        RowError e{batch.numbers[r], col.name, core::shorten_for_message(shown),
                   "引用的" + (target ? target->chinese : col.references) + "记录不存在",
                   "no such record in " + col.references};
        if (options.strict) return core::Error::invalid(row_label(e), col.name);
        if (!rows.skip[r]) reject(std::move(e));
        rows.skip[r] = true;
      }
    }
    for (std::size_t r = 0; r < rows.size() && summary.sample.size() < options.sample_rows; ++r) {
      if (!rows.skip[r]) summary.sample.push_back(rows.values[r]);
    }
    WriteCounts counts;
    if (options.dry_run) {
      counts = preview_counts(writer, dataset, rows);
    } else if (options.strict) {
      counts = store.write(writer, dataset, rows);
    } else {
      if (!batch_tx) batch_tx.emplace(conn);
      counts = store.write(writer, dataset, rows);
      end_chunk();
    }
    if (options.keep_record_keys && !options.dry_run) {
      for (std::size_t r = 0; r < rows.size(); ++r) {
        if (!rows.skip[r]) summary.record_keys.push_back(rows.keys[r]);
      }
    }
    summary.inserted += counts.inserted;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    return {};
  };

  while (true) {
    std::unique_ptr<Batch> batch = queue.pop();
    if (batch->exception) std::rethrow_exception(batch->exception);
    // Bad rows in file order: those read before the batch filled come
    // before the batch's own reference errors.
    for (auto& found : batch->errors) {
      if (found.counts) {
        reject(std::move(found.error));
      } else if (summary.errors.size() < options.max_errors_kept) {
        summary.errors.push_back(std::move(found.error));  // more problems in a row already counted
      }
    }
    if (batch->stop) return give_up(*batch->stop, batch->stop_status);
    if (auto st = write(*batch); !st.ok()) return give_up(st.error(), "refused");
    const bool last = batch->last;
    queue.recycle(std::move(batch));
    if (last) break;
  }
  stop_reader();
  summary.rows = rows_read;
  if (strict_tx) strict_tx->commit();
  if (options.dry_run) return summary;

  if (summary.rejected > summary.errors.size()) {
    summary.warnings.push_back("错误行过多，错误报告只列出前" +
                               std::to_string(options.max_errors_kept) + "条");
  }
  long long finished = db::now_unix_ms();
  long long rows = static_cast<long long>(summary.rows),
            inserted = static_cast<long long>(summary.inserted),
            updated = static_cast<long long>(summary.updated),
            rejected = static_cast<long long>(summary.rejected);
  conn.session() << "UPDATE imports SET status = 'done', finished_at = :f, rows_read = :r, "
                    "inserted = :i, updated = :u, rejected = :x WHERE id = :id",
      soci::use(finished), soci::use(rows), soci::use(inserted), soci::use(updated),
      soci::use(rejected), soci::use(summary.import_id);
  return summary;
}

}  // namespace mingjing::imports
