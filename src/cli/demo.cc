// mingjing demo: the five bundled counties' regions, an account for every
// role in one of them (义乌市), so each user kind can be tried at once, and
// that county's generated business records with their planted
// irregularities (src/demo, docs/demo-data.md), imported like real files.
// Safe to run again: existing accounts are left as they are and re-imported
// records that did not change are left alone.
#include "demo/demo.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli/commands.h"
#include "imports/datasets.h"
#include "privacy/privacy.h"
#include "regions/regions.h"

namespace mingjing::embedded {
extern const char kRegions5Counties[];
extern const unsigned long kRegions5Counties_size;
}  // namespace mingjing::embedded

namespace mingjing::cli {
namespace {

constexpr const char* kDemoCounty = demo::kDemoCounty;  // 义乌市
constexpr const char* kDemoPassword = "Mingjing@2026";

struct DemoAccount {
  const char* username;
  const char* display_name;
  const char* role;
  int level;  // 0 county, 1 first town, 2 first village of that town, 3 second town
  std::vector<std::string> programmes;
};

// Terminal columns: CJK characters take two.
std::size_t display_width(const std::string& s) {
  std::size_t width = 0;
  for (unsigned char c : s) {
    if (c < 0x80) {
      ++width;
    } else if ((c & 0xC0) != 0x80) {
      width += 2;
    }
  }
  return width;
}

std::string padded(const std::string& s, std::size_t width) {
  std::size_t w = display_width(s);
  return s + std::string(w < width ? width - w : 1, ' ');
}

// Generates the county's records and imports them, one recorded run and
// one audit entry per dataset.
int load_records(db::Database& db, regions::RegionService& regions, const DemoOptions& o) {
  auto vault = privacy::Vault::open(o.key_file.empty() ? default_key_file(o.db_url) : o.key_file);
  if (!vault.ok()) {
    std::cerr << "错误：" << vault.error().message << "\n";
    return 1;
  }
  const auto started = std::chrono::steady_clock::now();
  auto county = demo::generate_county(demo::villages_of(regions, kDemoCounty), {.scale = o.scale});
  if (!county.ok()) {
    std::cerr << "错误：" << county.error().message << "\n";
    return 1;
  }
  auto loaded = demo::load_county(db, *vault, *county, {.username = "demo"});
  if (!loaded.ok()) {
    std::cerr << "错误：演示数据导入失败：" << loaded.error().message << "\n";
    return 1;
  }
  std::size_t rows = 0, inserted = 0, unchanged = 0, rejected = 0;
  for (const auto& s : *loaded) {
    rows += s.rows;
    inserted += s.inserted;
    unchanged += s.unchanged;
    rejected += s.rejected;
    (void)audit::append_now(db, {{0, "demo", "system", ""},
                                 "import." + s.dataset,
                                 "import:" + std::to_string(s.import_id),
                                 "demo-" + s.dataset + ".csv rows=" + std::to_string(s.rows) +
                                     " inserted=" + std::to_string(s.inserted) +
                                     " updated=" + std::to_string(s.updated) +
                                     " rejected=" + std::to_string(s.rejected),
                                 "",
                                 ""});
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  char took[32];
  std::snprintf(took, sizeof took, "%.1f", seconds);
  std::cout << "演示业务数据" << (o.scale > 1 ? "（规模 " + std::to_string(o.scale) + "）" : "")
            << "：" << rows << " 条（新增 " << inserted << "，未变 " << unchanged << "），用时 "
            << took << " 秒\n";
  for (const auto& s : *loaded) {
    const imports::DatasetSpec* spec = imports::find_dataset(s.dataset);
    std::cout << "  " << padded(spec->chinese + "（" + s.dataset + "）", 36) << s.rows << "\n";
  }
  if (!o.plants_file.empty()) {
    std::ofstream out(o.plants_file, std::ios::binary);
    out << demo::plants_markdown(county->plants);
    if (!out) {
      std::cerr << "错误：无法写入 " << o.plants_file << "\n";
      return 1;
    }
  }
  std::cout << "预置问题线索 " << county->plants.size() << " 条，清单见 "
            << (o.plants_file.empty() ? "docs/demo-data.md" : o.plants_file)
            << (o.scale > 1 && o.plants_file.empty()
                    ? "（规模大于 1 时记录编号不同，可用 --plants 导出）"
                    : "")
            << "\n";
  if (rejected > 0) {
    std::cerr << "错误：演示数据有 " << rejected << " 行未通过校验\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_demo(const DemoOptions& o) {
  auto db = open_database(o.db_url);
  if (!db) return 1;
  regions::RegionService regions(*db);
  auto imported = regions.import_csv(
      std::string(embedded::kRegions5Counties, embedded::kRegions5Counties_size), {});
  if (!imported.ok() || imported->rejected > 0) {
    std::cerr << "错误：内置区划数据导入失败\n";
    return 1;
  }
  auto towns = regions.children(kDemoCounty);
  if (towns.size() < 2) {
    std::cerr << "错误：演示县缺少乡镇数据\n";
    return 1;
  }
  auto villages = regions.children(towns[0].code);
  if (villages.empty()) {
    std::cerr << "错误：演示乡镇缺少村数据\n";
    return 1;
  }
  const std::string scope[] = {kDemoCounty, towns[0].code, villages[0].code, towns[1].code};

  const std::vector<DemoAccount> accounts = {
      {"admin", "县系统管理员", "sys_admin", 0, {}},
      {"county_jw", "县纪委监委干部", "county_discipline", 0, {}},
      {"county_mz", "县民政局经办人", "county_department", 0, {"dibao", "tekun"}},
      {"county_leader", "县领导", "county_leader", 0, {}},
      {"town_admin", "镇管理员", "town_admin", 1, {}},
      {"town_jw", "镇纪委书记", "town_discipline", 1, {}},
      {"town_agency", "三资代理中心会计", "town_agency", 1, {}},
      {"town_leader", "镇长", "town_leader", 1, {}},
      {"town2_jw", "邻镇纪委干部", "town_discipline", 3, {}},
      {"v_secretary", "村党组织书记", "village_secretary", 2, {}},
      {"v_director", "村委会主任", "village_director", 2, {}},
      {"v_member", "两委委员", "village_member", 2, {}},
      {"v_bookkeeper", "村报账员", "village_bookkeeper", 2, {}},
      {"v_sup_director", "村监委会主任", "supervision_director", 2, {}},
      {"v_sup_member", "村监委会委员", "supervision_member", 2, {}},
      {"v_info", "村信息员", "info_officer", 2, {}},
  };
  auth::UserService users(*db, regions, auth::Settings{}.password_cost);
  std::cout << "演示县：义乌市（" << kDemoCounty << "），区划 " << regions.size() << " 个\n";
  std::cout << "演示账号（密码均为 " << kDemoPassword << "）：\n";
  for (const auto& a : accounts) {
    auth::NewUser u{
        a.username, a.display_name, kDemoPassword, {{0, a.role, scope[a.level], a.programmes}}};
    auto created = users.create_system(u, "demo");
    if (!created.ok() && created.error().code != core::errc::kConflict) {
      std::cerr << "错误：创建 " << a.username << " 失败：" << created.error().message << "\n";
      return 1;
    }
    auto region = regions.get(scope[a.level]);
    const auth::RoleDef* def = auth::find_role(a.role);
    std::cout << "  " << a.username << std::string(16 - std::string(a.username).size(), ' ')
              << def->name << " · " << region->name << "\n";
  }
  return o.records ? load_records(*db, regions, o) : 0;
}

}  // namespace mingjing::cli
