// The ground the warnings tests stand on: the small region tree
// (tests/support/region_fixture.h), one account per body that receives
// warnings plus a few that must not, a clock set to a known day and the
// shipped workday calendar. Suites derived from it are named Db* and run on
// SQLite and PostgreSQL.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/workday_calendar.h"
#include "db/row.h"
#include "db/soci.h"
#include "support/region_fixture.h"
#include "support/test_db.h"
#include "warnings/warnings.h"

namespace mingjing::warnings::testing {

using mingjing::testing::kCounty;
using mingjing::testing::kTownA;
using mingjing::testing::kTownB;
using mingjing::testing::kVillageA1;
using mingjing::testing::kVillageA2;
using mingjing::testing::kVillageB1;

inline core::Date day(const char* text) {
  return *core::Date::parse(text);
}

class WarningsFixture : public ::testing::Test {
 protected:
  WarningsFixture() {
    exec("INSERT INTO regions VALUES ('330782000000', '义乌市', 'county', NULL, 0)");
    exec("INSERT INTO regions VALUES ('330782001000', '稠城街道', 'town', '330782000000', 0)");
    exec("INSERT INTO regions VALUES ('330782002000', '江东街道', 'town', '330782000000', 0)");
    exec("INSERT INTO regions VALUES ('330782001001', '江滨社区', 'village', '330782001000', 0)");
    exec("INSERT INTO regions VALUES ('330782001002', '下车门社区', 'village', '330782001000', 0)");
    exec("INSERT INTO regions VALUES ('330782002001', '青口社区', 'village', '330782002000', 0)");
    // The bodies' accounts.
    add_user("a1_secretary", "village_secretary", kVillageA1);
    add_user("a1_director", "village_director", kVillageA1);
    add_user("a1_supervisor", "supervision_director", kVillageA1);
    add_user("a2_secretary", "village_secretary", kVillageA2);
    add_user("townA_jw", "town_discipline", kTownA);
    add_user("townB_jw", "town_discipline", kTownB);
    add_user("county_jw", "county_discipline", kCounty);
    add_user("dept_mz", "county_department", kCounty, "dibao,tekun");
    add_user("dept_ny", "county_department", kCounty, "nongji");
    // Accounts that are no body's: they get no notices and cannot act.
    add_user("a1_bookkeeper", "village_bookkeeper", kVillageA1);
    add_user("a1_member", "supervision_member", kVillageA1);
    add_user("townA_leader", "town_leader", kTownA);
    add_user("townA_admin", "town_admin", kTownA);
  }

  void exec(const std::string& sql) {
    auto conn = tdb.db().connect();
    conn.session() << sql;
  }
  long long count(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = 0;
    conn.session() << sql, soci::into(n);
    return n;
  }
  std::string text(const std::string& sql) {
    auto conn = tdb.db().connect();
    std::string out;
    soci::indicator ind = soci::i_ok;
    conn.session() << sql, soci::into(out, ind);
    return ind == soci::i_ok ? out : "";
  }

  long long add_user(const std::string& username, const std::string& role,
                     const std::string& region, const std::string& programmes = "") {
    auto conn = tdb.db().connect();
    long long id = 0;
    std::string u = username, r = role, g = region, p = programmes;
    conn.session() << "INSERT INTO users (username, display_name, password_hash, created_at, "
                      "updated_at) VALUES (:u, :d, 'x', 0, 0) RETURNING id",
        soci::use(u), soci::use(u), soci::into(id);
    conn.session() << "INSERT INTO user_roles (user_id, role, region_code, programmes) VALUES "
                      "(:i, :r, :g, :p)",
        soci::use(id), soci::use(r), soci::use(g), soci::use(p);
    users[username] = {id, username, role, region, split(programmes)};
    return id;
  }

  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
      std::size_t end = s.find(',', start);
      if (end == std::string::npos) end = s.size();
      out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  const Actor& as(const std::string& username) { return users.at(username); }
  long long uid(const std::string& username) { return users.at(username).user_id; }

  // Notices each account has received.
  long long notices_of(const std::string& username) {
    return count("SELECT COUNT(*) FROM notices WHERE user_id = " + std::to_string(uid(username)));
  }

  static RuleRouting rule(const std::string& id, const std::string& body, int workdays = 5,
                          const std::string& severity = "yellow") {
    RuleRouting r;
    r.rule_id = id;
    r.version = 1;
    r.body = body;
    r.deadline_workdays = workdays;
    r.severity = severity;
    return r;
  }

  static Hit hit(const std::string& rule_id, const std::string& key, const std::string& region,
                 long long amount = 100, const std::string& severity = "yellow") {
    Hit h;
    h.rule_id = rule_id;
    h.rule_version = 1;
    h.severity = severity;
    h.dedup_key = key;
    h.region_code = region;
    h.subjects = {{"subsidies", "SUB-" + key}};
    h.explanation = "测试预警" + key;
    h.evidence = {{"amount", amount}};
    h.params = {{"limit", 50, "default"}};
    return h;
  }

  // The id of the rule's warning with this key, or 0.
  long long warning_id(const std::string& rule_id, const std::string& key) {
    return count("SELECT COALESCE(MAX(id), 0) FROM warnings WHERE rule_id = '" + rule_id +
                 "' AND dedup_key = '" + key + "'");
  }

  mingjing::testing::TestDb tdb;
  // 2025-09-29 is a Monday before the National Day holiday (10-01 to 10-08,
  // with 09-28 and 10-11 worked).
  core::FixedClock clock{core::DateTime::from_local(day("2025-09-29"), 9, 30)};
  WarningStore store{tdb.db(), core::WorkdayCalendar::builtin(), clock};
  std::map<std::string, Actor> users;
};

}  // namespace mingjing::warnings::testing
