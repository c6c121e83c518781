// generate_county: the phases in order, each reading what the ones before
// made (see world.h), and the plants' Markdown for docs/demo-data.md.
#include <map>

#include "demo/demo.h"
#include "demo/world.h"
#include "regions/regions.h"

namespace mingjing::demo {
namespace {

std::string short_name(const std::string& name) {
  for (const char* suffix : {"居民委员会", "村民委员会", "居委会", "村委会"}) {
    std::string_view s = suffix;
    if (name.size() > s.size() && name.ends_with(s)) return name.substr(0, name.size() - s.size());
  }
  return name;
}

}  // namespace

std::vector<Village> villages_of(regions::RegionService& regions, const std::string& county_code) {
  std::vector<Village> out;
  for (const auto& town : regions.children(county_code)) {
    for (const auto& village : regions.children(town.code)) {
      if (village.level != core::RegionLevel::village) continue;
      out.push_back({village.code, village.name, town.code, town.name});
    }
  }
  return out;
}

core::Result<County> generate_county(const std::vector<Village>& villages,
                                     const Settings& settings) {
  if (settings.scale < 1 || settings.scale > kMaxScale) {
    return core::Error::invalid("演示数据规模须在 1 到 " + std::to_string(kMaxScale) + " 之间",
                                "scale");
  }
  detail::World w;
  w.seed = settings.seed;
  w.scale = settings.scale;
  std::map<std::string, int> towns;
  std::map<int, int> per_town;
  for (const Village& v : villages) {
    auto [it, added] = towns.try_emplace(v.town_code, static_cast<int>(w.towns.size()));
    if (added) w.towns.push_back({v.town_code, v.town_name, -1});
    detail::VillageState state;
    state.region = v;
    state.short_name = short_name(v.name);
    state.suffix = v.code.size() == 12 ? v.code.substr(6) : v.code;
    state.town = it->second;
    w.villages.push_back(std::move(state));
    ++per_town[it->second];
  }
  if (w.towns.size() < 2 || per_town[0] < 3 || per_town[1] < 2) {
    return core::Error::invalid("演示数据需要至少两个乡镇，第一个乡镇至少三个村、第二个至少两个村",
                                "villages");
  }
  detail::generate_people(w);
  detail::plant_people(w);
  detail::select_welfare_rolls(w);
  detail::generate_registries(w);
  detail::generate_accounts(w);
  detail::plant_records(w);
  detail::grow_villages(w);
  detail::generate_projects(w);
  detail::generate_village_business(w);
  detail::generate_subsidies(w);
  detail::generate_ledger(w);
  return detail::emit(w);
}

std::string plants_markdown(const std::vector<Plant>& plants) {
  std::string out =
      "| # | rule | village | what | records |\n"
      "|---|---|---|---|---|\n";
  int n = 0;
  for (const Plant& p : plants) {
    std::string records;
    std::string last;
    for (const Subject& s : p.subjects) {
      std::string key;
      for (const auto& k : s.key) key += (key.empty() ? "" : " / ") + k;
      records += s.dataset == last ? ", `" + key + "`"
                                   : (records.empty() ? "" : "; ") + s.dataset + " `" + key + "`";
      last = s.dataset;
    }
    out += "| " + std::to_string(++n) + " | " + p.rule + " | " + p.village_name + " (" +
           p.village_code + ") | " + p.summary + " | " + records + " |\n";
  }
  return out;
}

}  // namespace mingjing::demo
