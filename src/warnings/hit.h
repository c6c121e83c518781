// What the rule engine hands to warnings/: one case a rule found. The engine
// knows nothing of warnings' lifecycle; WarningStore::apply() turns hits
// into warnings (docs/rules-engine.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mingjing::warnings {

// A record that caused the warning: its dataset and record_key (the source
// `id` of an event, the blind index of a person's ID number, a company's
// credit code). The export turns persons back into ID numbers.
struct Subject {
  std::string dataset;
  std::string record_key;
  bool operator==(const Subject&) const = default;
};

// One parameter value a hit was judged with, and where it came from:
// "default", or the region code of the override that applied.
struct UsedParam {
  std::string name;
  nlohmann::json value;  // money in fen, dates as "YYYY-MM-DD", ratios as numbers
  std::string source;
};

struct Hit {
  std::string rule_id;  // "S01"
  int rule_version = 1;
  std::string severity;           // "red" | "yellow"
  std::string dedup_key;          // unique within the rule; the same case, the same key
  std::string region_code;        // the village (or town) the case belongs to
  std::vector<Subject> subjects;  // business records first, then people/companies
  std::string explanation;        // Chinese; masked values only
  nlohmann::json evidence = nlohmann::json::object();  // named figures
  std::vector<UsedParam> params;
  // Department-routed rules (subsidies): the programme the case belongs to
  // (subsidies.program_code), which picks the county department it goes to.
  // Empty for every other rule.
  std::string programme;
};

}  // namespace mingjing::warnings
