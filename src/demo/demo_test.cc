// The generated county before it reaches a database: every dataset filled,
// every row valid for the importer's row checks, ID numbers and credit codes
// valid, event dates inside 2024-2025, the same output every time, and the
// plant table in docs/demo-data.md equal to the generated one.
#include "demo/demo.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "core/date.h"
#include "core/datetime.h"
#include "core/id_number.h"
#include "core/uscc.h"
#include "demo/demo_test_util.h"
#include "imports/datasets.h"
#include "imports/table_source.h"
#include "imports/validate.h"

namespace mingjing::demo {
namespace {

using testing::demo_county;
using testing::table;

// A table parsed by the importer's own row checks.
struct Parsed {
  const imports::DatasetSpec* spec = nullptr;
  std::vector<std::vector<imports::Value>> rows;
  std::vector<imports::RowError> errors;
};

Parsed parse(const Table& t) {
  Parsed out;
  out.spec = imports::find_dataset(t.dataset);
  auto source = imports::csv_source(t.csv);
  auto header = source->next();
  auto map = imports::map_header(*out.spec, (*header)->cells);
  EXPECT_TRUE(map.ok()) << t.dataset;
  EXPECT_TRUE(map->unknown.empty()) << t.dataset;
  while (true) {
    auto row = source->next();
    if (!row.ok() || !*row) break;
    auto parsed = imports::parse_row(*out.spec, *map, (*row)->cells, (*row)->number);
    out.errors.insert(out.errors.end(), parsed.errors.begin(), parsed.errors.end());
    out.rows.push_back(std::move(parsed.values));
  }
  return out;
}

TEST(DemoGenerate, EveryDatasetHasRowsInImportOrder) {
  const County& county = demo_county();
  ASSERT_EQ(county.tables.size(), imports::datasets().size());
  for (std::size_t i = 0; i < county.tables.size(); ++i) {
    const Table& t = county.tables[i];
    EXPECT_EQ(t.dataset, imports::datasets()[i].name);
    EXPECT_GT(t.rows, 0u) << t.dataset;
  }
  // Volumes for browsing: thousands of people, hundreds of companies, tens
  // of thousands of bank lines.
  EXPECT_GT(table(county, "persons").rows, 3000u);
  EXPECT_GT(table(county, "companies").rows, 300u);
  EXPECT_GT(table(county, "bank_transactions").rows, 10000u);
  EXPECT_GT(table(county, "subsidies").rows, 5000u);
}

TEST(DemoGenerate, EveryRowPassesTheImportChecks) {
  for (const Table& t : demo_county().tables) {
    Parsed p = parse(t);
    EXPECT_EQ(p.rows.size(), t.rows) << t.dataset;
    ASSERT_TRUE(p.errors.empty()) << t.dataset << " row " << p.errors.front().row << " "
                                  << p.errors.front().column << ": " << p.errors.front().value
                                  << " " << p.errors.front().reason;
  }
}

TEST(DemoGenerate, IdNumbersAndCreditCodesAreValid) {
  std::size_t ids = 0, codes = 0;
  for (const Table& t : demo_county().tables) {
    Parsed p = parse(t);
    for (std::size_t c = 0; c < p.spec->columns.size(); ++c) {
      const auto type = p.spec->columns[c].type;
      for (const auto& row : p.rows) {
        const imports::Value& v = row[c];
        if (v.is_null()) continue;
        if (type == imports::ColumnType::id_number) {
          auto id = core::IdNumber::parse(v.text);
          ASSERT_TRUE(id.ok()) << t.dataset << " " << v.text;
          EXPECT_EQ(id->area_code(), "330782");
          EXPECT_GE(id->birth_date().year(), 1925);
          EXPECT_LE(id->birth_date().year(), 2021);
          ++ids;
        }
        if (type == imports::ColumnType::uscc) {
          auto code = core::Uscc::parse(v.text);
          ASSERT_TRUE(code.ok()) << t.dataset << " " << v.text;
          EXPECT_EQ(code->division_code(), "330782");
          ++codes;
        }
      }
    }
  }
  EXPECT_GT(ids, 10000u);
  EXPECT_GT(codes, 1000u);
}

TEST(DemoGenerate, PeopleAreUniqueAndOfficialsOfWorkingAge) {
  Parsed persons = parse(table(demo_county(), "persons"));
  std::set<std::string> seen;
  for (const auto& row : persons.rows) EXPECT_TRUE(seen.insert(row[0].text).second) << row[0].text;
  Parsed officials = parse(table(demo_county(), "officials"));
  const auto* start = officials.spec->column("start_date");
  const std::size_t start_at = static_cast<std::size_t>(start - officials.spec->columns.data());
  for (const auto& row : officials.rows) {
    EXPECT_TRUE(seen.contains(row[0].text)) << "an official who is not in the household registry";
    auto id = core::IdNumber::parse(row[0].text);
    auto started = core::Date::parse(row[start_at].text);
    ASSERT_TRUE(started.ok());
    EXPECT_GE(id->age_on(*started), 18) << row[0].text;
  }
}

// Registries hold older dates (companies founded, cars registered, leases
// signed before 2024); everything else happened in 2024-2025.
TEST(DemoGenerate, EventDatesFallIn2024And2025) {
  const std::set<std::string> registries = {"persons",  "officials",  "companies",
                                            "vehicles", "properties", "leases"};
  const auto first = core::Date::from_ymd(2024, 1, 1), last = core::Date::from_ymd(2025, 12, 31);
  for (const Table& t : demo_county().tables) {
    if (registries.contains(t.dataset)) continue;
    Parsed p = parse(t);
    for (std::size_t c = 0; c < p.spec->columns.size(); ++c) {
      const auto& col = p.spec->columns[c];
      if (col.type != imports::ColumnType::date && col.type != imports::ColumnType::datetime) {
        continue;
      }
      for (const auto& row : p.rows) {
        const imports::Value& v = row[c];
        if (v.is_null()) continue;
        core::Date d = col.type == imports::ColumnType::date
                           ? *core::Date::parse(v.text)
                           : core::DateTime::from_unix_ms(v.integer).local_date();
        EXPECT_TRUE(first <= d && d <= last)
            << t.dataset << "." << col.name << " " << d.to_string();
      }
    }
  }
}

TEST(DemoGenerate, TheSameSeedGivesTheSameCountyAndAnotherSeedAnother) {
  auto again = generate_county(testing::yiwu_villages());
  ASSERT_TRUE(again.ok());
  const County& first = demo_county();
  ASSERT_EQ(again->tables.size(), first.tables.size());
  for (std::size_t i = 0; i < first.tables.size(); ++i) {
    EXPECT_EQ(again->tables[i].csv, first.tables[i].csv) << first.tables[i].dataset;
  }
  EXPECT_EQ(plants_markdown(again->plants), plants_markdown(first.plants));
  auto other = generate_county(testing::yiwu_villages(), Settings{.seed = 7});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(table(*other, "persons").csv, table(first, "persons").csv);
}

TEST(DemoGenerate, RefusesTooFewVillages) {
  auto villages = testing::yiwu_villages();
  villages.resize(2);
  auto county = generate_county(villages);
  ASSERT_FALSE(county.ok());
  EXPECT_EQ(county.error().field, "villages");
}

TEST(DemoGenerate, PlantsCoverEveryCategoryAndTheDemoVillage) {
  const auto& plants = demo_county().plants;
  EXPECT_GE(plants.size(), 12u);
  EXPECT_LE(plants.size(), 20u);
  std::set<char> categories;
  std::set<std::string> rules;
  int in_first_village = 0;
  for (const Plant& p : plants) {
    categories.insert(p.rule[0]);
    EXPECT_TRUE(rules.insert(p.rule).second) << "one plant per rule: " << p.rule;
    EXPECT_FALSE(p.subjects.empty()) << p.rule;
    if (p.village_code == "330782001001") ++in_first_village;
  }
  EXPECT_EQ(categories, (std::set<char>{'A', 'D', 'F', 'L', 'P', 'S'}));
  // The village of the demo's village accounts sees several.
  EXPECT_GE(in_first_village, 5);
}

// The volumes table of docs/demo-data.md.
std::string volumes_markdown(const County& county) {
  std::string out = "| dataset | | rows |\n|---|---|---:|\n";
  std::size_t total = 0;
  for (const Table& t : county.tables) {
    out += "| " + t.dataset + " | " + imports::find_dataset(t.dataset)->chinese + " | " +
           std::to_string(t.rows) + " |\n";
    total += t.rows;
  }
  return out + "| **all** | | **" + std::to_string(total) + "** |\n";
}

// docs/demo-data.md shows the volumes (at scale 1 and 2) and lists the
// plants between markers; all must be exactly what the generator makes.
// MINGJING_UPDATE_DOCS=1 rewrites them.
TEST(DemoGenerate, TheDocumentationShowsExactlyTheGeneratedCounty) {
  const std::string path = mingjing::testing::source_dir() + "/docs/demo-data.md";
  std::string doc = testing::read_file(path);
  const std::pair<std::string, std::string> sections[] = {
      {"volumes", volumes_markdown(demo_county())},
      {"volumes-scale-2", volumes_markdown(testing::scale_two_county())},
      {"plants", plants_markdown(demo_county().plants)}};
  const bool update = std::getenv("MINGJING_UPDATE_DOCS") != nullptr;
  for (const auto& [name, generated] : sections) {
    const std::string begin = "<!-- " + name + ":begin -->\n", end = "<!-- " + name + ":end -->";
    auto from = doc.find(begin), to = doc.find(end);
    ASSERT_NE(from, std::string::npos) << path << " has no " << begin;
    ASSERT_NE(to, std::string::npos) << path << " has no " << end;
    from += begin.size();
    if (update) {
      doc.replace(from, to - from, generated);
    } else {
      EXPECT_EQ(doc.substr(from, to - from), generated)
          << "docs/demo-data.md (" << name
          << ") is out of date: run demo_test with MINGJING_UPDATE_DOCS=1";
    }
  }
  if (update) {
    std::ofstream(path, std::ios::binary) << doc;
    GTEST_SKIP() << "rewrote " << path;
  }
}

// ---- Larger counties (Settings::scale) ----

std::vector<std::string> csv_lines(const Table& t) {
  std::vector<std::string> out;
  std::istringstream in(t.csv);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(DemoScale, ScaleTwoIsTheSameCountyEveryTime) {
  auto again = generate_county(testing::yiwu_villages(), Settings{.scale = 2});
  ASSERT_TRUE(again.ok());
  const County& first = testing::scale_two_county();
  ASSERT_EQ(again->tables.size(), first.tables.size());
  for (std::size_t i = 0; i < first.tables.size(); ++i) {
    EXPECT_EQ(again->tables[i].rows, first.tables[i].rows) << first.tables[i].dataset;
    EXPECT_EQ(again->tables[i].csv, first.tables[i].csv) << first.tables[i].dataset;
  }
  EXPECT_EQ(plants_markdown(again->plants), plants_markdown(first.plants));
}

// The expected count per dataset is the table in docs/demo-data.md
// (TheDocumentationShowsExactlyTheGeneratedCounty); here, what grows and
// what does not.
TEST(DemoScale, ScaleTwoGrowsThePeopleAndTheirBusinessOnly) {
  const County& one = demo_county();
  const County& two = testing::scale_two_county();
  for (const char* grows :
       {"persons", "vehicles", "properties", "bank_transactions", "payments", "payment_approvals",
        "leases", "rent_due", "labor", "subsidies", "seal_uses"}) {
    EXPECT_GT(table(two, grows).rows, table(one, grows).rows * 3 / 2) << grows;
  }
  // Registries, projects and the disclosure calendar stay as they are, row
  // for row.
  for (const char* same : {"officials", "relatives", "companies", "shareholders", "accounts",
                           "projects", "bids", "meetings", "disclosures"}) {
    EXPECT_EQ(table(two, same).csv, table(one, same).csv) << same;
  }
  // The first round's people are all there, unchanged.
  std::vector<std::string> people = csv_lines(table(two, "persons"));
  std::set<std::string> at_two(people.begin(), people.end());
  for (const std::string& line : csv_lines(table(one, "persons"))) {
    EXPECT_TRUE(at_two.contains(line)) << line;
  }
}

TEST(DemoScale, EveryRowPassesTheImportChecksAtScaleTwo) {
  for (const Table& t : testing::scale_two_county().tables) {
    Parsed p = parse(t);
    EXPECT_EQ(p.rows.size(), t.rows) << t.dataset;
    ASSERT_TRUE(p.errors.empty()) << t.dataset << " row " << p.errors.front().row << " "
                                  << p.errors.front().column << ": " << p.errors.front().value
                                  << " " << p.errors.front().reason;
  }
}

// The same twenty cases, with the same people, companies, amounts and
// dates; only ids numbered among a village's or the county's records
// (payments, subsidies, bank lines, labour, leases, seal use, complaints)
// may differ.
TEST(DemoScale, PlantsAreTheSameCasesAtEveryScale) {
  const auto& one = demo_county().plants;
  const auto& two = testing::scale_two_county().plants;
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    EXPECT_EQ(two[i].rule, one[i].rule);
    EXPECT_EQ(two[i].village_code, one[i].village_code) << one[i].rule;
    EXPECT_EQ(two[i].summary, one[i].summary) << one[i].rule;
    ASSERT_EQ(two[i].subjects.size(), one[i].subjects.size()) << one[i].rule;
    for (std::size_t k = 0; k < one[i].subjects.size(); ++k) {
      const Subject& a = one[i].subjects[k];
      const Subject& b = two[i].subjects[k];
      EXPECT_EQ(b.dataset, a.dataset) << one[i].rule;
      const std::set<std::string> stable = {"persons",  "deaths",   "companies",
                                            "vehicles", "projects", "disclosures"};
      if (stable.contains(a.dataset)) {
        EXPECT_EQ(b.key, a.key) << one[i].rule << " " << a.dataset;
      }
    }
  }
}

TEST(DemoScale, RefusesAScaleOutOfRange) {
  for (int scale : {0, -1, kMaxScale + 1}) {
    auto county = generate_county(testing::yiwu_villages(), Settings{.scale = scale});
    ASSERT_FALSE(county.ok()) << scale;
    EXPECT_EQ(county.error().field, "scale");
  }
}

}  // namespace
}  // namespace mingjing::demo
