#include "audit/audit.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "core/region_code.h"
#include "db/row.h"
#include "db/soci.h"

namespace mingjing::audit {
namespace {

constexpr const char* kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr const char* kLastHash = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
// Serialises appenders on PostgreSQL until their transaction ends. SQLite
// transactions here are BEGIN IMMEDIATE and already exclusive for writers.
constexpr const char* kPgChainLock = "SELECT pg_advisory_xact_lock(727376)";
constexpr const char* kInsert =
    "INSERT INTO audit_log (at, user_id, username, role, region_code, action, target, detail, "
    "before_digest, after_digest, prev_hash, hash) VALUES (:at, :uid, :un, :role, :region, "
    ":action, :target, :detail, :bd, :ad, :prev, :hash) RETURNING id";
constexpr const char* kSelectChain =
    "SELECT id, at, COALESCE(user_id, 0), username, role, region_code, action, target, detail, "
    "before_digest, after_digest, prev_hash, hash FROM audit_log ORDER BY id";

std::string to_hex(const unsigned char* p, std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

std::string blake2b_hex(const std::string& data) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium init failed");
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size(), nullptr, 0);
  return to_hex(out, sizeof out);
}

// Length-prefixed fields: unambiguous whatever the field contents are.
void put(std::string& out, const std::string& field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}

std::string chain_hash(const std::string& prev, const StoredEntry& e) {
  std::string canon;
  put(canon, prev);
  put(canon, std::to_string(e.at));
  put(canon, std::to_string(e.user_id));
  for (const std::string* f : {&e.username, &e.role, &e.region_code, &e.action, &e.target,
                               &e.detail, &e.before_digest, &e.after_digest}) {
    put(canon, *f);
  }
  return blake2b_hex(canon);
}

}  // namespace

std::string digest(const std::string& data) {
  return data.empty() ? "" : blake2b_hex(data);
}

long long append(db::Connection& conn, const Entry& entry) {
  soci::session& s = conn.session();
  if (conn.dialect() == db::Dialect::kPostgresql) s << kPgChainLock;
  std::string prev;
  soci::indicator ind = soci::i_null;
  s << kLastHash, soci::into(prev, ind);
  if (ind != soci::i_ok || prev.empty()) prev = kGenesis;

  StoredEntry e;
  e.at = db::now_unix_ms();
  e.user_id = entry.actor.user_id;
  e.username = entry.actor.username;
  e.role = entry.actor.role;
  e.region_code = entry.actor.region_code;
  e.action = entry.action;
  e.target = entry.target;
  e.detail = entry.detail;
  e.before_digest = digest(entry.before);
  e.after_digest = digest(entry.after);
  e.prev_hash = prev;
  e.hash = chain_hash(prev, e);
  long long id = 0;
  s << kInsert, soci::use(e.at), soci::use(e.user_id), soci::use(e.username), soci::use(e.role),
      soci::use(e.region_code), soci::use(e.action), soci::use(e.target), soci::use(e.detail),
      soci::use(e.before_digest), soci::use(e.after_digest), soci::use(e.prev_hash),
      soci::use(e.hash), soci::into(id);
  return id;
}

core::Result<long long> append_now(db::Database& db, const Entry& entry) {
  auto conn = db.connect();
  db::Transaction tx(conn);
  long long id = append(conn, entry);
  tx.commit();
  return id;
}

namespace {

StoredEntry read_entry(const soci::row& r) {
  StoredEntry e;
  e.id = db::get_int(r, 0);
  e.at = db::get_int(r, 1);
  e.user_id = db::get_int(r, 2);
  e.username = db::get_text(r, 3);
  e.role = db::get_text(r, 4);
  e.region_code = db::get_text(r, 5);
  e.action = db::get_text(r, 6);
  e.target = db::get_text(r, 7);
  e.detail = db::get_text(r, 8);
  e.before_digest = db::get_text(r, 9);
  e.after_digest = db::get_text(r, 10);
  e.prev_hash = db::get_text(r, 11);
  e.hash = db::get_text(r, 12);
  return e;
}

}  // namespace

Page list(db::Database& db, const Query& q) {
  std::string where = " WHERE 1=1";
  std::vector<std::string> binds;
  if (!q.username.empty()) {
    where += " AND username = :u";
    binds.push_back(q.username);
  }
  if (!q.action.empty()) {
    // A prefix: % and _ in it are literal characters, not wildcards.
    where += " AND action LIKE :a ESCAPE '!'";
    std::string pattern;
    for (char c : q.action) {
      if (c == '%' || c == '_' || c == '!') pattern += '!';
      pattern += c;
    }
    binds.push_back(pattern + "%");
  }
  if (!q.region_scope_roots.empty()) {
    // Region codes are hierarchical: a subtree is a code prefix. The roots
    // come from role assignments, already validated as region codes.
    where += " AND (";
    for (std::size_t i = 0; i < q.region_scope_roots.size(); ++i) {
      if (i) where += " OR ";
      const std::string& root = q.region_scope_roots[i];
      if (root.empty()) {
        where += "region_code = ''";  // entries made by the system itself
        continue;
      }
      auto code = core::RegionCode::parse(root);
      where += "region_code LIKE :r" + std::to_string(i);
      binds.push_back((code.ok() ? code->prefix() : root) + "%");
    }
    where += ")";
  }
  // Plain integers, so written into the SQL rather than bound as text.
  if (q.from_ms) where += " AND at >= " + std::to_string(*q.from_ms);
  if (q.until_ms) where += " AND at < " + std::to_string(*q.until_ms);
  int page_size = std::clamp(q.page_size, 1, 200);
  int page = std::max(q.page, 1);
  auto conn = db.connect();
  Page out;
  {
    auto count = (conn.session().prepare << "SELECT COUNT(*) FROM audit_log" + where);
    for (auto& b : binds) count, soci::use(b);
    soci::rowset<soci::row> rs(count);
    for (const soci::row& r : rs) out.total = db::get_int(r, 0);
  }
  std::string sql =
      "SELECT id, at, COALESCE(user_id, 0), username, role, region_code, action, "
      "target, detail, before_digest, after_digest, prev_hash, hash FROM audit_log" +
      where + " ORDER BY id DESC LIMIT " + std::to_string(page_size) + " OFFSET " +
      std::to_string(static_cast<long long>(page - 1) * page_size);
  auto select = (conn.session().prepare << sql);
  for (auto& b : binds) select, soci::use(b);
  soci::rowset<soci::row> rs(select);
  for (const soci::row& r : rs) out.items.push_back(read_entry(r));
  return out;
}

VerifyReport verify(db::Database& db) {
  VerifyReport report;
  auto conn = db.connect();
  std::string prev = kGenesis;
  soci::rowset<soci::row> rows = (conn.session().prepare << kSelectChain);
  for (const soci::row& r : rows) {
    StoredEntry e = read_entry(r);
    ++report.entries;
    if (e.prev_hash != prev || chain_hash(prev, e) != e.hash) {
      report.ok = false;
      report.first_broken_id = e.id;
      report.message = "审计日志第 " + std::to_string(e.id) + " 条记录已被篡改或前序记录缺失";
      return report;
    }
    prev = e.hash;
  }
  report.message = "审计日志完整，共 " + std::to_string(report.entries) + " 条";
  return report;
}

}  // namespace mingjing::audit
