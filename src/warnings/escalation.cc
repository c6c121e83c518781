// Overdue warnings move one level up, with a notice to the body above.
#include "db/row.h"
#include "db/soci.h"
#include "warnings/internal.h"

namespace mingjing::warnings {
namespace {

constexpr const char* kSelectOverdue =
    "SELECT id FROM warnings WHERE status <> 'closed' AND deadline < :d ORDER BY id";
constexpr const char* kEscalate =
    "UPDATE warnings SET routed_body = :b, routed_region = :r, escalation_level = "
    "escalation_level + 1, deadline = :dl, assignee_id = NULL, updated_at = :at WHERE id = :id";

}  // namespace

core::Result<EscalationResult> WarningStore::escalate_overdue(core::Date as_of) {
  return internal::guarded("escalate_overdue", [&]() -> core::Result<EscalationResult> {
    EscalationResult result;
    const Actor system = Actor::system("escalation");
    const std::string day = as_of.to_string();
    std::vector<long long> ids;
    {
      auto conn = db_.connect();
      std::string d = day;
      soci::rowset<soci::row> rows = (conn.session().prepare << kSelectOverdue, soci::use(d));
      for (const soci::row& r : rows) ids.push_back(db::get_int(r, 0));
    }
    // One transaction per warning: each escalation is its own state change.
    for (long long id : ids) {
      auto conn = db_.connect();
      db::Transaction tx(conn);
      internal::lock_for_write(conn);
      auto before = internal::load_warning(conn, id);
      // Handled or escalated by someone else since the list was read.
      if (!before || before->status == status::kClosed || !(before->deadline < as_of)) continue;
      auto up = internal::next_level(before->routed_to);
      if (!up) {
        ++result.at_top;
        continue;
      }
      const long long now = clock_.now_unix_ms();
      const std::string dl = calendar_.add_workdays(as_of, before->deadline_workdays).to_string();
      long long warning_id = id;
      conn.session() << kEscalate, soci::use(up->body), soci::use(up->region_code), soci::use(dl),
          soci::use(now), soci::use(warning_id);
      const std::string from = internal::body_label(conn, before->routed_to),
                        to = internal::body_label(conn, *up);
      internal::add_event(conn, id, now, system, "escalated", "",
                          {{"from_body", before->routed_to.body},
                           {"from_region", before->routed_to.region_code},
                           {"to_body", up->body},
                           {"to_region", up->region_code},
                           {"overdue_since", before->deadline.to_string()},
                           {"deadline", dl}});
      result.notices +=
          notify::post(conn, notify::members(conn, internal::members_of(*up)),
                       {"warning.escalated", "预警逾期升级：规则" + before->rule_id,
                        "规则" + before->rule_id + "的预警（编号" + std::to_string(id) + "）在" +
                            from + "逾期未办结（期限" + before->deadline.to_string() +
                            "），已升级至" + to + "，新的处理期限" + dl + "。",
                        "/warnings/" + std::to_string(id)},
                       now);
      auto after = internal::load_warning(conn, id);
      audit::append(
          conn, {internal::audit_actor(system), "warning.escalate", "warning:" + std::to_string(id),
                 from + " -> " + to, internal::state_json(*before), internal::state_json(*after)});
      tx.commit();
      ++result.escalated;
    }
    return result;
  });
}

}  // namespace mingjing::warnings
