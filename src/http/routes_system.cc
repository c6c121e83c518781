// Health, metrics, the OpenAPI document, and a JSON hello (the benchmark's
// ceiling: the cheapest JSON the server can answer).
#include <nlohmann/json.hpp>

#include "db/soci.h"
#include "http/app.h"

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
}

}  // namespace mingjing::http
