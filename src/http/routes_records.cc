// /api/v1/datasets and /api/v1/records/:dataset: what can be imported, and
// the imported records, limited to the active role's subtree (and a county
// department's programmes), searched and filtered, with personal data
// masked; the same view as an xlsx download.
#include "audit/audit.h"
#include "core/datetime.h"
#include "core/region_code.h"
#include "core/text.h"
#include "http/app.h"
#include "http/json_writer.h"
#include "imports/datasets.h"
#include "imports/record_query.h"
#include "imports/xlsx_writer.h"

namespace mingjing::http {
namespace {

// A single export is one sheet people can still open comfortably.
constexpr long long kMaxExportRows = 200000;

void write_value(JsonWriter& w, const imports::ColumnSpec& col, const imports::Value& v) {
  using imports::ColumnType;
  switch (v.kind) {
    case imports::Value::Kind::null:
      w.null();
      return;
    case imports::Value::Kind::real:
      w.value(v.real);
      return;
    case imports::Value::Kind::text:
      w.value(v.text);
      return;
    case imports::Value::Kind::integer:
      if (col.type == ColumnType::boolean) {
        w.value(v.integer != 0);
      } else if (col.type == ColumnType::datetime) {
        w.value(core::DateTime::from_unix_ms(v.integer).to_string());
      } else {
        w.value(v.integer);
      }
      return;
  }
}

// A value as a spreadsheet cell: money in yuan, times as text, yes/no.
imports::SheetCell sheet_cell(const imports::ColumnSpec& col, const imports::Value& v) {
  using imports::ColumnType;
  using imports::SheetCell;
  switch (v.kind) {
    case imports::Value::Kind::null:
      return {};
    case imports::Value::Kind::real:
      return SheetCell::of(v.real);
    case imports::Value::Kind::text:
      return SheetCell::of(v.text);
    case imports::Value::Kind::integer:
      if (col.type == ColumnType::money) return SheetCell::of(static_cast<double>(v.integer) / 100);
      if (col.type == ColumnType::boolean) return SheetCell::of(v.integer ? "是" : "否");
      if (col.type == ColumnType::datetime) {
        return SheetCell::of(core::DateTime::from_unix_ms(v.integer).to_string());
      }
      return SheetCell::of(static_cast<double>(v.integer));
  }
  return {};
}

// The column's name for people: its first Chinese alias (accepted back as
// a header on import), else its name.
std::string display_name(const imports::ColumnSpec& col) {
  return col.aliases.empty() ? col.name : col.aliases.front();
}

struct RecordQuery {
  const imports::DatasetSpec* dataset = nullptr;
  imports::RecordFilter filter;
  DataAccess access;
};

// The dataset, the caller's access to it and the filters of the query
// string: region, q, from, to, page, page_size and f.<column>=value for
// enumeration columns.
core::Result<RecordQuery> record_query(Context& c, Services& s) {
  const auth::Principal& who = *c.principal;
  if (!who.can(auth::perm::kRecordList)) {
    return core::Error::forbidden("当前角色无权查看业务数据");
  }
  RecordQuery q;
  q.dataset = imports::find_dataset(c.req.params["dataset"]);
  if (!q.dataset) return core::Error::not_found("数据集不存在");
  auto access = data_access(s, who, *q.dataset, c.req.query_or("region", ""));
  if (!access.ok()) return access.error();
  q.access = std::move(*access);
  q.filter.scope_prefix = q.access.scope_prefix;
  q.filter.programmes = q.access.programmes;
  q.filter.keyword = c.req.query_or("q", "");
  if (core::split_utf8(q.filter.keyword).size() > 100) {
    return core::Error::invalid("搜索内容过长（最多100个字）", "q");
  }
  q.filter.date_from = c.req.query_or("from", "");
  q.filter.date_to = c.req.query_or("to", "");
  for (const auto& [key, value] : c.req.query) {
    if (key.rfind("f.", 0) == 0 && !value.empty())
      q.filter.equals.emplace_back(key.substr(2), value);
  }
  q.filter.page = query_int(c.req, "page", 1, 1, 1000000);
  q.filter.page_size = query_int(c.req, "page_size", 20, 1, 200);
  return q;
}

}  // namespace

core::Result<DataAccess> data_access(Services& s, const auth::Principal& who,
                                     const imports::DatasetSpec& d, const std::string& region,
                                     DataUse use) {
  auto home = s.regions.get(who.active.region_code);
  bool county = home.ok() && home->level <= core::RegionLevel::county;
  const bool parent_scoped = imports::region_parent(d) != nullptr;
  if (d.region_column.empty() && !county) {
    if (!parent_scoped) return core::Error::forbidden("该数据集为全县登记信息，仅限县级角色查看");
    if (use == DataUse::kLoad) {
      return core::Error::forbidden("该数据集暂只能由县级角色导入");
    }
  }
  DataAccess access;
  const auth::RoleDef* role = auth::find_role(who.active.role);
  if (role && role->needs_programme) {
    if (!d.column("program_code")) {
      return core::Error::forbidden("县级部门只能访问本部门项目的补贴发放数据");
    }
    if (who.active.programmes.empty()) return core::Error::forbidden("当前角色未分配项目");
    access.programmes = who.active.programmes;
  }
  // The scope is the role's subtree, or a region inside it.
  access.region_code = region.empty() ? who.active.region_code : region;
  if (!s.regions.within(access.region_code, who.active.region_code)) {
    return core::Error::forbidden("无权访问该区域的数据");
  }
  auto code = core::RegionCode::parse(access.region_code);
  if (!code.ok()) return core::Error::invalid(code.error().message, "region");
  access.scope_prefix = d.region_column.empty() && !parent_scoped ? "" : code->prefix();
  return access;
}

void add_record_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/datasets", Access::kSession, [](Context&) {
           JsonWriter w;
           w.begin_object().key("items").begin_array();
           for (const auto& d : imports::datasets()) {
             w.begin_object().field("name", d.name).field("chinese", d.chinese);
             const imports::ColumnSpec* via = imports::region_parent(d);
             w.field("county_wide", d.region_column.empty() && !via);
             w.key("region_via").value_or_null(via ? via->name : "");
             const imports::ColumnSpec* date = imports::main_date_column(d);
             w.key("date_column").value_or_null(date ? date->name : "");
             w.key("key").begin_array();
             for (const auto& k : d.key) w.value(k);
             w.end_array().key("columns").begin_array();
             for (const auto& c : d.columns) {
               w.begin_object().field("name", c.name).field("type", imports::to_string(c.type));
               w.field("required", c.required).key("aliases").begin_array();
               for (const auto& a : c.aliases) w.value(a);
               w.end_array().key("values").begin_array();
               for (const auto& v : c.values) w.value(v);
               w.end_array().key("references").value_or_null(c.references).end_object();
             }
             w.end_array().end_object();
           }
           w.end_array().end_object();
           return Response::json_text(200, w.take());
         }});

  r.add({"GET", "/api/v1/records/:dataset", Access::kSession, [&s](Context& c) {
           auto q = record_query(c, s);
           if (!q.ok()) return Response::error(q.error());
           const imports::DatasetSpec* d = q->dataset;
           auto page = imports::list_records(s.db, s.vault, *d, q->filter);
           if (!page.ok()) return Response::error(page.error());
           JsonWriter w;
           w.begin_object().field("dataset", d->name).field("total", page->total);
           w.key("items").begin_array();
           for (std::size_t i = 0; i < page->rows.size(); ++i) {
             w.begin_object().field("row_id", page->row_ids[i]);
             for (std::size_t k = 0; k < d->columns.size(); ++k) {
               w.key(d->columns[k].name);
               write_value(w, d->columns[k], page->rows[i][k]);
               // Region codes come with their names ("village_code_name").
               const imports::Value& v = page->rows[i][k];
               if (d->columns[k].type == imports::ColumnType::region && !v.is_null()) {
                 auto region = s.regions.get(v.text);
                 w.field(d->columns[k].name + "_name", region.ok() ? region->name : "");
               }
             }
             w.end_object();
           }
           w.end_array().end_object();
           return Response::json_text(200, w.take());
         }});

  // The filtered view as a workbook: the same rows, masked as on screen,
  // with Chinese headers and region names. Exports of personal registries
  // leave a trace in the audit log.
  r.add({"GET", "/api/v1/records/:dataset/export", Access::kSession, [&s](Context& c) {
           auto q = record_query(c, s);
           if (!q.ok()) return Response::error(q.error());
           const imports::DatasetSpec* d = q->dataset;
           std::vector<std::string> headers;
           for (const auto& col : d->columns) {
             headers.push_back(display_name(col));
             if (col.type == imports::ColumnType::region)
               headers.push_back(display_name(col) + "名称");
           }
           auto sheet = imports::SheetWriter::create(d->chinese, headers);
           if (!sheet.ok()) return Response::error(sheet.error());
           std::vector<imports::SheetCell> cells;
           auto rows = imports::for_each_record(
               s.db, s.vault, *d, q->filter, kMaxExportRows,
               [&](long long, const std::vector<imports::Value>& row) {
                 cells.clear();
                 for (std::size_t k = 0; k < d->columns.size(); ++k) {
                   cells.push_back(sheet_cell(d->columns[k], row[k]));
                   if (d->columns[k].type == imports::ColumnType::region) {
                     auto region = row[k].is_null()
                                       ? core::Result<regions::Region>(core::Error::not_found(""))
                                       : s.regions.get(row[k].text);
                     cells.push_back(region.ok() ? imports::SheetCell::of(region->name)
                                                 : imports::SheetCell{});
                   }
                 }
                 sheet->add_row(cells);
               });
           if (!rows.ok()) return Response::error(rows.error());
           auto bytes = sheet->finish();
           if (!bytes.ok()) return Response::error(bytes.error());
           (void)audit::append_now(
               s.db, {c.principal->actor(), "data.export", "dataset:" + d->name,
                      "region=" + q->access.region_code + " rows=" + std::to_string(*rows) +
                          (q->filter.keyword.empty() ? "" : " keyword=yes"),
                      "", ""});
           Response res;
           res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
           res.body = std::move(*bytes);
           res.headers.emplace_back(
               "Content-Disposition",
               attachment_disposition(d->chinese + "-" + q->access.region_code + ".xlsx"));
           return res;
         }});
}

}  // namespace mingjing::http
