// Every dataset of the catalogue through the importer, on a real database
// (SQLite, and PostgreSQL as pg.*): the hand-written good file of
// tests/data/datasets/, the same rows in GB18030 and as an .xlsx workbook, a
// bad value of every kind in every column, each required column missing, a
// re-import, and an import killed (SIGKILL, a real process) half-way and run
// again.
//
// One test per dataset runs all of these on one database, because a fresh
// migrated schema costs most of a test's time on PostgreSQL. Expected values
// come from a small oracle in this file that reads the good files' cells
// independently of the validator.
#include <gtest/gtest.h>
#include <iconv.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "core/id_number.h"
#include "core/uscc.h"
#include "db/row.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "imports/record_store.h"
#include "support/region_fixture.h"
#include "support/test_db.h"
#include "support/xlsx_builder.h"

namespace mingjing::imports {
namespace {

constexpr std::uint8_t kKeyByte = 7;

privacy::Vault test_vault() {
  std::array<std::uint8_t, 32> key{};
  key.fill(kKeyByte);
  return privacy::Vault::from_key(key);
}

// ---- files ----------------------------------------------------------------

// A CSV file as cells: the header and the data rows.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string good_file_path(const std::string& dataset) {
  return testing::source_dir() + "/tests/data/datasets/" + dataset + ".csv";
}

Table read_table(const std::string& dataset) {
  Table t;
  std::string text = read_file(good_file_path(dataset));
  EXPECT_FALSE(text.empty()) << "no good file for " << dataset;
  auto source = csv_source(text);
  bool first = true;
  while (true) {
    auto next = source->next();
    EXPECT_TRUE(next.ok());
    if (!next.ok() || !*next) break;
    if (first) {
      t.header = (*next)->cells;
      first = false;
    } else {
      t.rows.push_back((*next)->cells);
      t.rows.back().resize(t.header.size());
    }
  }
  return t;
}

std::string csv_field(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string to_csv(const Table& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
    out += "\n";
  };
  line(t.header);
  for (const auto& row : t.rows) line(row);
  return out;
}

// UTF-8 to GB18030 with iconv(3), as Excel on Chinese Windows saves CSV.
std::string to_gb18030(const std::string& utf8) {
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* at = out.data();
  std::size_t out_left = out.size();
  std::size_t rc = iconv(cd, &in, &in_left, &at, &out_left);
  EXPECT_NE(rc, static_cast<std::size_t>(-1)) << "iconv failed";
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

// ---- the oracle: what a cell of a good file must be stored as --------------

std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * static_cast<unsigned>(m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};

// The date forms the good files use: 2025-01-26, 2025/02/03, 2025年3月5日.
Ymd oracle_date(const std::string& s) {
  Ymd v;
  if (std::sscanf(s.c_str(), "%d-%d-%d", &v.y, &v.m, &v.d) == 3 ||
      std::sscanf(s.c_str(), "%d/%d/%d", &v.y, &v.m, &v.d) == 3 ||
      std::sscanf(s.c_str(), "%d年%d月%d日", &v.y, &v.m, &v.d) == 3) {
    return v;
  }
  ADD_FAILURE() << "the oracle does not know this date: " << s;
  return v;
}

struct Hms {
  Ymd date;
  int h = 0, mi = 0, s = 0;
};

Hms oracle_datetime(const std::string& s) {
  Hms v;
  int n = std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &v.date.y, &v.date.m, &v.date.d, &v.h, &v.mi,
                      &v.s);
  if (n < 5) ADD_FAILURE() << "the oracle does not know this date-time: " << s;
  return v;
}

std::string two(int n) {
  return (n < 10 ? "0" : "") + std::to_string(n);
}

std::string without(const std::string& s, const std::string& drop) {
  std::string out;
  for (char c : s) {
    if (drop.find(c) == std::string::npos) out += c;
  }
  return out;
}

std::string real_text(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", d);
  return buf;
}

// A stored cell as comparable text: "N" (NULL), "T:text", "I:integer",
// "R:real". Personal values are compared by their plaintext.
std::string expected_cell(const ColumnSpec& col, const std::string& raw) {
  if (raw.empty()) return "N";
  switch (col.type) {
    case ColumnType::text:
    case ColumnType::reference:
    case ColumnType::region:
      return "T:" + raw;
    case ColumnType::enumeration: {
      std::string l = raw;
      for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return "T:" + l;
    }
    case ColumnType::id_number:
    case ColumnType::uscc: {
      std::string u = raw;
      for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return "T:" + u;
    }
    case ColumnType::phone:
    case ColumnType::account:
      return "T:" + without(raw, " -");
    case ColumnType::integer:
      return "I:" + std::to_string(std::stoll(raw));
    case ColumnType::boolean:
      if (raw == "true" || raw == "是" || raw == "1") return "I:1";
      if (raw == "false" || raw == "否" || raw == "0") return "I:0";
      ADD_FAILURE() << "the oracle does not know this boolean: " << raw;
      return "?";
    case ColumnType::decimal:
      return "R:" + real_text(std::strtod(without(raw, ",%").c_str(), nullptr));
    case ColumnType::money: {
      std::string plain = without(raw, ",");
      auto dot = plain.find('.');
      std::string yuan = plain.substr(0, dot);
      std::string fen = dot == std::string::npos ? "" : plain.substr(dot + 1);
      EXPECT_LE(fen.size(), 2u) << raw;
      fen.resize(2, '0');
      return "I:" + std::to_string(std::stoll(yuan) * 100 + std::stoll(fen));
    }
    case ColumnType::date: {
      Ymd v = oracle_date(raw);
      return "T:" + std::to_string(v.y) + "-" + two(v.m) + "-" + two(v.d);
    }
    case ColumnType::datetime: {
      // Asia/Shanghai: UTC+8, no daylight saving since 1991.
      Hms v = oracle_datetime(raw);
      std::int64_t seconds = days_from_civil(v.date.y, v.date.m, v.date.d) * 86400 + v.h * 3600 +
                             v.mi * 60 + v.s - 8 * 3600;
      return "I:" + std::to_string(seconds * 1000);
    }
  }
  return "?";
}

// ---- bad values ---------------------------------------------------------------

struct BadValue {
  std::string column;
  std::string raw;        // what the cell holds ("" for an empty required cell)
  std::string reason_en;  // the reason the report must give
  bool one_of = false;    // clear every one_of column instead
};

// A valid code with its check character replaced by another valid one.
std::string wrong_check(const std::string& good, const std::string& alphabet) {
  std::string bad = good;
  bad.back() = bad.back() == alphabet[0] ? alphabet[1] : alphabet[0];
  return bad;
}

std::vector<BadValue> bad_values(const DatasetSpec& spec) {
  std::vector<BadValue> out;
  for (const auto& col : spec.columns) {
    const std::string& c = col.name;
    if (col.required) out.push_back({c, "", "required value is empty"});
    switch (col.type) {
      case ColumnType::text: {
        std::string one_too_many;  // in Chinese: characters are counted, not bytes
        for (std::size_t i = 0; i <= col.max_length; ++i) one_too_many += "村";
        out.push_back({c, one_too_many, "text too long"});
        break;
      }
      case ColumnType::reference:
        out.push_back({c, "NO-SUCH-RECORD", "no such record in " + col.references});
        break;
      case ColumnType::enumeration:
        out.push_back({c, "sideways", "value not allowed"});
        break;
      case ColumnType::integer:
        out.push_back({c, "3.5", "not an integer"});
        out.push_back({c, "-2", "must not be negative"});
        break;
      case ColumnType::decimal:
        out.push_back({c, "12..5", "not a non-negative number"});
        out.push_back({c, "-1.5", "not a non-negative number"});
        break;
      case ColumnType::money:
        out.push_back({c, "-5.00", "amount must not be negative"});
        out.push_back({c, "12.345", "not an amount in yuan"});
        out.push_back({c, "十二元", "not an amount in yuan"});
        break;
      case ColumnType::boolean:
        out.push_back({c, "maybe", "not a boolean"});
        break;
      case ColumnType::date:
        out.push_back({c, "2025-02-30", "not a date (YYYY-MM-DD)"});
        break;
      case ColumnType::datetime:
        out.push_back({c, "2025-13-01 10:00", "not a date-time (YYYY-MM-DD HH:MM)"});
        out.push_back({c, "2025-03-01 25:00", "not a date-time (YYYY-MM-DD HH:MM)"});
        break;
      case ColumnType::id_number:
        out.push_back(
            {c, wrong_check("330782196503120415", "01"), "not a valid resident ID number"});
        out.push_back({c, "330782202502300017", "not a valid resident ID number"});  // 2月30日
        out.push_back({c, "330782650312041", "not a valid resident ID number"});     // 15 digits
        break;
      case ColumnType::phone:
        out.push_back({c, "1385790abcd", "not a phone number"});
        break;
      case ColumnType::account:
        if (!col.references.empty()) {
          out.push_back({c, "6222020000000000001", "no such record in " + col.references});
        }
        out.push_back({c, "6222-ABCD-0001", "not an account number (6 to 40 digits)"});
        break;
      case ColumnType::uscc:
        out.push_back({c, wrong_check("91330782MA2HX1K07M", "01"), "not a valid credit code"});
        out.push_back({c, "91330782MA2HX1K0IM", "not a valid credit code"});  // I
        break;
      case ColumnType::region:
        out.push_back({c, "330782009999", "no such region code"});
        out.push_back({c, "33078200100", "not a 12-digit region code"});
        break;
    }
  }
  if (!spec.one_of.empty()) {
    out.push_back({spec.one_of.front(), "", "one of these is required", true});
  }
  return out;
}

// ---- the fixture ------------------------------------------------------------

// The datasets `spec` refers to, directly or not, in catalogue order.
std::vector<const DatasetSpec*> prerequisites(const DatasetSpec& spec) {
  std::set<std::string> wanted;
  std::vector<std::string> todo{spec.name};
  while (!todo.empty()) {
    const DatasetSpec* d = find_dataset(todo.back());
    todo.pop_back();
    for (const auto& c : d->columns) {
      if (!c.references.empty() && wanted.insert(c.references).second) {
        todo.push_back(c.references);
      }
    }
  }
  std::vector<const DatasetSpec*> out;
  for (const auto& d : datasets()) {
    if (wanted.contains(d.name)) out.push_back(&d);
  }
  return out;
}

std::vector<std::string> dataset_names() {
  std::vector<std::string> out;
  for (const auto& d : datasets()) out.push_back(d.name);
  return out;
}

class DbDatasetMatrix : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    testing::seed_town_a(tdb.db());
    spec = find_dataset(GetParam());
    ASSERT_NE(spec, nullptr);
    good = read_table(spec->name);
    ASSERT_GE(good.rows.size(), 4u);
    auto header = map_header(*spec, good.header);
    ASSERT_TRUE(header.ok()) << header.error().message;
    columns = header->source;
    ASSERT_TRUE(header->unknown.empty());
    for (const DatasetSpec* pre : prerequisites(*spec)) {
      auto s = import(*pre, to_csv(read_table(pre->name)));
      ASSERT_TRUE(s.ok()) << pre->name << ": " << s.error().message;
      ASSERT_EQ(s->rejected, 0u) << pre->name << ": " << s->errors.front().reason;
    }
  }

  core::Result<ImportSummary> import(const DatasetSpec& d, std::string csv,
                                     ImportOptions options = {}) {
    auto source = csv_source(std::move(csv));
    options.file_name = d.name + ".csv";
    return importer.run(d, *source, options);
  }
  core::Result<ImportSummary> import(const Table& t, ImportOptions options = {}) {
    return import(*spec, to_csv(t), std::move(options));
  }

  long long count(const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = -1;
    conn.session() << sql, soci::into(n);
    return n;
  }
  long long rows_in_table() { return count("SELECT COUNT(*) FROM " + spec->name); }
  void clear_table() {
    auto conn = tdb.db().connect();
    conn.session() << "DELETE FROM " + spec->name;
  }

  // What the rows of `t` must be stored as, one text per row, sorted.
  std::vector<std::string> expected_rows(const Table& t, std::size_t first = 0,
                                         std::size_t last = SIZE_MAX) {
    std::vector<std::string> out;
    for (std::size_t r = first; r < std::min(last, t.rows.size()); ++r) {
      std::string row;
      for (std::size_t c = 0; c < spec->columns.size(); ++c) {
        std::string raw = columns[c] >= 0 ? t.rows[r][static_cast<std::size_t>(columns[c])] : "";
        row += expected_cell(spec->columns[c], raw) + "|";
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The table's rows in the same form, personal values opened from their
  // sealed column after checking the blind index and the mask beside it.
  std::vector<std::string> stored_rows() {
    std::string select;
    for (const auto& col : spec->columns) {
      for (const auto& name : stored_columns(col)) {
        select += (select.empty() ? "\"" : ", \"") + name + "\"";
      }
    }
    auto conn = tdb.db().connect();
    soci::rowset<soci::row> rs =
        (conn.session().prepare << "SELECT " + select + " FROM " + spec->name);
    std::vector<std::string> out;
    for (const soci::row& r : rs) {
      std::string row;
      std::size_t at = 0;
      for (const auto& col : spec->columns) {
        if (db::is_null(r, at)) {
          row += "N|";
          at += is_personal(col.type) ? 3 : 1;
          continue;
        }
        if (is_personal(col.type)) {
          std::string sealed = db::get_text(r, at), index = db::get_text(r, at + 1),
                      mask = db::get_text(r, at + 2);
          at += 3;
          auto plain = vault.open_sealed(sealed);
          EXPECT_TRUE(plain.ok()) << col.name << " is not sealed: " << sealed;
          if (!plain.ok()) continue;
          EXPECT_EQ(index, vault.blind_index(privacy_kind(col.type), *plain)) << col.name;
          EXPECT_EQ(mask, mask_personal(col.type, *plain)) << col.name;
          EXPECT_NE(mask, *plain) << col.name;
          row += "T:" + *plain + "|";
          continue;
        }
        switch (col.type) {
          case ColumnType::money:
          case ColumnType::integer:
          case ColumnType::boolean:
          case ColumnType::datetime:
            row += "I:" + std::to_string(db::get_int(r, at)) + "|";
            break;
          case ColumnType::decimal:
            row += "R:" + real_text(r.get<double>(at)) + "|";
            break;
          default:
            row += "T:" + db::get_text(r, at) + "|";
        }
        ++at;
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every stored column of every row, in row order: "nothing changed".
  std::vector<std::string> snapshot() {
    auto conn = tdb.db().connect();
    soci::rowset<soci::row> rs =
        (conn.session().prepare << "SELECT * FROM " + spec->name + " ORDER BY row_id");
    std::vector<std::string> out;
    for (const soci::row& r : rs) {
      std::string row;
      for (std::size_t i = 0; i < r.size(); ++i) {
        row += r.get_properties(i).get_name() + "=" +
               (db::is_null(r, i) ? "NULL" : db::get_text(r, i)) + "|";
      }
      out.push_back(row);
    }
    return out;
  }

  // The plaintext personal values of the good file (normalised).
  std::vector<std::string> personal_values() {
    std::vector<std::string> out;
    for (std::size_t c = 0; c < spec->columns.size(); ++c) {
      if (!is_personal(spec->columns[c].type) || columns[c] < 0) continue;
      for (const auto& row : good.rows) {
        std::string v = expected_cell(spec->columns[c], row[static_cast<std::size_t>(columns[c])]);
        if (v != "N") out.push_back(v.substr(2));
      }
    }
    return out;
  }

  int file_column(const std::string& name) {
    for (std::size_t c = 0; c < spec->columns.size(); ++c) {
      if (spec->columns[c].name == name) return columns[c];
    }
    return -1;
  }

  // `count` rows: the good rows over and over, each with a key of its own.
  Table distinct_rows(std::size_t count);

  void missing_required_columns();
  void bad_rows();
  void good_file();
  void reimport_changes_nothing();
  void gb18030_and_xlsx_copies();
  void killed_half_way();

  testing::TestDb tdb;
  privacy::Vault vault = test_vault();
  Importer importer{tdb.db(), vault};
  const DatasetSpec* spec = nullptr;
  Table good;
  std::vector<int> columns;  // per spec column: its index in the good file, or -1
};

// ---- scenarios ---------------------------------------------------------------

void DbDatasetMatrix::missing_required_columns() {
  auto refused = [&](const Table& t, const std::string& named) {
    auto s = import(*spec, to_csv(t));
    ASSERT_FALSE(s.ok()) << "a file without " << named << " was read";
    EXPECT_EQ(s.error().field, named);
    EXPECT_NE(s.error().message.find(named), std::string::npos) << s.error().message;
    EXPECT_EQ(rows_in_table(), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM imports WHERE dataset = '" + spec->name + "'"), 0)
        << "a refused file is not a run";
  };
  auto drop = [&](std::vector<int> file_columns) {
    std::sort(file_columns.rbegin(), file_columns.rend());
    Table t = good;
    for (int f : file_columns) {
      t.header.erase(t.header.begin() + f);
      for (auto& row : t.rows) row.erase(row.begin() + f);
    }
    return t;
  };
  for (std::size_t c = 0; c < spec->columns.size(); ++c) {
    const ColumnSpec& col = spec->columns[c];
    if (!col.required) continue;
    SCOPED_TRACE("without " + col.name);
    refused(drop({columns[c]}), col.name);
  }
  if (!spec->one_of.empty()) {
    SCOPED_TRACE("without any of the one_of columns");
    std::vector<int> all;
    for (const auto& name : spec->one_of) all.push_back(file_column(name));
    refused(drop(all), spec->one_of.front());
  }
}

void DbDatasetMatrix::bad_rows() {
  // The good rows with a bad row after each, in batches of 4, so bad rows
  // and reference checks meet batch boundaries.
  const auto bad = bad_values(*spec);
  Table t{good.header, {}};
  std::map<std::size_t, BadValue> at_line;  // file line → what is wrong there
  std::size_t next_bad = 0;
  const std::size_t per_good = (bad.size() + good.rows.size() - 1) / good.rows.size();
  for (std::size_t g = 0; g < good.rows.size(); ++g) {
    t.rows.push_back(good.rows[g]);
    for (std::size_t k = 0; k < per_good && next_bad < bad.size(); ++k, ++next_bad) {
      const BadValue& b = bad[next_bad];
      std::vector<std::string> row = good.rows[next_bad % good.rows.size()];
      if (b.one_of) {
        for (const auto& name : spec->one_of) row[static_cast<std::size_t>(file_column(name))] = "";
      } else {
        row[static_cast<std::size_t>(file_column(b.column))] = b.raw;
      }
      t.rows.push_back(row);
      at_line[t.rows.size() + 1] = b;  // the header is line 1
    }
  }
  ImportOptions small;
  small.batch_rows = 4;
  auto s = import(t, small);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows, t.rows.size());
  EXPECT_EQ(s->inserted, good.rows.size());
  EXPECT_EQ(s->rejected, bad.size());
  ASSERT_EQ(s->errors.size(), bad.size()) << "one error for each bad row";
  for (const RowError& e : s->errors) {
    auto it = at_line.find(e.row);
    if (it == at_line.end()) {
      ADD_FAILURE() << "an error for good line " << e.row << ": " << e.column << " " << e.reason;
      continue;
    }
    const BadValue& b = it->second;
    SCOPED_TRACE("line " + std::to_string(e.row) + ", " + b.column + " = " + b.raw);
    EXPECT_EQ(e.column, b.column);
    EXPECT_TRUE(e.reason_en.starts_with(b.reason_en)) << e.reason_en;
    EXPECT_FALSE(e.reason.empty());
    const ColumnSpec* col = spec->column(b.column);
    if (is_personal(col->type)) {
      // Even a bad personal value is not repeated whole in the report.
      if (!b.raw.empty()) {
        EXPECT_NE(e.value, b.raw);
        EXPECT_EQ(e.value.find(without(b.raw, " -")), std::string::npos) << e.value;
        EXPECT_NE(e.value.find("****"), std::string::npos) << e.value;
      }
    } else if (b.raw.size() <= 40) {
      EXPECT_EQ(e.value, b.raw);
    }
    at_line.erase(it);
  }
  EXPECT_TRUE(at_line.empty()) << at_line.size() << " bad rows were not reported";
  EXPECT_EQ(stored_rows(), expected_rows(good)) << "the good rows among them are stored";
}

void DbDatasetMatrix::good_file() {
  auto s = import(good);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->rows, good.rows.size());
  EXPECT_EQ(s->inserted, good.rows.size());
  EXPECT_EQ(s->updated, 0u);
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_TRUE(s->warnings.empty());
  EXPECT_EQ(rows_in_table(), static_cast<long long>(good.rows.size()));
  EXPECT_EQ(stored_rows(), expected_rows(good));

  // No personal value in plain text: not in any column, and (SQLite) not
  // anywhere in the database file or its write-ahead log.
  const auto plain = personal_values();
  if (std::any_of(spec->columns.begin(), spec->columns.end(),
                  [](const ColumnSpec& c) { return is_personal(c.type); })) {
    EXPECT_FALSE(plain.empty());
  }
  for (const auto& row : snapshot()) {
    for (const auto& p : plain) EXPECT_EQ(row.find(p), std::string::npos) << p << " in " << row;
  }
  if (!tdb.is_postgresql()) {
    std::string path = tdb.url().substr(std::string("sqlite:").size());
    std::string bytes = read_file(path) + read_file(path + "-wal");
    ASSERT_GT(bytes.size(), 0u);
    for (const auto& p : plain) EXPECT_EQ(bytes.find(p), std::string::npos) << p;
  }
}

void DbDatasetMatrix::reimport_changes_nothing() {
  auto before = snapshot();
  auto s = import(good);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 0u);
  EXPECT_EQ(s->updated, 0u);
  EXPECT_EQ(s->unchanged, good.rows.size());
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_EQ(snapshot(), before);
}

void DbDatasetMatrix::gb18030_and_xlsx_copies() {
  auto before = snapshot();
  auto same_records = [&](TableFile file) {
    auto s = importer.run(*spec, *file.source, {});
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->rows, good.rows.size());
    EXPECT_EQ(s->inserted, 0u);
    EXPECT_EQ(s->updated, 0u) << "a value read differently";
    EXPECT_EQ(s->unchanged, good.rows.size());
    EXPECT_EQ(s->rejected, 0u) << (s->errors.empty() ? "" : s->errors.front().reason);
    EXPECT_EQ(snapshot(), before);
  };
  {
    SCOPED_TRACE("GB18030");
    std::string gbk = to_gb18030(to_csv(good));
    ASSERT_NE(gbk, to_csv(good)) << "the file has Chinese text";
    auto file = open_table_bytes(gbk, spec->name + ".csv", 1 << 20);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->encoding_name(), "GB18030");
    same_records(std::move(*file));
  }
  {
    SCOPED_TRACE("xlsx");
    // Text as shared strings; amounts, numbers and region codes as numbers;
    // dates and date-times as serials with a date format, as Excel keeps
    // them; booleans as boolean cells.
    xlsx_test::Book book;
    book.styles = xlsx_test::styles_xml({}, {0, 14, 22});
    std::vector<int> spec_column(good.header.size(), -1);
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] >= 0) spec_column[static_cast<std::size_t>(columns[c])] = static_cast<int>(c);
    }
    auto escape = [](const std::string& s) {
      std::string out;
      for (char ch : s) {
        out += ch == '&' ? "&amp;" : ch == '<' ? "&lt;" : ch == '>' ? "&gt;" : std::string(1, ch);
      }
      return out;
    };
    auto string_cell = [&](const std::string& ref, const std::string& text) {
      book.shared.push_back("<t>" + escape(text) + "</t>");
      return "<c r=\"" + ref + "\" t=\"s\"><v>" + std::to_string(book.shared.size() - 1) +
             "</v></c>";
    };
    std::string rows = "<row r=\"1\">";
    for (std::size_t j = 0; j < good.header.size(); ++j) {
      rows += string_cell(column_letters(j) + "1", good.header[j]);
    }
    rows += "</row>";
    for (std::size_t r = 0; r < good.rows.size(); ++r) {
      std::string n = std::to_string(r + 2);
      rows += "<row r=\"" + n + "\">";
      for (std::size_t j = 0; j < good.header.size(); ++j) {
        const std::string& raw = good.rows[r][j];
        if (raw.empty()) continue;
        std::string ref = column_letters(j) + n;
        ColumnType type = spec_column[j] >= 0
                              ? spec->columns[static_cast<std::size_t>(spec_column[j])].type
                              : ColumnType::text;
        auto number = [&](const std::string& v, const char* style = nullptr) {
          return "<c r=\"" + ref + "\"" + (style ? std::string(" s=\"") + style + "\"" : "") +
                 "><v>" + v + "</v></c>";
        };
        if (type == ColumnType::money || type == ColumnType::integer ||
            type == ColumnType::region ||
            (type == ColumnType::decimal && raw.find('%') == std::string::npos)) {
          rows += number(without(raw, ","));
        } else if (type == ColumnType::boolean && (raw == "true" || raw == "false")) {
          rows += "<c r=\"" + ref + "\" t=\"b\"><v>" + (raw == "true" ? "1" : "0") + "</v></c>";
        } else if (type == ColumnType::date) {
          Ymd d = oracle_date(raw);
          rows += number(
              std::to_string(days_from_civil(d.y, d.m, d.d) - days_from_civil(1899, 12, 30)), "1");
        } else if (type == ColumnType::datetime) {
          Hms t = oracle_datetime(raw);
          double serial = static_cast<double>(days_from_civil(t.date.y, t.date.m, t.date.d) -
                                              days_from_civil(1899, 12, 30)) +
                          (t.h * 3600 + t.mi * 60 + t.s) / 86400.0;
          char buf[64];
          std::snprintf(buf, sizeof buf, "%.10f", serial);
          rows += number(buf, "2");
        } else {
          rows += string_cell(ref, raw);
        }
      }
      rows += "</row>";
    }
    book.sheets.emplace_back(spec->chinese, "xl/worksheets/sheet1.xml", rows);
    testing::TempDir dir;
    std::string path = dir.file(spec->name + ".xlsx");
    xlsx_test::write_zip(path, book.parts());
    auto file = open_table_bytes(read_file(path), spec->name + ".xlsx", 1 << 20);
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->format, TableFormat::kXlsx);
    same_records(std::move(*file));
  }
}

Table DbDatasetMatrix::distinct_rows(std::size_t count) {
  Table t{good.header, {}};
  // The first key column that can take made-up values; failing that
  // (payment_approvals: payment and step), every combination of the
  // referenced records and the allowed values.
  const ColumnSpec* vary = nullptr;
  for (const auto& name : spec->key) {
    const ColumnSpec* c = spec->column(name);
    bool free = (c->type == ColumnType::text || c->type == ColumnType::id_number ||
                 c->type == ColumnType::uscc || c->type == ColumnType::account ||
                 c->type == ColumnType::date) &&
                c->references.empty();
    if (free && !vary) vary = c;
  }
  std::vector<std::vector<std::string>> combos{{}};
  if (!vary) {
    for (const auto& name : spec->key) {
      const ColumnSpec* c = spec->column(name);
      std::vector<std::string> values = c->values;
      if (values.empty()) {
        std::set<std::string> seen;
        for (const auto& row : good.rows) {
          const std::string& v = row[static_cast<std::size_t>(file_column(name))];
          if (seen.insert(v).second) values.push_back(v);
        }
      }
      std::vector<std::vector<std::string>> longer;
      for (const auto& prefix : combos) {
        for (const auto& v : values) {
          longer.push_back(prefix);
          longer.back().push_back(v);
        }
      }
      combos = std::move(longer);
    }
    EXPECT_GE(combos.size(), count) << "not enough distinct keys";
  }
  for (std::size_t k = 0; k < count; ++k) {
    std::vector<std::string> row = good.rows[k % good.rows.size()];
    if (vary) {
      std::string& cell = row[static_cast<std::size_t>(file_column(vary->name))];
      std::string n = std::to_string(k);
      switch (vary->type) {
        case ColumnType::id_number: {
          std::string first17 =
              "330782" + core::Date::from_ymd(1980, 1, 1).add_days(static_cast<int>(k)).to_string();
          first17 = without(first17, "-") + "123";
          cell = first17 + core::IdNumber::check_char(first17);
          break;
        }
        case ColumnType::uscc: {
          std::string first17 = "91330782MA2" + std::string(6 - n.size(), '0') + n;
          cell = first17 + core::Uscc::check_char(first17);
          break;
        }
        case ColumnType::account:
          cell = "62220200" + std::string(11 - n.size(), '0') + n;
          break;
        case ColumnType::date:
          cell = core::Date::from_ymd(2030, 1, 1).add_days(static_cast<int>(k)).to_string();
          break;
        default:
          cell = cell + "-" + n;
      }
    } else {
      for (std::size_t i = 0; i < spec->key.size(); ++i) {
        row[static_cast<std::size_t>(file_column(spec->key[i]))] = combos[k % combos.size()][i];
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

void DbDatasetMatrix::killed_half_way() {
  constexpr std::size_t kBatch = 3, kRows = 12, kKilledAfter = 2;
  clear_table();
  const Table file = distinct_rows(kRows);
  const std::string csv = to_csv(file);
  ImportOptions options;
  options.batch_rows = kBatch;
  options.file_name = spec->name + ".csv";

  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Another process: its own connection (never the parent's) and its own
    // vault (its own nonces). It ends by SIGKILL after the second batch;
    // any other way out is a failure the parent sees in the status.
    int status = 3;
    try {
      auto db = tdb.open_again();
      privacy::Vault own_vault = test_vault();
      Importer own(*db, own_vault);
      options.after_batch_commit = [&](std::size_t batches) {
        if (batches == kKilledAfter) std::raise(SIGKILL);
      };
      auto source = csv_source(csv);
      auto s = own.run(*spec, *source, options);
      status = s.ok() ? 4 : 5;
    } catch (...) {
      status = 6;
    }
    ::_exit(status);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child was not killed: exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);

  // Whole batches only: exactly the first two, complete.
  EXPECT_EQ(rows_in_table(), static_cast<long long>(kBatch * kKilledAfter));
  EXPECT_EQ(stored_rows(), expected_rows(file, 0, kBatch * kKilledAfter));
  EXPECT_EQ(count("SELECT COUNT(*) FROM imports WHERE dataset = '" + spec->name +
                  "' AND status = 'running'"),
            1)
      << "the killed run stays on record as running";

  // Run again: the rest goes in, nothing twice, nothing lost.
  auto s = import(file, options);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, kRows - kBatch * kKilledAfter);
  EXPECT_EQ(s->unchanged, kBatch * kKilledAfter);
  EXPECT_EQ(s->updated, 0u);
  EXPECT_EQ(s->rejected, 0u);
  EXPECT_EQ(rows_in_table(), static_cast<long long>(kRows));
  EXPECT_EQ(stored_rows(), expected_rows(file));
}

TEST_P(DbDatasetMatrix, EveryFileAndFailure) {
  {
    SCOPED_TRACE("a missing required column");
    missing_required_columns();
  }
  {
    SCOPED_TRACE("bad rows");
    bad_rows();
  }
  clear_table();
  {
    SCOPED_TRACE("the good file");
    good_file();
  }
  {
    SCOPED_TRACE("re-import");
    reimport_changes_nothing();
  }
  {
    SCOPED_TRACE("other encodings and formats");
    gb18030_and_xlsx_copies();
  }
  {
    SCOPED_TRACE("killed half-way");
    killed_half_way();
  }
}

INSTANTIATE_TEST_SUITE_P(AllDatasets, DbDatasetMatrix, ::testing::ValuesIn(dataset_names()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// A kill inside a batch: the third batch has inserted its new records and is
// updating an old one when the process dies. A trigger holds the UPDATE
// inside the batch's transaction (PostgreSQL: sleeping; SQLite: counting) so
// the kill lands there for certain.
// Nothing of that batch may remain, and running again finishes the job.
TEST(DbKilledImport, AKillInsideABatchLeavesNothingOfIt) {
  testing::TestDb tdb;
  testing::seed_town_a(tdb.db());
  const bool pg = tdb.is_postgresql();
  auto line = [](int n, const std::string& name) {
    return "Q" + std::to_string(n) + ",330782001001," + name + ",works,1000,direct\n";
  };
  std::string csv = "id,village_code,name,category,estimated_amount,method\n";
  for (int n = 1; n <= 8; ++n) csv += line(n, "项目" + std::to_string(n));
  csv += line(1, "项目1（更名）");  // the third batch: Q7, Q8 and this update of Q1
  auto count = [&](const std::string& sql) {
    auto conn = tdb.db().connect();
    long long n = -1;
    conn.session() << sql, soci::into(n);
    return n;
  };
  auto name_of_q1 = [&] {
    auto conn = tdb.db().connect();
    std::string name;
    conn.session() << "SELECT name FROM projects WHERE id = 'Q1'", soci::into(name);
    return name;
  };
  {
    auto conn = tdb.db().connect();
    if (pg) {
      conn.session() << "CREATE FUNCTION hold_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
                        "BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$";
      conn.session() << "CREATE TRIGGER hold BEFORE UPDATE ON projects FOR EACH ROW "
                        "EXECUTE FUNCTION hold_update()";
    } else {
      conn.session() << "CREATE TRIGGER hold BEFORE UPDATE ON projects BEGIN SELECT COUNT(*) "
                        "FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                        "WHERE x < 1000000000) SELECT x FROM c); END";
    }
  }

  int batches_done[2];
  ASSERT_EQ(::pipe(batches_done), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(batches_done[0]);
    int status = 3;
    try {
      // PostgreSQL notices a dead client when it next writes to it, here
      // after the 60 s sleep; checking the connection every 50 ms lets the
      // test see the rollback without waiting for that.
      auto db = tdb.open_again();
      if (pg) {
        // TestDb's URL ends with its options parameter (the search path).
        if (tdb.url().find("options=-csearch_path") == std::string::npos) ::_exit(9);
        auto checked = db::Database::open(
            {.url = tdb.url() + "%20-cclient_connection_check_interval%3D50", .pool_size = 1});
        if (!checked.ok()) ::_exit(8);
        db = std::move(*checked);
      }
      privacy::Vault own_vault = test_vault();
      Importer own(*db, own_vault);
      ImportOptions options;
      options.batch_rows = 3;
      options.after_batch_commit = [&](std::size_t batches) {
        if (batches == 2 && ::write(batches_done[1], "2", 1) != 1) ::_exit(7);
      };
      auto source = csv_source(csv);
      auto s = own.run(*find_dataset("projects"), *source, options);
      status = s.ok() ? 4 : 5;
    } catch (...) {
      status = 6;
    }
    ::_exit(status);
  }
  ::close(batches_done[1]);
  char got = 0;
  bool signalled = ::read(batches_done[0], &got, 1) == 1;
  ::close(batches_done[0]);
  EXPECT_TRUE(signalled) << "the child never committed two batches";

  // Wait until the child is inside the third batch's UPDATE.
  auto until = [](const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) ::usleep(10'000);
    return done();
  };
  if (pg) {
    EXPECT_TRUE(until([&] {
      return count(
                 "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND "
                 "query LIKE 'UPDATE %projects%'") == 1;
    }));
  } else {
    // The child holds the write lock from the batch's BEGIN IMMEDIATE; the
    // two inserts take microseconds, the held UPDATE seconds.
    auto probe_db = tdb.open_again();
    auto probe = probe_db->connect();
    probe.session() << "PRAGMA busy_timeout = 0";
    EXPECT_TRUE(until([&] {
      try {
        probe.session() << "BEGIN IMMEDIATE";
        probe.session() << "ROLLBACK";
        return false;
      } catch (const std::exception&) {
        return true;  // locked: the child is inside a transaction
      }
    }));
    ::usleep(200'000);
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child was not killed: exit status " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  if (pg) {
    // The server notices the dead client and rolls its transaction back.
    EXPECT_TRUE(until([&] {
      return count(
                 "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND "
                 "query LIKE 'UPDATE %projects%'") == 0;
    }));
  }
  {
    auto conn = tdb.db().connect();
    conn.session() << (pg ? "DROP TRIGGER hold ON projects" : "DROP TRIGGER hold");
  }

  EXPECT_EQ(count("SELECT COUNT(*) FROM projects"), 6) << "the first two batches, whole";
  EXPECT_EQ(count("SELECT COUNT(*) FROM projects WHERE id IN ('Q7', 'Q8')"), 0);
  EXPECT_EQ(name_of_q1(), "项目1") << "the update died with its batch";

  privacy::Vault vault = test_vault();
  Importer importer(tdb.db(), vault);
  ImportOptions options;
  options.batch_rows = 3;
  auto source = csv_source(csv);
  auto s = importer.run(*find_dataset("projects"), *source, options);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 2u);
  EXPECT_EQ(s->updated, 1u);
  EXPECT_EQ(s->unchanged, 6u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM projects"), 8);
  EXPECT_EQ(name_of_q1(), "项目1（更名）");
}

// All the good files into one database in catalogue order: every reference
// between them is satisfied, and the catalogue covers every file.
TEST(DbDatasetCatalogue, EveryGoodFileImportsInCatalogueOrder) {
  testing::TestDb tdb;
  testing::seed_town_a(tdb.db());
  privacy::Vault vault = test_vault();
  Importer importer(tdb.db(), vault);
  std::size_t files = 0;
  for (const auto& d : datasets()) {
    Table t = read_table(d.name);
    auto source = csv_source(to_csv(t));
    auto s = importer.run(d, *source, {});
    ASSERT_TRUE(s.ok()) << d.name << ": " << s.error().message;
    EXPECT_EQ(s->inserted, t.rows.size()) << d.name;
    EXPECT_EQ(s->rejected, 0u) << d.name;
    for (const auto& e : s->errors) {
      ADD_FAILURE() << d.name << " line " << e.row << " " << e.column << " (" << e.value
                    << "): " << e.reason;
    }
    ++files;
  }
  EXPECT_EQ(files, 22u);
  std::size_t on_disk = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::source_dir() + "/tests/data/datasets")) {
    if (entry.path().extension() == ".csv") ++on_disk;
  }
  EXPECT_EQ(on_disk, files) << "a good file without a dataset";
}

}  // namespace
}  // namespace mingjing::imports
