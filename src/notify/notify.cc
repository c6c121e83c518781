#include "notify/notify.h"

#include <set>

#include "db/row.h"
#include "db/soci.h"

namespace mingjing::notify {
namespace {

constexpr const char* kSelectHolders =
    "SELECT r.user_id, r.programmes FROM user_roles r JOIN users u ON u.id = r.user_id "
    "WHERE r.role = :role AND r.region_code = :region AND u.status = 'active'";
constexpr const char* kInsert =
    "INSERT INTO notices (user_id, kind, title, body, link, created_at) "
    "VALUES (:u, :k, :t, :b, :l, :at)";
constexpr const char* kCount = "SELECT COUNT(*) FROM notices WHERE user_id = :u";
constexpr const char* kCountUnread =
    "SELECT COUNT(*) FROM notices WHERE user_id = :u AND read_at IS NULL";
constexpr const char* kSelectPage =
    "SELECT id, user_id, kind, title, body, link, created_at, read_at FROM notices "
    "WHERE user_id = :u ORDER BY id DESC LIMIT :lim OFFSET :off";
constexpr const char* kSelectUnreadPage =
    "SELECT id, user_id, kind, title, body, link, created_at, read_at FROM notices "
    "WHERE user_id = :u AND read_at IS NULL ORDER BY id DESC LIMIT :lim OFFSET :off";
constexpr const char* kOwner = "SELECT COUNT(*) FROM notices WHERE id = :id AND user_id = :u";
constexpr const char* kMarkRead =
    "UPDATE notices SET read_at = :at WHERE id = :id AND user_id = :u AND read_at IS NULL";
constexpr const char* kMarkAllRead =
    "UPDATE notices SET read_at = :at WHERE user_id = :u AND read_at IS NULL";

}  // namespace

std::vector<long long> members(db::Connection& conn, const Body& body) {
  std::set<long long> ids;
  for (const std::string& role : body.roles) {
    std::string r = role, region = body.region_code;
    soci::rowset<soci::row> rows =
        (conn.session().prepare << kSelectHolders, soci::use(r), soci::use(region));
    for (const soci::row& row : rows) {
      if (!body.programme.empty() && !lists_programme(db::get_text(row, 1), body.programme))
        continue;
      ids.insert(db::get_int(row, 0));
    }
  }
  return {ids.begin(), ids.end()};
}

int post(db::Connection& conn, const std::vector<long long>& user_ids, const Notice& notice,
         long long at) {
  int written = 0;
  for (long long id : user_ids) {
    long long user = id, when = at;
    std::string kind = notice.kind, title = notice.title, body = notice.body, link = notice.link;
    conn.session() << kInsert, soci::use(user), soci::use(kind), soci::use(title), soci::use(body),
        soci::use(link), soci::use(when);
    ++written;
  }
  return written;
}

core::Result<Page> Inbox::list(long long user_id, bool unread_only, int page, int page_size) {
  if (page < 1) return core::Error::invalid("页码应从1开始", "page");
  if (page_size < 1 || page_size > 100) {
    return core::Error::invalid("每页条数应在1到100之间", "page_size");
  }
  auto conn = db_.connect();
  Page out;
  conn.session() << kCount, soci::use(user_id), soci::into(out.total);
  conn.session() << kCountUnread, soci::use(user_id), soci::into(out.unread);
  if (unread_only) out.total = out.unread;
  long long limit = page_size, offset = static_cast<long long>(page - 1) * page_size;
  soci::rowset<soci::row> rows =
      (conn.session().prepare << (unread_only ? kSelectUnreadPage : kSelectPage),
       soci::use(user_id), soci::use(limit), soci::use(offset));
  for (const soci::row& r : rows) {
    StoredNotice n;
    n.id = db::get_int(r, 0);
    n.user_id = db::get_int(r, 1);
    n.kind = db::get_text(r, 2);
    n.title = db::get_text(r, 3);
    n.body = db::get_text(r, 4);
    n.link = db::get_text(r, 5);
    n.created_at = db::get_int(r, 6);
    if (!db::is_null(r, 7)) n.read_at = db::get_int(r, 7);
    out.items.push_back(std::move(n));
  }
  return out;
}

long long Inbox::unread_count(long long user_id) {
  auto conn = db_.connect();
  long long n = 0;
  conn.session() << kCountUnread, soci::use(user_id), soci::into(n);
  return n;
}

core::Status Inbox::mark_read(long long user_id, long long notice_id, long long at) {
  auto conn = db_.connect();
  db::Transaction tx(conn);
  long long mine = 0;
  conn.session() << kOwner, soci::use(notice_id), soci::use(user_id), soci::into(mine);
  if (mine == 0) return core::Error::not_found("通知不存在");
  conn.session() << kMarkRead, soci::use(at), soci::use(notice_id), soci::use(user_id);
  tx.commit();
  return {};
}

long long Inbox::mark_all_read(long long user_id, long long at) {
  auto conn = db_.connect();
  db::Transaction tx(conn);
  soci::statement st = (conn.session().prepare << kMarkAllRead, soci::use(at), soci::use(user_id));
  st.execute(true);
  long long n = st.get_affected_rows();
  tx.commit();
  return n;
}

bool lists_programme(const std::string& programmes, const std::string& programme) {
  std::size_t start = 0;
  while (start <= programmes.size()) {
    std::size_t end = programmes.find(',', start);
    if (end == std::string::npos) end = programmes.size();
    if (programmes.compare(start, end - start, programme) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace mingjing::notify
