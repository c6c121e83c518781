// Tests for auth: password hashing and policy, login and lockout, sessions
// (timeouts, logout, role switching and the in-memory session cache) and
// account administration within the acting role's scope.
//
// Suites named Db* run on SQLite and, through mingjing_pg_tests, PostgreSQL.
#include "auth/auth.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "db/row.h"
#include "db/soci.h"
#include "support/region_fixture.h"
#include "support/test_db.h"

namespace mingjing::auth {
namespace {

using testing::kCounty;
using testing::kTownA;
using testing::kTownB;
using testing::kVillageA1;
using testing::kVillageA2;
using testing::kVillageB1;
constexpr const char* kPassword = "Test@Pass2026";
constexpr const char* kWrong = "Wrong@Pass2026";
constexpr const char* kPolicyMessage =
    "密码至少10位，且需包含大写字母、小写字母、数字和符号中的三类";

const PasswordCost kFastCost{1, 8192};  // argon2id at its minimum cost: tests only

Settings fast_settings() {
  Settings s;
  s.password_cost = kFastCost;
  s.ip_attempts_per_window = 1000;
  return s;
}

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// ---------------------------------------------------------------------------
// Passwords and the role catalogue: no database.

TEST(Password, HashIsSaltedArgon2idWithTheGivenCost) {
  std::string a = hash_password(kPassword, kFastCost);
  std::string b = hash_password(kPassword, kFastCost);
  EXPECT_EQ(a.rfind("$argon2id$", 0), 0u) << a;
  EXPECT_NE(a.find("m=8,t=1"), std::string::npos) << a;  // memlimit is given in KiB
  EXPECT_NE(a, b) << "each hash has its own salt";
  EXPECT_EQ(a.find(kPassword), std::string::npos);
}

TEST(Password, VerifyAcceptsTheRightPasswordOnly) {
  std::string h = hash_password(kPassword, kFastCost);
  EXPECT_TRUE(verify_password(kPassword, h));
  EXPECT_FALSE(verify_password(kWrong, h));
  EXPECT_FALSE(verify_password("", h));
  EXPECT_FALSE(verify_password(std::string(kPassword) + "x", h));
  EXPECT_FALSE(verify_password("test@pass2026", h));  // case matters
}

TEST(Password, MalformedOrOtherAlgorithmHashesNeverMatch) {
  std::string h = hash_password(kPassword, kFastCost);
  EXPECT_FALSE(verify_password(kPassword, ""));
  EXPECT_FALSE(verify_password(kPassword, "not a hash"));
  EXPECT_FALSE(verify_password(kPassword, h.substr(0, h.size() - 4)));
  // An argon2i string (not argon2id) is refused even if otherwise valid.
  std::string argon2i = "$argon2i$" + h.substr(std::string("$argon2id$").size());
  EXPECT_FALSE(verify_password(kPassword, argon2i));
}

TEST(PasswordPolicy, AcceptsTenCharactersOfThreeClasses) {
  EXPECT_TRUE(check_password_policy("Abcdefghi1", "password").ok());     // upper, lower, digit
  EXPECT_TRUE(check_password_policy("abcdefgh1!", "password").ok());     // lower, digit, symbol
  EXPECT_TRUE(check_password_policy("ABCDEFGH!a", "password").ok());     // upper, symbol, lower
  EXPECT_TRUE(check_password_policy("Test@Pass2026", "password").ok());  // all four
  EXPECT_TRUE(check_password_policy("A1!" + std::string(125, 'a'), "password").ok());  // 128
}

TEST(PasswordPolicy, RefusesShortOrTwoClassPasswordsWithAClearMessage) {
  for (const char* bad : {"Abcdef1!x",     // 9 characters, four classes
                          "abcdefghijkl",  // one class
                          "abcdefghij12",  // two classes
                          "ABCDEFGH!!!!",  // two classes
                          "1234567890!!",  // two classes
                          "abc def ghi",   // a space is not a symbol
                          ""}) {
    auto st = check_password_policy(bad, "new_password");
    ASSERT_FALSE(st.ok()) << bad;
    EXPECT_EQ(st.error().code, core::errc::kInvalidArgument);
    EXPECT_EQ(st.error().message, kPolicyMessage) << bad;
    EXPECT_EQ(st.error().field, "new_password");
  }
}

TEST(PasswordPolicy, CountsCharactersNotBytes) {
  // 8 characters but 16 bytes: too short.
  auto st = check_password_policy("密码密码Ab1!", "password");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, kPolicyMessage);
  // 10 characters.
  EXPECT_TRUE(check_password_policy("密码密码Abc12!", "password").ok());
}

TEST(PasswordPolicy, RefusesOverlongPasswords) {
  std::string p = "Aa1!" + std::string(125, 'x');  // 129 bytes
  auto st = check_password_policy(p, "password");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "密码过长（最多128个字符）");
  EXPECT_EQ(st.error().field, "password");
}

TEST(Roles, CatalogueLevelsAndPermissions) {
  ASSERT_NE(find_role("town_admin"), nullptr);
  EXPECT_EQ(find_role("town_admin")->level, core::RegionLevel::town);
  EXPECT_EQ(find_role("sys_admin")->level, core::RegionLevel::county);
  EXPECT_EQ(find_role("village_member")->level, core::RegionLevel::village);
  EXPECT_TRUE(find_role("county_department")->needs_programme);
  EXPECT_EQ(find_role("nobody"), nullptr);
  EXPECT_TRUE(role_has("town_admin", perm::kUserCreate));
  EXPECT_FALSE(role_has("village_member", perm::kUserCreate));
  EXPECT_FALSE(role_has("town_admin", perm::kAuditVerify));
  EXPECT_FALSE(role_has("nobody", perm::kRegionRead));
  for (const RoleDef& r : role_catalogue()) {
    EXPECT_TRUE(role_has(r.code, perm::kRegionRead)) << r.code;
  }
}

TEST(Roles, WhoReadsWarningsReadsTheRulesAndOnlyTheCountyCommissionChangesThem) {
  for (const RoleDef& r : role_catalogue()) {
    EXPECT_EQ(role_has(r.code, perm::kRuleList), role_has(r.code, perm::kWarningList)) << r.code;
    EXPECT_EQ(role_has(r.code, perm::kRuleEdit), r.code == "county_discipline") << r.code;
  }
}

TEST(Roles, PrincipalUsesTheActiveRoleOnly) {
  Principal p;
  p.user_id = 7;
  p.username = "dual";
  p.roles = {{1, "village_member", kVillageB1, {}}, {2, "town_admin", kTownA, {}}};
  p.active = p.roles[0];
  EXPECT_FALSE(p.can(perm::kUserCreate));
  EXPECT_EQ(p.actor().region_code, kVillageB1);
  EXPECT_EQ(p.actor().role, "village_member");
  p.active = p.roles[1];
  EXPECT_TRUE(p.can(perm::kUserCreate));
  EXPECT_EQ(p.actor().region_code, kTownA);
}

// ---------------------------------------------------------------------------
// Database fixture: the region tree above, a UserService and an AuthService
// whose settings a test may replace.

class DbAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    auto imported = regions.import_csv(testing::kSmallRegionTreeCsv, {});
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    ASSERT_EQ(imported->rejected, 0u);
    use(fast_settings());
  }

  void use(const Settings& s) { auth = std::make_unique<AuthService>(tdb.db(), regions, s); }

  // Sessions stay cached for a minute: a test that sees a change at once
  // shows the change dropped the cached session, not that the cache expired.
  void use_long_session_cache() {
    Settings s = fast_settings();
    s.session_cache_ms = 60000;
    use(s);
  }

  long long add_user(const std::string& username, std::vector<RoleAssignment> roles,
                     const std::string& password = kPassword) {
    auto u = users.create_system({username, "测试" + username, password, std::move(roles)}, "test");
    EXPECT_TRUE(u.ok()) << username << ": " << u.error().message;
    return u.ok() ? u->id : 0;
  }
  long long add_user(const std::string& username, const std::string& role,
                     const std::string& region) {
    return add_user(username, {{0, role, region, {}}});
  }

  LoginResult login_ok(const std::string& username, const std::string& password = kPassword) {
    auto r = auth->login(username, password, "127.0.0.1");
    EXPECT_TRUE(r.ok()) << username << ": " << r.error().code << " " << r.error().message;
    return r.ok() ? *r : LoginResult{};
  }

  long long scalar(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long v = -1;
    soci::rowset<soci::row> rows = (conn.session().prepare << sql);
    for (const soci::row& r : rows) v = db::get_int(r, 0);
    return v;
  }

  void exec(const std::string& sql) {
    auto conn = tdb.db().connect();
    conn.session() << sql;
  }

  long long audit_count(const std::string& action) {
    audit::Query q;
    q.action = action;
    return audit::list(tdb.db(), q).total;
  }

  std::optional<User> user(long long id) {
    auto conn = tdb.db().connect();
    return load_user(conn, id);
  }

  testing::TestDb tdb;
  regions::RegionService regions{tdb.db()};
  UserService users{tdb.db(), regions, kFastCost};
  std::unique_ptr<AuthService> auth;
};

// --- login -----------------------------------------------------------------

TEST_F(DbAuth, LoginReturnsASessionStoredOnlyAsADigest) {
  long long id = add_user("zhang", "town_discipline", kTownA);
  long long before = db::now_unix_ms();
  LoginResult r = login_ok("zhang");
  ASSERT_FALSE(r.token.empty());
  EXPECT_GE(r.token.size(), 40u);
  EXPECT_EQ(r.principal.user_id, id);
  EXPECT_EQ(r.principal.username, "zhang");
  EXPECT_EQ(r.principal.active.role, "town_discipline");
  EXPECT_EQ(r.principal.active.region_code, kTownA);
  EXPECT_FALSE(r.principal.csrf_token.empty());
  EXPECT_NE(r.principal.csrf_token, r.token);
  EXPECT_GE(r.principal.idle_expires_at, before + fast_settings().idle_timeout_ms);

  auto who = auth->authenticate(r.token);
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(who->user_id, id);
  EXPECT_EQ(who->csrf_token, r.principal.csrf_token);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions WHERE token_hash = '" + r.token + "'"), 0);
  EXPECT_GE(user(id)->last_login_at.value_or(0), before);
  EXPECT_EQ(audit_count("auth.login"), 1);
  // A second login is a second session.
  LoginResult r2 = login_ok("zhang");
  EXPECT_NE(r2.token, r.token);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 2);
}

TEST_F(DbAuth, WrongPasswordAndUnknownUserGiveTheSameError) {
  add_user("zhang", "town_discipline", kTownA);
  auto wrong = auth->login("zhang", kWrong, "127.0.0.1");
  auto unknown = auth->login("nobody", kWrong, "127.0.0.1");
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kUnauthorized);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);
  EXPECT_EQ(unknown.error().field, wrong.error().field);
  EXPECT_EQ(wrong.error().message, "用户名或密码错误");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 0);
  EXPECT_EQ(audit_count("auth.login_failed"), 2);
}

TEST_F(DbAuth, EmptyFieldsAreNamed) {
  auto no_user = auth->login("", kPassword, "127.0.0.1");
  ASSERT_FALSE(no_user.ok());
  EXPECT_EQ(no_user.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(no_user.error().field, "username");
  auto no_password = auth->login("zhang", "", "127.0.0.1");
  ASSERT_FALSE(no_password.ok());
  EXPECT_EQ(no_password.error().field, "password");
}

TEST_F(DbAuth, FiveFailuresLockTheAccountForFifteenMinutes) {
  long long id = add_user("zhang", "town_discipline", kTownA);
  for (int i = 0; i < 4; ++i) {
    auto r = auth->login("zhang", kWrong, "127.0.0.1");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kUnauthorized) << "attempt " << i + 1;
  }
  EXPECT_FALSE(user(id)->locked);
  long long before = db::now_unix_ms();
  auto fifth = auth->login("zhang", kWrong, "127.0.0.1");
  long long after = db::now_unix_ms();
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.error().code, core::errc::kLocked);
  EXPECT_EQ(fifth.error().message, "密码错误次数过多，账号已锁定15分钟");
  long long until = scalar("SELECT locked_until FROM users WHERE id = " + std::to_string(id));
  EXPECT_GE(until, before + 15 * 60 * 1000);
  EXPECT_LE(until, after + 15 * 60 * 1000);
  EXPECT_TRUE(user(id)->locked);
  EXPECT_EQ(audit_count("auth.lock"), 1);

  // The right password is refused while locked, and opens no session.
  auto right = auth->login("zhang", kPassword, "127.0.0.1");
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.error().code, core::errc::kLocked);
  EXPECT_EQ(right.error().message, "账号已锁定，请15分钟后再试");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 0);

  // The message counts down what is left, in whole minutes rounded up.
  exec("UPDATE users SET locked_until = " + std::to_string(db::now_unix_ms() + 61 * 1000) +
       " WHERE id = " + std::to_string(id));
  auto later = auth->login("zhang", kPassword, "127.0.0.1");
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().message, "账号已锁定，请2分钟后再试");
}

TEST_F(DbAuth, AnAdministratorCanUnlock) {
  add_user("admin", "sys_admin", kCounty);
  long long id = add_user("zhang", "town_discipline", kTownA);
  for (int i = 0; i < 5; ++i) (void)auth->login("zhang", kWrong, "127.0.0.1");
  ASSERT_TRUE(user(id)->locked);
  Principal admin = login_ok("admin").principal;
  ASSERT_TRUE(users.unlock(admin, id).ok());
  EXPECT_FALSE(user(id)->locked);
  login_ok("zhang");
  EXPECT_EQ(audit_count("user.unlock"), 1);
}

TEST_F(DbAuth, TheLockEndsAfterLockMsAndTheCountStartsAgain) {
  Settings s = fast_settings();
  s.lock_ms = 200;
  use(s);
  add_user("zhang", "town_discipline", kTownA);
  for (int i = 0; i < 5; ++i) (void)auth->login("zhang", kWrong, "127.0.0.1");
  auto locked = auth->login("zhang", kPassword, "127.0.0.1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code, core::errc::kLocked);
  sleep_ms(250);
  // One more failure after the lock is an ordinary failure, not a new lock.
  auto again = auth->login("zhang", kWrong, "127.0.0.1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, core::errc::kUnauthorized);
  login_ok("zhang");
}

TEST_F(DbAuth, ASuccessfulLoginResetsTheFailureCount) {
  add_user("zhang", "town_discipline", kTownA);
  for (int i = 0; i < 4; ++i) (void)auth->login("zhang", kWrong, "127.0.0.1");
  login_ok("zhang");
  for (int i = 0; i < 4; ++i) {
    auto r = auth->login("zhang", kWrong, "127.0.0.1");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kUnauthorized) << "attempt " << i + 1;
  }
  login_ok("zhang");
}

TEST_F(DbAuth, ConcurrentFailuresAreAllCounted) {
  // Guessing in parallel must not get more tries than guessing in turn.
  constexpr int kThreads = 8;
  Settings s = fast_settings();
  s.max_failed_logins = kThreads;
  use(s);
  long long id = add_user("zhang", "town_discipline", kTownA);
  std::atomic<int> unauthorized{0}, locked{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      auto r = auth->login("zhang", kWrong, "10.0.0." + std::to_string(i));
      if (r.ok()) {
        ++other;
      } else if (r.error().code == core::errc::kUnauthorized) {
        ++unauthorized;
      } else if (r.error().code == core::errc::kLocked) {
        ++locked;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other, 0);
  EXPECT_EQ(locked, 1);
  EXPECT_EQ(unauthorized, kThreads - 1);
  EXPECT_TRUE(user(id)->locked);
  auto right = auth->login("zhang", kPassword, "127.0.0.1");
  ASSERT_FALSE(right.ok());
  EXPECT_EQ(right.error().code, core::errc::kLocked);
}

TEST_F(DbAuth, DisabledOrRolelessAccountsCannotLogIn) {
  long long roleless = add_user("wang", "town_agency", kTownA);
  {
    auto conn = tdb.db().connect();
    conn.session() << "DELETE FROM user_roles WHERE user_id = :u", soci::use(roleless);
  }
  auto none = auth->login("wang", kPassword, "127.0.0.1");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, core::errc::kForbidden);
  EXPECT_EQ(none.error().message, "账号未分配角色，请联系管理员");

  add_user("admin", "sys_admin", kCounty);
  long long id = add_user("zhang", "town_discipline", kTownA);
  Principal admin = login_ok("admin").principal;
  auto updated =
      users.update(admin, id, {"测试zhang", "disabled", {{0, "town_discipline", kTownA, {}}}});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  auto r = auth->login("zhang", kPassword, "127.0.0.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kForbidden);
  EXPECT_EQ(r.error().message, "账号已停用，请联系管理员");
  // A disabled account with the wrong password looks like any wrong password.
  auto wrong = auth->login("zhang", kWrong, "127.0.0.1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, core::errc::kUnauthorized);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(id)), 0);
}

TEST_F(DbAuth, LoginAttemptsAreLimitedPerAddress) {
  Settings s = fast_settings();
  s.ip_attempts_per_window = 3;
  use(s);
  add_user("zhang", "town_discipline", kTownA);
  for (int i = 0; i < 3; ++i) {
    auto r = auth->login("nobody" + std::to_string(i), kWrong, "10.0.0.1");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kUnauthorized);
  }
  auto limited = auth->login("zhang", kPassword, "10.0.0.1");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.error().code, core::errc::kRateLimited);
  auto other_ip = auth->login("zhang", kPassword, "10.0.0.2");
  EXPECT_TRUE(other_ip.ok());
}

// --- sessions --------------------------------------------------------------

TEST_F(DbAuth, UnknownTokensAreRefused) {
  for (const std::string& t : {std::string(), std::string("nonsense"), std::string(200, 'a')}) {
    auto r = auth->authenticate(t);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, core::errc::kUnauthorized);
    EXPECT_EQ(r.error().message, "会话已过期，请重新登录");
  }
}

TEST_F(DbAuth, IdleSessionsExpireAndActivityKeepsThemAlive) {
  Settings s = fast_settings();
  s.idle_timeout_ms = 300;
  s.touch_interval_ms = 0;
  s.session_cache_ms = 60000;
  use(s);
  add_user("zhang", "town_discipline", kTownA);
  std::string token = login_ok("zhang").token;
  sleep_ms(150);
  EXPECT_TRUE(auth->authenticate(token).ok());
  sleep_ms(150);
  // 300 ms after login, 150 ms after the last use.
  EXPECT_TRUE(auth->authenticate(token).ok()) << "activity should keep the session alive";
  sleep_ms(350);
  auto expired = auth->authenticate(token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, core::errc::kUnauthorized);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 0) << "an expired session is deleted";
}

TEST_F(DbAuth, SessionsEndAtTheAbsoluteTimeoutWhateverTheActivity) {
  Settings s = fast_settings();
  s.absolute_timeout_ms = 300;
  s.touch_interval_ms = 0;
  s.session_cache_ms = 60000;
  use(s);
  add_user("zhang", "town_discipline", kTownA);
  std::string token = login_ok("zhang").token;
  sleep_ms(150);
  EXPECT_TRUE(auth->authenticate(token).ok());
  sleep_ms(200);
  EXPECT_FALSE(auth->authenticate(token).ok());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 0);
}

TEST_F(DbAuth, LogoutEndsTheSessionAtOnceDespiteTheCache) {
  use_long_session_cache();
  add_user("zhang", "town_discipline", kTownA);
  std::string token = login_ok("zhang").token;
  std::string other = login_ok("zhang").token;
  ASSERT_TRUE(auth->authenticate(token).ok());  // now cached
  ASSERT_TRUE(auth->authenticate(other).ok());
  ASSERT_TRUE(auth->logout(token).ok());
  auto r = auth->authenticate(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kUnauthorized);
  EXPECT_TRUE(auth->authenticate(other).ok()) << "only the one session ends";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(audit_count("auth.logout"), 1);
  // Logging out twice, or with a made-up token, is not an error.
  EXPECT_TRUE(auth->logout(token).ok());
  EXPECT_TRUE(auth->logout("made-up").ok());
  EXPECT_EQ(audit_count("auth.logout"), 1);
}

TEST_F(DbAuth, SwitchRoleTakesEffectAtOnceDespiteTheCache) {
  use_long_session_cache();
  add_user("dual", {{0, "town_admin", kTownA, {}}, {0, "village_member", kVillageB1, {}}});
  long long other_id = add_user("lisi", "town_agency", kTownB);
  LoginResult r = login_ok("dual");
  ASSERT_EQ(r.principal.roles.size(), 2u);
  EXPECT_EQ(r.principal.active.role, "town_admin");
  auto cached = auth->authenticate(r.token);
  ASSERT_TRUE(cached.ok());
  EXPECT_TRUE(cached->can(perm::kUserCreate));

  long long member_role = r.principal.roles[1].id;
  auto switched = auth->switch_role(r.token, member_role);
  ASSERT_TRUE(switched.ok()) << switched.error().message;
  EXPECT_EQ(switched->active.role, "village_member");
  EXPECT_EQ(switched->active.region_code, kVillageB1);
  auto now = auth->authenticate(r.token);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->active.id, member_role);
  EXPECT_EQ(now->active.region_code, kVillageB1);
  EXPECT_FALSE(now->can(perm::kUserCreate));
  EXPECT_EQ(now->actor().region_code, kVillageB1);
  EXPECT_EQ(audit_count("auth.switch_role"), 1);

  // Another process reading the session from the database agrees.
  AuthService fresh(tdb.db(), regions, fast_settings());
  auto from_db = fresh.authenticate(r.token);
  ASSERT_TRUE(from_db.ok());
  EXPECT_EQ(from_db->active.id, member_role);

  // Only the user's own assignments.
  long long foreign_role = user(other_id)->roles.at(0).id;
  auto refused = auth->switch_role(r.token, foreign_role);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::errc::kNotFound);
  EXPECT_EQ(auth->authenticate(r.token)->active.id, member_role);
  auto anonymous = auth->switch_role("made-up", member_role);
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.error().code, core::errc::kUnauthorized);
}

TEST_F(DbAuth, DisablingAUserEndsTheirSessionsDespiteTheCache) {
  use_long_session_cache();
  add_user("admin", "sys_admin", kCounty);
  long long id = add_user("zhang", "town_discipline", kTownA);
  Principal admin = login_ok("admin").principal;
  std::string token = login_ok("zhang").token;
  ASSERT_TRUE(auth->authenticate(token).ok());  // now cached
  ASSERT_TRUE(
      users.update(admin, id, {"张三", "disabled", {{0, "town_discipline", kTownA, {}}}}).ok());
  auto r = auth->authenticate(token);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kUnauthorized);
}

TEST_F(DbAuth, ChangingAUsersRolesEndsTheirSessionsDespiteTheCache) {
  use_long_session_cache();
  add_user("admin", "sys_admin", kCounty);
  long long id = add_user("zhang", "town_discipline", kTownA);
  Principal admin = login_ok("admin").principal;
  std::string token = login_ok("zhang").token;
  ASSERT_EQ(auth->authenticate(token)->active.role, "town_discipline");
  auto updated = users.update(admin, id, {"测试zhang", "active", {{0, "town_agency", kTownB, {}}}});
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  EXPECT_FALSE(auth->authenticate(token).ok()) << "the old role must not survive in the cache";
  LoginResult again = login_ok("zhang");
  EXPECT_EQ(again.principal.active.role, "town_agency");
  EXPECT_EQ(again.principal.active.region_code, kTownB);
  ASSERT_EQ(again.principal.roles.size(), 1u);
}

TEST_F(DbAuth, ResettingAPasswordEndsTheUsersSessionsDespiteTheCache) {
  use_long_session_cache();
  add_user("admin", "sys_admin", kCounty);
  long long id = add_user("zhang", "town_discipline", kTownA);
  LoginResult admin_login = login_ok("admin");
  Principal admin = admin_login.principal;

  // By the command line (set_password_system).
  std::string token = login_ok("zhang").token;
  ASSERT_TRUE(auth->authenticate(token).ok());
  ASSERT_TRUE(users.set_password_system("zhang", "Other@Pass2026").ok());
  EXPECT_FALSE(auth->authenticate(token).ok());
  EXPECT_FALSE(auth->login("zhang", kPassword, "127.0.0.1").ok());
  token = login_ok("zhang", "Other@Pass2026").token;
  EXPECT_FALSE(user(id)->must_change_password);

  // By an administrator: the user must choose a new one.
  ASSERT_TRUE(auth->authenticate(token).ok());
  ASSERT_TRUE(users.reset_password(admin, id, "Reset@Pass2026").ok());
  EXPECT_FALSE(auth->authenticate(token).ok());
  EXPECT_TRUE(user(id)->must_change_password);
  EXPECT_TRUE(login_ok("zhang", "Reset@Pass2026").principal.must_change_password);
  // The administrator's own session is untouched.
  EXPECT_TRUE(auth->authenticate(admin_login.token).ok());
  EXPECT_EQ(audit_count("user.reset_password"), 2);
  auto weak = users.reset_password(admin, id, "short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "password");
  auto unknown = users.set_password_system("nobody", "Other@Pass2026");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::errc::kNotFound);
}

TEST_F(DbAuth, ChangingOwnPasswordShowsAtOnceDespiteTheCache) {
  use_long_session_cache();
  add_user("admin", "sys_admin", kCounty);
  Principal admin = login_ok("admin").principal;
  auto created = users.create(
      admin, {"newbie", "新人", "Initial@2026x", {{0, "town_discipline", kTownA, {}}}});
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_TRUE(created->must_change_password) << "an administrator's password must be changed";
  std::string token = login_ok("newbie", "Initial@2026x").token;
  std::string elsewhere = login_ok("newbie", "Initial@2026x").token;  // e.g. another browser
  ASSERT_TRUE(auth->authenticate(elsewhere).ok());                    // now cached
  auto who = auth->authenticate(token);
  ASSERT_TRUE(who.ok());
  EXPECT_TRUE(who->must_change_password);

  auto wrong_old = auth->change_password(*who, "Nope@2026xx", "Changed@2026x");
  ASSERT_FALSE(wrong_old.ok());
  EXPECT_EQ(wrong_old.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(wrong_old.error().field, "old_password");
  auto weak = auth->change_password(*who, "Initial@2026x", "short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "new_password");
  EXPECT_EQ(weak.error().message, kPolicyMessage);
  auto same = auth->change_password(*who, "Initial@2026x", "Initial@2026x");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.error().field, "new_password");

  ASSERT_TRUE(auth->change_password(*who, "Initial@2026x", "Changed@2026x").ok());
  auto after = auth->authenticate(token);
  ASSERT_TRUE(after.ok()) << "changing one's own password keeps the session";
  EXPECT_FALSE(after->must_change_password) << "the cached session must be re-read";
  EXPECT_FALSE(auth->authenticate(elsewhere).ok())
      << "other sessions on the old password end with the change";
  EXPECT_FALSE(auth->login("newbie", "Initial@2026x", "127.0.0.1").ok());
  login_ok("newbie", "Changed@2026x");
  EXPECT_EQ(audit_count("auth.change_password"), 1);
}

TEST_F(DbAuth, ARequestInFlightDuringLogoutDoesNotReviveTheSession) {
  // A request that read the session just before logout committed must not
  // put it back into the cache after logout cleared it. The other thread
  // marks accounts changed before each call so that every call reads the
  // database and refills the cache, which is where the race lies.
  use_long_session_cache();
  add_user("zhang", "town_discipline", kTownA);
  int revived = 0;
  for (int round = 0; round < 20; ++round) {
    std::string token = login_ok("zhang").token;
    std::atomic<bool> stop{false};
    std::atomic<int> calls{0};
    std::thread busy([&] {
      while (!stop) {
        note_accounts_changed();
        (void)auth->authenticate(token);
        ++calls;
      }
    });
    while (calls < 3) std::this_thread::yield();
    ASSERT_TRUE(auth->logout(token).ok());
    stop = true;
    busy.join();
    if (auth->authenticate(token).ok()) ++revived;
  }
  EXPECT_EQ(revived, 0) << "logged-out sessions came back from the cache";
}

TEST_F(DbAuth, AnotherProcessSeesChangesWithinTheCacheTime) {
  // Two AuthServices on two pools stand for two server processes; the
  // epoch is per process, so the second relies on session_cache_ms.
  Settings s = fast_settings();
  s.session_cache_ms = 0;
  use(s);
  add_user("zhang", "town_discipline", kTownA);
  auto other_db = tdb.open_again();
  AuthService other(*other_db, regions, s);
  std::string token = login_ok("zhang").token;
  ASSERT_TRUE(other.authenticate(token).ok());
  ASSERT_TRUE(auth->logout(token).ok());
  EXPECT_FALSE(other.authenticate(token).ok()) << "no cache: read from the database every time";
}

// --- scopes ----------------------------------------------------------------

TEST_F(DbAuth, TownAdminCreatesUsersOnlyInTheirSubtree) {
  add_user("town_a", "town_admin", kTownA);
  Principal admin = login_ok("town_a").principal;

  auto ok =
      users.create(admin, {"cun1", "村委员", kPassword, {{0, "village_member", kVillageA1, {}}}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->must_change_password);
  ASSERT_EQ(ok->roles.size(), 1u);
  EXPECT_EQ(ok->roles[0].region_code, kVillageA1);
  auto town_role =
      users.create(admin, {"jiwei", "镇纪委", kPassword, {{0, "town_discipline", kTownA, {}}}});
  EXPECT_TRUE(town_role.ok()) << town_role.error().message;

  for (const RoleAssignment& outside : std::vector<RoleAssignment>{
           {0, "village_member", kVillageB1, {}},
           {0, "town_agency", kTownB, {}},
           {0, "county_leader", kCounty, {}},
       }) {
    auto r = users.create(admin, {"outsider", "外人", kPassword, {outside}});
    ASSERT_FALSE(r.ok()) << outside.region_code;
    EXPECT_EQ(r.error().code, core::errc::kForbidden);
    EXPECT_EQ(r.error().message, "无权管理该区域的用户");
  }
  // One assignment outside the subtree spoils the whole request.
  auto mixed = users.create(
      admin, {"mixed",
              "混合",
              kPassword,
              {{0, "village_member", kVillageA1, {}}, {0, "village_member", kVillageB1, {}}}});
  ASSERT_FALSE(mixed.ok());
  EXPECT_EQ(mixed.error().code, core::errc::kForbidden);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM users WHERE username IN ('outsider', 'mixed')"), 0);
  EXPECT_EQ(audit_count("user.create"), 2 + 1);  // town_a by the system, then cun1 and jiwei
}

TEST_F(DbAuth, NobodyGrantsRolesTheyMayNotGrant) {
  add_user("town_a", "town_admin", kTownA);
  add_user("member", "village_member", kVillageA1);
  long long target = add_user("lisi", "village_member", kVillageA2);
  Principal admin = login_ok("town_a").principal;

  // County roles, administrators above all, are beyond a town administrator.
  for (const char* role : {"sys_admin", "county_discipline", "county_leader"}) {
    auto r = users.create(admin, {"upper", "上级", kPassword, {{0, role, kCounty, {}}}});
    ASSERT_FALSE(r.ok()) << role;
    EXPECT_EQ(r.error().code, core::errc::kForbidden) << role;
    auto u = users.update(admin, target, {"测试lisi", "active", {{0, role, kCounty, {}}}});
    ASSERT_FALSE(u.ok()) << role;
    EXPECT_EQ(u.error().code, core::errc::kForbidden) << role;
  }
  EXPECT_EQ(user(target)->roles.at(0).role, "village_member") << "a refused update changes nothing";

  // A role without account permissions grants nothing.
  Principal plain = login_ok("member").principal;
  auto r =
      users.create(plain, {"cun2", "村民", kPassword, {{0, "village_member", kVillageA1, {}}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kForbidden);
  EXPECT_EQ(r.error().message, "当前角色无权执行此操作");
  EXPECT_FALSE(users.list(plain, {}).ok());
  EXPECT_FALSE(users.get(plain, target).ok());

  // Roles must sit at their own level and exist.
  auto wrong_level =
      users.create(admin, {"cun3", "村民", kPassword, {{0, "town_agency", kVillageA1, {}}}});
  ASSERT_FALSE(wrong_level.ok());
  EXPECT_EQ(wrong_level.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(wrong_level.error().field, "roles");
  EXPECT_EQ(wrong_level.error().message,
            std::string(find_role("town_agency")->name) + "须在乡镇（街道）一级任职");
  auto unknown = users.create(admin, {"cun3", "村民", kPassword, {{0, "king", kTownA, {}}}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, core::errc::kInvalidArgument);
  auto none = users.create(admin, {"cun3", "村民", kPassword, {}});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().field, "roles");
}

TEST_F(DbAuth, CountyDepartmentsNeedAProgrammeScope) {
  add_user("admin", "sys_admin", kCounty);
  Principal admin = login_ok("admin").principal;
  auto without = users.create(
      admin, {"minzheng", "民政局", kPassword, {{0, "county_department", kCounty, {}}}});
  ASSERT_FALSE(without.ok());
  EXPECT_EQ(without.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(without.error().field, "roles");
  EXPECT_EQ(without.error().message, "县级部门须指定负责的项目");
  auto bad = users.create(
      admin, {"minzheng", "民政局", kPassword, {{0, "county_department", kCounty, {"a,b"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "roles");

  // Programmes belong to roles that work by programme only.
  auto stray = users.create(
      admin, {"jiwei", "纪委", kPassword, {{0, "county_discipline", kCounty, {"dibao"}}}});
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.error().field, "roles");
  EXPECT_EQ(stray.error().message,
            std::string(find_role("county_discipline")->name) + "不按项目分工，无需指定项目");

  auto with = users.create(
      admin,
      {"minzheng", "民政局", kPassword, {{0, "county_department", kCounty, {"dibao", "tekun"}}}});
  ASSERT_TRUE(with.ok()) << with.error().message;
  ASSERT_EQ(with->roles.size(), 1u);
  EXPECT_EQ(with->roles[0].programmes, (std::vector<std::string>{"dibao", "tekun"}));
  // The programmes come back with the session.
  Principal dept = auth->login("minzheng", kPassword, "127.0.0.1")->principal;
  EXPECT_EQ(dept.active.programmes, (std::vector<std::string>{"dibao", "tekun"}));
}

TEST_F(DbAuth, AUserWithTwoRolesActsOnlyWithTheActiveOnesScope) {
  add_user("dual", {{0, "town_admin", kTownA, {}}, {0, "village_member", kVillageB1, {}}});
  long long in_a = add_user("cun_a", "village_member", kVillageA1);
  long long in_b = add_user("cun_b", "village_member", kVillageB1);
  LoginResult r = login_ok("dual");
  Principal as_admin = r.principal;
  ASSERT_EQ(as_admin.active.role, "town_admin");
  EXPECT_EQ(as_admin.actor().region_code, kTownA);

  // As town administrator of A: A only, even though the user also holds a
  // role in B.
  EXPECT_TRUE(users.get(as_admin, in_a).ok());
  auto b = users.get(as_admin, in_b);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, core::errc::kForbidden);
  auto create_b = users.create(
      as_admin, {"cun_b2", "村民", kPassword, {{0, "village_member", kVillageB1, {}}}});
  ASSERT_FALSE(create_b.ok());
  EXPECT_EQ(create_b.error().code, core::errc::kForbidden);
  auto page = users.list(as_admin, {});
  ASSERT_TRUE(page.ok());
  std::vector<std::string> names;
  for (const auto& u : page->items) names.push_back(u.username);
  // "dual" itself has a role outside A, so A's administrator does not list it.
  EXPECT_EQ(names, (std::vector<std::string>{"cun_a"}));
  UserQuery in_b_query;
  in_b_query.region = kTownB;
  auto list_b = users.list(as_admin, in_b_query);
  ASSERT_FALSE(list_b.ok());
  EXPECT_EQ(list_b.error().code, core::errc::kForbidden);

  // As village member in B: no account administration at all.
  auto as_member = auth->switch_role(r.token, as_admin.roles[1].id);
  ASSERT_TRUE(as_member.ok());
  EXPECT_FALSE(as_member->can(perm::kUserList));
  EXPECT_FALSE(as_member->can(perm::kAuditList));
  EXPECT_EQ(as_member->actor().region_code, kVillageB1);
  EXPECT_FALSE(users.list(*as_member, {}).ok());
  EXPECT_FALSE(users.get(*as_member, in_a).ok());
  auto create_a = users.create(
      *as_member, {"cun_a2", "村民", kPassword, {{0, "village_member", kVillageA1, {}}}});
  ASSERT_FALSE(create_a.ok());
  EXPECT_EQ(create_a.error().code, core::errc::kForbidden);
}

TEST_F(DbAuth, AdministratorsManageOnlyUsersWhollyInTheirSubtree) {
  add_user("town_a", "town_admin", kTownA);
  long long dual = add_user(
      "dual", {{0, "village_member", kVillageA1, {}}, {0, "village_member", kVillageB1, {}}});
  long long mine = add_user("cun_a", "village_member", kVillageA1);
  Principal admin = login_ok("town_a").principal;
  auto get = users.get(admin, dual);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, core::errc::kForbidden);
  for (const core::Status& st :
       {users.reset_password(admin, dual, "Reset@Pass2026"), users.unlock(admin, dual)}) {
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, core::errc::kForbidden);
  }
  auto upd = users.update(admin, dual, {"双", "disabled", {{0, "village_member", kVillageA1, {}}}});
  ASSERT_FALSE(upd.ok());
  EXPECT_EQ(upd.error().code, core::errc::kForbidden);
  EXPECT_EQ(user(dual)->status, "active");
  EXPECT_EQ(user(dual)->roles.size(), 2u);

  auto missing = users.get(admin, 99999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::errc::kNotFound);

  // Own account: may not disable oneself.
  long long self = admin.user_id;
  auto off = users.update(admin, self, {"测试town_a", "disabled", {{0, "town_admin", kTownA, {}}}});
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().field, "status");

  auto moved =
      users.update(admin, mine, {"新名字", "active", {{0, "village_member", kVillageA2, {}}}});
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->display_name, "新名字");
  EXPECT_EQ(moved->roles.at(0).region_code, kVillageA2);
  EXPECT_EQ(audit_count("user.update"), 1);
}

TEST_F(DbAuth, NewUsersAreValidated) {
  add_user("admin", "sys_admin", kCounty);
  Principal admin = login_ok("admin").principal;
  RoleAssignment role{0, "town_agency", kTownA, {}};
  auto taken = users.create(admin, {"admin", "重名", kPassword, {role}});
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, core::errc::kConflict);
  EXPECT_EQ(taken.error().field, "username");
  for (const char* name : {"Ab", "Zhang", "zh ang", "张三", "x'; DROP TABLE users; --"}) {
    auto r = users.create(admin, {name, "姓名", kPassword, {role}});
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().field, "username") << name;
  }
  auto no_name = users.create(admin, {"zhang", "", kPassword, {role}});
  ASSERT_FALSE(no_name.ok());
  EXPECT_EQ(no_name.error().field, "display_name");
  auto weak = users.create(admin, {"zhang", "张三", "password", {role}});
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field, "password");
  EXPECT_EQ(weak.error().message, kPolicyMessage);
  auto twice = users.create(admin, {"zhang", "张三", kPassword, {role, role}});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().field, "roles");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM users"), 1);
}

}  // namespace
}  // namespace mingjing::auth
