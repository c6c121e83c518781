// /api/v1/datasets and /api/v1/records/:dataset: what can be imported, and
// the imported records, limited to the active role's subtree and with
// personal data masked.
#include "core/datetime.h"
#include "core/region_code.h"
#include "http/app.h"
#include "http/json_writer.h"
#include "imports/datasets.h"
#include "imports/record_store.h"

namespace mingjing::http {
namespace {

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

}  // namespace

void add_record_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/datasets", Access::kSession, [](Context&) {
           JsonWriter w;
           w.begin_object().key("items").begin_array();
           for (const auto& d : imports::datasets()) {
             w.begin_object().field("name", d.name).field("chinese", d.chinese);
             w.field("county_wide", d.region_column.empty());
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
           const auth::Principal& who = *c.principal;
           if (!who.can(auth::perm::kRecordList)) {
             return Response::error(core::Error::forbidden("当前角色无权查看业务数据"));
           }
           const imports::DatasetSpec* d = imports::find_dataset(c.req.params["dataset"]);
           if (!d) return Response::error(core::Error::not_found("数据集不存在"));
           auto home = s.regions.get(who.active.region_code);
           bool county = home.ok() && home->level <= core::RegionLevel::county;
           if (d->region_column.empty() && !county) {
             return Response::error(
                 core::Error::forbidden("该数据集为全县登记信息，仅限县级角色查看"));
           }
           // The scope is the role's subtree, or a region inside it.
           std::string root = c.req.query_or("region", who.active.region_code);
           if (!s.regions.within(root, who.active.region_code)) {
             return Response::error(core::Error::forbidden("无权访问该区域的数据"));
           }
           auto code = core::RegionCode::parse(root);
           if (!code.ok())
             return Response::error(core::Error::invalid(code.error().message, "region"));
           imports::RecordFilter filter;
           filter.scope_prefix = d->region_column.empty() ? "" : code->prefix();
           filter.page = query_int(c.req, "page", 1, 1, 1000000);
           filter.page_size = query_int(c.req, "page_size", 20, 1, 200);
           imports::RecordPage page = imports::list_records(s.db, *d, filter);
           JsonWriter w;
           w.begin_object().field("dataset", d->name).field("total", page.total);
           w.key("items").begin_array();
           for (std::size_t i = 0; i < page.rows.size(); ++i) {
             w.begin_object().field("row_id", page.row_ids[i]);
             for (std::size_t k = 0; k < d->columns.size(); ++k) {
               w.key(d->columns[k].name);
               write_value(w, d->columns[k], page.rows[i][k]);
               // Region codes come with their names ("village_code_name").
               const imports::Value& v = page.rows[i][k];
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
}

}  // namespace mingjing::http
