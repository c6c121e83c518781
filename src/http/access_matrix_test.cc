// Every endpoint against every role: the expected statuses live in
// tests/access_matrix.tsv, so the table the docs show is the table tested.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "db/soci.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using testing::TestServer;

struct MatrixRow {
  std::string method, path, body;
  std::vector<int> expected;  // one per role column
};

struct Matrix {
  std::vector<std::string> roles;
  std::vector<MatrixRow> rows;
};

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, '\t')) out.push_back(cell);
  return out;
}

Matrix load_matrix() {
  std::ifstream in(testing::source_dir() + "/tests/access_matrix.tsv");
  Matrix m;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_tabs(line);
    if (header) {
      m.roles.assign(cells.begin() + 3, cells.end());
      header = false;
      continue;
    }
    MatrixRow row{cells.at(0), cells.at(1), cells.at(2), {}};
    for (std::size_t i = 3; i < cells.size(); ++i) row.expected.push_back(std::stoi(cells[i]));
    m.rows.push_back(std::move(row));
  }
  return m;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
}

TEST(DbHttpAccess, EveryEndpointAndEveryRoleMatchesTheMatrix) {
  Matrix m = load_matrix();
  ASSERT_EQ(m.roles.size(), auth::role_catalogue().size() + 2)
      << "the matrix needs a column for every role, plus anonymous and a town-B actor";
  ASSERT_GE(m.rows.size(), 25u);

  TestServer server;
  // Targets: one user managed in each town.
  long long user_a = server.add_user("target_a", "town_agency", testing::kTownA);
  long long user_b = server.add_user("target_b", "town_agency", testing::kTownB);
  // An earlier web import by the town-A agency, with one rejected row.
  long long import_a = 0;
  {
    auto conn = server.db().connect();
    std::string sealed = server.vault().seal("bad");
    conn.session() << "INSERT INTO imports (dataset, file_name, file_sha256, user_id, username, "
                      "started_at, status, region_code) VALUES ('projects', 'p.csv', '', :u, "
                      "'target_a', 0, 'done', :r) RETURNING id",
        soci::use(user_a), soci::use(std::string(testing::kTownA)), soci::into(import_a);
    conn.session() << "INSERT INTO import_errors (import_id, seq, file_row, column_name, "
                      "value_enc, reason, reason_en) VALUES (:i, 0, 2, 'name', :v, 'x', 'x')",
        soci::use(import_a), soci::use(sealed);
  }

  // A red subsidy warning in village A1 (programme dibao) and one in
  // village B1, both with the town discipline commission.
  auto raise = [&](const char* key, const char* village) {
    warnings::Hit hit;
    hit.rule_id = "S01";
    hit.severity = "red";
    hit.dedup_key = key;
    hit.region_code = village;
    hit.subjects = {{"subsidies", key}};
    hit.explanation = "测试预警";
    hit.programme = "dibao";
    auto applied = server.warnings().apply({"S01", 1, "subsidies", "red", "town_discipline", 10},
                                           warnings::ApplyScope::keys({key}), {hit},
                                           *core::Date::parse("2025-03-01"));
    EXPECT_TRUE(applied.ok() && applied->created == 1);
    auto conn = server.db().connect();
    long long id = 0;
    conn.session() << "SELECT id FROM warnings WHERE dedup_key = :k", soci::use(std::string(key)),
        soci::into(id);
    return id;
  };
  const long long warning_a = raise("SB-A", testing::kVillageA1);
  const long long warning_b = raise("SB-B", testing::kVillageB1);
  // An override of F01 in town A, for the DELETE row.
  auto town_override = server.rule_registry().set_override(warnings::Actor::system("test"), "F01",
                                                           "cash_limit", testing::kTownA, "900");
  ASSERT_TRUE(town_override.ok()) << town_override.error().message;
  const std::string f01 = [] {
    std::ifstream in(testing::source_dir() + "/rules/F01.yaml");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();

  struct Actor {
    std::string column;
    std::optional<testing::HttpClient> client;
    long long own_role_id = 0;
  };
  std::vector<Actor> actors;
  for (const std::string& column : m.roles) {
    Actor a{column, std::nullopt, 0};
    if (column == "anonymous") {
      a.client = server.anonymous();
    } else {
      std::string role = column.substr(0, column.find('@'));
      const auth::RoleDef* def = auth::find_role(role);
      ASSERT_NE(def, nullptr) << column;
      std::string region = column.ends_with("@B")                    ? testing::kTownB
                           : def->level == core::RegionLevel::county ? testing::kCounty
                           : def->level == core::RegionLevel::town   ? testing::kTownA
                                                                     : testing::kVillageA1;
      std::string username = "actor_" + std::to_string(actors.size());
      server.add_user(
          username, role, region,
          def->needs_programme ? std::vector<std::string>{"dibao"} : std::vector<std::string>{});
      a.client = server.login(username);
      auto me = nlohmann::json::parse(a.client->get("/api/v1/auth/me").body);
      a.own_role_id = me["active_role_id"];
    }
    actors.push_back(std::move(a));
  }

  int created = 0;
  for (const MatrixRow& row : m.rows) {
    for (std::size_t i = 0; i < actors.size(); ++i) {
      Actor& actor = actors[i];
      std::string path = row.path;
      replace_all(path, "{county}", testing::kCounty);
      replace_all(path, "{townA}", testing::kTownA);
      replace_all(path, "{townB}", testing::kTownB);
      replace_all(path, "{villageA1}", testing::kVillageA1);
      replace_all(path, "{villageB1}", testing::kVillageB1);
      replace_all(path, "{userA}", std::to_string(user_a));
      replace_all(path, "{userB}", std::to_string(user_b));
      replace_all(path, "{dataset}", "projects");
      replace_all(path, "{importA}", std::to_string(import_a));
      replace_all(path, "{token}", "nosuchtoken");
      replace_all(path, "{warningA}", std::to_string(warning_a));
      replace_all(path, "{warningB}", std::to_string(warning_b));
      replace_all(path, "{rule}", "F01");
      replace_all(path, "{version1}", "1");  // shipped
      replace_all(path, "{version2}", "2");  // the draft the rule_draft row saves
      replace_all(path, "{ruleOverride}", std::to_string(town_override->id));
      nlohmann::json body;
      std::string raw;
      if (row.body == "new_user_townA" || row.body == "new_user_townB") {
        body = {{"username", "new_" + std::to_string(++created)},
                {"display_name", "新用户"},
                {"password", testing::kTestPassword},
                {"roles",
                 {{{"role", "town_discipline"},
                   {"region_code",
                    row.body == "new_user_townA" ? testing::kTownA : testing::kTownB}}}}};
      } else if (row.body == "update_userA" || row.body == "update_userB") {
        body = {
            {"display_name", "改名"},
            {"status", "active"},
            {"roles",
             {{{"role", "town_agency"},
               {"region_code", row.body == "update_userA" ? testing::kTownA : testing::kTownB}}}}};
      } else if (row.body == "subsidies_csv") {
        // An upload is the file itself, not JSON.
        raw = std::string(
                  "id,program_code,department,recipient_id_number,village_code,amount,"
                  "paid_at\nS1,dibao,民政局,11010519491231002X,") +
              testing::kVillageA1 + ",300.00,2025-03-01 10:00\n";
      } else if (row.body == "note") {
        body = {{"note", "核查进展"}};
      } else if (row.body == "bad_verdict") {
        body = {{"verdict", "maybe"}};
      } else if (row.body == "reason") {
        body = {{"reason", "复核"}};
      } else if (row.body == "bad_assignee") {
        body = {{"user_id", 999999}};
      } else if (row.body == "rule_draft") {
        std::string lower = f01;
        lower.replace(lower.find("default: 1000"), 13, "default: 500");
        body = {{"yaml", lower}, {"note", "降低限额"}};
      } else if (row.body == "rule_status_shadow") {
        body = {{"status", "shadow"}, {"reason", "试运行"}};
      } else if (row.body == "override_townA") {
        body = {{"param", "cash_limit"}, {"region_code", testing::kTownA}, {"value", "800"}};
      } else if (row.body == "backtest_small") {
        body = {{"from", "2025-01-01"}, {"to", "2025-12-31"}, {"sample", 1}};
      } else if (row.body == "unknown_login") {
        body = {{"username", "no_such_user"}, {"password", testing::kTestPassword}};
      } else if (row.body == "reset_password") {
        body = {{"password", "Reset@Pass2026"}};
      } else if (row.body == "own_role") {
        body = {{"role_id", actor.own_role_id}};
      } else if (row.body == "other_role") {
        body = {{"role_id", 999999}};
      } else if (row.body == "weak_password") {
        body = {{"old_password", testing::kTestPassword}, {"new_password", "short"}};
      } else {
        ASSERT_EQ(row.body, "-") << "unknown body template";
      }
      auto res = actor.client->request(row.method, path,
                                       !raw.empty()     ? raw
                                       : body.is_null() ? ""
                                                        : body.dump());
      EXPECT_EQ(res.status, row.expected[i])
          << row.method << " " << row.path << " as " << actor.column << ": " << res.body;
      // Every refusal is the JSON error shape, never an empty or HTML body.
      if (res.status >= 400) {
        auto err = nlohmann::json::parse(res.body, nullptr, false);
        ASSERT_TRUE(err.is_object() && err.contains("error")) << res.body;
        EXPECT_FALSE(err["error"]["message"].get<std::string>().empty());
      }
    }
  }
}

// The matrix must not fall behind the server: every route the application
// registers appears in it (paths compared with parameters and queries erased).
TEST(DbHttpAccess, TheMatrixCoversEveryRoute) {
  auto erase_params = [](std::string path) {
    path = path.substr(0, path.find('?'));
    std::string out;
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (path[i] == ':' || path[i] == '{') {
        out += ':';
        while (i + 1 < path.size() && path[i + 1] != '/') ++i;
      } else {
        out += path[i];
      }
    }
    return out;
  };
  std::set<std::string> tested;
  for (const MatrixRow& row : load_matrix().rows) {
    tested.insert(row.method + " " + erase_params(row.path));
  }
  TestServer server;
  std::size_t routes = 0;
  for (const Route& route : server.app().router().routes()) {
    ++routes;
    EXPECT_TRUE(tested.contains(route.method + " " + erase_params(route.pattern)))
        << route.method << " " << route.pattern << " is missing from tests/access_matrix.tsv";
  }
  EXPECT_GE(routes, 20u);
}

}  // namespace
}  // namespace mingjing::http
