// /api/v1/rules and /api/v1/rule-overrides: rule administration (the
// catalogue, versions, statuses, parameter overrides, backtests). The
// registry (rules/registry.h) checks permissions and scope; backtests are
// checked here (rule:rule:edit) since they read every village's data.
#include <atomic>
#include <climits>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/date.h"
#include "http/app.h"
#include "rules/registry.h"

namespace mingjing::http {
namespace {

using nlohmann::json;

Response unavailable() {
  return Response::error({core::errc::kUnavailable, "规则管理服务未启用", ""});
}

warnings::Actor actor_of(const auth::Principal& p) {
  return {p.user_id, p.username, p.active.role, p.active.region_code, p.active.programmes};
}

json time_or_null(const std::optional<long long>& ms) {
  return ms ? json(format_time(*ms)) : json();
}

json version_json(const rules::RuleVersionInfo& v, bool with_yaml) {
  json out = {{"rule_id", v.rule_id},
              {"version", v.version},
              {"status", rules::to_string(v.status)},
              {"in_force", v.in_force},
              {"origin", v.origin},
              {"note", v.note},
              {"created_by", v.created_by ? json(v.created_by) : json()},
              {"created_by_name", v.created_by_name},
              {"created_at", format_time(v.created_at)},
              {"superseded_at", time_or_null(v.superseded_at)}};
  if (with_yaml) out["yaml"] = v.yaml;
  return out;
}

json override_json(const rules::StoredOverride& o, regions::RegionService& regions) {
  auto region = regions.get(o.region_code);
  return {{"id", o.id},
          {"rule_id", o.rule_id},
          {"param", o.param},
          {"region_code", o.region_code},
          {"region_name", region.ok() ? region->name : std::string()},
          {"value", o.value},
          {"used", o.used},
          {"set_by", o.set_by ? json(o.set_by) : json()},
          {"set_by_name", o.set_by_name},
          {"set_at", format_time(o.set_at)}};
}

json bound(const std::optional<double>& b) {
  return b ? json(*b) : json();
}

json param_json(const rules::ParamDef& p) {
  return {{"name", p.name},      {"type", rules::to_string(p.type)},
          {"title", p.title},    {"default", rules::format_param_value(p.value)},
          {"min", bound(p.min)}, {"max", bound(p.max)}};
}

json datasets_json(const rules::RuleDef& r) {
  json out = json::array({{{"dataset", r.from.dataset}, {"alias", r.from.alias}}});
  for (const auto& j : r.joins) out.push_back({{"dataset", j.ref.dataset}, {"alias", j.ref.alias}});
  return out;
}

std::string category_chinese(const rules::RuleDef& r) {
  const rules::Category* c = rules::category_of_rule(r.id);
  return c ? std::string(c->chinese) : std::string();
}

// The fields every listing shows of a rule.
json summary_json(const rules::RuleDef& r, const rules::RuleVersionInfo& v) {
  return {{"id", r.id},
          {"version", v.version},
          {"status", rules::to_string(v.status)},
          {"origin", v.origin},
          {"title", r.title},
          {"category", r.category},
          {"category_name", category_chinese(r)},
          {"severity", rules::to_string(r.severity)},
          {"basis", r.basis},
          {"source", r.source},
          {"routing", rules::to_string(r.routing)},
          {"deadline_workdays", r.deadline_workdays},
          {"shape", rules::to_string(r.shape)},
          {"datasets", datasets_json(r)},
          {"updated_at", format_time(v.created_at)}};
}

std::string str(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

core::Result<int> version_param(const Request& req) {
  auto v = param_id(req, "version");
  if (!v.ok()) return v.error();
  if (*v > INT_MAX) return core::Error::not_found("资源不存在");
  return static_cast<int>(*v);
}

// The backtest body: {version?, yaml?, from?, to?, sample?}.
core::Result<rules::BacktestOptions> backtest_options(const std::string& rule_id,
                                                      const json& body) {
  rules::BacktestOptions o;
  o.rule_id = rule_id;
  if (auto it = body.find("version"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > INT_MAX) {
      return core::Error::invalid("版本号应为正整数", "version");
    }
    o.version = it->get<int>();
  }
  if (auto it = body.find("yaml"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return core::Error::invalid("规则内容应为文本", "yaml");
    o.yaml = it->get<std::string>();
  }
  if (auto it = body.find("sample"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer()) return core::Error::invalid("样例数应为整数", "sample");
    long long n = it->get<long long>();
    if (n < 0 || n > 1000) return core::Error::invalid("样例数应在0到1000之间", "sample");
    o.sample = static_cast<int>(n);
  }
  o.to = core::SystemClock::instance().today();
  for (const char* key : {"to", "from"}) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
      continue;
    }
    if (!it->is_string()) return core::Error::invalid("日期格式不正确，应为YYYY-MM-DD", key);
    auto day = core::Date::parse(it->get<std::string>());
    if (!day.ok()) return core::Error::invalid(day.error().message, key);
    (std::string_view(key) == "to" ? o.to : o.from) = *day;
  }
  if (str(body, "from").empty()) o.from = rules::year_up_to(o.to);
  return o;
}

json report_json(const rules::BacktestReport& r, const rules::BacktestOptions& o,
                 regions::RegionService& regions) {
  json sample = json::array();
  for (const auto& hit : r.sample) {
    json subjects = json::array();
    for (const auto& s : hit.subjects) {
      subjects.push_back({{"dataset", s.dataset}, {"record_key", s.record_key}});
    }
    auto region = regions.get(hit.region_code);
    sample.push_back({{"dedup_key", hit.dedup_key},
                      {"severity", hit.severity},
                      {"region_code", hit.region_code},
                      {"region_name", region.ok() ? region->name : std::string()},
                      {"explanation", hit.explanation},
                      {"evidence", hit.evidence},
                      {"subjects", subjects}});
  }
  return {{"rule_id", r.rule_id},
          {"version", r.version},
          {"from", o.from.to_string()},
          {"to", o.to.to_string()},
          {"hits", r.hits},
          {"hits_in_force", r.hits_in_force},
          {"open_warnings", r.open_warnings},
          {"evaluated", r.evaluated},
          {"not_evaluated", r.not_evaluated},
          {"eval_ms", r.eval_ms},
          {"load_ms", r.load_ms},
          {"sample", sample}};
}

// Rule texts are edited whole: room for the 60 KB a rule may have, escaped.
constexpr std::size_t kRuleBodyLimit = 256 * 1024;

}  // namespace

void add_rule_routes(Router& r, Services& s) {
  r.add({"GET", "/api/v1/rules", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           const warnings::Actor who = actor_of(*c.principal);
           auto current = s.rule_registry->in_force(who);
           if (!current.ok()) return Response::error(current.error());
           auto all = s.rule_registry->versions(who, "");
           if (!all.ok()) return Response::error(all.error());
           auto overrides = s.rule_registry->overrides(who, "");
           if (!overrides.ok()) return Response::error(overrides.error());
           std::map<std::string, int> drafts;
           for (const auto& v : *all) {
             if (v.status == rules::RuleStatus::draft) ++drafts[v.rule_id];
           }
           std::map<std::pair<std::string, std::string>, int> override_counts;
           for (const auto& o : *overrides) ++override_counts[{o.rule_id, o.param}];
           json items = json::array();
           for (const auto& v : *current) {
             auto def = s.rule_registry->definition(v);
             if (!def.ok()) continue;  // logged by the registry's engine reads
             json item = summary_json(*def, v);
             json params = json::array();
             for (const auto& p : def->params) {
               json pj = param_json(p);
               pj["overrides"] = override_counts[{def->id, p.name}];
               params.push_back(std::move(pj));
             }
             item["params"] = std::move(params);
             item["drafts"] = drafts[def->id];
             items.push_back(std::move(item));
           }
           return Response::json(200, {{"items", items}, {"total", items.size()}});
         }});

  r.add({"GET", "/api/v1/rules/:id", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           const warnings::Actor who = actor_of(*c.principal);
           const std::string id = c.req.params["id"];
           auto versions = s.rule_registry->versions(who, id);
           if (!versions.ok()) return Response::error(versions.error());
           const rules::RuleVersionInfo* current = nullptr;
           int drafts = 0;
           for (const auto& v : *versions) {
             if (v.in_force) current = &v;
             if (v.status == rules::RuleStatus::draft) ++drafts;
           }
           if (!current) return Response::error(core::Error::not_found("规则没有生效的版本"));
           auto def = s.rule_registry->definition(*current);
           if (!def.ok()) return Response::error(core::Error::internal());
           auto overrides = s.rule_registry->overrides(who, id);
           if (!overrides.ok()) return Response::error(overrides.error());
           json out = summary_json(*def, *current);
           out.update(version_json(*current, true));
           json params = json::array();
           for (const auto& p : def->params) {
             json pj = param_json(p);
             json list = json::array();
             for (const auto& o : *overrides) {
               if (o.param == p.name) list.push_back(override_json(o, s.regions));
             }
             pj["overrides"] = std::move(list);
             params.push_back(std::move(pj));
           }
           json unused = json::array();
           for (const auto& o : *overrides) {
             if (!o.used) unused.push_back(override_json(o, s.regions));
           }
           json joins = json::array();
           for (const auto& j : def->joins) {
             joins.push_back({{"dataset", j.ref.dataset},
                              {"alias", j.ref.alias},
                              {"on", j.on.text},
                              {"where", j.where.text}});
           }
           json evidence = json::array();
           for (const auto& [name, expr] : def->evidence) evidence.push_back(name);
           out["id"] = def->id;
           out["params"] = std::move(params);
           out["unused_overrides"] = std::move(unused);
           out["from"] = {{"dataset", def->from.dataset}, {"alias", def->from.alias}};
           out["joins"] = std::move(joins);
           out["where"] = def->where.text;
           out["explain"] = def->explain;
           out["evidence"] = std::move(evidence);
           out["subjects"] = def->subjects;
           out["tests"] = def->tests.size();
           out["drafts"] = drafts;
           out["newest_version"] = versions->front().version;
           return Response::json(200, out);
         }});

  r.add({"GET", "/api/v1/rules/:id/versions", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto versions = s.rule_registry->versions(actor_of(*c.principal), c.req.params["id"]);
           if (!versions.ok()) return Response::error(versions.error());
           json items = json::array();
           for (const auto& v : *versions) items.push_back(version_json(v, false));
           return Response::json(200, {{"items", items}});
         }});

  r.add({"GET", "/api/v1/rules/:id/versions/:version", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto number = version_param(c.req);
           if (!number.ok()) return Response::error(number.error());
           auto v = s.rule_registry->version(actor_of(*c.principal), c.req.params["id"], *number);
           if (!v.ok()) return Response::error(v.error());
           return Response::json(200, version_json(*v, true));
         }});

  r.add({"GET", "/api/v1/rules/:id/history", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto history =
               s.rule_registry->status_history(actor_of(*c.principal), c.req.params["id"]);
           if (!history.ok()) return Response::error(history.error());
           json items = json::array();
           for (const auto& h : *history) {
             items.push_back({{"rule_id", h.rule_id},
                              {"version", h.version},
                              {"from", h.from.empty() ? json() : json(h.from)},
                              {"to", h.to},
                              {"reason", h.reason},
                              {"by", h.by ? json(h.by) : json()},
                              {"by_name", h.by_name},
                              {"at", format_time(h.at)}});
           }
           return Response::json(200, {{"items", items}});
         }});

  Route save_draft{"POST", "/api/v1/rules/:id/versions", Access::kSession, [&s](Context& c) {
                     if (!s.rule_registry) return unavailable();
                     auto body = parse_json_body(c.req);
                     if (!body.ok()) return Response::error(body.error());
                     auto saved =
                         s.rule_registry->save_draft(actor_of(*c.principal), c.req.params["id"],
                                                     str(*body, "yaml"), str(*body, "note"));
                     if (!saved.ok()) return Response::error(saved.error());
                     return Response::json(201, version_json(*saved, true));
                   }};
  save_draft.max_body = kRuleBodyLimit;
  r.add(std::move(save_draft));

  r.add({"POST", "/api/v1/rules/:id/versions/:version/status", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto number = version_param(c.req);
           if (!number.ok()) return Response::error(number.error());
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           auto to = rules::parse_status(str(*body, "status"));
           if (!to) {
             return Response::error(core::Error::invalid(
                 "状态应为 draft、shadow、active、paused 或 retired 之一", "status"));
           }
           auto changed = s.rule_registry->set_status(actor_of(*c.principal), c.req.params["id"],
                                                      *number, *to, str(*body, "reason"));
           if (!changed.ok()) return Response::error(changed.error());
           return Response::json(200, version_json(*changed, false));
         }});

  r.add({"GET", "/api/v1/rule-overrides", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto overrides =
               s.rule_registry->overrides(actor_of(*c.principal), c.req.query_or("rule", ""));
           if (!overrides.ok()) return Response::error(overrides.error());
           json items = json::array();
           for (const auto& o : *overrides) items.push_back(override_json(o, s.regions));
           return Response::json(200, {{"items", items}});
         }});

  r.add({"PUT", "/api/v1/rules/:id/overrides", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto body = parse_json_body(c.req);
           if (!body.ok()) return Response::error(body.error());
           // Numbers are welcome too: {"value": 800}.
           std::string value = str(*body, "value");
           if (auto it = body->find("value"); it != body->end() && it->is_number()) {
             value = it->dump();
           }
           auto set =
               s.rule_registry->set_override(actor_of(*c.principal), c.req.params["id"],
                                             str(*body, "param"), str(*body, "region_code"), value);
           if (!set.ok()) return Response::error(set.error());
           return Response::json(200, override_json(*set, s.regions));
         }});

  r.add({"DELETE", "/api/v1/rule-overrides/:id", Access::kSession, [&s](Context& c) {
           if (!s.rule_registry) return unavailable();
           auto id = param_id(c.req, "id");
           if (!id.ok()) return Response::error(id.error());
           auto removed = s.rule_registry->remove_override(actor_of(*c.principal), *id);
           if (!removed.ok()) return Response::error(removed.error());
           return Response::no_content();
         }});

  // One backtest at a time per server: each loads the facts it reads.
  auto running = std::make_shared<std::atomic<bool>>(false);
  Route backtest{"POST", "/api/v1/rules/:id/backtest", Access::kSession, [&s, running](Context& c) {
                   if (!s.rule_registry) return unavailable();
                   if (!c.principal->can(auth::perm::kRuleEdit)) {
                     return Response::error(core::Error::forbidden("当前角色无权回测预警规则"));
                   }
                   auto body = parse_json_body(c.req);
                   if (!body.ok()) return Response::error(body.error());
                   auto options = backtest_options(c.req.params["id"], *body);
                   if (!options.ok()) return Response::error(options.error());
                   bool idle = false;
                   if (!running->compare_exchange_strong(idle, true)) {
                     return Response::error(core::Error::conflict("已有回测正在运行，请稍后再试"));
                   }
                   struct Release {
                     std::atomic<bool>& flag;
                     ~Release() { flag = false; }
                   } release{*running};
                   auto report = rules::backtest(s.db, s.vault, *s.rule_registry, *options);
                   if (!report.ok()) return Response::error(report.error());
                   return Response::json(200, report_json(*report, *options, s.regions));
                 }};
  backtest.max_body = kRuleBodyLimit;
  r.add(std::move(backtest));
}

}  // namespace mingjing::http
