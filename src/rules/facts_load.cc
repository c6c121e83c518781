// FactStore::load: every dataset table read once, in catalogue order (so a
// parent is in memory before its children take its region), through
// db::RowReader. Stored values are already typed (datasets.h): integers
// and reals are taken as they are, dates parsed from 'YYYY-MM-DD', text
// interned, personal values taken as their stored blind index and mask.
// With a vault each distinct ID number is opened once, only to read its
// birth date and sex; the plaintext is wiped at once.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include "db/row_reader.h"
#include "db/soci.h"
#include "privacy/privacy.h"
#include "rules/facts.h"
#include "rules/facts_internal.h"

namespace mingjing::rules {
namespace {

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

// Overwrites plaintext before its memory is released.
void wipe(std::string& text) {
  volatile char* p = text.data();
  for (std::size_t i = 0; i < text.size(); ++i) p[i] = 0;
}

// The last text a column gave and its code: statements repeat the same
// account, village and programme row after row, so most text is not
// hashed again.
struct LastText {
  std::string text;
  Code code = kNoCode;

  Code intern(Dictionary& dictionary, std::string_view next) {
    if (next.empty()) return kNoCode;
    if (code != kNoCode && next == text) return code;
    text.assign(next);
    code = dictionary.intern(next);
    return code;
  }
};

// How one selected column is read into the table.
struct Step {
  enum class Kind : std::uint8_t { text, integer, real, date, personal };
  Kind kind = Kind::text;
  std::size_t column = 0;  // the first fact column it fills
  bool id_number = false;  // personal: also fills birth date and sex
  bool sealed = false;     // id_number: the sealed value is selected too
  LastText last;
};

class TableLoader {
 public:
  // `few_rows`: a handful of records (reload_records), so what is derived
  // per person is kept in a map instead of an array over every code.
  TableLoader(Dictionary& dictionary, const privacy::Vault* vault, bool few_rows = false)
      : dictionary_(dictionary), vault_(vault), few_rows_(few_rows) {}

  // Reads `table`'s rows (its spec and columns set) into `columns` and
  // `keys`, after what they hold; `filter` ends the query (a WHERE clause
  // and the order).
  void load(db::Connection& conn, FactTable& table, std::vector<FactColumn>& columns,
            std::vector<Code>& keys, std::size_t expected,
            const std::string& filter = " ORDER BY row_id") {
    const imports::DatasetSpec& spec = table.spec();
    const auto places = detail::column_places(spec);
    // A derived dataset's table is the platform's own (warnings): keyed by
    // its numeric id, without record_key and row_id.
    const bool derived = is_derived_dataset(spec.name);
    std::string select = derived ? "CAST(id AS TEXT)" : "record_key";
    std::vector<Step> steps;
    for (std::size_t c = 0; c < spec.columns.size(); ++c) {
      const imports::ColumnSpec& col = spec.columns[c];
      Step step;
      step.column = places[c].first;
      if (places[c].personal) {
        select += ", " + quoted(col.name + "_bidx") + ", " + quoted(col.name + "_mask");
        step.kind = Step::Kind::personal;
        step.id_number = places[c].id_number;
        if (step.id_number && vault_) {
          select += ", " + quoted(col.name + "_enc");
          step.sealed = true;
        }
      } else {
        select += ", " + (derived && col.name == "id" ? "CAST(id AS TEXT)" : quoted(col.name));
        switch (columns[step.column].type) {
          case FactType::text:
            step.kind = Step::Kind::text;
            break;
          case FactType::decimal:
            step.kind = Step::Kind::real;
            break;
          case FactType::date:
            step.kind = Step::Kind::date;
            break;
          default:
            step.kind = Step::Kind::integer;
        }
      }
      steps.push_back(std::move(step));
    }
    for (auto& c : columns) {
      if (c.type == FactType::text) {
        c.codes.reserve(expected);
      } else if (c.type == FactType::decimal) {
        c.reals.reserve(expected);
      } else {
        c.ints.reserve(expected);
      }
    }
    keys.reserve(expected);

    // A derived table has no row_id: its rows come in id order.
    const std::string order = derived && filter == " ORDER BY row_id" ? " ORDER BY id" : filter;
    db::RowReader reader(conn, "SELECT " + select + " FROM " + quoted(spec.name) + order);
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    while (reader.next()) {
      // An event's record key is its id: the id column reuses the code.
      const std::string_view key_text = reader.text(0);
      const Code key = dictionary_.intern(key_text);
      keys.push_back(key);
      std::size_t at = 1;
      for (Step& step : steps) {
        FactColumn& out = columns[step.column];
        switch (step.kind) {
          case Step::Kind::text: {
            const std::string_view text = reader.text(at);
            out.codes.push_back(text == key_text ? key : step.last.intern(dictionary_, text));
            at += 1;
            break;
          }
          case Step::Kind::integer:
            out.ints.push_back(reader.is_null(at) ? kMissing : reader.integer(at));
            at += 1;
            break;
          case Step::Kind::real:
            out.reals.push_back(reader.is_null(at) ? kNaN : reader.real(at));
            at += 1;
            break;
          case Step::Kind::date:
            out.ints.push_back(reader.is_null(at) ? kMissing
                                                  : detail::days_from_text(reader.text(at)));
            at += 1;
            break;
          case Step::Kind::personal: {
            const Code blind = step.last.intern(dictionary_, reader.text(at));
            out.codes.push_back(blind);
            Derived* derived = blind ? &derived_of(blind) : nullptr;
            if (derived && derived->mask == kNoCode) {
              derived->mask = dictionary_.intern(reader.text(at + 1));
            }
            columns[step.column + 1].codes.push_back(derived ? derived->mask : kNoCode);
            at += 2;
            if (!step.id_number) break;
            // Without a vault an ID number gives no birth date and no sex.
            bool known = false;
            if (step.sealed) {
              if (derived) known = open_person(*derived, reader.text(at));
              at += 1;
            }
            columns[step.column + 2].ints.push_back(known ? derived->birth_days : kMissing);
            columns[step.column + 3].codes.push_back(known ? (derived->female ? female_ : male_)
                                                           : kNoCode);
            break;
          }
        }
      }
    }
  }

  std::size_t unreadable() const { return unreadable_; }

 private:
  // What a personal value gives beyond its blind index, kept by blind
  // index code (dense, so a look-up is one array access): its mask, and
  // for an ID number its birth date and sex. The same blind index always
  // stands for the same plaintext, so each is worked out once.
  struct Derived {
    static constexpr std::int32_t kUnopened = std::numeric_limits<std::int32_t>::min();
    static constexpr std::int32_t kUnknown = kUnopened + 1;
    Code mask = kNoCode;
    std::int32_t birth_days = kUnopened;
    bool female = false;
  };

  Derived& derived_of(Code blind) {
    if (few_rows_) return sparse_derived_[blind];
    if (blind >= derived_.size())
      derived_.resize(std::max<std::size_t>(blind + 1, dictionary_.size()));
    return derived_[blind];
  }

  // Opens the sealed ID number the first time its person is met; true when
  // it gave a birth date.
  bool open_person(Derived& derived, std::string_view sealed) {
    if (derived.birth_days == Derived::kUnopened) {
      derived.birth_days = Derived::kUnknown;
      auto plain = vault_->open_sealed(sealed);
      if (plain.ok()) {
        if (auto person = detail::person_of(*plain)) {
          derived.birth_days = static_cast<std::int32_t>(person->birth_days);
          derived.female = person->female;
        }
        wipe(*plain);
      } else {
        ++unreadable_;
      }
    }
    return derived.birth_days != Derived::kUnknown;
  }

  Dictionary& dictionary_;
  const privacy::Vault* vault_;
  std::vector<Derived> derived_;  // by blind index code
  bool few_rows_ = false;
  std::unordered_map<Code, Derived> sparse_derived_;  // instead, with few rows
  std::size_t unreadable_ = 0;
  Code male_ = dictionary_.intern(detail::kMale);
  Code female_ = dictionary_.intern(detail::kFemale);
};

// An upper bound on a table's rows, to size its columns once.
std::size_t row_bound(db::Connection& conn, const std::string& table) {
  const char* row_id = is_derived_dataset(table) ? "id" : "row_id";
  db::RowReader reader(
      conn, std::string("SELECT MIN(") + row_id + "), MAX(" + row_id + ") FROM " + quoted(table));
  if (!reader.next() || reader.is_null(0)) return 0;
  return static_cast<std::size_t>(reader.integer(1) - reader.integer(0) + 1);
}

template <typename V>
std::size_t bytes_of(const V& v) {
  return v.capacity() * sizeof(typename V::value_type);
}

}  // namespace

core::Result<FactStore> FactStore::load(db::Database& db, const privacy::Vault* vault,
                                        const std::vector<std::string>& datasets,
                                        LoadStats* stats) {
  const auto started = std::chrono::steady_clock::now();
  FactStore store = empty();
  std::vector<FactTable>& tables = store.impl_->tables;

  // The datasets asked for, and the parents their regions come from.
  std::vector<bool> wanted(tables.size(), datasets.empty());
  for (const auto& name : datasets) {
    auto t = store.impl_->table_of(name);
    if (!t) return core::Error::invalid("未知的数据集：" + name, "datasets");
    while (t) {
      wanted[*t] = true;
      const imports::ColumnSpec* ref = detail::parent_reference(tables[*t].spec());
      t = ref ? store.impl_->table_of(ref->references) : std::nullopt;
    }
  }

  TableLoader loader(store.dictionary_, vault);
  try {
    auto conn = db.connect();
    // Most records bring one new text (their key, which is also their id):
    // size the dictionary once instead of growing it through millions.
    std::vector<std::size_t> bounds(tables.size(), 0);
    std::size_t total = 0;
    for (std::size_t t = 0; t < tables.size(); ++t) {
      if (wanted[t]) total += bounds[t] = row_bound(conn, tables[t].spec().name);
    }
    store.dictionary_.reserve(total + total / 8);
    for (std::size_t t = 0; t < tables.size(); ++t) {
      if (!wanted[t]) continue;
      FactTable& table = tables[t];
      loader.load(conn, table, table.columns_, table.record_keys_, bounds[t]);
      const std::size_t n = table.record_keys_.size();
      table.key_slots_.assign(std::max<std::size_t>(64, std::bit_ceil(2 * n + 2)), 0);
      for (std::size_t row = 0; row < n; ++row) table.add_key(table.record_keys_[row], row);
      const imports::DatasetSpec& spec = table.spec();
      if (!spec.region_column.empty()) {
        table.regions_ = table.column(spec.region_column)->codes;
      } else if (const imports::ColumnSpec* ref = detail::parent_reference(spec)) {
        const FactTable& parent = tables[*store.impl_->table_of(ref->references)];
        const std::vector<Code>& links = table.column(ref->name)->codes;
        table.regions_.resize(n, kNoCode);
        for (std::size_t row = 0; row < n; ++row) {
          if (auto p = parent.find(links[row])) table.regions_[row] = parent.region(*p);
        }
      } else {
        table.regions_.assign(n, kNoCode);
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("fact store: loading failed: {}", e.what());
    return core::Error::internal("读取业务数据失败");
  }
  if (loader.unreadable() > 0) {
    spdlog::warn(
        "fact store: {} ID numbers could not be opened with this key; their birth "
        "dates and sex are missing",
        loader.unreadable());
  }

  if (stats) {
    stats->records = store.records();
    stats->load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - started)
                         .count();
    std::size_t bytes = store.dictionary_.bytes();
    for (const auto& table : tables) {
      bytes += bytes_of(table.record_keys_) + bytes_of(table.regions_) + bytes_of(table.key_slots_);
      for (const auto& c : table.columns_) {
        bytes += bytes_of(c.ints) + bytes_of(c.reals) + bytes_of(c.codes);
      }
    }
    stats->bytes = bytes;
  }
  return store;
}

namespace {

// A text literal for SQL: quotes doubled (both back ends take standard
// strings; record keys hold no NUL).
std::string sql_text(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace

core::Result<std::vector<std::uint32_t>> FactStore::reload_records(
    db::Database& db, const privacy::Vault* vault, std::string_view dataset,
    std::span<const std::string> record_keys) {
  auto t = impl_->table_of(dataset);
  if (!t) return core::Error::invalid("未知的数据集：" + std::string(dataset), "dataset");
  FactTable& table = impl_->tables[*t];
  std::vector<std::uint32_t> rows;
  if (record_keys.empty()) return rows;

  // Read everything first, so that a failure leaves the store as it was.
  std::vector<FactColumn> fresh = detail::fact_columns(table.spec());
  std::vector<Code> keys;
  TableLoader loader(dictionary_, vault, /*few_rows=*/true);
  constexpr std::size_t kKeysPerQuery = 500;
  try {
    auto conn = db.connect();
    for (std::size_t first = 0; first < record_keys.size(); first += kKeysPerQuery) {
      const std::size_t last = std::min(record_keys.size(), first + kKeysPerQuery);
      std::string in;
      for (std::size_t i = first; i < last; ++i) {
        in += (in.empty() ? "" : ", ") + sql_text(record_keys[i]);
      }
      loader.load(conn, table, fresh, keys, keys.size() + (last - first),
                  " WHERE record_key IN (" + in + ") ORDER BY row_id");
    }
  } catch (const std::exception& e) {
    spdlog::error("fact store: reading {} records of {} failed: {}", record_keys.size(), dataset,
                  e.what());
    return core::Error::internal("读取业务数据失败");
  }
  rows.reserve(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) rows.push_back(put_row(*t, keys[i], fresh, i));
  return rows;
}

}  // namespace mingjing::rules
