// The import route tells the live warning engine (rules/live.h) what it
// wrote: through the real server on loopback, a committed upload raises its
// warning within a second, and GET /api/v1/rules/engine reports the engine,
// on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "db/soci.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using testing::TestServer;

long long f01_warnings(TestServer& s, const std::string& still_hit_clause) {
  auto conn = s.db().connect();
  long long n = 0;
  conn.session() << "SELECT COUNT(*) FROM warnings WHERE rule_id = 'F01' AND subjects LIKE "
                    "'%ZC-HTTP-1%'" +
                        still_hit_clause,
      soci::into(n);
  return n;
}

template <typename F>
bool eventually(F check, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (true) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

const std::string kPayments =
    "id,village_code,category,payee_name,amount,method,purpose,applied_at,status\n"
    "ZC-HTTP-1,330782001001,办公费,张建国,5000.00,cash,办公用品,2025-06-01 10:00,pending\n";

TEST(DbLiveRulesHttp, ACommittedImportRaisesItsWarningWithinASecond) {
  TestServer s(TestServer::fast_settings(), /*live_rules=*/true);
  s.add_user("bk_a1", "village_bookkeeper", testing::kVillageA1);
  s.add_user("jw_a", "town_discipline", testing::kTownA);
  auto jw = s.login("jw_a");
  ASSERT_TRUE(eventually(
      [&] { return json::parse(jw.get("/api/v1/rules/engine").body)["state"] == "ready"; }, 30s))
      << jw.get("/api/v1/rules/engine").body;

  auto bk = s.login("bk_a1");
  auto preview = bk.request("POST", "/api/v1/imports/preview?dataset=payments&file_name=p.csv",
                            kPayments, {{"Content-Type", "text/csv"}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(f01_warnings(s, ""), 0) << "a preview writes nothing and tells nobody";
  const std::string token = json::parse(preview.body)["token"];
  const auto committed = std::chrono::steady_clock::now();
  auto commit = bk.post("/api/v1/imports/" + token + "/commit", "{}");
  ASSERT_EQ(commit.status, 200) << commit.body;
  ASSERT_TRUE(eventually([&] { return f01_warnings(s, " AND still_hit = 1") == 1; }, 1s))
      << jw.get("/api/v1/rules/engine").body;
  EXPECT_LT(std::chrono::steady_clock::now() - committed, 1s);

  auto engine = jw.get("/api/v1/rules/engine");
  ASSERT_EQ(engine.status, 200);
  json e = json::parse(engine.body);
  EXPECT_EQ(e["state"], "ready");
  EXPECT_EQ(e["changes"], 1);
  EXPECT_EQ(e["queue"], 0);
  EXPECT_GE(e["records"].get<long long>(), 1);
  EXPECT_GT(e["active_rules"].get<long long>(), 30);
  EXPECT_EQ(e["last_error"], "");
  EXPECT_TRUE(e["last_error_at"].is_null());
  // The bookkeeper has no warning permission.
  EXPECT_EQ(bk.get("/api/v1/rules/engine").status, 403);
}

TEST(LiveRulesHttp, WithoutTheEngineTheRouteSaysDisabled) {
  TestServer s;
  s.add_user("jw_a", "town_discipline", testing::kTownA);
  auto r = s.login("jw_a").get("/api/v1/rules/engine");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["state"], "disabled");
}

}  // namespace
}  // namespace mingjing::http
