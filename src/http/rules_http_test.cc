// Rule administration over HTTP on the real server: the catalogue, a rule,
// drafts, status moves, history, overrides and backtests, with the
// refusals (400, 403, 404, 409) each can give.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "db/soci.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using nlohmann::json;
using testing::TestServer;

json body_of(const testing::HttpResult& r) {
  return json::parse(r.body, nullptr, false);
}

std::string f01_text() {
  std::ifstream in(testing::source_dir() + "/rules/F01.yaml", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

long long count(TestServer& s, const std::string& sql) {
  auto conn = s.db().connect();
  long long n = -1;
  conn.session() << sql, soci::into(n);
  return n;
}

TEST(DbHttpRules, TheCatalogueListsEveryRuleInForceWithItsParameters) {
  TestServer s;
  s.add_user("jiwei", "county_discipline", testing::kCounty);
  s.add_user("cunzhuren", "village_director", testing::kVillageA1);
  s.add_user("weiyuan", "village_member", testing::kVillageA1);
  auto editor = s.login("jiwei");
  ASSERT_EQ(
      editor
          .request("PUT", "/api/v1/rules/F01/overrides",
                   json{{"param", "cash_limit"}, {"region_code", testing::kTownA}, {"value", "800"}}
                       .dump())
          .status,
      200);

  auto village = s.login("cunzhuren");
  auto r = village.get("/api/v1/rules");
  ASSERT_EQ(r.status, 200) << r.body;
  json list = body_of(r);
  EXPECT_EQ(list["total"], TestServer::shipped_rules().size());
  json f01;
  for (const auto& item : list["items"]) {
    if (item["id"] == "F01") f01 = item;
  }
  ASSERT_TRUE(f01.is_object());
  EXPECT_EQ(f01["title"], "现金支付超过限额");
  EXPECT_EQ(f01["version"], 1);
  EXPECT_EQ(f01["status"], "active");
  EXPECT_EQ(f01["category"], "finance");
  EXPECT_EQ(f01["category_name"], "财务与资金");
  EXPECT_EQ(f01["routing"], "village");
  EXPECT_EQ(f01["deadline_workdays"], 5);
  EXPECT_EQ(f01["shape"], "record");
  EXPECT_EQ(f01["drafts"], 0);
  ASSERT_EQ(f01["params"].size(), 1u);
  EXPECT_EQ(f01["params"][0]["name"], "cash_limit");
  EXPECT_EQ(f01["params"][0]["type"], "money");
  EXPECT_EQ(f01["params"][0]["default"], "1000.00");
  // The override lies in town A, above the village: not in its scope.
  EXPECT_EQ(f01["params"][0]["overrides"], 0);
  EXPECT_EQ(body_of(editor.get("/api/v1/rules"))["items"][0]["params"].is_array(), true);

  auto detail = editor.get("/api/v1/rules/F01");
  ASSERT_EQ(detail.status, 200) << detail.body;
  json d = body_of(detail);
  EXPECT_EQ(d["id"], "F01");
  EXPECT_EQ(d["in_force"], true);
  EXPECT_EQ(d["origin"], "shipped");
  EXPECT_EQ(d["yaml"], f01_text());
  EXPECT_EQ(d["tests"], 2);
  EXPECT_EQ(d["from"]["dataset"], "payments");
  EXPECT_NE(d["explain"].get<std::string>().find("{params.cash_limit}"), std::string::npos);
  ASSERT_EQ(d["params"][0]["overrides"].size(), 1u);
  EXPECT_EQ(d["params"][0]["overrides"][0]["value"], "800");
  EXPECT_EQ(d["params"][0]["overrides"][0]["region_name"], "稠城街道");
  EXPECT_EQ(d["unused_overrides"].size(), 0u);

  EXPECT_EQ(editor.get("/api/v1/rules/NOPE").status, 404);
  auto member = s.login("weiyuan");
  auto refused = member.get("/api/v1/rules");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body_of(refused)["error"]["code"], "forbidden");
}

TEST(DbHttpRules, DraftsMoveThroughTheirStatusesWithAHistory) {
  TestServer s;
  s.add_user("jiwei", "county_discipline", testing::kCounty);
  s.add_user("zhenjiwei", "town_discipline", testing::kTownA);
  auto editor = s.login("jiwei");
  const std::string lower = replaced(f01_text(), "default: 1000", "default: 500");

  auto bad = editor.post(
      "/api/v1/rules/F01/versions",
      json{{"yaml", replaced(lower, "severity:", "severty:")}, {"note", "降低限额"}}.dump());
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["error"]["field"], "yaml");
  EXPECT_NE(body_of(bad)["error"]["message"].get<std::string>().find(":6:1：字段 severty"),
            std::string::npos);
  EXPECT_EQ(editor.post("/api/v1/rules/F01/versions", json{{"yaml", lower}}.dump()).status, 400);
  EXPECT_EQ(editor
                .post("/api/v1/rules/NOPE/versions",
                      json{{"yaml", replaced(lower, "id: F01", "id: F77")}, {"note", "x"}}.dump())
                .status,
            400);  // the text says F77, the path NOPE

  auto town = s.login("zhenjiwei");
  EXPECT_EQ(
      town.post("/api/v1/rules/F01/versions", json{{"yaml", lower}, {"note", "x"}}.dump()).status,
      403);

  auto saved =
      editor.post("/api/v1/rules/F01/versions", json{{"yaml", lower}, {"note", "降低限额"}}.dump());
  ASSERT_EQ(saved.status, 201) << saved.body;
  EXPECT_EQ(body_of(saved)["version"], 2);
  EXPECT_EQ(body_of(saved)["status"], "draft");
  EXPECT_EQ(body_of(saved)["created_by_name"], "jiwei");

  auto conflict = editor.post("/api/v1/rules/F01/versions/2/status",
                              json{{"status", "paused"}, {"reason", "暂停"}}.dump());
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(body_of(conflict)["error"]["code"], "conflict");
  EXPECT_EQ(editor
                .post("/api/v1/rules/F01/versions/2/status",
                      json{{"status", "bogus"}, {"reason", "x"}}.dump())
                .status,
            400);
  EXPECT_EQ(editor
                .post("/api/v1/rules/F01/versions/9/status",
                      json{{"status", "active"}, {"reason", "x"}}.dump())
                .status,
            404);
  EXPECT_EQ(town.post("/api/v1/rules/F01/versions/2/status",
                      json{{"status", "active"}, {"reason", "x"}}.dump())
                .status,
            403);
  auto active = editor.post("/api/v1/rules/F01/versions/2/status",
                            json{{"status", "active"}, {"reason", "试点完成"}}.dump());
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(body_of(active)["in_force"], true);

  json versions = body_of(town.get("/api/v1/rules/F01/versions"));
  ASSERT_EQ(versions["items"].size(), 2u);
  EXPECT_EQ(versions["items"][0]["version"], 2);
  EXPECT_FALSE(versions["items"][0].contains("yaml"));
  EXPECT_EQ(versions["items"][1]["status"], "retired");
  EXPECT_FALSE(versions["items"][1]["superseded_at"].is_null());
  auto one = town.get("/api/v1/rules/F01/versions/1");
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(body_of(one)["yaml"], f01_text());
  EXPECT_EQ(town.get("/api/v1/rules/F01/versions/x").status, 404);
  EXPECT_EQ(town.get("/api/v1/rules/F01/versions/5").status, 404);
  EXPECT_EQ(body_of(town.get("/api/v1/rules/F01"))["version"], 2);

  json history = body_of(town.get("/api/v1/rules/F01/history"));
  ASSERT_EQ(history["items"].size(), 4u);
  EXPECT_EQ(history["items"][0]["to"], "active");
  EXPECT_EQ(history["items"][0]["reason"], "试点完成");
  EXPECT_EQ(history["items"][0]["by_name"], "jiwei");
  EXPECT_TRUE(history["items"][3]["from"].is_null());
  EXPECT_EQ(town.get("/api/v1/rules/NOPE/history").status, 404);
}

TEST(DbHttpRules, OverridesAreSetTypedListedAndRemoved) {
  TestServer s;
  s.add_user("jiwei", "county_discipline", testing::kCounty);
  s.add_user("zhenjiwei", "town_discipline", testing::kTownB);
  auto editor = s.login("jiwei");
  auto put = [&](const std::string& param, const std::string& region, const json& value) {
    return editor.request("PUT", "/api/v1/rules/F01/overrides",
                          json{{"param", param}, {"region_code", region}, {"value", value}}.dump());
  };
  auto set = put("cash_limit", testing::kTownA, "5万元");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(body_of(set)["value"], "5万元");
  EXPECT_EQ(body_of(set)["region_name"], "稠城街道");
  EXPECT_EQ(put("cash_limit", testing::kVillageA1, 800).status, 200);  // a number is fine too

  auto bad = put("cash_limit", testing::kTownA, "很多");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(body_of(bad)["error"]["field"], "value");
  EXPECT_EQ(body_of(put("nope", testing::kTownA, "1"))["error"]["field"], "param");
  EXPECT_EQ(put("cash_limit", "330783000000", "800").status, 403);  // another county
  EXPECT_EQ(put("cash_limit", "bad", "800").status, 400);
  EXPECT_EQ(
      editor
          .request("PUT", "/api/v1/rules/NOPE/overrides",
                   json{{"param", "x"}, {"region_code", testing::kTownA}, {"value", "1"}}.dump())
          .status,
      404);

  json all = body_of(editor.get("/api/v1/rule-overrides?rule=F01"));
  ASSERT_EQ(all["items"].size(), 2u);
  EXPECT_EQ(all["items"][0]["used"], true);
  EXPECT_EQ(editor.get("/api/v1/rule-overrides?rule=NOPE").status, 404);
  auto town_b = s.login("zhenjiwei");
  EXPECT_EQ(body_of(town_b.get("/api/v1/rule-overrides"))["items"].size(), 0u);
  long long id = body_of(set)["id"];
  EXPECT_EQ(town_b.request("DELETE", "/api/v1/rule-overrides/" + std::to_string(id)).status, 403);
  EXPECT_EQ(editor.request("DELETE", "/api/v1/rule-overrides/" + std::to_string(id)).status, 204);
  EXPECT_EQ(editor.request("DELETE", "/api/v1/rule-overrides/" + std::to_string(id)).status, 404);
  EXPECT_EQ(body_of(editor.get("/api/v1/rule-overrides"))["items"].size(), 1u);
  EXPECT_EQ(count(s, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'rule.override.%'"), 3);
}

TEST(DbHttpRules, ABacktestCountsADraftAgainstTheVersionInForce) {
  TestServer s;
  s.add_user("jiwei", "county_discipline", testing::kCounty);
  s.add_user("zhenjiwei", "town_discipline", testing::kTownA);
  {
    imports::Importer importer(s.db(), s.vault());
    imports::ImportOptions options;
    options.file_name = "payments.csv";
    auto source = imports::csv_source(
        "id,village_code,category,payee_name,amount,method,applied_at\n"
        "ZC1,330782001001,办公用品,张三,600,cash,2025-03-01\n"
        "ZC2,330782001001,工程款,王五,1200,cash,2025-05-01\n"
        "ZC3,330782001002,工程款,赵六,1500,cash,2024-06-01\n");
    auto summary = importer.run(*imports::find_dataset("payments"), *source, options);
    ASSERT_TRUE(summary.ok() && summary->inserted == 3u);
  }
  auto editor = s.login("jiwei");
  ASSERT_EQ(editor
                .post("/api/v1/rules/F01/versions",
                      json{{"yaml", replaced(f01_text(), "default: 1000", "default: 500")},
                           {"note", "降低限额"}}
                          .dump())
                .status,
            201);
  const long long audit = count(s, "SELECT COUNT(*) FROM audit_log");

  auto r = editor.post("/api/v1/rules/F01/backtest",
                       json{{"from", "2025-01-01"}, {"to", "2025-12-31"}, {"sample", 5}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json report = body_of(r);
  EXPECT_EQ(report["version"], 2);
  EXPECT_EQ(report["hits"], 2);
  EXPECT_EQ(report["hits_in_force"], 1);
  EXPECT_EQ(report["from"], "2025-01-01");
  ASSERT_EQ(report["sample"].size(), 2u);
  EXPECT_EQ(report["sample"][0]["dedup_key"], "payments:ZC1");
  EXPECT_EQ(report["sample"][0]["region_name"], "江滨社区");
  EXPECT_EQ(report["sample"][0]["subjects"][0]["dataset"], "payments");

  // Version 1 over everything stored, and unsaved text.
  report = body_of(
      editor.post("/api/v1/rules/F01/backtest",
                  json{{"version", 1}, {"from", "2020-01-01"}, {"to", "2025-12-31"}}.dump()));
  EXPECT_EQ(report["hits"], 2);
  report = body_of(editor.post(
      "/api/v1/rules/F01/backtest",
      json{{"yaml", replaced(f01_text(), "default: 1000", "default: 100")}, {"to", "2025-12-31"}}
          .dump()));
  EXPECT_EQ(report["version"], 0);
  EXPECT_EQ(report["hits"], 2);  // the year up to 2025-12-31: ZC1, ZC2

  EXPECT_EQ(count(s, "SELECT COUNT(*) FROM warnings"), 0);
  EXPECT_EQ(count(s, "SELECT COUNT(*) FROM audit_log"), audit);

  auto bad_date = editor.post("/api/v1/rules/F01/backtest", json{{"from", "2025-13-01"}}.dump());
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_EQ(body_of(bad_date)["error"]["field"], "from");
  EXPECT_EQ(editor.post("/api/v1/rules/F01/backtest", json{{"version", "x"}}.dump()).status, 400);
  EXPECT_EQ(editor.post("/api/v1/rules/F01/backtest", json{{"version", 9}}.dump()).status, 404);
  EXPECT_EQ(editor.post("/api/v1/rules/NOPE/backtest", "{}").status, 404);
  auto town = s.login("zhenjiwei");
  EXPECT_EQ(town.post("/api/v1/rules/F01/backtest", "{}").status, 403);
}

TEST(DbHttpRules, WithoutARegistryTheRoutesAnswer503) {
  testing::TestDb db;
  regions::RegionService regions(db.db());
  auth::AuthService auth(db.db(), regions, TestServer::fast_settings());
  auth::UserService users(db.db(), regions, TestServer::fast_settings().password_cost);
  Services services{db.db(), regions, auth, users};
  App app(services, {});
  auto hit = [&](const std::string& method, const std::string& path) {
    Request req;
    req.method = method;
    req.path = path;
    const Route* route = nullptr;
    for (const Route& r : app.router().routes()) {
      if (r.method == method && r.pattern == path) route = &r;
    }
    EXPECT_NE(route, nullptr) << path;
    auth::Principal who;
    who.active.role = "county_discipline";
    Context ctx{req, &who, ""};
    return route ? route->handler(ctx).status : 0;
  };
  EXPECT_EQ(hit("GET", "/api/v1/rules"), 503);
  EXPECT_EQ(hit("GET", "/api/v1/rule-overrides"), 503);
}

}  // namespace
}  // namespace mingjing::http
