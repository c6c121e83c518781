// Shared by the demo tests: the demo county's villages read straight from
// the shipped region file, and the county generated from them once.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "demo/demo.h"
#include "support/test_db.h"

namespace mingjing::demo::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string regions_csv() {
  return read_file(mingjing::testing::source_dir() + "/data/regions/regions-5-counties.csv");
}

// 义乌市's villages in code order, with their towns, from the region file.
inline std::vector<Village> yiwu_villages() {
  std::map<std::string, std::string> towns;
  std::vector<Village> villages;
  std::istringstream lines(regions_csv());
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> cells;
    std::istringstream fields(line);
    std::string cell;
    while (std::getline(fields, cell, ',')) cells.push_back(cell);
    if (cells.size() < 4 || !cells[0].starts_with("330782")) continue;
    if (cells[2] == "town") towns[cells[0]] = cells[1];
    if (cells[2] == "village") villages.push_back({cells[0], cells[1], cells[3], ""});
  }
  for (Village& v : villages) v.town_name = towns[v.town_code];
  std::sort(villages.begin(), villages.end(),
            [](const Village& a, const Village& b) { return a.code < b.code; });
  return villages;
}

// The demo county with the default settings, generated once per process.
inline const County& demo_county() {
  static const County county = [] {
    auto c = generate_county(yiwu_villages());
    if (!c.ok()) throw std::runtime_error(c.error().message);
    return std::move(c.value());
  }();
  return county;
}

// The demo county at scale 2 (two rounds of every village's volume),
// generated once per process.
inline const County& scale_two_county() {
  static const County county = [] {
    auto c = generate_county(yiwu_villages(), Settings{.scale = 2});
    if (!c.ok()) throw std::runtime_error(c.error().message);
    return std::move(c.value());
  }();
  return county;
}

inline const Table& table(const County& county, const std::string& dataset) {
  for (const Table& t : county.tables) {
    if (t.dataset == dataset) return t;
  }
  throw std::runtime_error("no table " + dataset);
}

}  // namespace mingjing::demo::testing
