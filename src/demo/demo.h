// demo: a generated county to try Mingjing with. generate_county() writes
// realistic records for every import dataset of ../shared/spec/data-formats.md
// (households, cadres and their relatives, companies, village accounts and
// their bank statements, payments with their approvals, projects and bids,
// meetings, leases and rent, labour, subsidies, seal use, disclosures,
// complaints) for the villages it is given, and plants a documented handful
// of irregularities for the warning engine (plants(), docs/demo-data.md).
// load_county() imports them through the ordinary importer, so every
// generated row passes the same validation as a real file.
//
// Determinism: the same villages and seed give byte-identical CSV, so the
// demo and its tests are reproducible. Records are dated 2024-2025 (business
// events) or earlier (registries: companies, vehicles, leases signed before).
// Background records are generated to keep clear of the planted rules, so
// the plants are exactly what those rules should find.
//
// Thread-safety: pure functions; load_county shares the Database and Vault
// as imports::Importer does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "db/database.h"
#include "imports/importer.h"
#include "privacy/privacy.h"

namespace mingjing::regions {
class RegionService;
}  // namespace mingjing::regions

namespace mingjing::demo {

// The demo county: 义乌市.
inline constexpr const char* kDemoCounty = "330782000000";

struct Village {
  std::string code;  // 12 digits
  std::string name;  // as in the region table ("江滨社区居委会")
  std::string town_code;
  std::string town_name;
};

// The largest Settings::scale.
inline constexpr int kMaxScale = 50;

struct Settings {
  // Fixed: the same county every time. Another seed gives another county
  // (and other plant records: the documentation matches the default only).
  std::uint64_t seed = 330782;
  // 1: the demo county of docs/demo-data.md. N (up to kMaxScale): the same
  // county with N rounds of households, labour, leases, seal use and
  // complaints in every village (about N times as many records, 2,000,000
  // at 10), for benchmarks. The first round and the plants are those of
  // scale 1; event ids are numbered over all rounds, so a plant's ids may
  // differ from scale 1's.
  int scale = 1;
};

// One generated dataset: CSV text with the dataset's English header.
struct Table {
  std::string dataset;  // imports::DatasetSpec::name
  std::string csv;
  std::size_t rows = 0;
};

// A record named by its dataset and its key values, in the order of
// imports::DatasetSpec::key (persons by ID number, companies by USCC, event
// records by id, rent_due by lease id and due date).
struct Subject {
  std::string dataset;
  std::vector<std::string> key;
};

// A planted irregularity: which catalogue rule should find it, where, and
// every record involved (the business records first, then people and
// companies, as a warning's subjects).
struct Plant {
  std::string rule;     // rules-catalogue ID, "S01"
  std::string summary;  // one line in English
  std::string village_code;
  std::string village_name;
  std::vector<Subject> subjects;
};

struct County {
  std::vector<Table> tables;  // in imports::datasets() order
  std::vector<Plant> plants;
};

// The villages of a county in code order, with their towns.
std::vector<Village> villages_of(regions::RegionService& regions,
                                 const std::string& county_code = kDemoCounty);

// Generates the county. Failure (invalid_argument): fewer than two towns
// with at least three villages each (the plants need them), or a scale out
// of range (field "scale").
core::Result<County> generate_county(const std::vector<Village>& villages,
                                     const Settings& settings = {});

struct LoadOptions {
  std::string username = "demo";  // recorded with each import run
};

// Imports every table, in order, through imports::Importer (one run per
// dataset, recorded in `imports`). Safe to run again: unchanged records are
// left alone. Fails as the importer does when a file is refused as a whole;
// rejected rows are counted in the summaries (there should be none).
core::Result<std::vector<imports::ImportSummary>> load_county(db::Database& db,
                                                              const privacy::Vault& vault,
                                                              const County& county,
                                                              const LoadOptions& options = {});

// The plants as the Markdown table of docs/demo-data.md.
std::string plants_markdown(const std::vector<Plant>& plants);

}  // namespace mingjing::demo
