#include "imports/record_store.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/id_number.h"
#include "core/mask.h"
#include "db/row.h"
#include "db/soci.h"

namespace mingjing::imports {
namespace {

constexpr char kKeySeparator = '\x1f';
constexpr std::size_t kLookupChunk = 500;

// One bound column of a bulk statement: values for every row, and whether
// each is NULL.
struct BulkColumn {
  enum class Type { text, integer, real } type = Type::text;
  std::vector<std::string> text;
  std::vector<long long> integer;
  std::vector<double> real;
  std::vector<soci::indicator> ind;

  void add_text(std::string v, bool null = false) {
    text.push_back(std::move(v));
    ind.push_back(null ? soci::i_null : soci::i_ok);
  }
  void add_integer(long long v, bool null = false) {
    integer.push_back(v);
    ind.push_back(null ? soci::i_null : soci::i_ok);
  }
  void add_real(double v, bool null = false) {
    real.push_back(v);
    ind.push_back(null ? soci::i_null : soci::i_ok);
  }
  void bind(soci::statement& st) {
    switch (type) {
      case Type::text:
        st.exchange(soci::use(text, ind));
        break;
      case Type::integer:
        st.exchange(soci::use(integer, ind));
        break;
      case Type::real:
        st.exchange(soci::use(real, ind));
        break;
    }
  }
};

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

// The stored columns of a dataset in order, with the bulk type of each.
struct Layout {
  std::vector<std::string> names;
  std::vector<BulkColumn::Type> types;
};

// How a column type is stored and bound.
BulkColumn::Type layout_type(ColumnType type) {
  switch (type) {
    case ColumnType::money:
    case ColumnType::integer:
    case ColumnType::boolean:
    case ColumnType::datetime:
      return BulkColumn::Type::integer;
    case ColumnType::decimal:
      return BulkColumn::Type::real;
    default:
      return BulkColumn::Type::text;
  }
}

Layout layout_of(const DatasetSpec& d) {
  Layout l;
  for (const auto& c : d.columns) {
    for (const auto& name : stored_columns(c)) {
      l.names.push_back(name);
      l.types.push_back(layout_type(c.type));
    }
  }
  return l;
}

}  // namespace

privacy::Kind privacy_kind(ColumnType type) {
  return type == ColumnType::phone     ? privacy::Kind::phone
         : type == ColumnType::account ? privacy::Kind::account
                                       : privacy::Kind::id_number;
}

std::unordered_map<std::string, std::string> stored_digests(db::Connection& conn,
                                                            const std::string& table,
                                                            const std::vector<std::string>& keys) {
  std::unordered_map<std::string, std::string> out;
  for (std::size_t at = 0; at < keys.size(); at += kLookupChunk) {
    std::size_t n = std::min(kLookupChunk, keys.size() - at);
    std::string sql = "SELECT record_key, row_digest FROM " + table + " WHERE record_key IN (";
    for (std::size_t i = 0; i < n; ++i) sql += (i ? ",:k" : ":k") + std::to_string(i);
    sql += ")";
    std::string key, digest;
    soci::statement st(conn.session());
    st.exchange(soci::into(key));
    st.exchange(soci::into(digest));
    for (std::size_t i = 0; i < n; ++i) st.exchange(soci::use(keys[at + i]));
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) out[key] = digest;
  }
  return out;
}

std::string mask_personal(ColumnType type, const std::string& plaintext) {
  switch (type) {
    case ColumnType::id_number: {
      auto id = core::IdNumber::parse(plaintext);
      return id.ok() ? id->masked() : std::string(plaintext.size(), '*');
    }
    case ColumnType::phone:
      return core::mask_phone(plaintext);
    case ColumnType::account:
      return core::mask_account(plaintext);
    default:
      return plaintext;
  }
}

std::string RecordStore::record_key(const DatasetSpec& d, const std::vector<Value>& row) const {
  std::string key;
  for (std::size_t k = 0; k < d.key.size(); ++k) {
    if (k) key += kKeySeparator;
    for (std::size_t c = 0; c < d.columns.size(); ++c) {
      if (d.columns[c].name != d.key[k]) continue;
      const Value& v = row[c];
      if (v.kind == Value::Kind::text && is_personal(d.columns[c].type)) {
        key += vault_.blind_index(privacy_kind(d.columns[c].type), v.text);
      } else if (v.kind == Value::Kind::text) {
        key += v.text;
      } else if (v.kind == Value::Kind::integer) {
        key += std::to_string(v.integer);
      }
    }
  }
  return key;
}

std::string RecordStore::row_digest(const DatasetSpec& d, const std::vector<Value>& row) const {
  std::string canonical;
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    const Value& v = row[c];
    switch (v.kind) {
      case Value::Kind::null:
        canonical += 'N';
        break;
      case Value::Kind::text:
        canonical += 'T' + v.text;
        break;
      case Value::Kind::integer:
        canonical += 'I' + std::to_string(v.integer);
        break;
      case Value::Kind::real:
        canonical += 'R' + std::to_string(v.real);
        break;
    }
    canonical += kKeySeparator;
  }
  return vault_.fingerprint(canonical);
}

WriteCounts RecordStore::write(db::Connection& conn, const DatasetSpec& d,
                               const std::vector<std::vector<Value>>& rows, long long import_id) {
  WriteCounts counts;
  if (rows.empty()) return counts;

  // Sequential semantics within the call: the last row of a key wins.
  struct Pending {
    std::size_t row;
    std::string digest;
  };
  std::vector<std::string> order;  // keys in first-seen order
  std::unordered_map<std::string, Pending> pending;
  std::unordered_map<std::string, std::string> seen_in_call;  // key → digest last seen
  std::vector<std::string> keys(rows.size()), digests(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    keys[r] = record_key(d, rows[r]);
    digests[r] = row_digest(d, rows[r]);
  }

  // What the table holds already.
  std::vector<std::string> unique;
  {
    std::unordered_map<std::string, bool> once;
    for (const auto& k : keys) {
      if (once.emplace(k, true).second) unique.push_back(k);
    }
  }
  const auto stored = stored_digests(conn, d.name, unique);

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string& key = keys[r];
    auto seen = seen_in_call.find(key);
    const std::string* before = nullptr;
    if (seen != seen_in_call.end()) {
      before = &seen->second;
    } else if (auto s = stored.find(key); s != stored.end()) {
      before = &s->second;
    }
    if (!before) {
      ++counts.inserted;
    } else if (*before == digests[r]) {
      ++counts.unchanged;
    } else {
      ++counts.updated;
    }
    seen_in_call[key] = digests[r];
    auto [it, fresh] = pending.try_emplace(key, Pending{r, digests[r]});
    if (fresh) {
      order.push_back(key);
    } else {
      it->second = {r, digests[r]};
    }
  }

  // Split the final rows into inserts and real updates.
  Layout layout = layout_of(d);
  const std::size_t width = layout.names.size() + 4;  // + key, digest, import, time
  auto make_columns = [&] {
    std::vector<BulkColumn> cols(width);
    for (std::size_t i = 0; i < layout.types.size(); ++i) cols[i].type = layout.types[i];
    cols[layout.names.size()].type = BulkColumn::Type::text;         // record_key
    cols[layout.names.size() + 1].type = BulkColumn::Type::text;     // row_digest
    cols[layout.names.size() + 2].type = BulkColumn::Type::integer;  // import_id
    cols[layout.names.size() + 3].type = BulkColumn::Type::integer;  // time
    return cols;
  };
  std::vector<BulkColumn> inserts = make_columns(), updates = make_columns();
  long long now = db::now_unix_ms();
  for (const auto& key : order) {
    const Pending& p = pending[key];
    auto s = stored.find(key);
    if (s != stored.end() && s->second == p.digest) continue;  // unchanged in the table
    std::vector<BulkColumn>& out = s == stored.end() ? inserts : updates;
    const auto& row = rows[p.row];
    std::size_t at = 0;
    for (std::size_t c = 0; c < d.columns.size(); ++c) {
      const ColumnSpec& col = d.columns[c];
      const Value& v = row[c];
      if (is_personal(col.type)) {
        bool null = v.is_null();
        out[at++].add_text(null ? "" : vault_.seal(v.text), null);
        out[at++].add_text(null ? "" : vault_.blind_index(privacy_kind(col.type), v.text), null);
        out[at++].add_text(null ? "" : mask_personal(col.type, v.text), null);
        continue;
      }
      BulkColumn& bc = out[at++];
      switch (bc.type) {
        case BulkColumn::Type::text:
          bc.add_text(v.text, v.is_null());
          break;
        case BulkColumn::Type::integer:
          bc.add_integer(v.integer, v.is_null());
          break;
        case BulkColumn::Type::real:
          bc.add_real(v.real, v.is_null());
          break;
      }
    }
    out[at++].add_text(key);
    out[at++].add_text(p.digest);
    out[at++].add_integer(import_id, import_id <= 0);
    out[at++].add_integer(now);
  }

  if (!inserts.back().ind.empty()) {
    std::string cols, params;
    for (std::size_t i = 0; i < layout.names.size(); ++i) {
      cols += quoted(layout.names[i]) + ",";
      params += ":p" + std::to_string(i) + ",";
    }
    std::string sql = "INSERT INTO " + d.name + " (" + cols +
                      "record_key,row_digest,import_id,row_created_at,row_updated_at) VALUES (" +
                      params + ":key,:digest,:import,:created,:updated)";
    // row_created_at and row_updated_at both take the time column.
    soci::statement st(conn.session());
    for (std::size_t i = 0; i < width; ++i) inserts[i].bind(st);
    inserts[width - 1].bind(st);
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(true);
  }
  if (!updates.back().ind.empty()) {
    std::string sets;
    for (std::size_t i = 0; i < layout.names.size(); ++i) {
      sets += quoted(layout.names[i]) + "=:p" + std::to_string(i) + ",";
    }
    // The bound order: values, then digest, import, time, and the key last.
    std::string sql = "UPDATE " + d.name + " SET " + sets +
                      "row_digest=:digest,import_id=:import,row_updated_at=:updated "
                      "WHERE record_key=:key";
    soci::statement st(conn.session());
    for (std::size_t i = 0; i < layout.names.size(); ++i) updates[i].bind(st);
    updates[layout.names.size() + 1].bind(st);
    updates[layout.names.size() + 2].bind(st);
    updates[layout.names.size() + 3].bind(st);
    updates[layout.names.size()].bind(st);
    st.alloc();
    st.prepare(sql);
    st.define_and_bind();
    st.execute(true);
  }
  return counts;
}

}  // namespace mingjing::imports
