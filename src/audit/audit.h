// audit: the append-only, hash-chained log of every state change.
//
// Each entry's hash is BLAKE2b-256 over the previous entry's hash and the
// entry's own fields, so editing, reordering or deleting any entry but the
// last breaks the chain from that point. `verify` recomputes the chain and
// names the first entry that does not match.
//
// Appends happen inside the caller's transaction, so a state change and its
// audit entry commit or roll back together.
//
// Thread-safety: free functions; concurrency comes from the database
// (SQLite's write lock, a PostgreSQL transaction-scoped advisory lock).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"

namespace mingjing::audit {

// Who acted, under which role. Filled by the caller from the session.
struct Actor {
  long long user_id = 0;  // 0 for the system or an anonymous caller
  std::string username;
  std::string role;         // role code the action was taken under
  std::string region_code;  // that role's scope root
};

struct Entry {
  Actor actor;
  std::string action;  // e.g. "user.create", "auth.login"
  std::string target;  // e.g. "user:12"
  std::string detail;  // short JSON or text; never personal data in clear
  std::string before;  // state before (canonical JSON) or empty
  std::string after;   // state after or empty
};

struct StoredEntry {
  long long id;
  long long at;  // unix ms
  long long user_id;
  std::string username, role, region_code, action, target, detail;
  std::string before_digest, after_digest, prev_hash, hash;
};

// Hex BLAKE2b-256 of `data`; empty input gives an empty digest so that
// "no state" is visible as such.
std::string digest(const std::string& data);

// Appends one entry within the open transaction on `conn`. Returns its id.
// REQUIRES: a Transaction is open on conn.
long long append(db::Connection& conn, const Entry& entry);

// Appends in a transaction of its own (for events with no other write).
core::Result<long long> append_now(db::Database& db, const Entry& entry);

struct Page {
  std::vector<StoredEntry> items;
  long long total = 0;
};
struct Query {
  std::string username;                         // exact, empty = all
  std::string action;                           // prefix, empty = all
  std::vector<std::string> region_scope_roots;  // entries whose region is one of these or below;
                                                // empty = no filter
  std::optional<long long> from_ms;             // at >= from_ms (unix ms)
  std::optional<long long> until_ms;            // at < until_ms
  int page = 1;
  int page_size = 20;
};
Page list(db::Database& db, const Query& q);

struct VerifyReport {
  bool ok = true;
  long long entries = 0;
  std::optional<long long> first_broken_id;
  std::string message;  // Chinese
};
// Walks the whole chain in id order.
VerifyReport verify(db::Database& db);

}  // namespace mingjing::audit
