// /api/v1/imports: loading a file through the back office in two steps.
// The upload is checked in full without writing (the preview: which
// dataset, what would be inserted, updated or left alone, every bad row),
// kept for a while under a token, and written when the user commits it.
// The rejected rows of a committed import stay downloadable as an xlsx
// error report. Rows outside the uploader's region (or a department's
// programmes) are rejected like any other bad row.
#include <sodium.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "audit/audit.h"
#include "core/datetime.h"
#include "core/money.h"
#include "core/region_code.h"
#include "core/text.h"
#include "db/row.h"
#include "db/soci.h"
#include "http/app.h"
#include "http/json_writer.h"
#include "imports/importer.h"
#include "imports/record_store.h"
#include "imports/table_source.h"
#include "imports/xlsx_writer.h"
#include "rules/live.h"

namespace mingjing::http {
namespace {

// Uploads through the browser; larger files go through `mingjing import`.
constexpr std::size_t kMaxUploadBytes = 30u * 1024 * 1024;
constexpr std::size_t kMaxUploadRows = 300000;
// What the server keeps for uploads waiting to be committed.
constexpr std::size_t kMaxStagedBytes = 256u * 1024 * 1024;
constexpr std::size_t kMaxStagedPerUser = 3;
constexpr long long kStagedLifetimeMs = 30 * 60 * 1000;
// Rows of errors and examples a preview shows.
constexpr std::size_t kPreviewErrors = 200;
constexpr std::size_t kPreviewSample = 10;

struct StagedUpload {
  long long user_id = 0;
  std::string role;
  std::string region_code;
  std::string dataset;
  std::string file_name;
  std::string bytes;
  long long expires_ms = 0;
  long long staged_ms = 0;
};

// Uploads between preview and commit, in memory: a restart only means
// uploading again, nothing has been written yet.
class UploadStash {
 public:
  core::Result<std::string> put(StagedUpload upload) {
    std::lock_guard lock(mu_);
    long long now = db::now_unix_ms();
    std::vector<std::string> mine;
    for (auto it = staged_.begin(); it != staged_.end();) {
      if (it->second.expires_ms < now) {
        bytes_ -= it->second.bytes.size();
        it = staged_.erase(it);
      } else {
        if (it->second.user_id == upload.user_id) mine.push_back(it->first);
        ++it;
      }
    }
    // A user's oldest waiting upload makes room for the new one.
    while (mine.size() >= kMaxStagedPerUser) {
      auto oldest = std::min_element(mine.begin(), mine.end(), [&](const auto& a, const auto& b) {
        return staged_[a].staged_ms < staged_[b].staged_ms;
      });
      bytes_ -= staged_[*oldest].bytes.size();
      staged_.erase(*oldest);
      mine.erase(oldest);
    }
    if (bytes_ + upload.bytes.size() > kMaxStagedBytes) {
      return core::Error{core::errc::kUnavailable, "待确认的上传文件过多，请稍后再试", "file"};
    }
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    char hex[sizeof raw * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
    upload.staged_ms = now;
    upload.expires_ms = now + kStagedLifetimeMs;
    bytes_ += upload.bytes.size();
    staged_.emplace(hex, std::move(upload));
    return std::string(hex);
  }

  // The upload, removed from the stash, if it is the caller's (same user
  // and active role) and still waiting.
  std::optional<StagedUpload> take(const std::string& token, const auth::Principal& who) {
    std::lock_guard lock(mu_);
    auto it = staged_.find(token);
    if (it == staged_.end() || it->second.expires_ms < db::now_unix_ms() ||
        it->second.user_id != who.user_id || it->second.role != who.active.role ||
        it->second.region_code != who.active.region_code) {
      return std::nullopt;
    }
    StagedUpload out = std::move(it->second);
    bytes_ -= out.bytes.size();
    staged_.erase(it);
    return out;
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, StagedUpload> staged_;
  std::size_t bytes_ = 0;
};

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// The dataset whose columns the header matches best: every required column
// present, most columns recognised. Ambiguity (two equally good) and no
// match are errors asking the user to choose.
core::Result<const imports::DatasetSpec*> detect_dataset(const std::vector<std::string>& header) {
  const imports::DatasetSpec* best = nullptr;
  long long best_score = -1;
  bool tie = false;
  for (const auto& d : imports::datasets()) {
    auto mapped = imports::map_header(d, header);
    if (!mapped.ok()) continue;
    long long known = 0;
    for (int at : mapped->source) known += at >= 0;
    long long score = known * 100 - static_cast<long long>(mapped->unknown.size());
    if (score > best_score) {
      best = &d;
      best_score = score;
      tie = false;
    } else if (score == best_score) {
      tie = true;
    }
  }
  if (!best) return core::Error::invalid("无法根据表头识别数据集，请手动选择数据集", "dataset");
  if (tie) return core::Error::invalid("表头可匹配多个数据集，请手动选择数据集", "dataset");
  return best;
}

// Rows outside the uploader's scope are bad rows like any other.
std::function<std::optional<imports::RowError>(const std::vector<imports::Value>&, std::size_t)>
scope_check(const imports::DatasetSpec& d, const DataAccess& access) {
  int region_at = -1, programme_at = -1;
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    if (d.columns[c].name == d.region_column) region_at = static_cast<int>(c);
    if (d.columns[c].name == "program_code") programme_at = static_cast<int>(c);
  }
  return [&d, access, region_at, programme_at](
             const std::vector<imports::Value>& row,
             std::size_t number) -> std::optional<imports::RowError> {
    if (region_at >= 0 && !access.scope_prefix.empty()) {
      const imports::Value& v = row[static_cast<std::size_t>(region_at)];
      if (!v.is_null() && v.text.rfind(access.scope_prefix, 0) != 0) {
        return imports::RowError{number, d.region_column, v.text, "不在您的管辖区域内",
                                 "outside your region"};
      }
    }
    if (programme_at >= 0 && !access.programmes.empty()) {
      const imports::Value& v = row[static_cast<std::size_t>(programme_at)];
      if (std::find(access.programmes.begin(), access.programmes.end(), v.text) ==
          access.programmes.end()) {
        return imports::RowError{number, "program_code", v.text, "不是本部门负责的项目",
                                 "not a programme of your department"};
      }
    }
    return std::nullopt;
  };
}

// The counts, warnings and first errors of a preview or an import.
void write_counts(JsonWriter& w, const imports::ImportSummary& summary) {
  w.field("rows", static_cast<long long>(summary.rows));
  w.field("inserted", static_cast<long long>(summary.inserted));
  w.field("updated", static_cast<long long>(summary.updated));
  w.field("unchanged", static_cast<long long>(summary.unchanged));
  w.field("rejected", static_cast<long long>(summary.rejected));
  w.key("warnings").begin_array();
  for (const auto& warning : summary.warnings) w.value(warning);
  w.end_array().key("errors").begin_array();
  for (std::size_t i = 0; i < summary.errors.size() && i < kPreviewErrors; ++i) {
    const auto& e = summary.errors[i];
    w.begin_object().field("row", static_cast<long long>(e.row)).field("column", e.column);
    w.field("value", e.value).field("reason", e.reason).field("reason_en", e.reason_en);
    w.end_object();
  }
  w.end_array();
}

// A sample value as the preview shows it: personal data masked.
std::string shown(const imports::ColumnSpec& col, const imports::Value& v) {
  switch (v.kind) {
    case imports::Value::Kind::null:
      return "";
    case imports::Value::Kind::text:
      return imports::is_personal(col.type) ? imports::mask_personal(col.type, v.text) : v.text;
    case imports::Value::Kind::real: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", v.real);
      return buf;
    }
    case imports::Value::Kind::integer:
      if (col.type == imports::ColumnType::money) return core::Money::from_fen(v.integer).to_yuan();
      if (col.type == imports::ColumnType::boolean) return v.integer ? "是" : "否";
      if (col.type == imports::ColumnType::datetime) {
        return core::DateTime::from_unix_ms(v.integer).to_string();
      }
      return std::to_string(v.integer);
  }
  return "";
}

struct ImportRun {
  long long id = 0;
  std::string dataset, file_name, username, status, region_code;
  long long user_id = 0, started_at = 0, finished_at = 0;
  long long rows = 0, inserted = 0, updated = 0, rejected = 0;
};

constexpr const char* kRunColumns =
    "id, dataset, file_name, username, status, COALESCE(region_code, ''), COALESCE(user_id, 0), "
    "started_at, COALESCE(finished_at, 0), rows_read, inserted, updated, rejected";

ImportRun read_run(const soci::row& r) {
  ImportRun run;
  run.id = db::get_int(r, 0);
  run.dataset = db::get_text(r, 1);
  run.file_name = db::get_text(r, 2);
  run.username = db::get_text(r, 3);
  run.status = db::get_text(r, 4);
  run.region_code = db::get_text(r, 5);
  run.user_id = db::get_int(r, 6);
  run.started_at = db::get_int(r, 7);
  run.finished_at = db::get_int(r, 8);
  run.rows = db::get_int(r, 9);
  run.inserted = db::get_int(r, 10);
  run.updated = db::get_int(r, 11);
  run.rejected = db::get_int(r, 12);
  return run;
}

void write_run(JsonWriter& w, const ImportRun& run, regions::RegionService& regions) {
  const imports::DatasetSpec* d = imports::find_dataset(run.dataset);
  auto region = regions.get(run.region_code);
  w.begin_object().field("id", run.id).field("dataset", run.dataset);
  w.field("dataset_chinese", d ? d->chinese : run.dataset).field("file_name", run.file_name);
  w.field("username", run.username).field("status", run.status);
  w.field("region_code", run.region_code).field("region_name", region.ok() ? region->name : "");
  w.field("started_at", format_time(run.started_at));
  w.key("finished_at").value_or_null(run.finished_at ? format_time(run.finished_at) : "");
  w.field("rows", run.rows).field("inserted", run.inserted).field("updated", run.updated);
  w.field("rejected", run.rejected).end_object();
}

// Whose runs the caller may see: their own, and for those who review
// others (audit:log:list) every run made under a role in their subtree
// (county reviewers also the command line's).
bool may_review(Services& s, const auth::Principal& who, const ImportRun& run) {
  if (run.user_id == who.user_id && who.user_id != 0) return true;
  if (!who.can(auth::perm::kAuditList)) return false;
  if (run.region_code.empty()) {
    auto home = s.regions.get(who.active.region_code);
    return home.ok() && home->level <= core::RegionLevel::county;
  }
  return s.regions.within(run.region_code, who.active.region_code);
}

core::Result<ImportRun> find_run(Services& s, long long id) {
  auto conn = s.db.connect();
  soci::row r;
  conn.session() << std::string("SELECT ") + kRunColumns + " FROM imports WHERE id = :id",
      soci::use(id), soci::into(r);
  if (!conn.session().got_data()) return core::Error::not_found("导入记录不存在");
  return read_run(r);
}

}  // namespace

void add_import_routes(Router& r, Services& s) {
  auto stash = std::make_shared<UploadStash>();

  // Step 1: the file as the request body (any content type), its name and
  // the dataset ("auto" or empty to detect) in the query string.
  Route preview{"POST", "/api/v1/imports/preview", Access::kSession, [&s, stash](Context& c) {
                  const auth::Principal& who = *c.principal;
                  if (!who.can(auth::perm::kRecordImport)) {
                    return Response::error(core::Error::forbidden("当前角色无权导入数据"));
                  }
                  if (!s.vault) {
                    return Response::error(
                        {core::errc::kUnavailable, "服务器未配置个人信息密钥，无法导入", {}});
                  }
                  std::string file_name = c.req.query_or("file_name", "upload");
                  if (c.req.body.empty()) {
                    return Response::error(core::Error::invalid("请选择要上传的文件", "file"));
                  }
                  auto table = imports::open_table_bytes(c.req.body, file_name, kMaxUploadBytes);
                  if (!table.ok()) return Response::error(table.error());
                  std::string wanted = c.req.query_or("dataset", "auto");
                  const imports::DatasetSpec* d = nullptr;
                  bool detected = wanted.empty() || wanted == "auto";
                  if (detected) {
                    auto header = table->source->next();
                    if (!header.ok()) return Response::error(header.error());
                    if (!*header) {
                      return Response::error(core::Error::invalid("文件为空：没有表头行", "file"));
                    }
                    auto found = detect_dataset((*header)->cells);
                    if (!found.ok()) return Response::error(found.error());
                    d = *found;
                    table = imports::open_table_bytes(c.req.body, file_name, kMaxUploadBytes);
                    if (!table.ok()) return Response::error(table.error());
                  } else {
                    d = imports::find_dataset(wanted);
                    if (!d) return Response::error(core::Error::invalid("数据集不存在", "dataset"));
                  }
                  auto access = data_access(s, who, *d, "", DataUse::kLoad);
                  if (!access.ok()) return Response::error(access.error());

                  imports::ImportOptions options;
                  options.dry_run = true;
                  options.sample_rows = kPreviewSample;
                  options.max_rows = kMaxUploadRows;
                  options.row_check = scope_check(*d, *access);
                  imports::Importer importer(s.db, *s.vault);
                  auto summary = importer.run(*d, *table->source, options);
                  if (!summary.ok()) return Response::error(summary.error());

                  auto token = stash->put({who.user_id, who.active.role, who.active.region_code,
                                           d->name, file_name, std::move(c.req.body)});
                  if (!token.ok()) return Response::error(token.error());
                  JsonWriter w;
                  w.begin_object().field("token", *token).field("dataset", d->name);
                  w.field("dataset_chinese", d->chinese).field("detected", detected);
                  w.field("file_name", file_name);
                  w.field("format", table->format == imports::TableFormat::kXlsx ? "xlsx" : "csv");
                  w.field("encoding", std::string(table->encoding_name()));
                  write_counts(w, *summary);
                  w.key("columns").begin_array();
                  for (const auto& col : d->columns) {
                    w.begin_object().field("name", col.name);
                    w.field("label", col.aliases.empty() ? col.name : col.aliases.front());
                    w.end_object();
                  }
                  w.end_array().key("sample").begin_array();
                  for (const auto& row : summary->sample) {
                    w.begin_object();
                    for (std::size_t k = 0; k < d->columns.size(); ++k) {
                      w.field(d->columns[k].name, shown(d->columns[k], row[k]));
                    }
                    w.end_object();
                  }
                  w.end_array().end_object();
                  return Response::json_text(200, w.take());
                }};
  preview.max_body = kMaxUploadBytes;
  preview.raw_body = true;
  r.add(std::move(preview));

  // Step 2: write it. {"strict": true} writes nothing unless every row is
  // good.
  r.add(
      {"POST", "/api/v1/imports/:token/commit", Access::kSession, [&s, stash](Context& c) {
         const auth::Principal& who = *c.principal;
         if (!who.can(auth::perm::kRecordImport)) {
           return Response::error(core::Error::forbidden("当前角色无权导入数据"));
         }
         if (!s.vault) {
           return Response::error(
               {core::errc::kUnavailable, "服务器未配置个人信息密钥，无法导入", {}});
         }
         bool strict = false;
         if (!c.req.body.empty()) {
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           if (body->contains("strict") && !(*body)["strict"].is_boolean()) {
             return Response::error(core::Error::invalid("strict 应为 true 或 false", "strict"));
           }
           strict = body->value("strict", false);
         }
         auto staged = stash->take(c.req.params["token"], who);
         if (!staged) {
           return Response::error(core::Error::not_found("上传已过期或不存在，请重新上传文件"));
         }
         const imports::DatasetSpec* d = imports::find_dataset(staged->dataset);
         auto access = data_access(s, who, *d, "", DataUse::kLoad);
         if (!access.ok()) return Response::error(access.error());
         std::string sha = sha256_hex(staged->bytes);
         auto table = imports::open_table_bytes(std::move(staged->bytes), staged->file_name,
                                                kMaxUploadBytes);
         if (!table.ok()) return Response::error(table.error());
         imports::ImportOptions options;
         options.strict = strict;
         options.max_rows = kMaxUploadRows;
         options.file_name = staged->file_name;
         options.file_sha256 = sha;
         options.user_id = who.user_id;
         options.username = who.username;
         options.row_check = scope_check(*d, *access);
         options.keep_record_keys = s.live_rules != nullptr;
         imports::Importer importer(s.db, *s.vault);
         auto summary = importer.run(*d, *table->source, options);
         if (!summary.ok()) return Response::error(summary.error());

         // The run's region and its rejected rows (sealed), with the audit
         // entry, in one transaction.
         {
           auto conn = s.db.connect();
           db::Transaction tx(conn);
           conn.session() << "UPDATE imports SET region_code = :r WHERE id = :id",
               soci::use(who.active.region_code), soci::use(summary->import_id);
           std::vector<long long> ids, seqs, rows;
           std::vector<std::string> columns, values, reasons, reasons_en;
           for (std::size_t i = 0; i < summary->errors.size(); ++i) {
             const auto& e = summary->errors[i];
             ids.push_back(summary->import_id);
             seqs.push_back(static_cast<long long>(i));
             rows.push_back(static_cast<long long>(e.row));
             columns.push_back(e.column);
             values.push_back(s.vault->seal(e.value));
             reasons.push_back(e.reason);
             reasons_en.push_back(e.reason_en);
           }
           if (!ids.empty()) {
             conn.session() << "INSERT INTO import_errors (import_id, seq, file_row, column_name, "
                               "value_enc, reason, reason_en) VALUES (:i, :s, :r, :c, :v, :x, :e)",
                 soci::use(ids), soci::use(seqs), soci::use(rows), soci::use(columns),
                 soci::use(values), soci::use(reasons), soci::use(reasons_en);
           }
           audit::append(conn, {who.actor(), "import." + d->name,
                                "import:" + std::to_string(summary->import_id),
                                staged->file_name + " rows=" + std::to_string(summary->rows) +
                                    " inserted=" + std::to_string(summary->inserted) +
                                    " updated=" + std::to_string(summary->updated) +
                                    " rejected=" + std::to_string(summary->rejected),
                                "", sha});
           tx.commit();
         }
         // The live engine re-evaluates what was written (asynchronously).
         if (s.live_rules) s.live_rules->records_changed(d->name, std::move(summary->record_keys));
         JsonWriter w;
         w.begin_object().field("import_id", summary->import_id).field("dataset", d->name);
         w.field("dataset_chinese", d->chinese);
         write_counts(w, *summary);
         w.end_object();
         return Response::json_text(200, w.take());
       }});

  r.add({"GET", "/api/v1/imports", Access::kSession, [&s](Context& c) {
           const auth::Principal& who = *c.principal;
           if (!who.can(auth::perm::kRecordImport) && !who.can(auth::perm::kAuditList)) {
             return Response::error(core::Error::forbidden("当前角色无权查看导入记录"));
           }
           int page = query_int(c.req, "page", 1, 1, 1000000);
           int size = query_int(c.req, "page_size", 20, 1, 200);
           // Reviewers see runs in their subtree; everyone else their own.
           std::string where = " WHERE user_id = :u";
           std::string prefix;
           auto home = s.regions.get(who.active.region_code);
           bool county = home.ok() && home->level <= core::RegionLevel::county;
           if (who.can(auth::perm::kAuditList)) {
             auto code = core::RegionCode::parse(who.active.region_code);
             prefix = (code.ok() ? code->prefix() : who.active.region_code) + "%";
             where = county ? " WHERE (user_id = :u OR region_code IS NULL OR region_code LIKE :p)"
                            : " WHERE (user_id = :u OR region_code LIKE :p)";
           }
           auto conn = s.db.connect();
           long long total = 0;
           std::vector<ImportRun> runs;
           std::string sql = std::string("SELECT ") + kRunColumns + " FROM imports" + where +
                             " ORDER BY id DESC LIMIT " + std::to_string(size) + " OFFSET " +
                             std::to_string(static_cast<long long>(page - 1) * size);
           if (prefix.empty()) {
             conn.session() << "SELECT COUNT(*) FROM imports" + where, soci::use(who.user_id),
                 soci::into(total);
             soci::rowset<soci::row> rs = (conn.session().prepare << sql, soci::use(who.user_id));
             for (const auto& row : rs) runs.push_back(read_run(row));
           } else {
             conn.session() << "SELECT COUNT(*) FROM imports" + where, soci::use(who.user_id),
                 soci::use(prefix), soci::into(total);
             soci::rowset<soci::row> rs =
                 (conn.session().prepare << sql, soci::use(who.user_id), soci::use(prefix));
             for (const auto& row : rs) runs.push_back(read_run(row));
           }
           JsonWriter w;
           w.begin_object().field("total", total).key("items").begin_array();
           for (const auto& run : runs) write_run(w, run, s.regions);
           w.end_array().end_object();
           return Response::json_text(200, w.take());
         }});

  // The rejected rows as a workbook. Personal values are masked (the
  // importer already masks what it reports; this holds for older runs too).
  r.add({"GET", "/api/v1/imports/:id/errors", Access::kSession, [&s](Context& c) {
           const auth::Principal& who = *c.principal;
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           if (!who.can(auth::perm::kRecordImport) && !who.can(auth::perm::kAuditList)) {
             return Response::error(core::Error::forbidden("当前角色无权查看导入记录"));
           }
           auto run = find_run(s, *id);
           if (!run.ok()) return Response::error(run.error());
           if (!may_review(s, who, *run)) {
             return Response::error(core::Error::not_found("导入记录不存在"));
           }
           if (!s.vault) {
             return Response::error({core::errc::kUnavailable, "服务器未配置个人信息密钥", {}});
           }
           const imports::DatasetSpec* d = imports::find_dataset(run->dataset);
           auto sheet = imports::SheetWriter::create(
               "错误报告", {"行号", "列名", "列", "值", "原因", "reason"});
           if (!sheet.ok()) return Response::error(sheet.error());
           auto conn = s.db.connect();
           soci::rowset<soci::row> rs =
               (conn.session().prepare << "SELECT file_row, column_name, value_enc, reason, "
                                          "reason_en FROM import_errors WHERE import_id = :id "
                                          "ORDER BY seq",
                soci::use(*id));
           for (const auto& row : rs) {
             std::string column = db::get_text(row, 1);
             const imports::ColumnSpec* col = d ? d->column(column) : nullptr;
             auto value = s.vault->open_sealed(db::get_text(row, 2));
             std::string text = value.ok() ? *value : "";
             if (col && imports::is_personal(col->type))
               text = imports::mask_personal(col->type, text);
             sheet->add_row(
                 {imports::SheetCell::of(static_cast<double>(db::get_int(row, 0))),
                  imports::SheetCell::of(column),
                  imports::SheetCell::of(col && !col->aliases.empty() ? col->aliases.front()
                                                                      : column),
                  imports::SheetCell::of(text), imports::SheetCell::of(db::get_text(row, 3)),
                  imports::SheetCell::of(db::get_text(row, 4))});
           }
           auto bytes = sheet->finish();
           if (!bytes.ok()) return Response::error(bytes.error());
           Response res;
           res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
           res.body = std::move(*bytes);
           res.headers.emplace_back("Content-Disposition",
                                    attachment_disposition("错误报告-" + std::to_string(*id) + "-" +
                                                           run->file_name + ".xlsx"));
           return res;
         }});
}

}  // namespace mingjing::http
