// The fact store in memory: tables built from the catalogue, upsert, and
// the shared hash indexes. Loading from the database is facts_load.cc.
#include "rules/facts.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "core/date.h"
#include "core/id_number.h"
#include "imports/record_store.h"
#include "privacy/privacy.h"
#include "rules/facts_internal.h"

namespace mingjing::rules {

// --- detail ------------------------------------------------------------------------------

namespace detail {

namespace {

FactType fact_type(imports::ColumnType type) {
  using T = imports::ColumnType;
  switch (type) {
    case T::money:
      return FactType::money;
    case T::integer:
      return FactType::integer;
    case T::boolean:
      return FactType::boolean;
    case T::date:
      return FactType::date;
    case T::datetime:
      return FactType::datetime;
    case T::decimal:
      return FactType::decimal;
    default:
      return FactType::text;
  }
}

FactColumn make_column(std::string name, FactType type, imports::ColumnType source) {
  FactColumn column;
  column.name = std::move(name);
  column.type = type;
  column.source = source;
  return column;
}

bool two_digits(std::string_view s, std::size_t at, int& out) {
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

}  // namespace

std::vector<FactColumn> fact_columns(const imports::DatasetSpec& dataset) {
  using T = imports::ColumnType;
  std::vector<FactColumn> columns;
  for (const auto& c : dataset.columns) {
    if (imports::is_personal(c.type)) {
      columns.push_back(make_column(c.name, FactType::text, c.type));
      columns.push_back(make_column(c.name + ".mask", FactType::text, T::text));
      if (c.type == T::id_number) {
        columns.push_back(make_column(c.name + ".birth_date", FactType::date, T::date));
        columns.push_back(make_column(c.name + ".sex", FactType::text, T::enumeration));
      }
    } else {
      columns.push_back(make_column(c.name, fact_type(c.type), c.type));
    }
  }
  return columns;
}

std::vector<ColumnPlace> column_places(const imports::DatasetSpec& dataset) {
  using T = imports::ColumnType;
  std::vector<ColumnPlace> places;
  std::size_t next = 0;
  for (const auto& c : dataset.columns) {
    ColumnPlace place;
    place.first = next;
    place.personal = imports::is_personal(c.type);
    place.id_number = c.type == T::id_number;
    next += place.id_number ? 4 : place.personal ? 2 : 1;
    places.push_back(place);
  }
  return places;
}

const imports::ColumnSpec* parent_reference(const imports::DatasetSpec& dataset) {
  if (!dataset.region_column.empty()) return nullptr;
  for (const auto& c : dataset.columns) {
    if (!c.references.empty()) return &c;
  }
  return nullptr;
}

std::int64_t days_from_text(std::string_view text) {
  int year_hi = 0, year_lo = 0, month = 0, day = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && two_digits(text, 0, year_hi) &&
      two_digits(text, 2, year_lo) && two_digits(text, 5, month) && two_digits(text, 8, day)) {
    const int year = year_hi * 100 + year_lo;
    if (!core::Date::is_valid_ymd(year, month, day)) return kMissing;
    return core::Date::from_ymd(year, month, day).days_since_epoch();
  }
  auto parsed = core::Date::parse(text);
  return parsed.ok() ? parsed->days_since_epoch() : kMissing;
}

std::optional<Person> person_of(std::string_view id_number) {
  auto id = core::IdNumber::parse(id_number);
  if (!id.ok()) return std::nullopt;
  return Person{id->birth_date().days_since_epoch(), id->is_female()};
}

}  // namespace detail

// --- FactColumn, FactTable -----------------------------------------------------------------

bool FactColumn::missing(std::size_t row) const {
  switch (type) {
    case FactType::text:
      return codes[row] == kNoCode;
    case FactType::decimal:
      return std::isnan(reals[row]);
    default:
      return ints[row] == kMissing;
  }
}

const FactColumn* FactTable::column(std::string_view wanted) const {
  for (const auto& c : columns_) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

std::optional<std::size_t> FactTable::find(std::string_view record_key) const {
  auto code = dictionary_.find(record_key);
  if (!code) return std::nullopt;
  return find(*code);
}

std::optional<std::size_t> FactTable::find(Code record_key) const {
  if (record_key == kNoCode || key_slots_.empty()) return std::nullopt;
  const std::size_t mask = key_slots_.size() - 1;
  for (std::size_t i = detail::mix(record_key) & mask;; i = (i + 1) & mask) {
    const std::uint64_t slot = key_slots_[i];
    if (slot == 0) return std::nullopt;
    if (static_cast<Code>(slot >> 32) == record_key)
      return static_cast<std::size_t>(slot & 0xffffffffu);
  }
}

void FactTable::add_key(Code record_key, std::size_t row) {
  // At most half full.
  if ((row + 1) * 2 > key_slots_.size()) {
    std::vector<std::uint64_t> old;
    old.swap(key_slots_);
    key_slots_.assign(std::max<std::size_t>(64, std::bit_ceil((row + 1) * 2)), 0);
    for (std::uint64_t slot : old) {
      if (slot) add_key(static_cast<Code>(slot >> 32), slot & 0xffffffffu);
    }
  }
  const std::size_t mask = key_slots_.size() - 1;
  const std::uint64_t entry = (static_cast<std::uint64_t>(record_key) << 32) | row;
  for (std::size_t i = detail::mix(record_key) & mask;; i = (i + 1) & mask) {
    std::uint64_t& slot = key_slots_[i];
    if (slot == 0 || static_cast<Code>(slot >> 32) == record_key) {
      slot = entry;
      return;
    }
  }
}

// --- HashIndex ---------------------------------------------------------------------------

void HashIndex::Impl::build(const FactColumn& column, std::size_t size) {
  // Pass 1: the distinct values and how many rows each has.
  std::size_t capacity = 64;
  slots.assign(capacity, Slot{});
  distinct = 0;
  auto place = [&](std::int64_t value) -> Slot& {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = detail::mix(static_cast<std::uint64_t>(value)) & mask;;
         i = (i + 1) & mask) {
      if (slots[i].value == value || slots[i].value == kMissing) return slots[i];
    }
  };
  auto grow = [&] {
    std::vector<Slot> old;
    old.swap(slots);
    slots.assign(old.size() * 2, Slot{});
    for (const Slot& s : old) {
      if (s.value != kMissing) place(s.value) = s;
    }
  };
  std::size_t indexed = 0;
  for (std::size_t row = 0; row < size; ++row) {
    auto value = detail::index_key(column, row);
    if (!value) continue;
    Slot& slot = place(*value);
    if (slot.value == kMissing) {
      if ((distinct + 1) * 2 > slots.size()) {
        grow();
        Slot& fresh = place(*value);
        fresh.value = *value;
        fresh.count = 1;
      } else {
        slot.value = *value;
        slot.count = 1;
      }
      ++distinct;
    } else {
      ++slot.count;
    }
    ++indexed;
  }
  // Pass 2: each value's place in `rows`, then the rows in ascending order.
  std::uint32_t offset = 0;
  for (Slot& s : slots) {
    if (s.value == kMissing) continue;
    s.offset = offset;
    offset += s.count;
    s.count = 0;
  }
  rows.assign(indexed, 0);
  for (std::size_t row = 0; row < size; ++row) {
    auto value = detail::index_key(column, row);
    if (!value) continue;
    Slot& s = place(*value);
    rows[s.offset + s.count++] = static_cast<std::uint32_t>(row);
  }
  changed.clear();
}

const HashIndex::Impl::Slot* HashIndex::Impl::find_slot(std::int64_t value) const {
  if (slots.empty() || value == kMissing) return nullptr;
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = detail::mix(static_cast<std::uint64_t>(value)) & mask;; i = (i + 1) & mask) {
    if (slots[i].value == value) return &slots[i];
    if (slots[i].value == kMissing) return nullptr;
  }
}

std::span<const std::uint32_t> HashIndex::Impl::rows_of(std::int64_t value) const {
  if (!changed.empty()) {
    auto it = changed.find(value);
    if (it != changed.end()) return it->second;
  }
  const Slot* s = find_slot(value);
  if (!s) return {};
  return std::span<const std::uint32_t>(rows.data() + s->offset, s->count);
}

void HashIndex::Impl::add(std::int64_t value, std::uint32_t row) {
  auto it = changed.find(value);
  if (it == changed.end()) {
    auto base = rows_of(value);
    it = changed.emplace(value, std::vector<std::uint32_t>(base.begin(), base.end())).first;
  }
  std::vector<std::uint32_t>& list = it->second;
  if (list.empty()) ++distinct;
  list.insert(std::lower_bound(list.begin(), list.end(), row), row);
}

void HashIndex::Impl::remove(std::int64_t value, std::uint32_t row) {
  auto it = changed.find(value);
  if (it == changed.end()) {
    auto base = rows_of(value);
    it = changed.emplace(value, std::vector<std::uint32_t>(base.begin(), base.end())).first;
  }
  std::vector<std::uint32_t>& list = it->second;
  auto at = std::lower_bound(list.begin(), list.end(), row);
  if (at == list.end() || *at != row) return;
  list.erase(at);
  if (list.empty()) --distinct;
}

std::size_t HashIndex::Impl::bytes() const {
  std::size_t total = slots.capacity() * sizeof(Slot) + rows.capacity() * sizeof(std::uint32_t);
  for (const auto& [value, list] : changed) total += 48 + list.capacity() * sizeof(std::uint32_t);
  return total;
}

std::span<const std::uint32_t> HashIndex::rows(std::int64_t value) const {
  if (!impl_) return {};
  return impl_->rows_of(value);
}

std::size_t HashIndex::distinct() const {
  return impl_ ? impl_->distinct : 0;
}

// --- derived datasets ---------------------------------------------------------------------

const std::vector<imports::DatasetSpec>& derived_datasets() {
  using T = imports::ColumnType;
  static const std::vector<imports::DatasetSpec> derived = [] {
    auto column = [](std::string name, T type, std::vector<std::string> values = {}) {
      imports::ColumnSpec c;
      c.name = std::move(name);
      c.type = type;
      c.values = std::move(values);
      return c;
    };
    // The warning lifecycle (migration 0004_warnings.sql), for rules on how
    // warnings are handled (D07) and on a village's hits (E03). Times are
    // unix milliseconds as stored; `deadline` a civil date.
    imports::DatasetSpec warnings;
    warnings.name = "warnings";
    warnings.chinese = "预警记录";
    warnings.key = {"id"};
    warnings.region_column = "region_code";
    warnings.columns = {
        column("id", T::text),
        column("rule_id", T::text),
        column("category", T::text),
        column("severity", T::enumeration, {"red", "yellow"}),
        column("status", T::enumeration, {"new", "handling", "closed"}),
        column("region_code", T::region),
        column("routed_body", T::enumeration,
               {"village", "department", "town_discipline", "county_discipline"}),
        column("escalation_level", T::integer),
        column("deadline", T::date),
        column("verdict", T::enumeration,
               {"confirmed", "rectified", "false_positive", "exception"}),
        column("reopened_count", T::integer),
        column("still_hit", T::boolean),
        column("created_at", T::datetime),
        column("closed_at", T::datetime),
    };
    for (auto& c : warnings.columns) {
      c.required = c.name != "verdict" && c.name != "closed_at";
    }
    return std::vector<imports::DatasetSpec>{std::move(warnings)};
  }();
  return derived;
}

bool is_derived_dataset(std::string_view name) {
  for (const auto& d : derived_datasets()) {
    if (d.name == name) return true;
  }
  return false;
}

const imports::DatasetSpec* find_fact_dataset(std::string_view name) {
  if (const imports::DatasetSpec* d = imports::find_dataset(name)) return d;
  for (const auto& d : derived_datasets()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

// --- FactStore ---------------------------------------------------------------------------

FactStore::FactStore() : impl_(std::make_unique<Impl>()) {}
FactStore::~FactStore() = default;
FactStore::FactStore(FactStore&&) noexcept = default;
FactStore& FactStore::operator=(FactStore&&) noexcept = default;

FactStore FactStore::empty() {
  FactStore store;
  auto add = [&](const imports::DatasetSpec& spec) {
    FactTable table;
    table.spec_ = &spec;
    table.dictionary_ = store.dictionary_;
    table.columns_ = detail::fact_columns(spec);
    store.impl_->tables.push_back(std::move(table));
  };
  for (const auto& spec : imports::datasets()) add(spec);
  for (const auto& spec : derived_datasets()) add(spec);
  return store;
}

const FactTable* FactStore::table(std::string_view dataset) const {
  auto t = impl_->table_of(dataset);
  return t ? &impl_->tables[*t] : nullptr;
}

std::size_t FactStore::records() const {
  std::size_t total = 0;
  for (const auto& t : impl_->tables) total += t.size();
  return total;
}

const HashIndex& FactStore::index(std::string_view dataset, std::string_view column) const {
  auto t = impl_->table_of(dataset);
  if (!t) throw std::invalid_argument("fact index: no dataset " + std::string(dataset));
  const FactTable& table = impl_->tables[*t];
  std::size_t c = 0;
  while (c < table.columns_.size() && table.columns_[c].name != column) ++c;
  if (c == table.columns_.size()) {
    throw std::invalid_argument("fact index: no column " + std::string(dataset) + "." +
                                std::string(column));
  }
  std::lock_guard lock(impl_->index_mutex);
  auto [it, fresh] = impl_->indexes.try_emplace({*t, c});
  if (fresh) {
    it->second.impl_ = std::make_shared<HashIndex::Impl>();
    it->second.impl_->build(table.columns_[c], table.size());
  }
  return it->second;
}

void FactStore::warm_index(std::string_view dataset, std::string_view column) const {
  (void)index(dataset, column);
}

namespace {

// Appends a missing value to every column (a new row).
void append_missing(std::vector<FactColumn>& columns) {
  for (auto& c : columns) {
    switch (c.type) {
      case FactType::text:
        c.codes.push_back(kNoCode);
        break;
      case FactType::decimal:
        c.reals.push_back(std::numeric_limits<double>::quiet_NaN());
        break;
      default:
        c.ints.push_back(kMissing);
    }
  }
}

}  // namespace

core::Result<std::size_t> FactStore::upsert(const imports::DatasetSpec& dataset,
                                            const std::vector<imports::Value>& values,
                                            const privacy::Vault& vault) {
  auto t = impl_->table_of(dataset.name);
  if (!t) return core::Error::invalid("未知的数据集：" + dataset.name, "dataset");
  FactTable& table = impl_->tables[*t];
  const imports::DatasetSpec& spec = table.spec();
  if (values.size() != spec.columns.size()) {
    return core::Error::invalid("记录的列数与数据集不符", "values");
  }

  const std::string key = imports::RecordStore(vault).record_key(spec, values);
  const Code key_code = dictionary_.intern(key);
  std::optional<std::size_t> existing = table.find(key_code);
  const std::size_t row = existing ? *existing : table.size();

  // The built indexes of this table, with the row's old values.
  struct Touched {
    HashIndex::Impl* index;
    const FactColumn* column;
    std::optional<std::int64_t> before;
  };
  std::vector<Touched> touched;
  for (auto& [where, index] : impl_->indexes) {
    if (where.first != *t) continue;
    const FactColumn* column = &table.columns_[where.second];
    touched.push_back(
        {index.impl_.get(), column, existing ? detail::index_key(*column, row) : std::nullopt});
  }

  if (!existing) {
    append_missing(table.columns_);
    table.record_keys_.push_back(key_code);
    table.regions_.push_back(kNoCode);
    table.add_key(key_code, row);
  }

  const auto places = detail::column_places(spec);
  for (std::size_t c = 0; c < spec.columns.size(); ++c) {
    const imports::ColumnSpec& col = spec.columns[c];
    const imports::Value& v = values[c];
    const detail::ColumnPlace& place = places[c];
    FactColumn& out = table.columns_[place.first];
    if (place.personal) {
      const bool present = v.kind == imports::Value::Kind::text && !v.text.empty();
      out.codes[row] =
          present ? dictionary_.intern(vault.blind_index(imports::privacy_kind(col.type), v.text))
                  : kNoCode;
      table.columns_[place.first + 1].codes[row] =
          present ? dictionary_.intern(imports::mask_personal(col.type, v.text)) : kNoCode;
      if (place.id_number) {
        auto person = present ? detail::person_of(v.text) : std::nullopt;
        table.columns_[place.first + 2].ints[row] = person ? person->birth_days : kMissing;
        table.columns_[place.first + 3].codes[row] =
            person ? dictionary_.intern(person->female ? detail::kFemale : detail::kMale) : kNoCode;
      }
      continue;
    }
    switch (out.type) {
      case FactType::text:
        out.codes[row] =
            v.kind == imports::Value::Kind::text ? dictionary_.intern(v.text) : kNoCode;
        break;
      case FactType::decimal:
        out.reals[row] = v.kind == imports::Value::Kind::real      ? v.real
                         : v.kind == imports::Value::Kind::integer ? static_cast<double>(v.integer)
                                                                   : std::nan("");
        break;
      case FactType::date:
        out.ints[row] =
            v.kind == imports::Value::Kind::text ? detail::days_from_text(v.text) : kMissing;
        break;
      default:
        out.ints[row] = v.kind == imports::Value::Kind::integer ? v.integer : kMissing;
    }
  }

  // The row's region: its own region column, or its parent record's.
  if (!spec.region_column.empty()) {
    table.regions_[row] = table.column(spec.region_column)->codes[row];
  } else if (const imports::ColumnSpec* ref = detail::parent_reference(spec)) {
    table.regions_[row] = kNoCode;
    const FactTable* parent = this->table(ref->references);
    const FactColumn* link = table.column(ref->name);
    if (parent && link) {
      if (auto p = parent->find(link->codes[row])) table.regions_[row] = parent->region(*p);
    }
  }

  for (const Touched& change : touched) {
    auto after = detail::index_key(*change.column, row);
    if (change.before == after) continue;
    if (change.before) change.index->remove(*change.before, static_cast<std::uint32_t>(row));
    if (after) change.index->add(*after, static_cast<std::uint32_t>(row));
  }
  return row;
}

}  // namespace mingjing::rules

namespace mingjing::rules {

std::uint32_t FactStore::put_row(std::size_t t, Code key, const std::vector<FactColumn>& from,
                                 std::size_t at) {
  FactTable& table = impl_->tables[t];
  const imports::DatasetSpec& spec = table.spec();
  std::optional<std::size_t> existing = table.find(key);
  const std::size_t row = existing ? *existing : table.size();

  // The built indexes of this table, with the row's old values.
  struct Touched {
    HashIndex::Impl* index;
    const FactColumn* column;
    std::optional<std::int64_t> before;
  };
  std::vector<Touched> touched;
  for (auto& [where, index] : impl_->indexes) {
    if (where.first != t) continue;
    const FactColumn* column = &table.columns_[where.second];
    touched.push_back(
        {index.impl_.get(), column, existing ? detail::index_key(*column, row) : std::nullopt});
  }
  if (!existing) {
    append_missing(table.columns_);
    table.record_keys_.push_back(key);
    table.regions_.push_back(kNoCode);
    table.add_key(key, row);
  }
  for (std::size_t c = 0; c < table.columns_.size(); ++c) {
    FactColumn& out = table.columns_[c];
    const FactColumn& in = from[c];
    switch (out.type) {
      case FactType::text:
        out.codes[row] = in.codes[at];
        break;
      case FactType::decimal:
        out.reals[row] = in.reals[at];
        break;
      default:
        out.ints[row] = in.ints[at];
    }
  }
  // The row's region: its own region column, or its parent record's.
  if (!spec.region_column.empty()) {
    table.regions_[row] = table.column(spec.region_column)->codes[row];
  } else if (const imports::ColumnSpec* ref = detail::parent_reference(spec)) {
    table.regions_[row] = kNoCode;
    const FactTable* parent = this->table(ref->references);
    const FactColumn* link = table.column(ref->name);
    if (parent && link) {
      if (auto p = parent->find(link->codes[row])) table.regions_[row] = parent->region(*p);
    }
  }
  for (const Touched& change : touched) {
    auto after = detail::index_key(*change.column, row);
    if (change.before == after) continue;
    if (change.before) change.index->remove(*change.before, static_cast<std::uint32_t>(row));
    if (after) change.index->add(*after, static_cast<std::uint32_t>(row));
  }
  return static_cast<std::uint32_t>(row);
}

}  // namespace mingjing::rules
