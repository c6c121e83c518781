// The warning workspace through the real server on loopback, on SQLite and
// PostgreSQL: records imported, the shipped S01 rule run by the engine and
// its hit stored as a warning; then the queue, its counts, one warning with
// its linked (masked) records, the handling actions and the rule's
// precision, as a town discipline inspector, a village secretary and an
// inspector of another town see them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/id_number.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "rules/engine.h"
#include "rules/registry.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using json = nlohmann::json;
using testing::TestServer;

json body_of(const testing::HttpResult& r) {
  return json::parse(r.body, nullptr, false);
}

class DbHttpWarnings : public ::testing::Test {
 protected:
  DbHttpWarnings() {
    server.add_user("towna_jw", "town_discipline", testing::kTownA);
    server.add_user("townb_jw", "town_discipline", testing::kTownB);
    server.add_user("a1_secretary", "village_secretary", testing::kVillageA1);
    server.add_user("a1_bookkeeper", "village_bookkeeper", testing::kVillageA1);
  }

  void load(const char* dataset, std::string csv) {
    imports::Importer importer(server.db(), server.vault());
    auto source = imports::csv_source(std::move(csv));
    auto r = importer.run(*imports::find_dataset(dataset), *source, {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->rejected, 0u) << dataset;
  }

  // A subsidy paid in village A1 to a person who had died: the shipped S01
  // rule finds it and the warning store keeps it.
  void raise_s01() {
    load("deaths", "id_number,death_date\n" + dead + ",2025-01-10\n");
    load("subsidies",
         "id,program_code,program_name,department,recipient_id_number,village_code,amount,paid_at\n"
         "SB1,DB01,低保金,民政局," +
             dead + "," + testing::kVillageA1 + ",300,2025-01-11 09:00\n");
    auto all = rules::builtin_rules();
    ASSERT_TRUE(all.ok());
    std::vector<rules::RuleDef> s01;
    for (auto& r : *all) {
      if (r.id == "S01") s01.push_back(std::move(r));
    }
    ASSERT_EQ(s01.size(), 1u);
    auto facts = rules::FactStore::load(server.db(), &server.vault());
    ASSERT_TRUE(facts.ok()) << facts.error().message;
    auto engine = rules::Engine::compile(s01, *facts, {}, core::WorkdayCalendar::builtin());
    ASSERT_TRUE(engine.ok()) << engine.error().message;
    const core::Date as_of = *core::Date::parse("2025-03-01");
    auto runs = engine->run_only(*facts, as_of.days_since_epoch(), {"S01"});
    ASSERT_EQ(runs.size(), 1u);
    ASSERT_EQ(runs[0].hits.size(), 1u);
    const rules::RuleDef& rule = s01.front();
    const warnings::RuleRouting routing = rules::routing_of(rule);
    auto applied =
        server.warnings().apply(routing, warnings::ApplyScope::all(), runs[0].hits, as_of);
    ASSERT_TRUE(applied.ok()) << applied.error().message;
    ASSERT_EQ(applied->created, 1);
  }

  long long only_warning_id(testing::HttpClient& c) {
    auto r = c.get("/api/v1/warnings");
    EXPECT_EQ(r.status, 200) << r.body;
    json b = body_of(r);
    EXPECT_EQ(b["total"], 1);
    return b["items"].empty() ? 0 : b["items"][0]["id"].get<long long>();
  }

  TestServer server;
  const std::string dead = "11010519491231002X";
};

TEST_F(DbHttpWarnings, TheQueueShowsTheWarningWithItsCountsByCategoryAndRegion) {
  raise_s01();
  auto jw = server.login("towna_jw");
  auto r = jw.get("/api/v1/warnings?status=new&severity=red&category=S");
  ASSERT_EQ(r.status, 200) << r.body;
  json list = body_of(r);
  ASSERT_EQ(list["total"], 1);
  const json& w = list["items"][0];
  EXPECT_EQ(w["rule_id"], "S01");
  EXPECT_EQ(w["rule_title"], "补贴对象死亡后仍在发放");
  EXPECT_EQ(w["severity"], "red");
  EXPECT_EQ(w["status"], "new");
  EXPECT_EQ(w["region_code"], testing::kVillageA1);
  EXPECT_EQ(w["region_name"], "江滨社区");
  EXPECT_EQ(w["routed_to"]["body"], "town_discipline");
  EXPECT_EQ(w["routed_to"]["region_code"], testing::kTownA);
  EXPECT_EQ(w["category_name"], "惠民惠农补贴");
  EXPECT_EQ(w["explanation"].get<std::string>().find(dead), std::string::npos)
      << "the explanation shows the ID number masked";

  // Filters that exclude it.
  EXPECT_EQ(body_of(jw.get("/api/v1/warnings?status=closed"))["total"], 0);
  EXPECT_EQ(body_of(jw.get("/api/v1/warnings?severity=yellow"))["total"], 0);
  EXPECT_EQ(body_of(jw.get("/api/v1/warnings?category=projects"))["total"], 0);
  EXPECT_EQ(body_of(jw.get(std::string("/api/v1/warnings?region=") + testing::kVillageA2))["total"],
            0);
  EXPECT_EQ(body_of(jw.get("/api/v1/warnings?rule=P01"))["total"], 0);

  json counts = body_of(jw.get("/api/v1/warnings/counts"));
  EXPECT_EQ(counts["total"]["new"], 1);
  EXPECT_EQ(counts["total"]["closed"], 0);
  ASSERT_EQ(counts["by_category"].size(), 7u);
  for (const auto& c : counts["by_category"]) {
    EXPECT_EQ(c["counts"]["new"], c["category"] == "subsidies" ? 1 : 0) << c.dump();
  }
  ASSERT_EQ(counts["by_region"].size(), 1u);
  EXPECT_EQ(counts["by_region"][0]["region_code"], testing::kVillageA1);
  EXPECT_EQ(counts["by_region"][0]["name"], "江滨社区");

  // Another town's inspector sees nothing of it.
  auto other = server.login("townb_jw");
  EXPECT_EQ(body_of(other.get("/api/v1/warnings"))["total"], 0);
  EXPECT_EQ(body_of(other.get("/api/v1/warnings/counts"))["total"]["total"], 0);
}

TEST_F(DbHttpWarnings, TheWarningPageShowsEvidenceThresholdsAndTheMaskedRecords) {
  raise_s01();
  auto jw = server.login("towna_jw");
  const long long id = only_warning_id(jw);
  auto r = jw.get("/api/v1/warnings/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  json w = body_of(r);
  EXPECT_EQ(w["evidence"]["death_date"], "2025-01-10");
  EXPECT_EQ(w["evidence_labels"]["death_date"], "死亡日期");
  ASSERT_EQ(w["params"].size(), 1u);
  EXPECT_EQ(w["params"][0]["name"], "grace_days");
  EXPECT_EQ(w["params"][0]["title"], "死亡后宽限天数");
  EXPECT_EQ(w["params"][0]["type"], "days");
  EXPECT_EQ(w["params"][0]["value"], 0);
  EXPECT_EQ(w["params"][0]["source_name"], "默认值");
  EXPECT_FALSE(w["rule_basis"].get<std::string>().empty());
  EXPECT_TRUE(w["can_handle"]);
  EXPECT_TRUE(w["can_judge"]);
  ASSERT_EQ(w["timeline"].size(), 1u);
  EXPECT_EQ(w["timeline"][0]["action"], "created");

  // The subsidy is readable in the inspector's town, masked; the death
  // register is county-wide and withheld from a town role.
  ASSERT_EQ(w["records"].size(), 2u);
  const json& subsidies = w["records"][0];
  EXPECT_EQ(subsidies["dataset"], "subsidies");
  ASSERT_EQ(subsidies["rows"].size(), 1u);
  EXPECT_EQ(subsidies["rows"][0]["id"], "SB1");
  EXPECT_EQ(subsidies["rows"][0]["amount"], 30000);
  EXPECT_EQ(subsidies["rows"][0]["village_code_name"], "江滨社区");
  const std::string shown_id = subsidies["rows"][0]["recipient_id_number"];
  EXPECT_NE(shown_id, dead);
  EXPECT_EQ(shown_id.substr(0, 6), dead.substr(0, 6));
  EXPECT_NE(shown_id.find('*'), std::string::npos);
  EXPECT_EQ(subsidies["not_shown"], 0);
  const json& deaths = w["records"][1];
  EXPECT_EQ(deaths["dataset"], "deaths");
  EXPECT_TRUE(deaths["rows"].empty());
  EXPECT_FALSE(deaths["withheld"].get<std::string>().empty());
  EXPECT_EQ(r.body.find(dead), std::string::npos) << "no whole ID number anywhere in the page";

  // Outside the caller's scope the warning does not exist.
  auto other = server.login("townb_jw");
  EXPECT_EQ(other.get("/api/v1/warnings/" + std::to_string(id)).status, 404);
  EXPECT_EQ(jw.get("/api/v1/warnings/999999").status, 404);
  EXPECT_EQ(jw.get("/api/v1/warnings/abc").status, 404);
  // Without a warning permission the queue is closed.
  auto bookkeeper = server.login("a1_bookkeeper");
  EXPECT_EQ(bookkeeper.get("/api/v1/warnings").status, 403);
  EXPECT_EQ(server.anonymous().get("/api/v1/warnings").status, 401);
}

TEST_F(DbHttpWarnings, AnInspectorMarksAFalsePositiveAndTheRulePrecisionFollows) {
  raise_s01();
  auto jw = server.login("towna_jw");
  const long long id = only_warning_id(jw);
  const std::string base = "/api/v1/warnings/" + std::to_string(id);

  json before = body_of(jw.get("/api/v1/warnings/precision?rule=S01"));
  EXPECT_TRUE(before["items"].empty()) << before.dump();

  // The village may see it but not dismiss it.
  auto secretary = server.login("a1_secretary");
  json seen = body_of(secretary.get(base));
  EXPECT_FALSE(seen["can_judge"]);
  auto refused = secretary.post(base + "/close", R"({"verdict":"false_positive","reason":"x"})");
  EXPECT_EQ(refused.status, 403) << refused.body;

  auto accepted = jw.post(base + "/accept", R"({"note":"已受理，调取发放凭证"})");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(body_of(accepted)["status"], "handling");
  EXPECT_EQ(jw.post(base + "/accept", "{}").status, 409) << "accepted only once";

  auto note = jw.post(base + "/notes", R"({"note":"经核实，死亡登记日期录入有误"})");
  ASSERT_EQ(note.status, 200) << note.body;

  auto no_reason = jw.post(base + "/close", R"({"verdict":"false_positive"})");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(body_of(no_reason)["error"]["field"], "reason");
  EXPECT_EQ(jw.post(base + "/close", R"({"verdict":"maybe","reason":"x"})").status, 400);
  EXPECT_EQ(jw.post(base + "/close", "not json").status, 400);

  auto closed =
      jw.post(base + "/close", R"({"verdict":"false_positive","reason":"死亡日期登记错误"})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  json after = body_of(closed);
  EXPECT_EQ(after["status"], "closed");
  EXPECT_EQ(after["verdict"], "false_positive");
  EXPECT_EQ(after["verdict_reason"], "死亡日期登记错误");
  ASSERT_TRUE(after["rule_precision"].is_object());
  EXPECT_EQ(after["rule_precision"]["false_positive"], 1);
  EXPECT_EQ(after["rule_precision"]["precision"], 0.0);
  std::vector<std::string> actions;
  for (const auto& e : after["timeline"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"created", "accepted", "note", "closed"}));

  json precision = body_of(jw.get("/api/v1/warnings/precision"));
  ASSERT_EQ(precision["items"].size(), 1u);
  EXPECT_EQ(precision["items"][0]["rule_id"], "S01");
  EXPECT_EQ(precision["items"][0]["rule_title"], "补贴对象死亡后仍在发放");
  EXPECT_EQ(precision["items"][0]["false_positive"], 1);
  EXPECT_EQ(precision["items"][0]["precision"], 0.0);

  // Reopened, it is open again and the verdict no longer counts.
  EXPECT_EQ(jw.post(base + "/reopen", "{}").status, 400);
  auto reopened = jw.post(base + "/reopen", R"({"reason":"登记机关复函确认死亡日期无误"})");
  ASSERT_EQ(reopened.status, 200) << reopened.body;
  EXPECT_EQ(body_of(reopened)["status"], "handling");
  EXPECT_EQ(body_of(reopened)["reopened_count"], 1);
}

TEST_F(DbHttpWarnings, BadFiltersAreRefusedByName) {
  auto jw = server.login("towna_jw");
  auto bad = [&](const std::string& query, const std::string& field) {
    auto r = jw.get("/api/v1/warnings?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(body_of(r)["error"]["field"], field) << query;
  };
  bad("status=open", "status");
  bad("severity=blue", "severity");
  bad("category=weather", "category");
  bad("body=mayor", "body");
  bad("rule=" + std::string(40, 'A'), "rule");
  // A region outside the inspector's town.
  EXPECT_EQ(jw.get(std::string("/api/v1/warnings?region=") + testing::kVillageB1).status, 403);
}

}  // namespace
}  // namespace mingjing::http
