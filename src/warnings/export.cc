// `mingjing warnings export`: the spec's JSON Lines, and CSV and xlsx with
// the same keys as columns.
#include "warnings/export.h"

#include <map>
#include <unordered_map>

#include "core/datetime.h"
#include "db/row.h"
#include "db/soci.h"
#include "imports/datasets.h"
#include "imports/xlsx_writer.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

constexpr int kBatch = 500;
constexpr char kKeySeparator = '\x1f';  // imports/record_store.cc joins key columns with it

core::Error key_needed() {
  return {core::errc::kUnavailable,
          "导出人员身份证号需要个人信息密钥（--key 或环境变量MINGJING_KEY）", "key"};
}

// record_key -> the spec's id, per dataset, remembered for the run.
class SubjectIds {
 public:
  SubjectIds(db::Connection& conn, const privacy::Vault* vault) : conn_(conn), vault_(vault) {}

  // The id, nullopt when it cannot be rebuilt, or an error (no vault, a
  // value the vault cannot open).
  core::Result<std::optional<std::string>> id_of(const Subject& s) {
    auto& cache = cache_[s.dataset];
    if (auto it = cache.find(s.record_key); it != cache.end()) return it->second;
    auto id = resolve(s);
    if (id.ok()) cache.emplace(s.record_key, *id);
    return id;
  }

 private:
  core::Result<std::optional<std::string>> resolve(const Subject& s) {
    const imports::DatasetSpec* d = imports::find_dataset(s.dataset);
    if (!d) return std::optional<std::string>(s.record_key);  // not a catalogue dataset
    std::vector<const imports::ColumnSpec*> keys;
    bool personal = false;
    for (const auto& name : d->key) {
      const imports::ColumnSpec* c = d->column(name);
      keys.push_back(c);
      personal = personal || (c && imports::is_personal(c->type));
    }
    // Plain keys are the record key itself (several joined by the separator).
    if (!personal) return std::optional<std::string>(readable(s.record_key));
    if (!vault_) return key_needed();
    std::string select;
    for (const auto* c : keys) {
      if (!select.empty()) select += ", ";
      select += "\"" + c->name + (imports::is_personal(c->type) ? "_enc\"" : "\"");
    }
    std::optional<std::string> out;
    std::string record_key = s.record_key;
    soci::rowset<soci::row> rows =
        (conn_.session().prepare << "SELECT " + select + " FROM " + d->name +
                                        " WHERE record_key = :k",
         soci::use(record_key));
    for (const soci::row& r : rows) {
      std::string id;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        std::string value = db::get_text(r, i);
        if (imports::is_personal(keys[i]->type) && !value.empty()) {
          auto opened = vault_->open_sealed(value);
          if (!opened.ok()) {
            return core::Error{core::errc::kUnavailable,
                               "个人信息密钥与数据库不匹配，无法还原身份证号", "key"};
          }
          value = *opened;
        }
        if (i) id += "|";
        id += value;
      }
      out = std::move(id);
    }
    return out;
  }

  static std::string readable(std::string key) {
    for (char& c : key) {
      if (c == kKeySeparator) c = '|';
    }
    return key;
  }

  db::Connection& conn_;
  const privacy::Vault* vault_;
  std::map<std::string, std::unordered_map<std::string, std::optional<std::string>>> cache_;
};

nlohmann::ordered_json thresholds(const Warning& w, bool with_sources) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const UsedParam& p : w.params)
    out[p.name] = with_sources ? nlohmann::json(p.source) : p.value;
  return out;
}

std::string iso(long long unix_ms) {
  return core::DateTime::from_unix_ms(unix_ms).to_iso8601();
}

nlohmann::ordered_json to_json(const Warning& w, const nlohmann::ordered_json& subjects) {
  nlohmann::ordered_json j;
  // The spec's keys, in the spec's order.
  j["id"] = w.id;
  j["rule"] = w.rule_id;
  j["rule_version"] = w.rule_version;
  j["severity"] = w.severity;
  j["status"] = w.status;
  j["region_code"] = w.region_code;
  j["subjects"] = subjects;
  j["explanation"] = w.explanation;
  j["evidence"] = w.evidence;
  j["thresholds"] = thresholds(w, false);
  j["created_at"] = iso(w.created_at);
  j["deadline"] = w.deadline.to_string();
  // Ours.
  j["category"] = w.category;
  j["routed_to"] = {{"body", w.routed_to.body},
                    {"region_code", w.routed_to.region_code},
                    {"programme", w.routed_to.programme}};
  j["escalation_level"] = w.escalation_level;
  j["verdict"] = w.verdict.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(w.verdict);
  j["verdict_reason"] = w.verdict_reason;
  j["closed_at"] =
      w.closed_at ? nlohmann::ordered_json(iso(*w.closed_at)) : nlohmann::ordered_json();
  j["reopened_count"] = w.reopened_count;
  j["threshold_sources"] = thresholds(w, true);
  return j;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A value as one cell: text as is, null as empty, anything else as JSON.
std::string cell_text(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

}  // namespace

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "jsonl") return ExportFormat::jsonl;
  if (text == "csv") return ExportFormat::csv;
  if (text == "xlsx") return ExportFormat::xlsx;
  return std::nullopt;
}

core::Result<ExportSummary> export_warnings(db::Database& db, const privacy::Vault* vault,
                                            const Actor& who, ExportFormat format,
                                            std::ostream& out) {
  auto scope = internal::read_scope(who);
  if (!scope.ok()) return scope.error();
  return internal::guarded("export", [&]() -> core::Result<ExportSummary> {
    ExportSummary summary;
    auto conn = db.connect();
    auto lookups = db.connect();
    SubjectIds ids(lookups, vault);
    std::optional<imports::SheetWriter> sheet;
    std::vector<std::string> headers;
    bool header_written = false;
    long long after = 0;
    for (;;) {
      internal::Where where;
      internal::restrict(where, *scope);
      where.add("w.id > " + std::to_string(after));
      std::vector<Warning> batch;
      internal::query(conn,
                      std::string(internal::kWarningSelect) + where.sql + " ORDER BY w.id LIMIT " +
                          std::to_string(kBatch),
                      where,
                      [&](const soci::row& r) { batch.push_back(internal::read_warning(r)); });
      if (batch.empty()) break;
      after = batch.back().id;
      for (const Warning& w : batch) {
        nlohmann::ordered_json subjects = nlohmann::ordered_json::array();
        for (const Subject& s : w.subjects) {
          auto id = ids.id_of(s);
          if (!id.ok()) return id.error();
          if (!*id) ++summary.subjects_missing;
          subjects.push_back(
              {{"dataset", s.dataset},
               {"id", *id ? nlohmann::ordered_json(**id) : nlohmann::ordered_json()}});
        }
        nlohmann::ordered_json j = to_json(w, subjects);
        ++summary.warnings;
        if (format == ExportFormat::jsonl) {
          out << j.dump() << "\n";
          continue;
        }
        if (!header_written) {
          for (const auto& item : j.items()) headers.push_back(item.key());
          header_written = true;
          if (format == ExportFormat::csv) {
            for (std::size_t i = 0; i < headers.size(); ++i) out << (i ? "," : "") << headers[i];
            out << "\n";
          } else {
            auto created = imports::SheetWriter::create("预警", headers);
            if (!created.ok()) return created.error();
            sheet.emplace(std::move(*created));
          }
        }
        if (format == ExportFormat::csv) {
          std::size_t i = 0;
          for (const auto& item : j.items()) {
            out << (i++ ? "," : "") << csv_field(cell_text(item.value()));
          }
          out << "\n";
        } else {
          std::vector<imports::SheetCell> cells;
          for (const auto& item : j.items()) {
            const auto& v = item.value();
            cells.push_back(v.is_number() ? imports::SheetCell::of(v.get<double>())
                                          : imports::SheetCell::of(cell_text(v)));
          }
          sheet->add_row(cells);
        }
      }
    }
    if (format == ExportFormat::csv && !header_written) {
      // No warnings: still a header, so the file is a valid empty table.
      nlohmann::ordered_json empty = to_json(Warning{}, nlohmann::ordered_json::array());
      std::size_t i = 0;
      for (const auto& item : empty.items()) out << (i++ ? "," : "") << item.key();
      out << "\n";
    }
    if (format == ExportFormat::xlsx) {
      if (!sheet) {
        nlohmann::ordered_json empty = to_json(Warning{}, nlohmann::ordered_json::array());
        for (const auto& item : empty.items()) headers.push_back(item.key());
        auto created = imports::SheetWriter::create("预警", headers);
        if (!created.ok()) return created.error();
        sheet.emplace(std::move(*created));
      }
      auto bytes = sheet->finish();
      if (!bytes.ok()) return bytes.error();
      out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    }
    return summary;
  });
}

}  // namespace mingjing::warnings
