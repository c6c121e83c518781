// The dataset catalogue against the spec (../shared/spec/data-formats.md)
// and against the tables of migration 0002, on both back ends.
#include "imports/datasets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "db/row.h"
#include "db/soci.h"
#include "support/test_db.h"

namespace mingjing::imports {
namespace {

// The dataset table of the spec: name → (required columns, all columns),
// read from the spec file itself so that the catalogue cannot drift from it.
struct SpecRow {
  std::set<std::string> required, all;
};

std::map<std::string, SpecRow> read_spec() {
  std::ifstream in(std::string(MINGJING_SOURCE_DIR) + "/../shared/spec/data-formats.md");
  std::map<std::string, SpecRow> out;
  std::string line;
  const std::regex row(R"(^\| ([a-z_]+) \| [^|]* \| (.*) \|$)");
  const std::regex column(R"(^\s*([a-z_0-9]+)(\*?))");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, row) || m[1] == "dataset") continue;
    SpecRow spec;
    // Drop "(...)" notes, then split on commas.
    std::string cols = std::regex_replace(m[2].str(), std::regex(R"(\([^)]*\))"), "");
    std::stringstream ss(cols);
    std::string part;
    while (std::getline(ss, part, ',')) {
      // "holder_id_number or holder_uscc": two optional columns.
      std::stringstream words(part);
      std::string word;
      while (words >> word) {
        std::smatch c;
        if (word == "or" || !std::regex_search(word, c, column)) continue;
        spec.all.insert(c[1]);
        if (c[2] == "*") spec.required.insert(c[1]);
      }
    }
    out[m[1]] = spec;
  }
  return out;
}

TEST(Datasets, EveryDatasetOfTheSpecWithItsColumns) {
  auto spec = read_spec();
  ASSERT_EQ(spec.size(), 23u) << "the spec lists regions and 22 business datasets";
  ASSERT_EQ(datasets().size(), 22u);
  for (const auto& [name, row] : spec) {
    if (name == "regions") continue;  // its own importer (regions/)
    const DatasetSpec* d = find_dataset(name);
    ASSERT_NE(d, nullptr) << name;
    std::set<std::string> ours, ours_required;
    for (const auto& c : d->columns) {
      ours.insert(c.name);
      if (c.required) ours_required.insert(c.name);
    }
    for (const auto& c : row.all) {
      EXPECT_TRUE(ours.contains(c)) << name << "." << c;
    }
    EXPECT_EQ(ours_required, row.required) << name;
  }
}

TEST(Datasets, KeysRegionsReferencesAndEnumsAreConsistent) {
  std::set<std::string> earlier;
  for (const auto& d : datasets()) {
    ASSERT_FALSE(d.key.empty()) << d.name;
    for (const auto& k : d.key) {
      EXPECT_NE(d.column(k), nullptr) << d.name << " key " << k;
    }
    if (!d.region_column.empty()) {
      const ColumnSpec* c = d.column(d.region_column);
      ASSERT_NE(c, nullptr) << d.name;
      EXPECT_EQ(c->type, ColumnType::region) << d.name;
      EXPECT_TRUE(c->required) << d.name << ": a record must have a place in the tree";
    }
    std::set<std::string> headers;
    for (const auto& c : d.columns) {
      if (!c.references.empty()) {
        EXPECT_TRUE(earlier.contains(c.references))
            << d.name << "." << c.name << " refers to a dataset that comes later";
      }
      if (c.type == ColumnType::enumeration) {
        EXPECT_FALSE(c.values.empty()) << c.name;
      }
      // No header may name two columns.
      EXPECT_TRUE(headers.insert(c.name).second) << d.name << " " << c.name;
      for (const auto& a : c.aliases) {
        EXPECT_TRUE(headers.insert(a).second) << d.name << ": alias " << a << " is ambiguous";
      }
    }
    for (const auto& o : d.one_of) {
      EXPECT_NE(d.column(o), nullptr) << d.name << " " << o;
    }
    earlier.insert(d.name);
  }
}

TEST(Datasets, PersonalDataIsStoredSealedIndexedAndMasked) {
  const ColumnSpec* id = find_dataset("persons")->column("id_number");
  ASSERT_NE(id, nullptr);
  EXPECT_TRUE(is_personal(id->type));
  EXPECT_EQ(stored_columns(*id),
            (std::vector<std::string>{"id_number_enc", "id_number_bidx", "id_number_mask"}));
  const ColumnSpec* account = find_dataset("bank_transactions")->column("account_no");
  ASSERT_NE(account, nullptr);
  EXPECT_EQ(account->type, ColumnType::account) << "a reference that stays personal data";
  EXPECT_EQ(account->references, "accounts");
  EXPECT_EQ(stored_columns(*find_dataset("companies")->column("uscc")),
            std::vector<std::string>{"uscc"});
  EXPECT_EQ(find_dataset("nope"), nullptr);
}

// Migration 0002 has exactly the columns the catalogue describes.
class DbDatasets : public ::testing::Test {
 protected:
  testing::TestDb tdb;
};

TEST_F(DbDatasets, EveryTableHasExactlyTheCataloguedColumns) {
  auto conn = tdb.db().connect();
  for (const auto& d : datasets()) {
    std::vector<std::string> expected = {"row_id", "record_key", "row_digest"};
    for (const auto& c : d.columns) {
      for (const auto& s : stored_columns(c)) expected.push_back(s);
    }
    for (const char* c : {"import_id", "row_created_at", "row_updated_at"})
      expected.emplace_back(c);
    std::string select;
    for (const auto& c : expected) select += (select.empty() ? "\"" : ", \"") + c + "\"";
    EXPECT_NO_THROW(conn.session() << "SELECT " + select + " FROM " + d.name + " WHERE 1 = 0")
        << d.name;
    long long count = -1;
    std::string sql = conn.dialect() == db::Dialect::kSqlite
                          ? "SELECT COUNT(*) FROM pragma_table_info('" + d.name + "')"
                          : "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
                            "current_schema() AND table_name = '" +
                                d.name + "'";
    conn.session() << sql, soci::into(count);
    EXPECT_EQ(count, static_cast<long long>(expected.size())) << d.name;
  }
}

// The column reference in docs/imports.md is generated from the catalogue
// and must match it: run this test with MINGJING_UPDATE_DOCS=1 to rewrite
// the part between the markers after changing datasets.cc.
std::string catalogue_markdown() {
  std::string out;
  for (const auto& d : datasets()) {
    out += "### " + d.name + " · " + d.chinese + "\n\n";
    std::string key;
    for (const auto& k : d.key) key += (key.empty() ? "" : " + ") + ("`" + k + "`");
    const ColumnSpec* via = region_parent(d);
    out += "Key: " + key + ". " +
           (via ? "In the region of its `" + via->references + "` record (`" + via->name + "`)."
            : d.region_column.empty() ? std::string("County-wide (no region column).")
                                      : "Region column: `" + d.region_column + "`.") +
           "\n\n| column | Chinese headers | type | required | values / notes "
           "|\n|---|---|---|---|---|\n";
    for (const auto& c : d.columns) {
      std::string aliases;
      for (const auto& a : c.aliases) aliases += (aliases.empty() ? "" : ", ") + a;
      std::string notes;
      for (const auto& v : c.values) notes += (notes.empty() ? "" : ", ") + v;
      if (!c.references.empty())
        notes += (notes.empty() ? "" : "; ") + ("refers to " + c.references);
      if (c.type == ColumnType::text && c.max_length != 200) {
        notes +=
            (notes.empty() ? "" : "; ") + ("up to " + std::to_string(c.max_length) + " characters");
      }
      bool one_of = std::find(d.one_of.begin(), d.one_of.end(), c.name) != d.one_of.end();
      out += "| `" + c.name + "` | " + aliases + " | " + std::string(to_string(c.type)) + " | " +
             (c.required ? "yes"
              : one_of   ? "one of " + std::to_string(d.one_of.size())
                         : "") +
             " | " + notes + " |\n";
    }
    out += "\n";
  }
  return out;
}

TEST(Datasets, TheColumnReferenceInTheDocsMatchesTheCatalogue) {
  const std::string path = std::string(MINGJING_SOURCE_DIR) + "/docs/imports.md";
  std::ifstream in(path);
  std::stringstream whole;
  whole << in.rdbuf();
  std::string doc = whole.str();
  const std::string begin = "<!-- BEGIN generated by datasets_test.cc -->\n";
  const std::string end = "<!-- END generated -->";
  auto b = doc.find(begin);
  auto e = doc.find(end);
  ASSERT_NE(b, std::string::npos) << path;
  ASSERT_NE(e, std::string::npos) << path;
  std::string expected = catalogue_markdown();
  std::string actual = doc.substr(b + begin.size(), e - b - begin.size());
  if (actual != expected && std::getenv("MINGJING_UPDATE_DOCS")) {
    doc.replace(b + begin.size(), e - b - begin.size(), expected);
    std::ofstream(path) << doc;
    actual = expected;
  }
  EXPECT_EQ(actual, expected) << "docs/imports.md is out of date: run datasets_test with "
                                 "MINGJING_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace mingjing::imports
