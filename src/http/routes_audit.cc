// /api/v1/audit: the audit trail and its verification.
#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "core/date.h"
#include "core/datetime.h"
#include "http/app.h"

namespace mingjing::http {

void add_audit_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/audit", Access::kSession, [&s](Context& c) {
           if (!c.principal->can(auth::perm::kAuditList)) {
             return Response::error(core::Error::forbidden("当前角色无权查看审计日志"));
           }
           audit::Query q;
           q.username = c.req.query_or("username", "");
           q.action = c.req.query_or("action", "");
           // from/to are days in Shanghai time, both included.
           for (const char* key : {"from", "to"}) {
             std::string text = c.req.query_or(key, "");
             if (text.empty()) continue;
             auto day = core::Date::parse(text);
             if (!day.ok()) return Response::error(core::Error::invalid(day.error().message, key));
             if (std::string_view(key) == "from") {
               q.from_ms = core::DateTime::from_local(*day).unix_ms();
             } else {
               q.until_ms = core::DateTime::from_local(day->add_days(1)).unix_ms();
             }
           }
           q.page = query_int(c.req, "page", 1, 1, 1000000);
           q.page_size = query_int(c.req, "page_size", 20, 1, 200);
           // Below county level, only entries made under roles in the caller's
           // subtree. System entries (no region) are county business.
           auto level = s.regions.get(c.principal->active.region_code);
           if (!level.ok() || level->level != core::RegionLevel::county) {
             q.region_scope_roots = {c.principal->active.region_code};
           } else {
             q.region_scope_roots = {c.principal->active.region_code, ""};
           }
           auto page = audit::list(s.db, q);
           nlohmann::json items = nlohmann::json::array();
           for (const auto& e : page.items) {
             auto region = s.regions.get(e.region_code);
             items.push_back({{"id", e.id},
                              {"at", format_time(e.at)},
                              {"username", e.username},
                              {"role", e.role},
                              {"region_code", e.region_code},
                              {"region_name", region.ok() ? region->name : std::string()},
                              {"action", e.action},
                              {"target", e.target},
                              {"detail", e.detail},
                              {"before_digest", e.before_digest},
                              {"after_digest", e.after_digest},
                              {"hash", e.hash}});
           }
           return Response::json(200, {{"items", items}, {"total", page.total}});
         }});
  r.add({"POST", "/api/v1/audit/verify", Access::kSession, [&s](Context& c) {
           if (!c.principal->can(auth::perm::kAuditVerify)) {
             return Response::error(core::Error::forbidden("当前角色无权校验审计日志"));
           }
           auto report = audit::verify(s.db);
           return Response::json(
               200,
               {{"ok", report.ok},
                {"entries", report.entries},
                {"first_broken_id", report.first_broken_id ? nlohmann::json(*report.first_broken_id)
                                                           : nlohmann::json()},
                {"message", report.message}});
         }});
}

}  // namespace mingjing::http
