// auth: accounts, role assignments with region scopes, sessions.
//
// A user holds one or more role assignments, each a role plus the root of
// the region subtree it covers (and, for departments, the programmes it may
// act on). A session always acts under exactly one assignment, the active
// one; every permission and scope check uses that assignment alone, so a
// user with several roles never gets the union of the widest.
//
// Sessions live in the database (so several server processes share them).
// The client holds a random token in an HttpOnly cookie; only its BLAKE2b
// digest is stored. State-changing requests must also carry the session's
// CSRF token.
//
// Thread-safety: AuthService and UserService are safe to share.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/roles.h"
#include "core/result.h"
#include "db/database.h"
#include "regions/regions.h"

namespace mingjing::auth {

struct RoleAssignment {
  long long id = 0;
  std::string role;         // roles.h code
  std::string region_code;  // root of the subtree it covers
  std::vector<std::string> programmes;
};

struct User {
  long long id = 0;
  std::string username;
  std::string display_name;
  std::string status;  // active | disabled
  bool must_change_password = false;
  bool locked = false;
  long long created_at = 0;
  std::optional<long long> last_login_at;
  std::vector<RoleAssignment> roles;
};

// An authenticated session: the caller of every scoped service call.
struct Principal {
  long long user_id = 0;
  std::string username;
  std::string display_name;
  bool must_change_password = false;
  std::vector<RoleAssignment> roles;
  RoleAssignment active;
  std::string csrf_token;
  // Digest of the session token this principal came from ("" outside a
  // session, e.g. the command line).
  std::string session_digest;
  long long idle_expires_at = 0;  // unix ms

  // Permission of the active role only.
  bool can(std::string_view permission) const { return role_has(active.role, permission); }
  audit::Actor actor() const { return {user_id, username, active.role, active.region_code}; }
};

struct Settings {
  int max_failed_logins = 5;
  long long lock_ms = 15 * 60 * 1000;
  long long idle_timeout_ms = 30 * 60 * 1000;
  long long absolute_timeout_ms = 12 * 60 * 60 * 1000;
  // Login attempts accepted per client address per window, whatever the
  // account: slows password spraying across accounts.
  int ip_attempts_per_window = 30;
  long long ip_window_ms = 5 * 60 * 1000;
  // last_seen is written at most this often per session (writes are costly).
  long long touch_interval_ms = 60 * 1000;
  // A validated session is reused from memory for this long before it is
  // read again, so most requests cost no database round trip. Logout, role
  // switches and account changes in this process take effect at once; in
  // another process sharing PostgreSQL, within this time. 0 disables.
  long long session_cache_ms = 2000;
  PasswordCost password_cost;
};

struct LoginResult {
  std::string token;  // give to the client as a cookie; never stored
  Principal principal;
};

class AuthService {
 public:
  AuthService(db::Database& db, regions::RegionService& regions, Settings settings);

  // Errors: invalid_argument (empty fields), unauthorized (wrong username or
  // password; the same message for both), locked (too many failures; also
  // returned for the failure that locks), forbidden (disabled, or no role),
  // rate_limited (too many attempts from `client_ip`).
  core::Result<LoginResult> login(const std::string& username, const std::string& password,
                                  const std::string& client_ip);
  // The session for `token`. Errors: unauthorized (unknown, idle or expired;
  // an expired session is deleted).
  core::Result<Principal> authenticate(const std::string& token);
  // Ends the session. An unknown token is not an error.
  core::Status logout(const std::string& token);
  // Makes another of the user's own assignments the active one.
  // Errors: not_found (not one of theirs).
  core::Result<Principal> switch_role(const std::string& token, long long role_id);
  // Errors: invalid_argument (old password wrong, field old_password; policy
  // or unchanged, field new_password).
  core::Status change_password(const Principal& who, const std::string& old_password,
                               const std::string& new_password);

  const Settings& settings() const { return settings_; }

 private:
  bool allow_attempt(const std::string& ip, long long now);
  // Drops the cached session. With `ended` (logout, role switch) also stops
  // requests already reading it from the database from caching it again.
  void forget(const std::string& digest, bool ended = false);
  struct Cached {
    Principal principal;
    long long loaded_at;
    long long last_seen;
    long long created_at;
    std::uint64_t epoch;
  };

  db::Database& db_;
  regions::RegionService& regions_;
  Settings settings_;
  std::mutex ip_mu_;
  std::shared_mutex cache_mu_;
  std::unordered_map<std::string, Cached> cache_;
  // Counts sessions ended in this process (guarded by cache_mu_). A session
  // read from the database is cached only if none ended meanwhile, so a
  // request in flight during logout cannot put the ended session back.
  std::uint64_t forgotten_ = 0;
  std::map<std::string, std::vector<long long>> ip_attempts_;
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string password;
  std::vector<RoleAssignment> roles;  // id ignored
};

struct UserUpdate {
  std::string display_name;
  std::string status;  // active | disabled
  std::vector<RoleAssignment> roles;
};

struct UserQuery {
  std::string q;       // part of username or display name
  std::string region;  // users with a role at or below this region
  int page = 1;
  int page_size = 20;
};

struct UserPage {
  std::vector<User> items;
  long long total = 0;
};

// Account administration. Every call takes the acting Principal and checks
// its active role's permission and region scope: an administrator sees and
// manages only users whose every assignment lies in their subtree, and can
// grant only assignments inside it.
class UserService {
 public:
  UserService(db::Database& db, regions::RegionService& regions, PasswordCost cost);

  core::Result<UserPage> list(const Principal& who, const UserQuery& q);
  core::Result<User> get(const Principal& who, long long id);
  // Errors: forbidden (permission or scope), invalid_argument (field named),
  // conflict (username taken).
  core::Result<User> create(const Principal& who, const NewUser& u);
  core::Result<User> update(const Principal& who, long long id, const UserUpdate& u);
  core::Status reset_password(const Principal& who, long long id, const std::string& password);
  core::Status unlock(const Principal& who, long long id);

  // For the command line and the demo, which act as the system: no scope.
  core::Result<User> create_system(const NewUser& u, const std::string& via);
  core::Status set_password_system(const std::string& username, const std::string& password);
  std::vector<User> list_all();

 private:
  core::Status validate(const NewUser& u, bool with_password);
  core::Status check_assignments(const Principal* who, const std::vector<RoleAssignment>& roles);
  core::Result<User> create_impl(const audit::Actor& actor, const NewUser& u);
  core::Result<User> manageable(const Principal& who, long long id, std::string_view permission);

  db::Database& db_;
  regions::RegionService& regions_;
  PasswordCost cost_;
};

// Bumped by every change to accounts or roles, so cached sessions in this
// process are re-read at once.
void note_accounts_changed();

// Loads one user with roles, or nullopt.
std::optional<User> load_user(db::Connection& conn, long long id);
std::optional<User> load_user_by_name(db::Connection& conn, const std::string& username);
// Canonical JSON of a user for audit digests (no password hash).
std::string user_state(const User& u);

}  // namespace mingjing::auth
