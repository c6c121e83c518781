// Reading warnings: the queue, its counts, one warning with its timeline,
// and per-rule precision. Always inside the caller's read scope.
#include <algorithm>

#include "core/region_code.h"
#include "db/row.h"
#include "db/soci.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

using internal::Where;

// Builds the WHERE clause of a filter inside the caller's scope. With
// `for_counts`, statuses and category are left out (the counts show them all).
core::Result<Where> build_where(const Actor& who, const ListFilter& f, bool for_counts,
                                core::Date today) {
  auto scope = internal::read_scope(who);
  if (!scope.ok()) return scope.error();
  Where w;
  internal::restrict(w, *scope);
  if (!f.region.empty()) {
    auto root = core::RegionCode::parse(f.region);
    if (!root.ok()) return core::Error::invalid("区划代码应为12位数字", "region");
    if (!scope->everything && !internal::within(f.region, who.region_code)) {
      return core::Error::forbidden("无权查看该区域的预警");
    }
    w.add("w.region_code LIKE " + w.bind(root->prefix() + "%"));
  }
  if (!f.severity.empty()) {
    if (f.severity != "red" && f.severity != "yellow") {
      return core::Error::invalid("预警等级应为red或yellow", "severity");
    }
    w.add("w.severity = " + w.bind(f.severity));
  }
  if (!f.rule_id.empty()) w.add("w.rule_id = " + w.bind(f.rule_id));
  if (!f.routed_body.empty()) {
    if (!internal::is_body(f.routed_body)) {
      return core::Error::invalid("未知的预警接收单位：" + f.routed_body, "routed_body");
    }
    w.add("w.routed_body = " + w.bind(f.routed_body));
  }
  if (f.assigned_to_me) w.add("w.assignee_id = " + std::to_string(who.user_id));
  if (f.overdue) {
    w.add("w.status <> 'closed'");
    w.add("w.deadline < " + w.bind(today.to_string()));
  }
  if (for_counts) return w;
  if (!f.statuses.empty()) {
    std::string in;
    for (const auto& s : f.statuses) {
      if (s != status::kNew && s != status::kHandling && s != status::kClosed) {
        return core::Error::invalid("预警状态应为new、handling或closed", "status");
      }
      in += (in.empty() ? "" : ", ") + w.bind(s);
    }
    w.add("w.status IN (" + in + ")");
  }
  if (!f.category.empty()) {
    auto category = category_of(f.category);
    if (!category) {
      return core::Error::invalid("预警类别应为P、F、A、S、L、D、E之一或其英文名称", "category");
    }
    w.add("w.category = " + w.bind(*category));
  }
  return w;
}

void add_to(StatusCounts& c, const std::string& status, long long n) {
  if (status == status::kNew) c.status_new += n;
  if (status == status::kHandling) c.status_handling += n;
  if (status == status::kClosed) c.status_closed += n;
}

// The SQL expression giving, for a warning's region, the region one level
// below `root` that contains it (towns under a county, villages under a
// town); the root itself for a village root.
std::string child_region_sql(const std::string& root) {
  auto code = core::RegionCode::parse(root);
  core::RegionLevel level = code.ok() ? code->level() : core::RegionLevel::county;
  switch (level) {
    case core::RegionLevel::province:
      return "SUBSTR(w.region_code, 1, 4) || '00000000'";
    case core::RegionLevel::city:
      return "SUBSTR(w.region_code, 1, 6) || '000000'";
    case core::RegionLevel::county:
      return "SUBSTR(w.region_code, 1, 9) || '000'";
    default:
      return "w.region_code";
  }
}

}  // namespace

WarningStore::WarningStore(db::Database& db, const core::WorkdayCalendar& calendar,
                           const core::Clock& clock)
    : db_(db), calendar_(calendar), clock_(clock) {}

core::Result<WarningPage> WarningStore::list(const Actor& who, const ListFilter& filter) {
  if (filter.page < 1) return core::Error::invalid("页码应从1开始", "page");
  if (filter.page_size < 1 || filter.page_size > 200) {
    return core::Error::invalid("每页条数应在1到200之间", "page_size");
  }
  auto where = build_where(who, filter, false, clock_.today());
  if (!where.ok()) return where.error();
  return internal::guarded("list", [&]() -> core::Result<WarningPage> {
    WarningPage page;
    auto conn = db_.connect();
    internal::query(conn, "SELECT COUNT(*) FROM warnings w" + where->sql, *where,
                    [&](const soci::row& r) { page.total = db::get_int(r, 0); });
    long long offset = static_cast<long long>(filter.page - 1) * filter.page_size;
    internal::query(
        conn,
        std::string(internal::kWarningSelect) + where->sql + " ORDER BY w.id DESC LIMIT " +
            std::to_string(filter.page_size) + " OFFSET " + std::to_string(offset),
        *where, [&](const soci::row& r) { page.items.push_back(internal::read_warning(r)); });
    return page;
  });
}

core::Result<QueueCounts> WarningStore::counts(const Actor& who, const ListFilter& filter) {
  auto where = build_where(who, filter, true, clock_.today());
  if (!where.ok()) return where.error();
  return internal::guarded("counts", [&]() -> core::Result<QueueCounts> {
    QueueCounts out;
    for (const auto& c : categories()) out.by_category[c] = {};
    auto conn = db_.connect();
    internal::query(conn,
                    "SELECT w.category, w.status, COUNT(*) FROM warnings w" + where->sql +
                        " GROUP BY w.category, w.status",
                    *where, [&](const soci::row& r) {
                      const std::string status = db::get_text(r, 1);
                      const long long n = db::get_int(r, 2);
                      add_to(out.by_category[db::get_text(r, 0)], status, n);
                      add_to(out.total, status, n);
                    });
    const std::string root =
        !filter.region.empty() ? filter.region : (who.is_system() ? "" : who.region_code);
    const std::string child = root.empty() ? "w.region_code" : child_region_sql(root);
    std::map<std::string, StatusCounts> regions;
    internal::query(conn,
                    "SELECT " + child + " AS child, w.status, COUNT(*) FROM warnings w" +
                        where->sql + " GROUP BY " + child + ", w.status",
                    *where, [&](const soci::row& r) {
                      add_to(regions[db::get_text(r, 0)], db::get_text(r, 1), db::get_int(r, 2));
                    });
    for (const auto& [code, c] : regions) {
      out.by_region.push_back({code, internal::region_name(conn, code), c});
    }
    return out;
  });
}

core::Result<WarningDetail> WarningStore::get(const Actor& who, long long id) {
  if (auto scope = internal::read_scope(who); !scope.ok()) return scope.error();
  return internal::guarded("get", [&]() -> core::Result<WarningDetail> {
    auto conn = db_.connect();
    auto w = internal::load_warning(conn, id);
    if (!w || !internal::can_read(who, *w)) return core::Error::not_found("预警不存在");
    WarningDetail out;
    out.timeline = internal::load_events(conn, id);
    out.exception = internal::load_exception(conn, id);
    out.can_handle = internal::can_handle(who, *w);
    out.can_judge = internal::can_judge(who, *w);
    out.warning = std::move(*w);
    return out;
  });
}

core::Result<std::vector<RulePrecision>> WarningStore::precision(const Actor& who,
                                                                 const std::string& rule_id) {
  auto scope = internal::read_scope(who);
  if (!scope.ok()) return scope.error();
  return internal::guarded("precision", [&]() -> core::Result<std::vector<RulePrecision>> {
    Where w;
    internal::restrict(w, *scope);
    w.add("w.status = 'closed'");
    if (!rule_id.empty()) w.add("w.rule_id = " + w.bind(rule_id));
    std::map<std::string, RulePrecision> by_rule;
    auto conn = db_.connect();
    internal::query(conn,
                    "SELECT w.rule_id, w.verdict, COUNT(*) FROM warnings w" + w.sql +
                        " GROUP BY w.rule_id, w.verdict",
                    w, [&](const soci::row& r) {
                      RulePrecision& p = by_rule[db::get_text(r, 0)];
                      const std::string v = db::get_text(r, 1);
                      const long long n = db::get_int(r, 2);
                      if (v == verdict::kConfirmed) p.confirmed += n;
                      if (v == verdict::kRectified) p.rectified += n;
                      if (v == verdict::kFalsePositive) p.false_positive += n;
                      if (v == verdict::kException) p.exception += n;
                    });
    std::vector<RulePrecision> out;
    for (auto& [rule, p] : by_rule) {
      p.rule_id = rule;
      const long long right = p.confirmed + p.rectified;
      const long long judged = right + p.false_positive;
      if (judged > 0) p.precision = static_cast<double>(right) / static_cast<double>(judged);
      out.push_back(p);
    }
    return out;
  });
}

}  // namespace mingjing::warnings
