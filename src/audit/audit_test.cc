// Tests for the hash-chained audit log: appending inside transactions,
// verification (and where it points when rows are edited or deleted behind
// its back), and the filtered list.
//
// Suites named Db* run on SQLite and, through mingjing_pg_tests, PostgreSQL.
#include "audit/audit.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "db/row.h"
#include "db/soci.h"
#include "support/test_db.h"

namespace mingjing::audit {
namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

TEST(AuditDigest, IsHexBlake2b256AndEmptyForNoState) {
  EXPECT_EQ(digest("abc"), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  EXPECT_EQ(digest(""), "");
  EXPECT_NE(digest("{\"a\":1}"), digest("{\"a\":2}"));
}

Query query(std::string username, std::string action, std::vector<std::string> roots = {},
            int page = 1, int page_size = 20) {
  Query q;
  q.username = std::move(username);
  q.action = std::move(action);
  q.region_scope_roots = std::move(roots);
  q.page = page;
  q.page_size = page_size;
  return q;
}

Entry entry(const std::string& username, const std::string& region, const std::string& action,
            const std::string& target = "user:1") {
  return {{username.empty() ? 0 : 10, username, username.empty() ? "system" : "town_admin", region},
          action,
          target,
          "detail",
          "",
          ""};
}

class DbAudit : public ::testing::Test {
 protected:
  long long add(const Entry& e) {
    auto id = append_now(tdb.db(), e);
    EXPECT_TRUE(id.ok());
    return id.ok() ? *id : 0;
  }

  void exec(const std::string& sql) {
    auto conn = tdb.db().connect();
    conn.session() << sql;
  }

  long long count() {
    auto conn = tdb.db().connect();
    long long n = -1;
    soci::rowset<soci::row> rows = (conn.session().prepare << "SELECT COUNT(*) FROM audit_log");
    for (const soci::row& r : rows) n = db::get_int(r, 0);
    return n;
  }

  std::vector<std::string> actions(const Query& q) {
    std::vector<std::string> out;
    for (const auto& e : list(tdb.db(), q).items) out.push_back(e.action);
    return out;
  }

  testing::TestDb tdb;
};

TEST_F(DbAudit, AppendsInATransactionAndTheChainVerifies) {
  std::vector<long long> ids;
  long long before = db::now_unix_ms();
  {
    auto conn = tdb.db().connect();
    db::Transaction tx(conn);
    ids.push_back(append(conn, {{3, "zhang", "town_admin", "330782001000"},
                                "user.update",
                                "user:9",
                                "{\"n\":1}",
                                "{\"status\":\"active\"}",
                                "{\"status\":\"disabled\"}"}));
    ids.push_back(append(conn, entry("li", "330782001001", "auth.login")));
    ids.push_back(append(conn, entry("", "", "user.create")));
    tx.commit();
  }
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);

  VerifyReport report = verify(tdb.db());
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries, 3);
  EXPECT_FALSE(report.first_broken_id.has_value());
  EXPECT_EQ(report.message, "审计日志完整，共 3 条");

  Page page = list(tdb.db(), {});
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.total, 3);
  // Newest first; each entry points at the one before it.
  const StoredEntry& first = page.items[2];
  EXPECT_EQ(first.id, ids[0]);
  EXPECT_EQ(first.prev_hash, kGenesis);
  EXPECT_EQ(page.items[1].prev_hash, first.hash);
  EXPECT_EQ(page.items[0].prev_hash, page.items[1].hash);
  EXPECT_EQ(first.hash.size(), 64u);
  EXPECT_GE(first.at, before);
  EXPECT_EQ(first.user_id, 3);
  EXPECT_EQ(first.username, "zhang");
  EXPECT_EQ(first.role, "town_admin");
  EXPECT_EQ(first.region_code, "330782001000");
  EXPECT_EQ(first.target, "user:9");
  EXPECT_EQ(first.detail, "{\"n\":1}");
  // States are kept only as digests.
  EXPECT_EQ(first.before_digest, digest("{\"status\":\"active\"}"));
  EXPECT_EQ(first.after_digest, digest("{\"status\":\"disabled\"}"));
  EXPECT_EQ(page.items[0].before_digest, "");
  EXPECT_EQ(page.items[0].user_id, 0);
}

TEST_F(DbAudit, AnEmptyLogVerifies) {
  VerifyReport report = verify(tdb.db());
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.entries, 0);
}

TEST_F(DbAudit, ARolledBackTransactionLeavesNoEntry) {
  add(entry("zhang", "330782001000", "auth.login"));
  {
    auto conn = tdb.db().connect();
    db::Transaction tx(conn);
    long long id = append(conn, entry("zhang", "330782001000", "user.create"));
    EXPECT_GT(id, 0);
    // No commit: the destructor rolls back.
  }
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(list(tdb.db(), query("", "user.create")).total, 0);
  // The chain carries on from the last committed entry.
  add(entry("zhang", "330782001000", "auth.logout"));
  VerifyReport report = verify(tdb.db());
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries, 2);
}

TEST_F(DbAudit, ConcurrentAppendsKeepOneChain) {
  constexpr int kThreads = 4, kEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto other = tdb.open_again();  // its own pool, like another process
      for (int i = 0; i < kEach; ++i) {
        auto id = append_now(*other, entry("u" + std::to_string(t), "330782001000", "x.y"));
        EXPECT_TRUE(id.ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  VerifyReport report = verify(tdb.db());
  EXPECT_TRUE(report.ok) << report.message;
  EXPECT_EQ(report.entries, kThreads * kEach);
}

// Five entries; row 3 is then edited directly in the database.
struct Edit {
  const char* name;
  const char* set;  // SQL SET clause
};

class DbAuditTamper : public DbAudit, public ::testing::WithParamInterface<Edit> {};

TEST_P(DbAuditTamper, VerifyNamesTheEditedRow) {
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i) {
    Entry e = entry("zhang", "330782001000", "user.update", "user:" + std::to_string(i));
    e.before = "{\"v\":" + std::to_string(i) + "}";
    e.after = "{\"v\":" + std::to_string(i + 1) + "}";
    ids.push_back(add(e));
  }
  ASSERT_TRUE(verify(tdb.db()).ok);
  exec(std::string("UPDATE audit_log SET ") + GetParam().set +
       " WHERE id = " + std::to_string(ids[2]));
  VerifyReport report = verify(tdb.db());
  EXPECT_FALSE(report.ok);
  ASSERT_TRUE(report.first_broken_id.has_value());
  EXPECT_EQ(*report.first_broken_id, ids[2]) << "the first broken entry, not a later one";
  EXPECT_EQ(report.entries, 3);
  EXPECT_EQ(report.message,
            "审计日志第 " + std::to_string(ids[2]) + " 条记录已被篡改或前序记录缺失");
}

INSTANTIATE_TEST_SUITE_P(
    Edits, DbAuditTamper,
    ::testing::Values(
        Edit{"action", "action = 'user.create'"}, Edit{"target", "target = 'user:99'"},
        Edit{"detail", "detail = 'nothing happened'"},
        Edit{"before", "before_digest = after_digest"},
        Edit{"after", "after_digest = before_digest"}, Edit{"before_cleared", "before_digest = ''"},
        Edit{"actor_name", "username = 'li'"}, Edit{"actor_id", "user_id = 11"},
        Edit{"actor_role", "role = 'sys_admin'"},
        Edit{"actor_region", "region_code = '330782000000'"}, Edit{"time", "at = at - 86400000"},
        Edit{"hash", "hash = prev_hash"}, Edit{"prev_hash", "prev_hash = hash"}),
    [](const ::testing::TestParamInfo<Edit>& info) { return std::string(info.param.name); });

TEST_F(DbAudit, EditingTheLastRowIsCaught) {
  add(entry("zhang", "330782001000", "a"));
  long long last = add(entry("zhang", "330782001000", "b"));
  exec("UPDATE audit_log SET action = 'c' WHERE id = " + std::to_string(last));
  VerifyReport report = verify(tdb.db());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, last);
}

TEST_F(DbAudit, DeletingAMiddleRowIsCaughtAtTheNextOne) {
  std::vector<long long> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(add(entry("zhang", "330782001000", "a")));
  exec("DELETE FROM audit_log WHERE id = " + std::to_string(ids[2]));
  VerifyReport report = verify(tdb.db());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, ids[3]);
  EXPECT_EQ(report.entries, 3);
}

TEST_F(DbAudit, DeletingTheFirstRowIsCaught) {
  std::vector<long long> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(add(entry("zhang", "330782001000", "a")));
  exec("DELETE FROM audit_log WHERE id = " + std::to_string(ids[0]));
  VerifyReport report = verify(tdb.db());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, ids[1]);
}

TEST_F(DbAudit, SwappingTwoRowsIsCaught) {
  std::vector<long long> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(add(entry("zhang", "330782001000", "a" + std::to_string(i))));
  // Give row 2 row 3's content and the other way round, hashes included.
  exec("UPDATE audit_log SET id = -1 WHERE id = " + std::to_string(ids[1]));
  exec("UPDATE audit_log SET id = " + std::to_string(ids[1]) +
       " WHERE id = " + std::to_string(ids[2]));
  exec("UPDATE audit_log SET id = " + std::to_string(ids[2]) + " WHERE id = -1");
  VerifyReport report = verify(tdb.db());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_broken_id, ids[1]);
}

// --- list ------------------------------------------------------------------

class DbAuditList : public DbAudit {
 protected:
  void SetUp() override {
    add(entry("", "", "system.start"));                     // system, no region
    add(entry("admin", "330782000000", "user.create"));     // county
    add(entry("zhang", "330782001000", "auth.login"));      // town A
    add(entry("zhang", "330782001000", "user.update"));     // town A
    add(entry("cun", "330782001001", "auth.login"));        // village in A
    add(entry("wang", "330782002000", "auth.login"));       // town B
    add(entry("zhangsan", "330782002001", "auth.logout"));  // village in B
    add(entry("other", "330783001000", "auth.login"));      // another county's town
    add(entry("pfx", "330782010000", "auth.login"));        // town 010: not town 001
  }
};

TEST_F(DbAuditList, WithoutFiltersListsEverythingNewestFirst) {
  Page page = list(tdb.db(), {});
  EXPECT_EQ(page.total, 9);
  ASSERT_EQ(page.items.size(), 9u);
  EXPECT_EQ(page.items.front().username, "pfx");
  EXPECT_EQ(page.items.back().action, "system.start");
  for (std::size_t i = 1; i < page.items.size(); ++i) {
    EXPECT_GT(page.items[i - 1].id, page.items[i].id);
  }
}

TEST_F(DbAuditList, ActorIsMatchedExactly) {
  EXPECT_EQ(actions(query("zhang", "")), (std::vector<std::string>{"user.update", "auth.login"}));
  EXPECT_EQ(list(tdb.db(), query("zhang", "")).total, 2);
  EXPECT_EQ(list(tdb.db(), query("zha", "")).total, 0);
  EXPECT_EQ(list(tdb.db(), query("ZHANG", "")).total, 0);
  EXPECT_EQ(list(tdb.db(), query("nobody", "")).total, 0);
}

TEST_F(DbAuditList, ActionIsAPrefix) {
  EXPECT_EQ(list(tdb.db(), query("", "auth.")).total, 6);
  EXPECT_EQ(list(tdb.db(), query("", "auth.login")).total, 5);
  EXPECT_EQ(list(tdb.db(), query("", "user")).total, 2);
  EXPECT_EQ(list(tdb.db(), query("", "login")).total, 0);
  // Wildcard characters in the prefix are taken literally.
  EXPECT_EQ(list(tdb.db(), query("", "auth_")).total, 0);
  EXPECT_EQ(list(tdb.db(), query("", "%")).total, 0);
  EXPECT_EQ(list(tdb.db(), query("", "%.login")).total, 0);
  add(entry("zhang", "330782001000", "odd_%!.action"));
  EXPECT_EQ(actions(query("", "odd_%!")), (std::vector<std::string>{"odd_%!.action"}));
  EXPECT_EQ(list(tdb.db(), query("zhang", "auth.")).total, 1);
}

TEST_F(DbAuditList, RegionScopeIsASubtree) {
  auto names = [&](std::vector<std::string> roots) {
    std::vector<std::string> out;
    for (const auto& e : list(tdb.db(), query("", "", std::move(roots))).items) {
      out.push_back(e.username);
    }
    return out;
  };
  // A town: itself and its villages, nothing else (not the county above, not
  // system entries, not a town whose code merely starts alike).
  EXPECT_EQ(names({"330782001000"}), (std::vector<std::string>{"cun", "zhang", "zhang"}));
  EXPECT_EQ(names({"330782002000"}), (std::vector<std::string>{"zhangsan", "wang"}));
  // A village: itself only.
  EXPECT_EQ(names({"330782001001"}), (std::vector<std::string>{"cun"}));
  // A county: everything below it, but system entries only when asked for.
  EXPECT_EQ(names({"330782000000"}), (std::vector<std::string>{"pfx", "zhangsan", "wang", "cun",
                                                               "zhang", "zhang", "admin"}));
  EXPECT_EQ(names({"330782000000", ""}), (std::vector<std::string>{"pfx", "zhangsan", "wang", "cun",
                                                                   "zhang", "zhang", "admin", ""}));
  // "" alone: the system's own entries.
  EXPECT_EQ(names({""}), (std::vector<std::string>{""}));
  // Several roots: their union.
  EXPECT_EQ(names({"330782001001", "330782002001"}), (std::vector<std::string>{"zhangsan", "cun"}));
  // The scope applies to the count too, and combines with other filters.
  EXPECT_EQ(list(tdb.db(), query("", "", {"330782001000"})).total, 3);
  EXPECT_EQ(list(tdb.db(), query("", "auth.", {"330782001000"})).total, 2);
}

TEST_F(DbAuditList, TimeRangeIncludesTheStartAndExcludesTheEnd) {
  // Spread the nine entries one hour apart, oldest first.
  const long long base = 1767196800000;  // 2026-01-01 00:00 in Shanghai
  exec("UPDATE audit_log SET at = " + std::to_string(base) +
       " + (id - (SELECT MIN(id) FROM audit_log)) * 3600000");
  Query q;
  q.from_ms = base + 2 * 3600000;
  q.until_ms = base + 5 * 3600000;
  Page page = list(tdb.db(), q);
  EXPECT_EQ(page.total, 3);
  EXPECT_EQ(actions(q), (std::vector<std::string>{"auth.login", "user.update", "auth.login"}));
  q.until_ms.reset();
  EXPECT_EQ(list(tdb.db(), q).total, 7);
  q.from_ms.reset();
  q.until_ms = base;
  EXPECT_EQ(list(tdb.db(), q).total, 0);
}

TEST_F(DbAuditList, Pages) {
  Page p1 = list(tdb.db(), query("", "", {}, 1, 4));
  Page p3 = list(tdb.db(), query("", "", {}, 3, 4));
  Page p4 = list(tdb.db(), query("", "", {}, 4, 4));
  EXPECT_EQ(p1.total, 9);
  EXPECT_EQ(p1.items.size(), 4u);
  EXPECT_EQ(p3.total, 9);
  ASSERT_EQ(p3.items.size(), 1u);
  EXPECT_EQ(p3.items[0].action, "system.start");
  EXPECT_TRUE(p4.items.empty());
  // Out-of-range values are clamped rather than failing.
  EXPECT_EQ(list(tdb.db(), query("", "", {}, 0, 0)).items.size(), 1u);
  EXPECT_EQ(list(tdb.db(), query("", "", {}, -5, 100000)).items.size(), 9u);
}

}  // namespace
}  // namespace mingjing::audit
