// /api/v1/warnings: the warning workspace. The queue (filters, red/yellow/
// green counts by category and region), one warning with its evidence, the
// records that raised it (masked, as far as the caller may read them), its
// timeline and what the caller may do; the handling actions; per-rule
// precision. warnings::WarningStore checks permission and scope on every
// call; this file maps JSON to its calls and back.
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/clock.h"
#include "http/app.h"
#include "http/json_writer.h"
#include "imports/record_query.h"
#include "rules/registry.h"
#include "rules/rule_def.h"
#include "warnings/warnings.h"

namespace mingjing::http {
namespace {

// A warning links at most this many records of one dataset.
constexpr int kMaxLinkedRecords = 50;

std::string str(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

warnings::Actor actor_of(const auth::Principal& p) {
  return {p.user_id, p.username, p.active.role, p.active.region_code, p.active.programmes};
}

Response unavailable() {
  return Response::error(core::Error{core::errc::kUnavailable, "预警服务未启用", {}});
}

// What the workspace shows of a rule beside its warnings: title, legal
// basis, the Chinese names of its parameters and of its evidence figures.
struct RuleText {
  std::string title;
  std::string basis;
  std::unordered_map<std::string, std::string> param_titles;
  std::unordered_map<std::string, std::string> param_types;  // rules::ParamType names
  std::unordered_map<std::string, std::string> evidence_labels;
};

// Figures rules compute rather than read from a column.
const std::unordered_map<std::string, std::string>& computed_labels() {
  static const std::unordered_map<std::string, std::string> labels = {{"overlap_days", "重叠天数"},
                                                                      {"days", "天数"},
                                                                      {"workdays", "工作日数"},
                                                                      {"total", "合计"},
                                                                      {"age", "年龄"},
                                                                      {"first", "首次"},
                                                                      {"last", "末次"},
                                                                      {"payments", "支付笔数"},
                                                                      {"complaints", "投诉件数"},
                                                                      {"categories", "类别"},
                                                                      {"eligible", "应到人数"},
                                                                      {"attended", "实到人数"},
                                                                      {"votes_for", "赞成票数"},
                                                                      {"as_of", "核查日期"},
                                                                      {"kind", "类型"},
                                                                      {"relation", "关系"},
                                                                      {"position", "职务"},
                                                                      {"a_start", "甲开始"},
                                                                      {"a_end", "甲结束"},
                                                                      {"b_start", "乙开始"},
                                                                      {"b_end", "乙结束"}};
  return labels;
}

RuleText rule_text(const rules::RuleDef& r) {
  RuleText text;
  text.title = r.title;
  text.basis = r.basis;
  for (const auto& p : r.params) {
    text.param_titles[p.name] = p.title;
    text.param_types[p.name] = std::string(rules::to_string(p.type));
  }
  // A figure that is one column of one of the rule's datasets takes that
  // column's Chinese header.
  std::unordered_map<std::string, std::string> datasets = {{r.from.alias, r.from.dataset}};
  for (const auto& j : r.joins) datasets[j.ref.alias] = j.ref.dataset;
  for (const auto& [name, expr] : r.evidence) {
    const std::size_t dot = expr.text.find('.');
    if (dot != std::string::npos) {
      auto ds = datasets.find(expr.text.substr(0, dot));
      const imports::DatasetSpec* d =
          ds != datasets.end() ? imports::find_dataset(ds->second) : nullptr;
      const imports::ColumnSpec* col = d ? d->column(expr.text.substr(dot + 1)) : nullptr;
      if (col && !col->aliases.empty()) {
        text.evidence_labels[name] = col->aliases.front();
        continue;
      }
    }
    auto known = computed_labels().find(name);
    if (known != computed_labels().end()) text.evidence_labels[name] = known->second;
  }
  return text;
}

const std::unordered_map<std::string, RuleText>& shipped_rule_texts() {
  static const std::unordered_map<std::string, RuleText> texts = [] {
    std::unordered_map<std::string, RuleText> m;
    auto rules = rules::builtin_rules();
    if (rules.ok()) {
      for (const auto& r : *rules) m[r.id] = rule_text(r);
    }
    return m;
  }();
  return texts;
}

using RuleTexts = std::unordered_map<std::string, RuleText>;

// The texts of the versions in force (administrators may have edited a
// title or a parameter's name), rebuilt when the registry's generation moves.
std::shared_ptr<const RuleTexts> rule_texts(Services& s) {
  static const auto shipped = std::make_shared<const RuleTexts>(shipped_rule_texts());
  if (!s.rule_registry) return shipped;
  auto generation = s.rule_registry->generation();
  if (!generation.ok()) return shipped;
  static std::mutex mutex;
  static const rules::RuleRegistry* cached_for = nullptr;
  static long long cached_generation = -1;
  static std::shared_ptr<const RuleTexts> cached;
  std::lock_guard lock(mutex);
  if (cached && cached_for == s.rule_registry && cached_generation == *generation) return cached;
  auto pack = s.rule_registry->effective();
  if (!pack.ok()) return shipped;
  auto texts = std::make_shared<RuleTexts>(shipped_rule_texts());
  for (const auto& r : pack->rules) (*texts)[r.id] = rule_text(r);
  cached = std::move(texts);
  cached_for = s.rule_registry;
  cached_generation = pack->generation;
  return cached;
}

std::string category_chinese(const std::string& name) {
  for (const auto& c : rules::categories()) {
    if (c.name == name) return std::string(c.chinese);
  }
  return name;
}

std::string body_chinese(const std::string& body) {
  if (body == warnings::body::kVillage) return "村两委及村监委会";
  if (body == warnings::body::kDepartment) return "县级主管部门";
  if (body == warnings::body::kTownDiscipline) return "镇纪委";
  if (body == warnings::body::kCountyDiscipline) return "县纪委监委";
  return body;
}

std::string region_name(Services& s, const std::string& code) {
  if (code.empty()) return "";
  auto r = s.regions.get(code);
  return r.ok() ? r->name : "";
}

nlohmann::json warning_json(Services& s, const warnings::Warning& w, core::Date today,
                            const std::unordered_map<std::string, RuleText>& texts) {
  auto text = texts.find(w.rule_id);
  nlohmann::json subjects = nlohmann::json::array();
  for (const auto& subject : w.subjects) {
    const imports::DatasetSpec* d = imports::find_dataset(subject.dataset);
    subjects.push_back({{"dataset", subject.dataset},
                        {"dataset_name", d ? d->chinese : subject.dataset},
                        {"record_key", subject.record_key}});
  }
  nlohmann::json params = nlohmann::json::array();
  for (const auto& p : w.params) {
    std::string title, type;
    if (text != texts.end()) {
      auto found = text->second.param_titles.find(p.name);
      if (found != text->second.param_titles.end()) title = found->second;
      auto typed = text->second.param_types.find(p.name);
      if (typed != text->second.param_types.end()) type = typed->second;
    }
    params.push_back(
        {{"name", p.name},
         {"title", title},
         {"type", type},
         {"value", p.value},
         {"source", p.source},
         {"source_name", p.source == "default" ? "默认值" : region_name(s, p.source)}});
  }
  const bool open = w.status != warnings::status::kClosed;
  return {
      {"id", w.id},
      {"rule_id", w.rule_id},
      {"rule_title", text != texts.end() ? text->second.title : w.rule_id},
      {"rule_version", w.rule_version},
      {"category", w.category},
      {"category_name", category_chinese(w.category)},
      {"dedup_key", w.dedup_key},
      {"severity", w.severity},
      {"status", w.status},
      {"region_code", w.region_code},
      {"region_name", region_name(s, w.region_code)},
      {"routed_to",
       {{"body", w.routed_to.body},
        {"body_name", body_chinese(w.routed_to.body)},
        {"region_code", w.routed_to.region_code},
        {"region_name", region_name(s, w.routed_to.region_code)},
        {"programme", w.routed_to.programme}}},
      {"escalation_level", w.escalation_level},
      {"assignee", w.assignee_id
                       ? nlohmann::json{{"id", *w.assignee_id}, {"username", w.assignee_username}}
                       : nlohmann::json()},
      {"deadline", w.deadline.to_string()},
      {"deadline_workdays", w.deadline_workdays},
      {"overdue", open && w.deadline < today},
      {"subjects", subjects},
      {"explanation", w.explanation},
      {"evidence", w.evidence},
      {"params", params},
      {"still_hit", w.still_hit},
      {"verdict", w.verdict},
      {"verdict_reason", w.verdict_reason},
      {"reopened_count", w.reopened_count},
      {"created_at", format_time(w.created_at)},
      {"updated_at", format_time(w.updated_at)},
      {"closed_at", w.closed_at ? nlohmann::json(format_time(*w.closed_at)) : nlohmann::json()},
  };
}

nlohmann::json counts_json(const warnings::StatusCounts& c) {
  return {{"new", c.status_new},
          {"handling", c.status_handling},
          {"closed", c.status_closed},
          {"total", c.total()}};
}

// Cells of a linked record as the records page shows them.
nlohmann::json cell_json(const imports::ColumnSpec& col, const imports::Value& v) {
  switch (v.kind) {
    case imports::Value::Kind::null:
      return nullptr;
    case imports::Value::Kind::real:
      return v.real;
    case imports::Value::Kind::text:
      return v.text;
    case imports::Value::Kind::integer:
      if (col.type == imports::ColumnType::boolean) return v.integer != 0;
      if (col.type == imports::ColumnType::datetime) return format_time(v.integer);
      return v.integer;
  }
  return nullptr;
}

// The records a warning names, grouped by dataset, each read through the
// caller's own access to that dataset: what the caller may not read is
// listed as withheld, never shown.
nlohmann::json linked_records(Services& s, const auth::Principal& who,
                              const std::vector<warnings::Subject>& subjects) {
  std::vector<std::string> order;
  std::unordered_map<std::string, std::vector<std::string>> keys;
  for (const auto& subject : subjects) {
    if (!keys.count(subject.dataset)) order.push_back(subject.dataset);
    keys[subject.dataset].push_back(subject.record_key);
  }
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& name : order) {
    const imports::DatasetSpec* d = imports::find_dataset(name);
    if (!d) continue;
    nlohmann::json group = {{"dataset", d->name}, {"dataset_name", d->chinese}};
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : d->columns) {
      columns.push_back({{"name", c.name},
                         {"label", c.aliases.empty() ? c.name : c.aliases.front()},
                         {"type", imports::to_string(c.type)}});
    }
    group["columns"] = columns;
    auto access = data_access(s, who, *d, "");
    if (!access.ok()) {
      group["withheld"] = access.error().message;
      group["rows"] = nlohmann::json::array();
      groups.push_back(std::move(group));
      continue;
    }
    imports::RecordFilter filter;
    filter.scope_prefix = access->scope_prefix;
    filter.programmes = access->programmes;
    filter.record_keys = keys[name];
    filter.page_size = kMaxLinkedRecords;
    auto page = imports::list_records(s.db, s.vault, *d, filter);
    nlohmann::json rows = nlohmann::json::array();
    if (page.ok()) {
      for (const auto& row : page->rows) {
        nlohmann::json cells = nlohmann::json::object();
        for (std::size_t k = 0; k < d->columns.size(); ++k) {
          cells[d->columns[k].name] = cell_json(d->columns[k], row[k]);
          if (d->columns[k].type == imports::ColumnType::region && !row[k].is_null()) {
            cells[d->columns[k].name + "_name"] = region_name(s, row[k].text);
          }
        }
        rows.push_back(std::move(cells));
      }
    }
    group["rows"] = rows;
    // Named by the warning but not readable here (outside the caller's
    // region or programmes, or no longer stored).
    const long long shown = page.ok() ? static_cast<long long>(page->rows.size()) : 0;
    group["not_shown"] = static_cast<long long>(keys[name].size()) - shown;
    groups.push_back(std::move(group));
  }
  return groups;
}

nlohmann::json event_json(const warnings::Event& e) {
  return {{"id", e.id},        {"at", format_time(e.at)}, {"username", e.username},
          {"role", e.role},    {"action", e.action},      {"note", e.note},
          {"detail", e.detail}};
}

core::Result<warnings::ListFilter> list_filter(const Request& req) {
  warnings::ListFilter f;
  const std::string status = req.query_or("status", "");
  std::size_t start = 0;
  while (start < status.size()) {
    std::size_t comma = status.find(',', start);
    std::string one =
        status.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!one.empty()) {
      if (one != warnings::status::kNew && one != warnings::status::kHandling &&
          one != warnings::status::kClosed) {
        return core::Error::invalid("状态只能是 new、handling 或 closed", "status");
      }
      f.statuses.push_back(one);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  f.severity = req.query_or("severity", "");
  if (!f.severity.empty() && f.severity != "red" && f.severity != "yellow") {
    return core::Error::invalid("等级只能是 red 或 yellow", "severity");
  }
  f.rule_id = req.query_or("rule", "");
  if (f.rule_id.size() > 16) return core::Error::invalid("规则编号不正确", "rule");
  f.category = req.query_or("category", "");
  if (!f.category.empty() && !warnings::category_of(f.category)) {
    return core::Error::invalid("类别不存在", "category");
  }
  f.region = req.query_or("region", "");
  f.routed_body = req.query_or("body", "");
  if (!f.routed_body.empty() && f.routed_body != warnings::body::kVillage &&
      f.routed_body != warnings::body::kDepartment &&
      f.routed_body != warnings::body::kTownDiscipline &&
      f.routed_body != warnings::body::kCountyDiscipline) {
    return core::Error::invalid("承办主体不存在", "body");
  }
  f.assigned_to_me = req.query_or("mine", "") == "1";
  f.overdue = req.query_or("overdue", "") == "1";
  f.page = query_int(req, "page", 1, 1, 1000000);
  f.page_size = query_int(req, "page_size", 20, 1, 200);
  return f;
}

// The detail page's payload: the warning, what raised it, what happened to
// it, and what the caller may do now.
Response detail_response(Services& s, const auth::Principal& who, long long id) {
  auto detail = s.warnings->get(actor_of(who), id);
  if (!detail.ok()) return Response::error(detail.error());
  const core::Date today = core::SystemClock::instance().today();
  const auto texts_ptr = rule_texts(s);
  const RuleTexts& texts = *texts_ptr;
  nlohmann::json out = warning_json(s, detail->warning, today, texts);
  auto text = texts.find(detail->warning.rule_id);
  out["rule_basis"] = text != texts.end() ? text->second.basis : "";
  nlohmann::json labels = nlohmann::json::object();
  if (text != texts.end()) {
    for (const auto& [name, label] : text->second.evidence_labels) labels[name] = label;
  }
  out["evidence_labels"] = labels;
  nlohmann::json timeline = nlohmann::json::array();
  for (const auto& e : detail->timeline) timeline.push_back(event_json(e));
  out["timeline"] = timeline;
  if (detail->exception) {
    const auto& x = *detail->exception;
    out["exception"] = {{"owner", x.owner},
                        {"reason", x.reason},
                        {"expires_on", x.expires_on.to_string()},
                        {"created_by", x.created_by_name},
                        {"created_at", format_time(x.created_at)},
                        {"revoked", x.revoked_at.has_value()}};
  } else {
    out["exception"] = nullptr;
  }
  out["records"] = linked_records(s, who, detail->warning.subjects);
  out["can_handle"] = detail->can_handle;
  out["can_judge"] = detail->can_judge;
  auto precision = s.warnings->precision(actor_of(who), detail->warning.rule_id);
  if (precision.ok() && !precision->empty()) {
    const auto& p = precision->front();
    out["rule_precision"] = {
        {"confirmed", p.confirmed},
        {"rectified", p.rectified},
        {"false_positive", p.false_positive},
        {"exception", p.exception},
        {"precision", p.precision ? nlohmann::json(*p.precision) : nlohmann::json()}};
  } else {
    out["rule_precision"] = nullptr;
  }
  return Response::json(200, out);
}

// An action's result: the warning as it now is, in full.
template <typename Action>
Response act(Context& c, Services& s, Action action) {
  if (!s.warnings) return unavailable();
  auto id = param_id(c.req, "id");
  if (!id.ok()) return Response::error(id.error());
  auto body = parse_json_body(c.req);
  if (!body.ok()) return Response::error(body.error());
  auto done = action(actor_of(*c.principal), *id, *body);
  if (!done.ok()) return Response::error(done.error());
  return detail_response(s, *c.principal, *id);
}

}  // namespace

void add_warning_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/warnings", Access::kSession, [&s](Context& c) {
           if (!s.warnings) return unavailable();
           auto filter = list_filter(c.req);
           if (!filter.ok()) return Response::error(filter.error());
           auto page = s.warnings->list(actor_of(*c.principal), *filter);
           if (!page.ok()) return Response::error(page.error());
           const core::Date today = core::SystemClock::instance().today();
           const auto texts_ptr = rule_texts(s);
           const RuleTexts& texts = *texts_ptr;
           nlohmann::json items = nlohmann::json::array();
           for (const auto& w : page->items) items.push_back(warning_json(s, w, today, texts));
           return Response::json(200, {{"total", page->total}, {"items", items}});
         }});

  r.add({"GET", "/api/v1/warnings/counts", Access::kSession, [&s](Context& c) {
           if (!s.warnings) return unavailable();
           auto filter = list_filter(c.req);
           if (!filter.ok()) return Response::error(filter.error());
           auto counts = s.warnings->counts(actor_of(*c.principal), *filter);
           if (!counts.ok()) return Response::error(counts.error());
           nlohmann::json categories = nlohmann::json::array();
           for (const auto& name : warnings::categories()) {
             auto it = counts->by_category.find(name);
             categories.push_back({{"category", name},
                                   {"name", category_chinese(name)},
                                   {"counts", counts_json(it != counts->by_category.end()
                                                              ? it->second
                                                              : warnings::StatusCounts{})}});
           }
           nlohmann::json regions = nlohmann::json::array();
           for (const auto& rc : counts->by_region) {
             regions.push_back({{"region_code", rc.region_code},
                                {"name", rc.name},
                                {"counts", counts_json(rc.counts)}});
           }
           return Response::json(200, {{"total", counts_json(counts->total)},
                                       {"by_category", categories},
                                       {"by_region", regions}});
         }});

  r.add({"GET", "/api/v1/warnings/precision", Access::kSession, [&s](Context& c) {
           if (!s.warnings) return unavailable();
           const std::string rule = c.req.query_or("rule", "");
           if (rule.size() > 16)
             return Response::error(core::Error::invalid("规则编号不正确", "rule"));
           auto rows = s.warnings->precision(actor_of(*c.principal), rule);
           if (!rows.ok()) return Response::error(rows.error());
           const auto texts_ptr = rule_texts(s);
           const RuleTexts& texts = *texts_ptr;
           nlohmann::json items = nlohmann::json::array();
           for (const auto& p : *rows) {
             auto text = texts.find(p.rule_id);
             items.push_back(
                 {{"rule_id", p.rule_id},
                  {"rule_title", text != texts.end() ? text->second.title : p.rule_id},
                  {"confirmed", p.confirmed},
                  {"rectified", p.rectified},
                  {"false_positive", p.false_positive},
                  {"exception", p.exception},
                  {"precision", p.precision ? nlohmann::json(*p.precision) : nlohmann::json()}});
           }
           return Response::json(200, {{"items", items}});
         }});

  r.add({"GET", "/api/v1/warnings/:id", Access::kSession, [&s](Context& c) {
           if (!s.warnings) return unavailable();
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           return detail_response(s, *c.principal, *id);
         }});

  r.add({"GET", "/api/v1/warnings/:id/assignees", Access::kSession, [&s](Context& c) {
           if (!s.warnings) return unavailable();
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto users = s.warnings->assignable_users(actor_of(*c.principal), *id);
           if (!users.ok()) return Response::error(users.error());
           nlohmann::json items = nlohmann::json::array();
           for (const auto& u : *users) {
             const auth::RoleDef* role = auth::find_role(u.role);
             items.push_back({{"id", u.user_id},
                              {"username", u.username},
                              {"display_name", u.display_name},
                              {"role", u.role},
                              {"role_name", role ? std::string(role->name) : u.role}});
           }
           return Response::json(200, {{"items", items}});
         }});

  r.add({"POST", "/api/v1/warnings/:id/accept", Access::kSession, [&s](Context& c) {
           return act(c, s,
                      [&s](const warnings::Actor& who, long long id, const nlohmann::json& body) {
                        return s.warnings->accept(who, id, str(body, "note"));
                      });
         }});

  r.add({"POST", "/api/v1/warnings/:id/notes", Access::kSession, [&s](Context& c) {
           return act(c, s,
                      [&s](const warnings::Actor& who, long long id, const nlohmann::json& body) {
                        return s.warnings->add_note(who, id, str(body, "note"));
                      });
         }});

  r.add({"POST", "/api/v1/warnings/:id/assign", Access::kSession, [&s](Context& c) {
           return act(c, s,
                      [&s](const warnings::Actor& who, long long id,
                           const nlohmann::json& body) -> core::Result<warnings::Warning> {
                        auto user = body.find("user_id");
                        if (user == body.end() || !user->is_number_integer()) {
                          return core::Error::invalid("请选择承办人", "user_id");
                        }
                        return s.warnings->assign(who, id, user->get<long long>(),
                                                  str(body, "note"));
                      });
         }});

  r.add({"POST", "/api/v1/warnings/:id/close", Access::kSession, [&s](Context& c) {
           return act(c, s,
                      [&s](const warnings::Actor& who, long long id, const nlohmann::json& body) {
                        warnings::CloseRequest request;
                        request.verdict = str(body, "verdict");
                        request.reason = str(body, "reason");
                        request.exception_owner = str(body, "exception_owner");
                        request.exception_expires_on = str(body, "exception_expires_on");
                        return s.warnings->close(who, id, request);
                      });
         }});

  r.add({"POST", "/api/v1/warnings/:id/reopen", Access::kSession, [&s](Context& c) {
           return act(c, s,
                      [&s](const warnings::Actor& who, long long id, const nlohmann::json& body) {
                        return s.warnings->reopen(who, id, str(body, "reason"));
                      });
         }});
}

}  // namespace mingjing::http
