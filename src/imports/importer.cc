#include "imports/importer.h"

#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
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

struct Batch {
  std::vector<std::vector<Value>> values;
  std::vector<std::size_t> numbers;  // file row numbers
};

// What writing `rows` would do, without writing: keys already stored with
// the same digest are unchanged, with another digest updated, the rest new.
// A key repeated within the rows counts as an update the second time, as
// RecordStore::write counts it.
WriteCounts preview_counts(const RecordStore& store, db::Connection& conn,
                           const DatasetSpec& dataset,
                           const std::vector<std::vector<Value>>& rows) {
  std::vector<std::string> keys;
  keys.reserve(rows.size());
  for (const auto& row : rows) keys.push_back(store.record_key(dataset, row));
  auto stored = stored_digests(conn, dataset.name, keys);
  WriteCounts counts;
  std::unordered_map<std::string, std::string> seen;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string digest = store.row_digest(dataset, rows[r]);
    auto earlier = seen.find(keys[r]);
    auto existing = stored.find(keys[r]);
    const std::string* before = earlier != seen.end()      ? &earlier->second
                                : existing != stored.end() ? &existing->second
                                                           : nullptr;
    if (!before) {
      ++counts.inserted;
    } else if (*before == digest) {
      ++counts.unchanged;
    } else {
      ++counts.updated;
    }
    seen[keys[r]] = std::move(digest);
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
  auto header = map_header(dataset, (*first)->cells);
  if (!header.ok()) return header.error();
  for (const auto& unknown : header->unknown) {
    summary.warnings.push_back("未识别的列已忽略：" + unknown);
  }

  auto conn = db_.connect();
  const auto regions = region_codes(conn);
  RecordStore store(vault_);
  long long started = db::now_unix_ms();
  if (!options.dry_run) {
    conn.session() << "INSERT INTO imports (dataset, file_name, file_sha256, user_id, username, "
                      "started_at, status) VALUES (:d, :f, :s, :u, :n, :t, 'running') RETURNING id",
        soci::use(dataset.name), soci::use(options.file_name), soci::use(options.file_sha256),
        soci::use(options.user_id), soci::use(options.username), soci::use(started),
        soci::into(summary.import_id);
  }

  // A refused or failed run is recorded as such; a strict run's writes are
  // rolled back first.
  std::optional<db::Transaction> strict_tx;
  auto give_up = [&](core::Error e, const char* status) -> core::Error {
    strict_tx.reset();
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

  std::size_t committed_batches = 0;
  auto flush = [&](Batch& batch) -> core::Status {
    if (batch.values.empty()) return {};
    // References to other datasets, checked against what is stored.
    std::vector<bool> good(batch.values.size(), true);
    for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
      const ColumnSpec& col = dataset.columns[c];
      if (col.references.empty()) continue;
      std::vector<std::string> wanted(batch.values.size());
      std::vector<std::string> distinct;
      std::unordered_set<std::string> once;
      for (std::size_t r = 0; r < batch.values.size(); ++r) {
        const Value& v = batch.values[r][c];
        if (v.is_null()) continue;
        wanted[r] =
            is_personal(col.type) ? vault_.blind_index(privacy_kind(col.type), v.text) : v.text;
        if (once.insert(wanted[r]).second) distinct.push_back(wanted[r]);
      }
      auto found = stored_digests(conn, col.references, distinct);
      const DatasetSpec* target = find_dataset(col.references);
      for (std::size_t r = 0; r < batch.values.size(); ++r) {
        if (wanted[r].empty() || found.contains(wanted[r])) continue;
        const Value& v = batch.values[r][c];
        std::string shown = is_personal(col.type) ? mask_personal(col.type, v.text) : v.text;
        RowError e{batch.numbers[r], col.name, core::shorten_for_message(shown),
                   "引用的" + (target ? target->chinese : col.references) + "记录不存在",
                   "no such record in " + col.references};
        if (options.strict) return core::Error::invalid(row_label(e), col.name);
        if (good[r]) reject(std::move(e));
        good[r] = false;
      }
    }
    std::vector<std::vector<Value>> rows;
    rows.reserve(batch.values.size());
    for (std::size_t r = 0; r < batch.values.size(); ++r) {
      if (good[r]) rows.push_back(std::move(batch.values[r]));
    }
    if (summary.sample.size() < options.sample_rows) {
      for (std::size_t r = 0; r < rows.size() && summary.sample.size() < options.sample_rows; ++r) {
        summary.sample.push_back(rows[r]);
      }
    }
    WriteCounts counts;
    if (options.dry_run) {
      counts = preview_counts(store, conn, dataset, rows);
    } else if (options.strict) {
      counts = store.write(conn, dataset, rows, summary.import_id);
    } else {
      db::Transaction tx(conn);
      counts = store.write(conn, dataset, rows, summary.import_id);
      tx.commit();
      ++committed_batches;
      if (options.after_batch_commit) options.after_batch_commit(committed_batches);
    }
    summary.inserted += counts.inserted;
    summary.updated += counts.updated;
    summary.unchanged += counts.unchanged;
    batch.values.clear();
    batch.numbers.clear();
    return {};
  };

  Batch batch;
  while (true) {
    auto next = source.next();
    if (!next.ok()) return give_up(next.error(), "failed");
    if (!*next) break;
    const TableRow& row = **next;
    // A blank line (CSV) is no row at all.
    bool blank = true;
    for (const auto& cell : row.cells) {
      if (!core::trim(cell).empty()) blank = false;
    }
    if (blank) continue;
    if (++summary.rows > options.max_rows) {
      return give_up(core::Error{core::errc::kTooLarge,
                                 "文件行数超过上限（" + std::to_string(options.max_rows) +
                                     "行），已导入的批次保留",
                                 "file"},
                     "failed");
    }
    ParsedRow parsed = parse_row(dataset, *header, row.cells, row.number);
    // Cells the reader could not read (formula errors), in columns we use.
    for (const auto& issue : row.issues) {
      for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
        if (header->source[c] == static_cast<int>(issue.column)) {
          parsed.errors.push_back({row.number, dataset.columns[c].name, issue.value, issue.reason,
                                   "the cell could not be read"});
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
        return give_up(core::Error::invalid(row_label(parsed.errors.front()), "file"), "refused");
      }
      for (auto& e : parsed.errors) {
        if (&e == &parsed.errors.front()) {
          reject(e);
        } else if (summary.errors.size() < options.max_errors_kept) {
          summary.errors.push_back(e);  // more problems in a row already counted
        }
      }
      continue;
    }
    batch.values.push_back(std::move(parsed.values));
    batch.numbers.push_back(row.number);
    if (batch.values.size() >= options.batch_rows) {
      if (auto st = flush(batch); !st.ok()) return give_up(st.error(), "refused");
    }
  }
  if (auto st = flush(batch); !st.ok()) return give_up(st.error(), "refused");
  if (strict_tx) strict_tx->commit();

  if (summary.rejected > summary.errors.size()) {
    summary.warnings.push_back("错误行过多，错误报告只列出前" +
                               std::to_string(options.max_errors_kept) + "条");
  }
  if (options.dry_run) return summary;
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
