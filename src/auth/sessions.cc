// AuthService: login, sessions, role switching, own password.
#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>

#include "auth/auth.h"
#include "db/row.h"
#include "db/soci.h"

namespace mingjing::auth {
namespace {

constexpr const char* kSelectHash =
    "SELECT id, password_hash, status, failed_logins, locked_until FROM users WHERE username = :u";
// Counted in the database, not from the value read before the (slow)
// password check: parallel guesses must each count.
constexpr const char* kCountFailure =
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id AND locked_until <= :now";
constexpr const char* kSelectFailures =
    "SELECT failed_logins, locked_until FROM users WHERE id = :id";
constexpr const char* kLock =
    "UPDATE users SET failed_logins = 0, locked_until = :until WHERE id = :id";
constexpr const char* kRecordSuccess =
    "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = :at WHERE id = :id "
    "AND locked_until <= :now";
constexpr const char* kSelectLock = "SELECT locked_until FROM users WHERE id = :id";
constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, active_role_id, csrf_token, created_at, "
    "last_seen_at, ip) VALUES (:h, :u, :r, :c, :at, :seen, :ip)";
constexpr const char* kSelectSession =
    "SELECT user_id, active_role_id, csrf_token, created_at, last_seen_at FROM sessions "
    "WHERE token_hash = :h";
constexpr const char* kTouchSession =
    "UPDATE sessions SET last_seen_at = :at WHERE token_hash = :h";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE token_hash = :h";
constexpr const char* kDeleteOtherSessions =
    "DELETE FROM sessions WHERE user_id = :u AND token_hash <> :h";
constexpr const char* kSetActiveRole =
    "UPDATE sessions SET active_role_id = :r WHERE token_hash = :h";
constexpr const char* kSetPassword =
    "UPDATE users SET password_hash = :p, must_change_password = 0, updated_at = :at WHERE id = "
    ":id";
constexpr const char* kSelectOwnHash = "SELECT password_hash FROM users WHERE id = :id";

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char out[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

std::string token_digest(const std::string& token) {
  return audit::digest("session:" + token);
}

// Whole minutes, rounded up: 30 s left reads "1 分钟", never "0".
std::string minutes_text(long long ms) {
  return std::to_string(std::max(1LL, (ms + 59999) / 60000));
}

core::Error locked_error(long long remaining_ms) {
  return {core::errc::kLocked, "账号已锁定，请" + minutes_text(remaining_ms) + "分钟后再试", ""};
}

core::Error bad_credentials() {
  return {core::errc::kUnauthorized, "用户名或密码错误", ""};
}
core::Error session_expired() {
  return {core::errc::kUnauthorized, "会话已过期，请重新登录", ""};
}

Principal make_principal(const User& u, long long active_role_id, std::string csrf) {
  Principal p;
  p.user_id = u.id;
  p.username = u.username;
  p.display_name = u.display_name;
  p.must_change_password = u.must_change_password;
  p.roles = u.roles;
  p.csrf_token = std::move(csrf);
  auto it = std::find_if(u.roles.begin(), u.roles.end(),
                         [&](const RoleAssignment& r) { return r.id == active_role_id; });
  p.active = it != u.roles.end() ? *it : u.roles.front();
  return p;
}

std::atomic<std::uint64_t> accounts_epoch{0};

}  // namespace

void note_accounts_changed() {
  accounts_epoch.fetch_add(1, std::memory_order_relaxed);
}

void AuthService::forget(const std::string& digest, bool ended) {
  std::unique_lock lock(cache_mu_);
  cache_.erase(digest);
  if (ended) ++forgotten_;
}

AuthService::AuthService(db::Database& db, regions::RegionService& regions, Settings settings)
    : db_(db), regions_(regions), settings_(settings) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
}

bool AuthService::allow_attempt(const std::string& ip, long long now) {
  std::lock_guard lock(ip_mu_);
  auto& times = ip_attempts_[ip];
  std::erase_if(times, [&](long long t) { return now - t >= settings_.ip_window_ms; });
  if (static_cast<int>(times.size()) >= settings_.ip_attempts_per_window) return false;
  times.push_back(now);
  // Keep the table bounded: forget addresses with no recent attempts.
  if (ip_attempts_.size() > 10000) {
    std::erase_if(ip_attempts_, [&](const auto& kv) { return kv.second.empty(); });
  }
  return true;
}

core::Result<LoginResult> AuthService::login(const std::string& username,
                                             const std::string& password,
                                             const std::string& client_ip) {
  if (username.empty()) return core::Error::invalid("请输入用户名", "username");
  if (password.empty()) return core::Error::invalid("请输入密码", "password");
  if (username.size() > 64 || password.size() > 128) return bad_credentials();
  long long now = db::now_unix_ms();
  if (!allow_attempt(client_ip, now)) {
    return core::Error{core::errc::kRateLimited, "登录尝试过于频繁，请稍后再试", ""};
  }
  auto conn = db_.connect();
  long long id = 0, locked_until = 0;
  int failed = 0;
  std::string hash, status;
  soci::indicator ind = soci::i_null;
  conn.session() << kSelectHash, soci::use(username), soci::into(id, ind), soci::into(hash),
      soci::into(status), soci::into(failed), soci::into(locked_until);
  if (!conn.session().got_data() || ind != soci::i_ok) {
    // Spend the same time as a real check so response times do not reveal
    // which usernames exist.
    static const std::string dummy = hash_password("not-a-password", settings_.password_cost);
    verify_password(password, dummy);
    (void)audit::append_now(
        db_, {{0, username, "", ""}, "auth.login_failed", "user:?", "unknown user", "", ""});
    return bad_credentials();
  }
  audit::Actor actor{id, username, "", ""};
  if (locked_until > now) {
    return locked_error(locked_until - now);
  }
  if (!verify_password(password, hash)) {
    db::Transaction tx(conn);
    conn.session() << kCountFailure, soci::use(id), soci::use(now);
    conn.session() << kSelectFailures, soci::use(id), soci::into(failed), soci::into(locked_until);
    if (locked_until > now) {  // locked by a parallel guess since it was read
      return locked_error(locked_until - now);
    }
    bool lock = failed >= settings_.max_failed_logins;
    if (lock) {
      long long until = now + settings_.lock_ms;
      conn.session() << kLock, soci::use(until), soci::use(id);
    }
    audit::append(conn,
                  {actor, lock ? "auth.lock" : "auth.login_failed", "user:" + std::to_string(id),
                   "failures=" + std::to_string(failed), "", ""});
    tx.commit();
    if (lock)
      return core::Error{core::errc::kLocked,
                         "密码错误次数过多，账号已锁定" + minutes_text(settings_.lock_ms) + "分钟",
                         ""};
    return bad_credentials();
  }
  if (status != "active") return core::Error::forbidden("账号已停用，请联系管理员");
  auto user = load_user(conn, id);
  if (!user || user->roles.empty()) return core::Error::forbidden("账号未分配角色，请联系管理员");

  LoginResult result;
  result.token = random_token();
  std::string csrf = random_token();
  std::string digest = token_digest(result.token);
  long long role_id = user->roles.front().id;
  {
    db::Transaction tx(conn);
    // A parallel wrong guess may have locked the account since it was read:
    // then this guess, right or not, is refused too.
    conn.session() << kRecordSuccess, soci::use(now), soci::use(id), soci::use(now);
    conn.session() << kSelectLock, soci::use(id), soci::into(locked_until);
    if (locked_until > now) {
      return locked_error(locked_until - now);
    }
    conn.session() << kInsertSession, soci::use(digest), soci::use(id), soci::use(role_id),
        soci::use(csrf), soci::use(now), soci::use(now), soci::use(client_ip);
    const RoleAssignment& active = user->roles.front();
    audit::append(conn, {{id, username, active.role, active.region_code},
                         "auth.login",
                         "user:" + std::to_string(id),
                         "ip=" + client_ip,
                         "",
                         ""});
    tx.commit();
  }
  result.principal = make_principal(*user, role_id, csrf);
  result.principal.session_digest = digest;
  result.principal.idle_expires_at = now + settings_.idle_timeout_ms;
  return result;
}

core::Result<Principal> AuthService::authenticate(const std::string& token) {
  if (token.empty() || token.size() > 100) return session_expired();
  std::string digest = token_digest(token);
  long long now = db::now_unix_ms();
  std::uint64_t epoch = accounts_epoch.load(std::memory_order_relaxed);
  std::uint64_t forgotten = 0;
  if (settings_.session_cache_ms > 0) {
    std::shared_lock lock(cache_mu_);
    forgotten = forgotten_;
    auto it = cache_.find(digest);
    if (it != cache_.end() && it->second.epoch == epoch &&
        now - it->second.loaded_at < settings_.session_cache_ms &&
        now - it->second.last_seen < settings_.touch_interval_ms &&
        now - it->second.last_seen <= settings_.idle_timeout_ms &&
        now - it->second.created_at <= settings_.absolute_timeout_ms) {
      return it->second.principal;
    }
  }
  auto conn = db_.connect();
  long long user_id = 0, role_id = 0, created = 0, seen = 0;
  std::string csrf;
  soci::indicator ind = soci::i_null;
  conn.session() << kSelectSession, soci::use(digest), soci::into(user_id, ind),
      soci::into(role_id), soci::into(csrf), soci::into(created), soci::into(seen);
  if (!conn.session().got_data() || ind != soci::i_ok) {
    forget(digest);
    return session_expired();
  }
  if (now - seen > settings_.idle_timeout_ms || now - created > settings_.absolute_timeout_ms) {
    conn.session() << kDeleteSession, soci::use(digest);
    forget(digest);
    return session_expired();
  }
  auto user = load_user(conn, user_id);
  if (!user || user->status != "active" || user->roles.empty()) {
    conn.session() << kDeleteSession, soci::use(digest);
    forget(digest);
    return session_expired();
  }
  if (now - seen >= settings_.touch_interval_ms) {
    conn.session() << kTouchSession, soci::use(now), soci::use(digest);
    seen = now;
  }
  Principal p = make_principal(*user, role_id, csrf);
  p.session_digest = digest;
  p.idle_expires_at = seen + settings_.idle_timeout_ms;
  if (settings_.session_cache_ms > 0) {
    std::unique_lock lock(cache_mu_);
    if (forgotten_ == forgotten) {
      if (cache_.size() > 100000) cache_.clear();  // bounded; entries are cheap to rebuild
      cache_[digest] = {p, now, seen, created, epoch};
    }
  }
  return p;
}

core::Status AuthService::logout(const std::string& token) {
  std::string digest = token_digest(token);
  auto who = authenticate(token);
  auto conn = db_.connect();
  db::Transaction tx(conn);
  conn.session() << kDeleteSession, soci::use(digest);
  if (who.ok()) {
    audit::append(
        conn, {who->actor(), "auth.logout", "user:" + std::to_string(who->user_id), "", "", ""});
  }
  tx.commit();
  forget(digest, true);
  return {};
}

core::Result<Principal> AuthService::switch_role(const std::string& token, long long role_id) {
  auto who = authenticate(token);
  if (!who.ok()) return who.error();
  auto it = std::find_if(who->roles.begin(), who->roles.end(),
                         [&](const RoleAssignment& r) { return r.id == role_id; });
  if (it == who->roles.end()) return core::Error::not_found("该角色不属于当前用户");
  std::string digest = token_digest(token);
  auto conn = db_.connect();
  db::Transaction tx(conn);
  conn.session() << kSetActiveRole, soci::use(role_id), soci::use(digest);
  Principal p = *who;
  p.active = *it;
  audit::append(conn,
                {p.actor(), "auth.switch_role", "role:" + std::to_string(role_id), "", "", ""});
  tx.commit();
  forget(digest, true);
  return p;
}

core::Status AuthService::change_password(const Principal& who, const std::string& old_password,
                                          const std::string& new_password) {
  auto conn = db_.connect();
  std::string hash;
  conn.session() << kSelectOwnHash, soci::use(who.user_id), soci::into(hash);
  if (!verify_password(old_password, hash)) {
    return core::Error::invalid("原密码不正确", "old_password");
  }
  if (auto st = check_password_policy(new_password, "new_password"); !st.ok()) return st;
  if (old_password == new_password) {
    return core::Error::invalid("新密码不能与原密码相同", "new_password");
  }
  std::string encoded = hash_password(new_password, settings_.password_cost);
  long long now = db::now_unix_ms();
  db::Transaction tx(conn);
  conn.session() << kSetPassword, soci::use(encoded), soci::use(now), soci::use(who.user_id);
  // Whoever else holds a session on the old password is signed out; the
  // session that made the change stays.
  conn.session() << kDeleteOtherSessions, soci::use(who.user_id), soci::use(who.session_digest);
  audit::append(conn, {who.actor(), "auth.change_password", "user:" + std::to_string(who.user_id),
                       "", "", ""});
  tx.commit();
  // After the commit: bumped earlier, a concurrent request could read the
  // old row and cache it under the new epoch.
  note_accounts_changed();
  return {};
}

}  // namespace mingjing::auth
