#include "imports/record_query.h"

#include <algorithm>
#include <deque>

#include "core/date.h"
#include "core/datetime.h"
#include "core/text.h"
#include "db/row.h"
#include "db/soci.h"
#include "imports/record_store.h"

namespace mingjing::imports {
namespace {

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

bool stored_as_integer(ColumnType type) {
  return type == ColumnType::money || type == ColumnType::integer || type == ColumnType::boolean ||
         type == ColumnType::datetime;
}

// Columns a keyword is looked for in as text.
bool searchable_text(ColumnType type) {
  return type == ColumnType::text || type == ColumnType::enumeration || type == ColumnType::uscc ||
         type == ColumnType::region || type == ColumnType::reference;
}

std::string like_pattern(std::string_view keyword) {
  std::string out = "%";
  for (char c : keyword) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// A WHERE clause with its bound strings. The strings live in a deque so the
// references SOCI keeps to them stay valid while more are added.
struct Where {
  std::string sql;
  std::deque<std::string> binds;

  void add(const std::string& condition) { sql += (sql.empty() ? " WHERE " : " AND ") + condition; }
  std::string bind(std::string value) {
    binds.push_back(std::move(value));
    return ":w" + std::to_string(binds.size() - 1);
  }
};

core::Result<long long> day_bound_ms(const std::string& text, bool end, const char* field) {
  auto date = core::Date::parse(text);
  if (!date.ok()) return core::Error::invalid("日期格式不正确，应为YYYY-MM-DD", field);
  core::Date day = end ? date->add_days(1) : *date;
  return core::DateTime::from_local(day).unix_ms() - (end ? 1 : 0);
}

core::Result<Where> build_where(const privacy::Vault* vault, const DatasetSpec& d,
                                const RecordFilter& f) {
  Where w;
  if (!d.region_column.empty() && !f.scope_prefix.empty()) {
    w.add(quoted(d.region_column) + " LIKE " + w.bind(f.scope_prefix + "%"));
  } else if (const ColumnSpec* via = region_parent(d); via && !f.scope_prefix.empty()) {
    // In the parent's region: the child's reference column holds the
    // parent's record_key (a blind index for an account).
    const DatasetSpec& parent = *find_dataset(via->references);
    w.add(quoted(is_personal(via->type) ? via->name + "_bidx" : via->name) +
          " IN (SELECT record_key FROM " + parent.name + " WHERE " + quoted(parent.region_column) +
          " LIKE " + w.bind(f.scope_prefix + "%") + ")");
  }
  if (!f.programmes.empty()) {
    if (!d.column("program_code")) return core::Error::forbidden("该数据集不属于部门项目");
    std::string in;
    for (const auto& p : f.programmes) in += (in.empty() ? "" : ", ") + w.bind(p);
    w.add("\"program_code\" IN (" + in + ")");
  }
  if (!f.record_keys.empty()) {
    std::string in;
    for (const auto& k : f.record_keys) in += (in.empty() ? "" : ", ") + w.bind(k);
    w.add("record_key IN (" + in + ")");
  }
  std::string keyword(core::trim(f.keyword));
  if (!keyword.empty()) {
    std::string any;
    auto either = [&](const std::string& c) { any += (any.empty() ? "" : " OR ") + c; };
    for (const auto& c : d.columns) {
      if (searchable_text(c.type)) {
        // One placeholder per use: SOCI's PostgreSQL back end numbers each
        // occurrence of a name separately.
        either(quoted(c.name) + " LIKE " + w.bind(like_pattern(keyword)) + " ESCAPE '\\'");
      } else if (is_personal(c.type) && vault) {
        Value v;
        CellProblem problem;
        if (parse_cell(c, keyword, v, problem) && !v.is_null()) {
          either(quoted(c.name + "_bidx") + " = " +
                 w.bind(vault->blind_index(privacy_kind(c.type), v.text)));
        }
      }
    }
    w.add(any.empty() ? "1 = 0" : "(" + any + ")");
  }
  if (!f.date_from.empty() || !f.date_to.empty()) {
    const ColumnSpec* date = main_date_column(d);
    if (!date) return core::Error::invalid("该数据集没有日期列", "from");
    for (bool end : {false, true}) {
      const std::string& text = end ? f.date_to : f.date_from;
      if (text.empty()) continue;
      const char* field = end ? "to" : "from";
      const char* op = end ? " <= " : " >= ";
      if (date->type == ColumnType::datetime) {
        auto ms = day_bound_ms(text, end, field);
        if (!ms.ok()) return ms.error();
        w.add(quoted(date->name) + op + std::to_string(*ms));
      } else {
        auto day = core::Date::parse(text);
        if (!day.ok()) return core::Error::invalid("日期格式不正确，应为YYYY-MM-DD", field);
        w.add(quoted(date->name) + op + w.bind(day->to_string()));
      }
    }
  }
  for (const auto& [name, value] : f.equals) {
    const ColumnSpec* c = d.column(name);
    if (!c || c->type != ColumnType::enumeration) {
      return core::Error::invalid("不能按该列筛选：" + core::shorten_for_message(name), name);
    }
    if (std::find(c->values.begin(), c->values.end(), value) == c->values.end()) {
      return core::Error::invalid("筛选值不在可选范围内：" + core::shorten_for_message(value),
                                  name);
    }
    w.add(quoted(name) + " = " + w.bind(value));
  }
  return w;
}

std::string select_list(const DatasetSpec& d) {
  std::string select = "row_id";
  for (const auto& c : d.columns) {
    select += ", " + quoted(is_personal(c.type) ? c.name + "_mask" : c.name);
  }
  return select;
}

std::vector<Value> read_values(const DatasetSpec& d, const soci::row& r) {
  std::vector<Value> values(d.columns.size());
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    std::size_t at = c + 1;
    if (r.get_indicator(at) == soci::i_null) continue;
    ColumnType type = d.columns[c].type;
    if (stored_as_integer(type)) {
      values[c].kind = Value::Kind::integer;
      values[c].integer = db::get_int(r, at);
    } else if (type == ColumnType::decimal) {
      values[c].kind = Value::Kind::real;
      values[c].real = r.get<double>(at);
    } else {
      values[c].kind = Value::Kind::text;
      values[c].text = db::get_text(r, at);
    }
  }
  return values;
}

// Runs `sql` with the clause's binds, calling `on_row` for each row.
void query(db::Connection& conn, const std::string& sql, const Where& w,
           const std::function<void(const soci::row&)>& on_row) {
  soci::row row;
  soci::statement st(conn.session());
  st.exchange(soci::into(row));
  for (const auto& b : w.binds) st.exchange(soci::use(b));
  st.alloc();
  st.prepare(sql);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) on_row(row);
}

long long count(db::Connection& conn, const DatasetSpec& d, const Where& w) {
  long long total = 0;
  query(conn, "SELECT COUNT(*) FROM " + d.name + w.sql, w,
        [&](const soci::row& r) { total = db::get_int(r, 0); });
  return total;
}

}  // namespace

const ColumnSpec* main_date_column(const DatasetSpec& d) {
  for (const auto& c : d.columns) {
    if (c.type == ColumnType::date || c.type == ColumnType::datetime) return &c;
  }
  return nullptr;
}

core::Result<RecordPage> list_records(db::Database& db, const privacy::Vault* vault,
                                      const DatasetSpec& d, const RecordFilter& filter) {
  auto where = build_where(vault, d, filter);
  if (!where.ok()) return where.error();
  RecordPage page;
  auto conn = db.connect();
  page.total = count(conn, d, *where);
  int size = std::clamp(filter.page_size, 1, 200);
  long long offset = static_cast<long long>(std::max(filter.page, 1) - 1) * size;
  std::string sql = "SELECT " + select_list(d) + " FROM " + d.name + where->sql +
                    " ORDER BY row_id DESC LIMIT " + std::to_string(size) + " OFFSET " +
                    std::to_string(offset);
  query(conn, sql, *where, [&](const soci::row& r) {
    page.row_ids.push_back(db::get_int(r, 0));
    page.rows.push_back(read_values(d, r));
  });
  return page;
}

core::Result<long long> for_each_record(
    db::Database& db, const privacy::Vault* vault, const DatasetSpec& d, const RecordFilter& filter,
    long long max_rows,
    const std::function<void(long long row_id, const std::vector<Value>& row)>& visit) {
  auto where = build_where(vault, d, filter);
  if (!where.ok()) return where.error();
  auto conn = db.connect();
  long long total = count(conn, d, *where);
  if (total > max_rows) {
    return core::Error{core::errc::kTooLarge,
                       "符合条件的记录有" + std::to_string(total) + "条，超过单次导出上限" +
                           std::to_string(max_rows) + "条，请缩小筛选范围",
                       "file"};
  }
  std::string sql =
      "SELECT " + select_list(d) + " FROM " + d.name + where->sql + " ORDER BY row_id DESC";
  query(conn, sql, *where,
        [&](const soci::row& r) { visit(db::get_int(r, 0), read_values(d, r)); });
  return total;
}

}  // namespace mingjing::imports
