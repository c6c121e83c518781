#include "regions/regions.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/text.h"
#include "db/soci.h"
#include "imports/table_source.h"

namespace mingjing::regions {

namespace {

constexpr const char* kSelectAll =
    "SELECT code, name, level, COALESCE(parent_code, '') FROM regions ORDER BY code";
constexpr const char* kInsert =
    "INSERT INTO regions (code, name, level, parent_code, updated_at) "
    "VALUES (:code, :name, :level, :parent, :at)";
constexpr const char* kUpdate =
    "UPDATE regions SET name = :name, level = :level, parent_code = :parent, updated_at = :at "
    "WHERE code = :code";

int rank(core::RegionLevel level) {
  return static_cast<int>(level);
}

}  // namespace

class Snapshot {
 public:
  explicit Snapshot(std::vector<Region> all) : regions(std::move(all)) {
    index.reserve(regions.size());
    for (std::size_t i = 0; i < regions.size(); ++i) index.emplace(regions[i].code, i);
    kids.resize(regions.size());
    tally.resize(regions.size());
    for (std::size_t i = 0; i < regions.size(); ++i) {
      auto parent = index.find(regions[i].parent_code);
      if (parent != index.end()) kids[parent->second].push_back(i);
      // Count this node in every ancestor's totals.
      for (auto p = parent; p != index.end(); p = index.find(regions[p->second].parent_code)) {
        if (regions[i].level == core::RegionLevel::town) ++tally[p->second].towns;
        if (regions[i].level == core::RegionLevel::village) ++tally[p->second].villages;
      }
    }
  }
  const Region* find(const std::string& code) const {
    auto it = index.find(code);
    return it == index.end() ? nullptr : &regions[it->second];
  }
  std::vector<Region> regions;
  std::unordered_map<std::string, std::size_t> index;
  std::vector<std::vector<std::size_t>> kids;
  std::vector<RegionCounts> tally;
};

RegionService::RegionService(db::Database& db, Settings settings) : db_(db), settings_(settings) {}
RegionService::~RegionService() = default;

std::shared_ptr<const Snapshot> RegionService::snapshot() {
  std::lock_guard lock(mu_);
  long long now = db::now_unix_ms();
  if (snapshot_ && now - loaded_at_ < settings_.refresh_ms) return snapshot_;
  std::vector<Region> all;
  auto conn = db_.connect();
  soci::rowset<soci::row> rows = (conn.session().prepare << kSelectAll);
  for (const soci::row& r : rows) {
    auto level = core::parse_region_level(r.get<std::string>(2));
    if (!level) continue;  // only the importer writes here, and it validates
    all.push_back({r.get<std::string>(0), r.get<std::string>(1), *level, r.get<std::string>(3)});
  }
  snapshot_ = std::make_shared<const Snapshot>(std::move(all));
  loaded_at_ = now;
  return snapshot_;
}

void RegionService::invalidate() {
  std::lock_guard lock(mu_);
  snapshot_.reset();
}

core::Result<Region> RegionService::get(const std::string& code) {
  auto snap = snapshot();
  if (const Region* r = snap->find(code)) return *r;
  return core::Error::not_found("区域不存在：" + code);
}

std::vector<Region> RegionService::children(const std::string& code) {
  auto snap = snapshot();
  std::vector<Region> out;
  auto it = snap->index.find(code);
  if (it == snap->index.end()) return out;
  for (std::size_t k : snap->kids[it->second]) out.push_back(snap->regions[k]);
  return out;
}

std::vector<Region> RegionService::path(const std::string& code) {
  auto snap = snapshot();
  std::vector<Region> out;
  for (const Region* r = snap->find(code); r; r = snap->find(r->parent_code)) {
    out.push_back(*r);
    if (out.size() > 16) break;  // defensive: a cycle cannot be imported, but never loop
  }
  std::reverse(out.begin(), out.end());
  return out;
}

RegionCounts RegionService::counts(const std::string& code) {
  auto snap = snapshot();
  auto it = snap->index.find(code);
  return it == snap->index.end() ? RegionCounts{} : snap->tally[it->second];
}

bool RegionService::within(const std::string& code, const std::string& scope_root) {
  auto snap = snapshot();
  int steps = 0;
  for (const Region* r = snap->find(code); r && steps < 16; r = snap->find(r->parent_code)) {
    if (r->code == scope_root) return true;
    ++steps;
  }
  return false;
}

std::size_t RegionService::size() {
  return snapshot()->regions.size();
}

namespace {

struct Columns {
  int code = -1, name = -1, level = -1, parent = -1;
};

std::string lower_trim(std::string s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  s = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// A village group (村民小组) has no statistical code of its own: counties
// number them as the village's 12 digits plus 3.
bool valid_group_code(const std::string& code, const std::string& parent) {
  auto village = core::RegionCode::parse(parent);
  return village.ok() && village->level() == core::RegionLevel::village && code.size() == 15 &&
         code.compare(0, 12, parent) == 0 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

core::Result<ImportSummary> RegionService::import_csv(const std::string& utf8_text,
                                                      const ImportOptions& opts) {
  auto source = imports::csv_source(utf8_text);
  return import_table(*source, opts);
}

core::Result<ImportSummary> RegionService::import_table(imports::TableSource& source,
                                                        const ImportOptions& opts) {
  auto header = source.next();
  if (!header.ok()) return header.error();
  if (!header->has_value()) return core::Error::invalid("文件为空，缺少表头", "file");
  Columns cols;
  ImportSummary summary;
  const auto& names = (*header)->cells;
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string n = lower_trim(names[i]);
    if (i == 0 && n.rfind("\xEF\xBB\xBF", 0) == 0) n = n.substr(3);
    int idx = static_cast<int>(i);
    if (n == "code" || n == "代码" || n == "区划代码") {
      cols.code = idx;
    } else if (n == "name" || n == "名称") {
      cols.name = idx;
    } else if (n == "level" || n == "级别" || n == "层级") {
      cols.level = idx;
    } else if (n == "parent_code" || n == "上级代码") {
      cols.parent = idx;
    } else {
      summary.warnings.push_back("未知列已忽略：" + names[i]);
    }
  }
  for (auto [idx, name] :
       {std::pair{cols.code, "code"}, {cols.name, "name"}, {cols.level, "level"}}) {
    if (idx < 0) return core::Error::invalid(std::string("缺少必填列：") + name, name);
  }

  // Decide insert or update against the table as it is now, not a snapshot
  // that may be up to refresh_ms old (another process may have imported).
  invalidate();
  auto snap = snapshot();
  struct Pending {
    std::size_t row;
    Region region;
  };
  std::vector<Pending> rows;
  std::set<std::string> in_file;  // codes of the rows that passed pass 1
  auto reject = [&](std::size_t row, std::string column, std::string value, std::string reason) {
    summary.errors.push_back({row, std::move(column), std::move(value), std::move(reason)});
  };
  auto field = [](const std::vector<std::string>& rec, int idx) {
    return idx >= 0 && static_cast<std::size_t>(idx) < rec.size() ? trim(rec[idx]) : std::string();
  };

  // Pass 1: each row on its own.
  while (true) {
    auto rec = source.next();
    if (!rec.ok()) return rec.error();
    if (!rec->has_value()) break;
    const auto& r = (*rec)->cells;
    if (r.size() == 1 && trim(r[0]).empty() && (*rec)->issues.empty()) continue;  // blank line
    ++summary.rows;
    std::size_t line = (*rec)->number;
    // Cells the file holds but the source could not read (#N/A, a date
    // serial that is no day) reject the row when the column is ours.
    std::size_t unreadable = summary.errors.size();
    for (const auto& issue : (*rec)->issues) {
      for (auto [idx, name] : {std::pair{cols.code, "code"},
                               {cols.name, "name"},
                               {cols.level, "level"},
                               {cols.parent, "parent_code"}}) {
        if (idx >= 0 && static_cast<std::size_t>(idx) == issue.column) {
          reject(line, name, issue.value, issue.reason);
        }
      }
    }
    if (summary.errors.size() != unreadable) {
      if (opts.strict) {
        const RowError& e = summary.errors[unreadable];
        return core::Error::invalid(
            "第" + std::to_string(e.row) + "行 " + e.column + "：" + e.reason, e.column);
      }
      continue;
    }
    std::string code = field(r, cols.code), name = field(r, cols.name);
    std::string level_text = lower_trim(field(r, cols.level)), parent = field(r, cols.parent);
    auto level = core::parse_region_level(level_text);
    std::size_t before = summary.errors.size();
    if (!level) {
      reject(line, "level", level_text, "级别无效，应为 province/city/county/town/village/group");
    } else if (*level == core::RegionLevel::group) {
      if (parent.empty() && code.size() == 15) parent = code.substr(0, 12);
      if (!valid_group_code(code, parent)) {
        reject(line, "code", code, "村民小组代码应为所属村的12位代码加3位数字");
      }
    } else {
      auto parsed = core::RegionCode::parse(code);
      if (!parsed.ok()) {
        reject(line, "code", code, parsed.error().message);
      } else if (parsed->level() != *level) {
        reject(line, "level", level_text, "级别与区划代码不一致");
      } else {
        // The code names its parent; parent_code is optional and, when
        // given, must agree (a county hung straight under its province would
        // be in the province's subtree but not in its city's).
        auto own = parsed->parent();
        std::string expected = own ? own->str() : "";
        if (parent.empty()) {
          parent = expected;
        } else if (parent != expected) {
          reject(line, "parent_code", parent, "上级代码与区划代码不一致");
        }
      }
    }
    if (name.empty()) reject(line, "name", name, "名称不能为空");
    if (name.size() > 200) reject(line, "name", core::shorten_for_message(name), "名称过长");
    if (summary.errors.size() == before && in_file.count(code)) {
      reject(line, "code", code, "同一文件中区划代码重复");
    }
    if (summary.errors.size() != before) {
      if (opts.strict) {
        const RowError& e = summary.errors[before];
        return core::Error::invalid(
            "第" + std::to_string(e.row) + "行 " + e.column + "：" + e.reason, e.column);
      }
      continue;
    }
    in_file.insert(code);
    rows.push_back({line, {code, name, *level, parent}});
  }

  // Pass 2: parents must exist (accepted from this file, or already stored)
  // and sit above. Parents are checked before their children, so a row whose
  // parent was refused is refused too rather than breaking the foreign key.
  std::stable_sort(rows.begin(), rows.end(), [](const Pending& a, const Pending& b) {
    return rank(a.region.level) < rank(b.region.level);
  });
  std::unordered_map<std::string, const Region*> accepted;
  std::vector<Pending> valid;
  for (const Pending& p : rows) {
    const Region& reg = p.region;
    if (reg.parent_code.empty()) {
      if (reg.level != core::RegionLevel::province) {
        reject(p.row, "parent_code", "", "只有省级区划可以没有上级");
        continue;
      }
    } else {
      const Region* parent = nullptr;
      if (auto it = accepted.find(reg.parent_code); it != accepted.end()) {
        parent = it->second;
      } else {
        parent = snap->find(reg.parent_code);
      }
      if (!parent) {
        reject(p.row, "parent_code", reg.parent_code,
               in_file.count(reg.parent_code) ? "上级区划有误，未能导入" : "上级区划不存在");
        continue;
      }
      if (rank(parent->level) >= rank(reg.level)) {
        reject(p.row, "level", std::string(core::to_string(reg.level)), "级别应低于上级区划");
        continue;
      }
    }
    accepted.emplace(reg.code, &reg);
    valid.push_back(p);  // parents first, so foreign keys hold at every insert
  }
  std::sort(summary.errors.begin(), summary.errors.end(),
            [](const RowError& a, const RowError& b) { return a.row < b.row; });
  if (opts.strict && !summary.errors.empty()) {
    const RowError& e = summary.errors.front();
    return core::Error::invalid("第" + std::to_string(e.row) + "行 " + e.column + "：" + e.reason,
                                e.column);
  }

  auto conn = db_.connect();
  db::Transaction tx(conn);
  long long at = db::now_unix_ms();
  for (const Pending& p : valid) {
    const Region& reg = p.region;
    std::string level(core::to_string(reg.level));
    soci::indicator parent_ind = reg.parent_code.empty() ? soci::i_null : soci::i_ok;
    if (const Region* old = snap->find(reg.code)) {
      if (old->name == reg.name && old->level == reg.level && old->parent_code == reg.parent_code) {
        continue;  // unchanged: re-importing a file changes nothing
      }
      conn.session() << kUpdate, soci::use(reg.name), soci::use(level),
          soci::use(reg.parent_code, parent_ind), soci::use(at), soci::use(reg.code);
      ++summary.updated;
    } else {
      conn.session() << kInsert, soci::use(reg.code), soci::use(reg.name), soci::use(level),
          soci::use(reg.parent_code, parent_ind), soci::use(at);
      ++summary.inserted;
    }
  }
  tx.commit();
  summary.rejected = summary.errors.size();
  invalidate();
  return summary;
}

}  // namespace mingjing::regions
