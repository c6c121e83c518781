// The real server on loopback: sessions, CSRF, limits, errors, headers,
// metrics, role switching, shutdown.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/datetime.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "privacy/privacy.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using nlohmann::json;
using testing::TestServer;

json body_of(const testing::HttpResult& r) {
  return json::parse(r.body, nullptr, false);
}

TEST(DbHttp, LoginSetsAStrictHttpOnlyCookieAndReturnsTheSession) {
  TestServer s;
  s.add_user("zhang", "town_discipline", testing::kTownA);
  auto c = s.anonymous();
  auto r = c.post("/api/v1/auth/login", R"({"username":"zhang","password":"Test@Pass2026"})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.set_cookies.size(), 1u);
  const std::string& cookie = r.set_cookies[0];
  EXPECT_EQ(cookie.rfind("mj_session=", 0), 0u);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  json me = body_of(r);
  EXPECT_EQ(me["user"]["username"], "zhang");
  EXPECT_EQ(me["roles"][0]["role_name"], "镇纪委");
  EXPECT_EQ(me["roles"][0]["region_name"], "稠城街道");
  EXPECT_FALSE(me["csrf_token"].get<std::string>().empty());
  EXPECT_EQ(me["session_expires_in"], 1800);
  // The token is stored only as a digest.
  auto conn = s.db().connect();
  std::string token = cookie.substr(11, cookie.find(';') - 11);
  int plain = -1;
  conn.session() << "SELECT COUNT(*) FROM sessions WHERE token_hash = :t", soci::use(token),
      soci::into(plain);
  EXPECT_EQ(plain, 0);
}

TEST(DbHttp, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  TestServer s;
  s.add_user("zhang", "town_discipline", testing::kTownA);
  auto c = s.anonymous();
  auto wrong = c.post("/api/v1/auth/login", R"({"username":"zhang","password":"Wrong@Pass2026"})");
  auto unknown =
      c.post("/api/v1/auth/login", R"({"username":"nobody","password":"Wrong@Pass2026"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(body_of(wrong)["error"]["message"], "用户名或密码错误");
}

TEST(DbHttp, FiveFailuresLockTheAccount) {
  TestServer s;
  s.add_user("zhang", "town_discipline", testing::kTownA);
  auto c = s.anonymous();
  std::string bad = R"({"username":"zhang","password":"Wrong@Pass2026"})";
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.post("/api/v1/auth/login", bad).status, 401);
  auto fifth = c.post("/api/v1/auth/login", bad);
  EXPECT_EQ(fifth.status, 423);
  EXPECT_EQ(body_of(fifth)["error"]["message"], "密码错误次数过多，账号已锁定15分钟");
  // Even the right password is refused while locked.
  auto right = c.post("/api/v1/auth/login", R"({"username":"zhang","password":"Test@Pass2026"})");
  EXPECT_EQ(right.status, 423);
  EXPECT_EQ(body_of(right)["error"]["code"], "locked");
}

TEST(DbHttp, LoginIsRateLimitedPerAddress) {
  auth::Settings settings = TestServer::fast_settings();
  settings.ip_attempts_per_window = 3;
  TestServer s(settings);
  auto c = s.anonymous();
  std::string bad = R"({"username":"nobody","password":"Wrong@Pass2026"})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.post("/api/v1/auth/login", bad).status, 401);
  auto limited = c.post("/api/v1/auth/login", bad);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(body_of(limited)["error"]["code"], "rate_limited");
}

TEST(DbHttp, UnsafeRequestsNeedTheCsrfToken) {
  TestServer s;
  s.add_user("admin", "sys_admin", testing::kCounty);
  auto c = s.login("admin");
  auto without = c.request("POST", "/api/v1/audit/verify", "", {{"X-CSRF-Token", "forged"}});
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(body_of(without)["error"]["code"], "csrf");
  EXPECT_EQ(body_of(without)["error"]["message"], "安全校验失败，请刷新页面后重试");
  EXPECT_EQ(c.post("/api/v1/audit/verify", "").status, 200);
}

TEST(DbHttp, BadInputGetsClearFourHundreds) {
  TestServer s;
  s.add_user("admin", "sys_admin", testing::kCounty);
  auto c = s.login("admin");
  auto not_json = c.post("/api/v1/users", "{not json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(body_of(not_json)["error"]["message"], "请求体不是有效的 JSON 对象");
  auto wrong_type =
      c.request("POST", "/api/v1/users", "username=x", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(wrong_type.status, 415);
  auto too_big = c.post("/api/v1/users", "{\"x\":\"" + std::string(70 * 1024, 'a') + "\"}");
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(body_of(too_big)["error"]["code"], "too_large");
  // SQL and script in fields are just text that fails validation.
  auto sql = c.post(
      "/api/v1/users",
      R"({"username":"x'; DROP TABLE users; --","display_name":"<script>alert(1)</script>",)"
      R"("password":"Test@Pass2026","roles":[{"role":"town_agency","region_code":"330782001000"}]})");
  EXPECT_EQ(sql.status, 400);
  EXPECT_EQ(body_of(sql)["error"]["field"], "username");
  EXPECT_EQ(c.get("/api/v1/users/abc").status, 404);
  EXPECT_EQ(c.get("/api/v1/users/99999").status, 404);
  EXPECT_EQ(c.get("/api/v1/nope").status, 404);
  EXPECT_EQ(c.request("DELETE", "/api/v1/users").status, 405);
  auto weak =
      c.post("/api/v1/users", R"({"username":"weak","display_name":"弱","password":"abc",)"
                              R"("roles":[{"role":"town_agency","region_code":"330782001000"}]})");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(body_of(weak)["error"]["field"], "password");
  EXPECT_EQ(body_of(weak)["error"]["message"],
            "密码至少10位，且需包含大写字母、小写字母、数字和符号中的三类");
  auto bad_day = c.get("/api/v1/audit?from=2026-02-30");
  EXPECT_EQ(bad_day.status, 400);
  EXPECT_EQ(body_of(bad_day)["error"]["field"], "from");
  EXPECT_EQ(body_of(bad_day)["error"]["message"], "日期不存在：2026-02-30");
  // The users table survived.
  EXPECT_EQ(c.get("/api/v1/users").status, 200);
}

TEST(DbHttp, RegionDetailHasPathChildrenAndCounts) {
  TestServer s;
  s.add_user("town_admin", "town_admin", testing::kTownA);
  auto c = s.login("town_admin");
  auto brief = [](const char* code, const char* name, const char* level) {
    return json{{"code", code}, {"name", name}, {"level", level}};
  };
  json expected = {
      {"code", testing::kTownA},
      {"name", "稠城街道"},
      {"level", "town"},
      {"parent_code", testing::kCounty},
      {"path",
       {brief("330000000000", "浙江省", "province"), brief("330700000000", "金华市", "city"),
        brief(testing::kCounty, "义乌市", "county"), brief(testing::kTownA, "稠城街道", "town")}},
      {"children",
       {brief(testing::kVillageA1, "江滨社区", "village"),
        brief(testing::kVillageA2, "下车门社区", "village")}},
      {"counts", {{"town", 0}, {"village", 2}}}};
  auto res = c.get(std::string("/api/v1/regions/") + testing::kTownA);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(res.headers["content-type"], "application/json; charset=utf-8");
  EXPECT_EQ(body_of(res), expected);
}

TEST(DbHttp, RecordsAreScopedToTheRoleAndPersonalDataIsMasked) {
  TestServer s;
  auto vault = privacy::Vault::from_key({});
  imports::Importer importer(s.db(), vault);
  auto load = [&](const char* dataset, std::string csv) {
    auto source = imports::csv_source(std::move(csv));
    auto r = importer.run(*imports::find_dataset(dataset), *source, {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->rejected, 0u);
  };
  load("persons", std::string("id_number,name,village_code,phone\n") + "11010519491231002X,张三," +
                      testing::kVillageA1 + ",13812341234\n" + "110105198001011238,李四," +
                      testing::kVillageB1 + ",\n");
  load("companies", "uscc,name,established_date\n91350100M000100Y43,某某建材有限公司,2020-05-01\n");
  // Bank statements have no region of their own: they are in their account's.
  load("accounts", std::string("account_no,village_code\n") + "6222021234567890123," +
                       testing::kVillageA1 + "\n6222021234567890456," + testing::kVillageB1 + "\n");
  load("bank_transactions",
       "id,account_no,time,direction,amount\n"
       "TA1,6222021234567890123,2025-03-01 10:00,out,10\n"
       "TA2,6222021234567890123,2025-03-02 10:00,in,20\n"
       "TB1,6222021234567890456,2025-03-01 10:00,out,30\n");
  s.add_user("jw_a", "town_discipline", testing::kTownA);
  s.add_user("jw_b", "town_discipline", testing::kTownB);
  s.add_user("admin", "sys_admin", testing::kCounty);

  auto a = s.login("jw_a").get("/api/v1/records/persons");
  ASSERT_EQ(a.status, 200) << a.body;
  json body = body_of(a);
  ASSERT_EQ(body["total"], 1);
  EXPECT_EQ(body["items"][0]["name"], "张三");
  EXPECT_EQ(body["items"][0]["id_number"], "110105********002X");
  EXPECT_EQ(body["items"][0]["phone"], "138****1234");
  EXPECT_EQ(body["items"][0]["village_code"], testing::kVillageA1);
  EXPECT_EQ(body["items"][0]["village_code_name"], "江滨社区");
  EXPECT_EQ(a.body.find("11010519491231002X"), std::string::npos);
  EXPECT_EQ(a.body.find("13812341234"), std::string::npos);

  json b = body_of(s.login("jw_b").get("/api/v1/records/persons"));
  ASSERT_EQ(b["total"], 1);
  EXPECT_EQ(b["items"][0]["name"], "李四");
  EXPECT_TRUE(b["items"][0]["phone"].is_null());

  auto admin = s.login("admin");
  EXPECT_EQ(body_of(admin.get("/api/v1/records/persons"))["total"], 2);
  json narrowed =
      body_of(admin.get(std::string("/api/v1/records/persons?region=") + testing::kTownB));
  ASSERT_EQ(narrowed["total"], 1);
  EXPECT_EQ(narrowed["items"][0]["name"], "李四");
  json companies = body_of(admin.get("/api/v1/records/companies"));
  ASSERT_EQ(companies["total"], 1);
  EXPECT_EQ(companies["items"][0]["established_date"], "2020-05-01");
  EXPECT_EQ(s.login("jw_a").get("/api/v1/records/companies").status, 403);

  json bank_a = body_of(s.login("jw_a").get("/api/v1/records/bank_transactions"));
  ASSERT_EQ(bank_a["total"], 2);
  EXPECT_EQ(bank_a["items"][0]["id"], "TA2");
  EXPECT_EQ(bank_a["items"][1]["id"], "TA1");
  json bank_b = body_of(s.login("jw_b").get("/api/v1/records/bank_transactions"));
  ASSERT_EQ(bank_b["total"], 1);
  EXPECT_EQ(bank_b["items"][0]["id"], "TB1");
  EXPECT_EQ(body_of(admin.get("/api/v1/records/bank_transactions"))["total"], 3);
  json bank_narrowed = body_of(
      admin.get(std::string("/api/v1/records/bank_transactions?region=") + testing::kVillageB1));
  ASSERT_EQ(bank_narrowed["total"], 1);
  EXPECT_EQ(bank_narrowed["items"][0]["id"], "TB1");

  json datasets = body_of(admin.get("/api/v1/datasets"));
  ASSERT_EQ(datasets["items"].size(), 22u);
  EXPECT_EQ(datasets["items"][0]["name"], "persons");
  EXPECT_EQ(datasets["items"][0]["columns"][0]["aliases"][0], "身份证号");
  for (const auto& d : datasets["items"]) {
    if (d["name"] == "bank_transactions") {
      EXPECT_EQ(d["county_wide"], false);
      EXPECT_EQ(d["region_via"], "account_no");
    } else if (d["name"] == "companies") {
      EXPECT_EQ(d["county_wide"], true);
      EXPECT_TRUE(d["region_via"].is_null());
    }
  }
}

TEST(DbHttp, AuditLogFiltersByShanghaiDays) {
  TestServer s;
  s.add_user("admin", "sys_admin", testing::kCounty);
  auto day = [] {
    return core::DateTime::from_unix_ms(db::now_unix_ms()).local_date().to_string();
  };
  std::string first = day();
  auto c = s.login("admin");  // entries today: the account, the login
  auto all = body_of(c.get("/api/v1/audit"));
  std::string last = day();  // the same day unless the test ran across midnight
  auto on_today = body_of(c.get("/api/v1/audit?from=" + first + "&to=" + last));
  EXPECT_GE(on_today["total"].get<int>(), 1);
  EXPECT_EQ(on_today["total"], all["total"]);
  EXPECT_EQ(body_of(c.get("/api/v1/audit?to=2020-01-01"))["total"], 0);
  EXPECT_EQ(body_of(c.get("/api/v1/audit?from=2099-01-01"))["total"], 0);
}

TEST(DbHttp, ResponsesCarrySecurityHeaders) {
  TestServer s;
  auto r = s.anonymous().get("/api/v1/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers["content-security-policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(r.headers["x-frame-options"], "DENY");
  EXPECT_EQ(body_of(r)["message"], "你好，明镜");
}

TEST(DbHttp, HealthMetricsAndOpenApi) {
  TestServer s;
  auto c = s.anonymous();
  EXPECT_EQ(body_of(c.get("/healthz"))["database"], "ok");
  c.get("/api/v1/hello");
  c.get("/api/v1/nope");
  auto metrics = c.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(
                R"(mingjing_http_requests_total{route="GET /api/v1/hello",status="200"} 1)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find(R"(route="unmatched",status="404"} 1)"), std::string::npos);
  EXPECT_NE(metrics.body.find("mingjing_http_request_duration_seconds_bucket{route=\"GET "
                              "/api/v1/hello\",le=\"+Inf\"} 1"),
            std::string::npos);
  auto api = body_of(c.get("/api/v1/openapi.json"));
  ASSERT_TRUE(api.is_object());
  EXPECT_EQ(api["openapi"], "3.0.3");
  // Every route the server has is described, under its method.
  for (const Route& route : s.app().router().routes()) {
    std::string path;  // "/users/:id/unlock" → "/users/{id}/unlock"
    for (std::size_t i = 0; i < route.pattern.size(); ++i) {
      if (route.pattern[i] != ':') {
        path += route.pattern[i];
        continue;
      }
      std::size_t end = route.pattern.find('/', i);
      if (end == std::string::npos) end = route.pattern.size();
      path += "{" + route.pattern.substr(i + 1, end - i - 1) + "}";
      i = end - 1;
    }
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    EXPECT_TRUE(api["paths"].contains(path) && api["paths"][path].contains(method))
        << route.method << " " << path << " is not in docs/openapi.json";
  }
}

TEST(DbHttp, EachActionIsCheckedAgainstTheActiveRoleOnly) {
  TestServer s;
  // One person, two roles: discipline staff in town B and committee member
  // in a village of town A. Never the union of both.
  auto u = s.users().create_system({"multi",
                                    "多角色",
                                    testing::kTestPassword,
                                    {{0, "village_member", testing::kVillageA1, {}},
                                     {0, "town_discipline", testing::kTownB, {}}}},
                                   "test");
  ASSERT_TRUE(u.ok());
  auto c = s.login("multi");
  auto me = body_of(c.get("/api/v1/auth/me"));
  ASSERT_EQ(me["roles"].size(), 2u);
  EXPECT_EQ(me["active_role_id"], me["roles"][0]["id"]);
  EXPECT_EQ(c.get(std::string("/api/v1/regions/") + testing::kVillageA1).status, 200);
  EXPECT_EQ(c.get(std::string("/api/v1/regions/") + testing::kTownB).status, 403);
  EXPECT_EQ(c.get("/api/v1/audit").status, 403);  // a village member may not
  auto switched = c.post("/api/v1/auth/role", json{{"role_id", me["roles"][1]["id"]}}.dump());
  ASSERT_EQ(switched.status, 200);
  EXPECT_EQ(c.get(std::string("/api/v1/regions/") + testing::kTownB).status, 200);
  EXPECT_EQ(c.get(std::string("/api/v1/regions/") + testing::kVillageA1).status, 403);
  EXPECT_EQ(c.get("/api/v1/audit").status, 200);
}

TEST(DbHttp, ANewAccountMustChangeItsPasswordFirst) {
  TestServer s;
  s.add_user("admin", "sys_admin", testing::kCounty);
  auto admin = s.login("admin");
  auto created =
      admin.post("/api/v1/users",
                 json{{"username", "newbie"},
                      {"display_name", "新人"},
                      {"password", "Initial@2026x"},
                      {"roles", {{{"role", "town_discipline"}, {"region_code", testing::kTownA}}}}}
                     .dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(body_of(created)["must_change_password"], true);
  auto c = s.login("newbie", "Initial@2026x");
  auto blocked = c.get(std::string("/api/v1/regions/") + testing::kTownA);
  EXPECT_EQ(blocked.status, 403);
  EXPECT_EQ(body_of(blocked)["error"]["code"], "password_change_required");
  auto wrong_old = c.post("/api/v1/auth/password",
                          R"({"old_password":"Nope@2026xx","new_password":"Changed@2026x"})");
  EXPECT_EQ(wrong_old.status, 400);
  EXPECT_EQ(body_of(wrong_old)["error"]["field"], "old_password");
  EXPECT_EQ(c.post("/api/v1/auth/password",
                   R"({"old_password":"Initial@2026x","new_password":"Changed@2026x"})")
                .status,
            204);
  EXPECT_EQ(c.get(std::string("/api/v1/regions/") + testing::kTownA).status, 200);
}

TEST(DbHttp, IdleSessionsExpire) {
  auth::Settings settings = TestServer::fast_settings();
  settings.idle_timeout_ms = 300;
  settings.touch_interval_ms = 0;
  TestServer s(settings);
  s.add_user("zhang", "town_discipline", testing::kTownA);
  auto c = s.login("zhang");
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 200);  // activity keeps it alive
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  auto expired = c.get("/api/v1/auth/me");
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(body_of(expired)["error"]["message"], "会话已过期，请重新登录");
}

TEST(DbHttp, LogoutEndsTheSessionAndClearsTheCookie) {
  TestServer s;
  s.add_user("zhang", "town_discipline", testing::kTownA);
  auto c = s.login("zhang");
  auto old_cookie = c.cookies().at("mj_session");
  auto out = c.post("/api/v1/auth/logout", "");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.set_cookies.at(0).find("Max-Age=0"), std::string::npos);
  auto replay =
      s.anonymous().request("GET", "/api/v1/auth/me", "", {{"Cookie", "mj_session=" + old_cookie}});
  EXPECT_EQ(replay.status, 401);
}

TEST(DbHttp, StateChangesAreAuditedAndTheChainVerifies) {
  TestServer s;
  s.add_user("admin", "sys_admin", testing::kCounty);
  auto c = s.login("admin");
  auto created =
      c.post("/api/v1/users",
             json{{"username", "lisi"},
                  {"display_name", "李四"},
                  {"password", testing::kTestPassword},
                  {"roles", {{{"role", "town_agency"}, {"region_code", testing::kTownA}}}}}
                 .dump());
  ASSERT_EQ(created.status, 201);
  auto log = body_of(c.get("/api/v1/audit?action=user.create"));
  ASSERT_GE(log["total"].get<int>(), 1);
  EXPECT_EQ(log["items"][0]["username"], "admin");
  EXPECT_EQ(log["items"][0]["role"], "sys_admin");
  EXPECT_EQ(log["items"][0]["target"], "user:" + std::to_string(body_of(created)["id"].get<int>()));
  EXPECT_EQ(log["items"][0]["after_digest"].get<std::string>().size(), 64u);
  auto verify = body_of(c.post("/api/v1/audit/verify", ""));
  EXPECT_EQ(verify["ok"], true);
  // Tamper with the stored entry: verification names it.
  long long id = log["items"][0]["id"];
  auto conn = s.db().connect();
  conn.session() << "UPDATE audit_log SET username = 'someone' WHERE id = :id", soci::use(id);
  verify = body_of(c.post("/api/v1/audit/verify", ""));
  EXPECT_EQ(verify["ok"], false);
  EXPECT_EQ(verify["first_broken_id"], id);
}

TEST(DbHttp, ServerStopsGracefully) {
  TestServer s;
  EXPECT_EQ(s.anonymous().get("/healthz").status, 200);
  auto st = s.stop();
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(s.anonymous().get("/healthz").status, 0);  // nothing listens any more
}

TEST(DbHttp, TakenPortIsAClearError) {
  TestServer s;
  http::ServerSettings settings;
  settings.port = static_cast<std::uint16_t>(s.port());
  auto st = http::serve(s.app(), settings);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "unavailable");
  EXPECT_EQ(st.error().message,
            "无法在 127.0.0.1:" + std::to_string(s.port()) + " 上监听（端口被占用或无权限）");
}

}  // namespace
}  // namespace mingjing::http
