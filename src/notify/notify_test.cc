// The inbox: who a body's members are, posting inside a transaction, and
// each user reading and marking only their own notices.
#include "notify/notify.h"

#include <gtest/gtest.h>

#include "db/soci.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::notify {
namespace {

using mingjing::testing::kCounty;
using mingjing::testing::kVillageA1;
using mingjing::testing::kVillageA2;

class DbNotify : public ::testing::Test {
 protected:
  DbNotify() {
    mingjing::testing::seed_town_a(tdb.db());
    secretary = add_user("sec", "village_secretary", kVillageA1);
    director = add_user("dir", "village_director", kVillageA1);
    other_village = add_user("sec2", "village_secretary", kVillageA2);
    bookkeeper = add_user("bk", "village_bookkeeper", kVillageA1);
    dept_both = add_user("mz", "county_department", kCounty, "dibao,tekun");
    dept_other = add_user("ny", "county_department", kCounty, "nongji");
    disabled = add_user("old", "village_director", kVillageA1);
    exec("UPDATE users SET status = 'disabled' WHERE id = " + std::to_string(disabled));
  }
  void exec(const std::string& sql) {
    auto conn = tdb.db().connect();
    conn.session() << sql;
  }
  long long add_user(const std::string& name, const std::string& role, const std::string& region,
                     const std::string& programmes = "") {
    auto conn = tdb.db().connect();
    long long id = 0;
    std::string n = name, r = role, g = region, p = programmes;
    conn.session() << "INSERT INTO users (username, display_name, password_hash, created_at, "
                      "updated_at) VALUES (:u, :d, 'x', 0, 0) RETURNING id",
        soci::use(n), soci::use(n), soci::into(id);
    conn.session() << "INSERT INTO user_roles (user_id, role, region_code, programmes) VALUES "
                      "(:i, :r, :g, :p)",
        soci::use(id), soci::use(r), soci::use(g), soci::use(p);
    return id;
  }
  std::vector<long long> members_of(const Body& body) {
    auto conn = tdb.db().connect();
    return members(conn, body);
  }
  int post_to(const std::vector<long long>& ids, const std::string& title, long long at) {
    auto conn = tdb.db().connect();
    db::Transaction tx(conn);
    int n = post(conn, ids, {"test", title, "正文", "/x"}, at);
    tx.commit();
    return n;
  }

  mingjing::testing::TestDb tdb;
  Inbox inbox{tdb.db()};
  long long secretary = 0, director = 0, other_village = 0, bookkeeper = 0, dept_both = 0,
            dept_other = 0, disabled = 0;
};

TEST_F(DbNotify, ABodyIsTheActiveHoldersOfItsRolesAtItsRegion) {
  EXPECT_EQ(members_of({{"village_secretary", "village_director"}, kVillageA1, ""}),
            (std::vector<long long>{secretary, director}));
  EXPECT_EQ(members_of({{"county_department"}, kCounty, "tekun"}),
            (std::vector<long long>{dept_both}));
  EXPECT_EQ(members_of({{"county_department"}, kCounty, "nongji"}),
            (std::vector<long long>{dept_other}));
  // "dib" is not "dibao": programmes match whole.
  EXPECT_TRUE(members_of({{"county_department"}, kCounty, "dib"}).empty());
  EXPECT_TRUE(members_of({{"town_discipline"}, kCounty, ""}).empty());
}

TEST_F(DbNotify, EachUserReadsAndMarksOnlyTheirOwn) {
  EXPECT_EQ(post_to({secretary, director}, "第一条", 1000), 2);
  EXPECT_EQ(post_to({secretary}, "第二条", 2000), 1);
  auto page = inbox.list(secretary, false, 1, 20);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->unread, 2);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].title, "第二条");  // newest first
  EXPECT_EQ(page->items[0].created_at, 2000);
  EXPECT_EQ(page->items[1].link, "/x");
  EXPECT_EQ(inbox.unread_count(director), 1);

  long long mine = page->items[1].id;
  auto theirs = inbox.mark_read(director, mine, 3000);
  ASSERT_FALSE(theirs.ok());
  EXPECT_EQ(theirs.error().code, "not_found");
  EXPECT_EQ(theirs.error().message, "通知不存在");
  ASSERT_TRUE(inbox.mark_read(secretary, mine, 3000).ok());
  ASSERT_TRUE(inbox.mark_read(secretary, mine, 4000).ok());  // again: keeps the first time
  auto unread = inbox.list(secretary, true, 1, 20);
  ASSERT_TRUE(unread.ok());
  EXPECT_EQ(unread->total, 1);
  ASSERT_EQ(unread->items.size(), 1u);
  EXPECT_EQ(unread->items[0].title, "第二条");
  auto all = inbox.list(secretary, false, 1, 20);
  EXPECT_EQ(all->items[1].read_at, 3000);
  EXPECT_EQ(inbox.mark_all_read(secretary, 5000), 1);
  EXPECT_EQ(inbox.unread_count(secretary), 0);
  EXPECT_EQ(inbox.unread_count(director), 1);
}

TEST_F(DbNotify, PagingIsChecked) {
  for (int i = 0; i < 5; ++i) post_to({secretary}, "n" + std::to_string(i), i);
  auto second = inbox.list(secretary, false, 2, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 2u);
  EXPECT_EQ(second->items[0].title, "n2");
  EXPECT_EQ(inbox.list(secretary, false, 0, 2).error().field, "page");
  EXPECT_EQ(inbox.list(secretary, false, 1, 101).error().field, "page_size");
}

TEST_F(DbNotify, NoticesRollBackWithTheirTransaction) {
  {
    auto conn = tdb.db().connect();
    db::Transaction tx(conn);
    post(conn, {secretary}, {"test", "不会保存", "", ""}, 1);
  }
  EXPECT_EQ(inbox.unread_count(secretary), 0);
}

}  // namespace
}  // namespace mingjing::notify
