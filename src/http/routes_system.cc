// Health, metrics, the OpenAPI document, a JSON hello (the benchmark's
// ceiling: the cheapest JSON the server can answer), and the state of the
// live warning engine.
#include <nlohmann/json.hpp>

#include "db/soci.h"
#include "http/app.h"
#include "rules/live.h"

namespace mingjing::http {

void add_system_routes(Router& r, Services& s, App& app, const std::string& openapi) {
  r.add({"GET", "/healthz", Access::kPublic, [&s](Context&) {
           try {
             auto conn = s.db.connect();
             int one = 0;
             conn.session() << "SELECT 1", soci::into(one);
             return Response::json(200, {{"status", "ok"}, {"database", "ok"}});
           } catch (const std::exception&) {
             return Response::json(503, {{"status", "degraded"}, {"database", "unreachable"}});
           }
         }});
  r.add({"GET", "/metrics", Access::kPublic, [&app](Context&) {
           Response res;
           res.content_type = "text/plain; version=0.0.4; charset=utf-8";
           res.body = app.metrics_text();
           return res;
         }});
  r.add({"GET", "/api/v1/openapi.json", Access::kPublic, [&openapi](Context&) {
           if (openapi.empty()) return Response::error(core::Error::not_found("接口文档未安装"));
           Response res;
           res.body = openapi;
           return res;
         }});
  r.add({"GET", "/api/v1/hello", Access::kPublic, [](Context&) {
           return Response::json(200, {{"message", "你好，明镜"}});
         }});
  // Registered before the rule routes, so "engine" is never taken for a
  // rule id.
  r.add({"GET", "/api/v1/rules/engine", Access::kSession, [&s](Context& c) {
           if (!c.principal->can(auth::perm::kWarningList)) {
             return Response::error(core::Error::forbidden("当前角色无权查看预警引擎状态"));
           }
           if (!s.live_rules) return Response::json(200, {{"state", "disabled"}});
           const rules::LiveStatus st = s.live_rules->status();
           nlohmann::json body = {
               {"state", rules::to_string(st.state)},
               {"records", st.records},
               {"rules", st.rules},
               {"active_rules", st.active_rules},
               {"generation", st.generation},
               {"load_ms", st.load_ms},
               {"batch_ms", st.batch_ms},
               {"batch_date", st.batch_date},
               {"changes", st.changes},
               {"last_change_ms", st.last_change_ms},
               {"queue", st.queue},
               {"last_error", st.last_error},
               {"last_error_at", st.last_error_at == 0
                                     ? nlohmann::json(nullptr)
                                     : nlohmann::json(format_time(st.last_error_at))}};
           return Response::json(200, body);
         }});
}

}  // namespace mingjing::http
