// notify: the in-app inbox. A notice is posted to the users of a body (the
// accounts holding one of a set of roles at one region, and for county
// departments one programme) or to one user, and each recipient reads and
// marks their own copy. Webhooks (DingTalk, WeCom) will read from here later.
//
// Posting happens inside the caller's transaction, so a state change and the
// notices it causes commit or roll back together. Reading is per user: a
// user only ever sees and marks their own notices.
//
// Thread-safety: free functions and Inbox (stateless) are safe from any
// thread; each call leases its own connection or uses the caller's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"

namespace mingjing::notify {

// The accounts that make up a body: active users holding one of `roles` at
// exactly `region_code`; with `programme` set, only those whose assignment
// lists that programme (county departments).
struct Body {
  std::vector<std::string> roles;
  std::string region_code;
  std::string programme;
};

struct Notice {
  std::string kind;   // e.g. "warning.escalated"
  std::string title;  // Chinese, one line
  std::string body;   // Chinese; never personal data in clear
  std::string link;   // where the web front end opens it, e.g. "/warnings/12"
};

struct StoredNotice {
  long long id = 0;
  long long user_id = 0;
  std::string kind, title, body, link;
  long long created_at = 0;          // unix ms
  std::optional<long long> read_at;  // unix ms, or unread
};

// The members of `body`, ascending user ids, each once. An empty list is not
// an error (a village whose accounts are not set up yet).
std::vector<long long> members(db::Connection& conn, const Body& body);

// True when `stored`, a role's programmes as user_roles holds them (a
// comma-separated list, auth/users.cc), names `programme`.
bool lists_programme(const std::string& stored, const std::string& programme);

// Posts `notice` to each of `user_ids` at `at` (unix ms). Returns how many
// were written. REQUIRES: a Transaction is open on conn.
int post(db::Connection& conn, const std::vector<long long>& user_ids, const Notice& notice,
         long long at);

struct Page {
  std::vector<StoredNotice> items;
  long long total = 0;
  long long unread = 0;
};

// One user's inbox, newest first.
class Inbox {
 public:
  explicit Inbox(db::Database& db) : db_(db) {}

  // page from 1, page_size 1..100. invalid_argument (field page/page_size)
  // otherwise.
  core::Result<Page> list(long long user_id, bool unread_only, int page, int page_size);
  long long unread_count(long long user_id);
  // Marks one of the user's notices read at `at`. not_found for a notice
  // that is not theirs (or does not exist). Already read is not an error and
  // keeps the first read time.
  core::Status mark_read(long long user_id, long long notice_id, long long at);
  // Marks all of the user's unread notices read; returns how many.
  long long mark_all_read(long long user_id, long long at);

 private:
  db::Database& db_;
};

}  // namespace mingjing::notify
