// run_rule_tests(): a rule's embedded cases, as `mingjing rules test` and
// the RulePack test run them. Each case's tables go through the import
// validation into an empty fact store (parents first, as an import must),
// the rule runs as of the case's date, and the hits' records are compared
// with the expected ones.
#include <algorithm>
#include <set>

#include "core/date.h"
#include "imports/record_store.h"
#include "imports/validate.h"
#include "privacy/privacy.h"
#include "rules/engine.h"

namespace mingjing::rules {

std::vector<std::string> run_rule_tests(const RuleDef& rule,
                                        const core::WorkdayCalendar& calendar) {
  std::vector<std::string> failures;
  const privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(7);
    return k;
  }());
  for (const auto& test : rule.tests) {
    auto fail = [&](const std::string& why) {
      failures.push_back(rule.file + ":" + std::to_string(test.mark.line) + "：规则 " + rule.id +
                         " 用例“" + test.name + "”：" + why);
    };
    FactStore facts = FactStore::empty();
    bool loaded = true;
    for (const auto& [dataset, rows] : test.data) {
      if (!find_fact_dataset(dataset)) {
        fail("未知的数据集：" + dataset);
        loaded = false;
      }
    }
    // Parents before children (the catalogue's order), as an import must:
    // a bid takes its region from its project. Derived datasets (warnings)
    // go through the same validation, though nothing imports them.
    std::vector<const imports::DatasetSpec*> specs;
    for (const auto& spec : imports::datasets()) specs.push_back(&spec);
    for (const auto& spec : derived_datasets()) specs.push_back(&spec);
    for (const imports::DatasetSpec* catalogue_spec : specs) {
      if (!loaded) break;
      auto found = test.data.find(catalogue_spec->name);
      if (found == test.data.end()) continue;
      const imports::DatasetSpec* spec = catalogue_spec;
      const auto& rows = found->second;
      const std::string& dataset = catalogue_spec->name;
      for (std::size_t i = 0; i < rows.size() && loaded; ++i) {
        std::vector<std::string> header, cells;
        for (const auto& [col, value] : rows[i]) {
          header.push_back(col);
          cells.push_back(value);
        }
        auto mapped = imports::map_header(*spec, header);
        if (!mapped.ok()) {
          fail(dataset + " 第" + std::to_string(i + 1) + "行：" + mapped.error().message);
          loaded = false;
          break;
        }
        auto parsed = imports::parse_row(*spec, *mapped, cells, i + 2);
        if (!parsed.ok()) {
          const auto& e = parsed.errors.front();
          fail(dataset + " 第" + std::to_string(i + 1) + "行“" + e.column + "”：" + e.reason);
          loaded = false;
          break;
        }
        auto up = facts.upsert(*spec, parsed.values, vault);
        if (!up.ok()) {
          fail(up.error().message);
          loaded = false;
        }
      }
    }
    if (!loaded) continue;
    std::vector<ParamOverride> overrides;
    for (const auto& [name, text] : test.params) {
      const ParamDef* def = rule.param(name);
      if (!def) {
        fail("未知的参数：" + name);
        loaded = false;
        break;
      }
      auto v = parse_param_value(def->type, text);
      if (!v.ok()) {
        fail("参数 " + name + "：" + v.error().message);
        loaded = false;
        break;
      }
      // A case's parameters apply everywhere: as overrides at every county
      // its records are in.
      std::set<std::string> counties;
      for (const imports::DatasetSpec* spec : specs) {
        const FactTable* t = facts.table(spec->name);
        for (std::size_t r = 0; t && r < t->size(); ++r) {
          std::string_view region = facts.dictionary().text(t->region(r));
          if (region.size() == 12) counties.insert(std::string(region.substr(0, 6)) + "000000");
        }
      }
      for (const auto& county : counties) overrides.push_back({rule.id, name, county, *v});
    }
    if (!loaded) continue;
    std::vector<RuleDef> one = {rule};
    one[0].status = RuleStatus::active;
    auto engine = Engine::compile(one, facts, overrides, calendar);
    if (!engine.ok()) {
      fail(engine.error().message);
      continue;
    }
    std::int64_t as_of = core::Date::from_ymd(2025, 12, 31).days_since_epoch();
    if (!test.as_of.empty()) as_of = core::Date::parse(test.as_of)->days_since_epoch();
    auto runs = engine->run(facts, as_of);
    // Expected subjects as record keys: "persons:110…" is the blind index
    // of the number, as the store keys persons.
    // Expected subjects as record keys: "persons:110…" is the blind index of
    // the number, as the store keys persons; a key of several columns is
    // written with "|" between its parts ("bids:G1|9133…").
    auto expected_key = [&](const std::string& subject) -> std::string {
      auto colon = subject.find(':');
      std::string dataset = subject.substr(0, colon), id = subject.substr(colon + 1);
      const imports::DatasetSpec* spec = find_fact_dataset(dataset);
      if (!spec) return subject;
      std::vector<std::string> parts;
      std::size_t start = 0;
      while (true) {
        std::size_t bar = id.find('|', start);
        parts.push_back(
            id.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
      std::string key;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        std::string part = parts[k];
        const imports::ColumnSpec* col =
            k < spec->key.size() ? spec->column(spec->key[k]) : nullptr;
        imports::Value v;
        imports::CellProblem problem;
        if (col && imports::is_personal(col->type) && imports::parse_cell(*col, part, v, problem)) {
          part = vault.blind_index(imports::privacy_kind(col->type), v.text);
        }
        key += (k ? "\x1f" : "") + part;
      }
      return dataset + ":" + key;
    };
    std::multiset<std::set<std::string>> want, got;
    for (const auto& hit : test.expect) {
      std::set<std::string> s;
      for (const auto& subject : hit) s.insert(expected_key(subject));
      want.insert(s);
    }
    for (const auto& run : runs) {
      for (const auto& hit : run.hits) {
        std::set<std::string> s;
        for (const auto& subject : hit.subjects)
          s.insert(subject.dataset + ":" + subject.record_key);
        got.insert(s);
      }
    }
    if (want != got) {
      auto show = [&](const std::multiset<std::set<std::string>>& hits) {
        std::string out;
        for (const auto& h : hits) {
          std::string one;
          for (std::string s : h) {
            std::replace(s.begin(), s.end(), '\x1f', '|');
            one += (one.empty() ? "" : ", ") + s;
          }
          out += "[" + one + "]";
        }
        return out.empty() ? std::string("无") : out;
      };
      fail("期望命中 " + show(want) + "，实际命中 " + show(got));
    }
  }
  return failures;
}

}  // namespace mingjing::rules
