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

// How a column type is stored: its SQL type family.
enum class Stored { text, integer, real };

Stored stored_type(ColumnType type) {
  switch (type) {
    case ColumnType::money:
    case ColumnType::integer:
    case ColumnType::boolean:
    case ColumnType::datetime:
      return Stored::integer;
    case ColumnType::decimal:
      return Stored::real;
    default:
      return Stored::text;
  }
}

// The stored columns of a dataset in order (personal columns as three).
std::vector<std::string> stored_names(const DatasetSpec& d) {
  std::vector<std::string> names;
  for (const auto& c : d.columns) {
    for (auto& name : stored_columns(c)) names.push_back(std::move(name));
  }
  return names;
}

// The indexes of the dataset's key columns, in key order.
std::vector<std::size_t> key_columns(const DatasetSpec& d) {
  std::vector<std::size_t> out;
  for (const auto& name : d.key) {
    for (std::size_t c = 0; c < d.columns.size(); ++c) {
      if (d.columns[c].name == name) out.push_back(c);
    }
  }
  return out;
}

// The text the row digest is computed over: every value, typed.
void canonical_form(const DatasetSpec& d, const std::vector<Value>& row, std::string& out) {
  out.clear();
  for (std::size_t c = 0; c < d.columns.size(); ++c) {
    const Value& v = row[c];
    switch (v.kind) {
      case Value::Kind::null:
        out += 'N';
        break;
      case Value::Kind::text:
        out += 'T';
        out += v.text;
        break;
      case Value::Kind::integer:
        out += 'I';
        out += std::to_string(v.integer);
        break;
      case Value::Kind::real:
        out += 'R';
        out += std::to_string(v.real);
        break;
    }
    out += kKeySeparator;
  }
}

// A record key from the key values, personal ones by their blind index
// (`blind(c)` gives it for column c).
template <typename Blind>
std::string key_of(const DatasetSpec& d, const std::vector<std::size_t>& keys,
                   const std::vector<Value>& row, Blind blind) {
  std::string key;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (k) key += kKeySeparator;
    std::size_t c = keys[k];
    const Value& v = row[c];
    if (v.kind == Value::Kind::text && is_personal(d.columns[c].type)) {
      key += blind(c);
    } else if (v.kind == Value::Kind::text) {
      key += v.text;
    } else if (v.kind == Value::Kind::integer) {
      key += std::to_string(v.integer);
    }
  }
  return key;
}

}  // namespace

privacy::Kind privacy_kind(ColumnType type) {
  return type == ColumnType::phone     ? privacy::Kind::phone
         : type == ColumnType::account ? privacy::Kind::account
                                       : privacy::Kind::id_number;
}

std::unordered_map<std::string, std::string> stored_digests(
    db::BulkWriter& writer, const std::string& table, const std::vector<std::string_view>& keys) {
  return writer.lookup(table, "record_key", "row_digest", keys);
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

void PreparedRows::clear() {
  values.clear();
  keys.clear();
  digests.clear();
  blind.clear();
  stored.clear(0);
  skip.clear();
}

std::string RecordStore::record_key(const DatasetSpec& d, const std::vector<Value>& row) const {
  return key_of(d, key_columns(d), row, [&](std::size_t c) {
    return vault_.blind_index(privacy_kind(d.columns[c].type), row[c].text);
  });
}

std::string RecordStore::row_digest(const DatasetSpec& d, const std::vector<Value>& row) const {
  std::string canonical;
  canonical_form(d, row, canonical);
  return vault_.fingerprint(canonical);
}

void RecordStore::prepare(const DatasetSpec& d, PreparedRows& rows) const {
  const std::size_t width = d.columns.size(), n = rows.values.size();
  const std::vector<std::size_t> keys = key_columns(d);
  rows.columns = width;
  rows.keys.resize(n);
  rows.digests.resize(n);
  rows.blind.assign(n * width, std::string());
  std::string canonical;
  for (std::size_t r = 0; r < n; ++r) {
    const std::vector<Value>& row = rows.values[r];
    for (std::size_t c = 0; c < width; ++c) {
      const Value& v = row[c];
      if (!is_personal(d.columns[c].type) || v.kind != Value::Kind::text) continue;
      // Statements repeat the same account on every row: reuse the index.
      const Value* above = r ? &rows.values[r - 1][c] : nullptr;
      rows.blind[r * width + c] = above && above->kind == v.kind && above->text == v.text
                                      ? rows.blind[(r - 1) * width + c]
                                      : vault_.blind_index(privacy_kind(d.columns[c].type), v.text);
    }
    rows.keys[r] = key_of(d, keys, row, [&](std::size_t c) { return rows.blind[r * width + c]; });
    canonical_form(d, row, canonical);
    rows.digests[r] = vault_.fingerprint(canonical);
  }
}

namespace {

// The stored columns in the order encode() fills them: the values, then
// what write() sets on an update, the key, and what only an insert sets.
std::vector<std::string> stored_layout(const DatasetSpec& d) {
  std::vector<std::string> columns = stored_names(d);
  for (const char* name :
       {"row_digest", "import_id", "row_updated_at", "record_key", "row_created_at"}) {
    columns.emplace_back(name);
  }
  return columns;
}

}  // namespace

void RecordStore::encode(const DatasetSpec& d, PreparedRows& rows, long long import_id) const {
  const std::size_t n = rows.size();
  const long long now = db::now_unix_ms();
  std::size_t width = 5;
  for (const auto& c : d.columns) width += is_personal(c.type) ? 3 : 1;
  rows.stored.clear(width);
  for (std::size_t r = 0; r < n; ++r) {
    db::BulkRows& out = rows.stored;
    const std::vector<Value>& row = rows.values[r];
    for (std::size_t c = 0; c < d.columns.size(); ++c) {
      const ColumnSpec& col = d.columns[c];
      const Value& v = row[c];
      if (is_personal(col.type)) {
        if (v.is_null()) {
          out.add_null();
          out.add_null();
          out.add_null();
        } else {
          out.add_text(vault_.seal(v.text));
          out.add_text(rows.blind_index(r, c));
          out.add_text(mask_personal(col.type, v.text));
        }
        continue;
      }
      if (v.is_null()) {
        out.add_null();
        continue;
      }
      switch (stored_type(col.type)) {
        case Stored::text:
          out.add_text(v.text);
          break;
        case Stored::integer:
          out.add_integer(v.integer);
          break;
        case Stored::real:
          out.add_real(v.real);
          break;
      }
    }
    out.add_text(rows.digests[r]);
    if (import_id > 0) {
      out.add_integer(import_id);
    } else {
      out.add_null();
    }
    out.add_integer(now);  // row_updated_at
    out.add_text(rows.keys[r]);
    out.add_integer(now);  // row_created_at
  }
}

WriteCounts RecordStore::write(db::Connection& conn, const DatasetSpec& d,
                               const std::vector<std::vector<Value>>& rows,
                               long long import_id) const {
  PreparedRows prepared;
  prepared.values = rows;
  prepare(d, prepared);
  encode(d, prepared, import_id);
  db::BulkWriter writer(conn);
  return write(writer, d, prepared);
}

WriteCounts RecordStore::write(db::BulkWriter& writer, const DatasetSpec& d,
                               const PreparedRows& rows) const {
  WriteCounts counts;
  const std::size_t n = rows.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  auto skipped = [&](std::size_t r) { return !rows.skip.empty() && rows.skip[r]; };

  // Sequential semantics within the call: each row is compared with the
  // previous row of its key, or with the table; the last row of a key wins.
  std::unordered_map<std::string_view, std::size_t> last;  // key → last row with it
  last.reserve(n);
  std::vector<std::size_t> previous(n, kNone);  // the row before with the same key
  std::vector<std::size_t> firsts;              // first row of each key, in order
  std::vector<std::string_view> unique;
  for (std::size_t r = 0; r < n; ++r) {
    if (skipped(r)) continue;
    auto [it, fresh] = last.try_emplace(rows.keys[r], r);
    if (fresh) {
      firsts.push_back(r);
      unique.push_back(rows.keys[r]);
    } else {
      previous[r] = it->second;
      it->second = r;
    }
  }
  if (firsts.empty()) return counts;

  // What the table holds already.
  const auto stored = stored_digests(writer, d.name, unique);
  for (std::size_t r = 0; r < n; ++r) {
    if (skipped(r)) continue;
    const std::string* before = nullptr;
    if (previous[r] != kNone) {
      before = &rows.digests[previous[r]];
    } else if (auto s = stored.find(rows.keys[r]); s != stored.end()) {
      before = &s->second;
    }
    if (!before) {
      ++counts.inserted;
    } else if (*before == rows.digests[r]) {
      ++counts.unchanged;
    } else {
      ++counts.updated;
    }
  }

  // The final row of each key: a new record, a real update, or nothing.
  std::vector<std::size_t> inserts, updates;
  for (std::size_t first : firsts) {
    const std::string& key = rows.keys[first];
    const std::size_t r = last.find(key)->second;
    auto s = stored.find(key);
    if (s == stored.end()) {
      inserts.push_back(r);
    } else if (s->second != rows.digests[r]) {
      updates.push_back(r);
    }
  }
  const std::vector<std::string> columns = stored_layout(d);
  if (!inserts.empty()) writer.insert(d.name, columns, rows.stored, inserts);
  // The update sets everything before record_key (not row_created_at).
  if (!updates.empty()) writer.update(d.name, columns, columns.size() - 2, rows.stored, updates);
  return counts;
}

}  // namespace mingjing::imports
