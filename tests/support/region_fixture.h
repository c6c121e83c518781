// The small region tree most tests stand on: 浙江省 > 金华市 > 义乌市 (the
// county) > towns A (稠城街道) and B (江东街道) > villages A1, A2 in town A
// and B1 in town B. Real codes, so that the same tests read like the demo.
#pragma once

#include "db/database.h"
#include "db/soci.h"

namespace mingjing::testing {

inline constexpr const char* kCounty = "330782000000";
inline constexpr const char* kTownA = "330782001000";
inline constexpr const char* kTownB = "330782002000";
inline constexpr const char* kVillageA1 = "330782001001";
inline constexpr const char* kVillageA2 = "330782001002";
inline constexpr const char* kVillageB1 = "330782002001";

inline constexpr const char* kSmallRegionTreeCsv =
    "code,name,level,parent_code\n"
    "330000000000,浙江省,province,\n"
    "330700000000,金华市,city,330000000000\n"
    "330782000000,义乌市,county,330700000000\n"
    "330782001000,稠城街道,town,330782000000\n"
    "330782002000,江东街道,town,330782000000\n"
    "330782001001,江滨社区,village,330782001000\n"
    "330782001002,下车门社区,village,330782001000\n"
    "330782002001,青口社区,village,330782002000\n";

// The county, town A and its two villages written straight into the regions
// table, for tests of business records that only need places to exist.
inline void seed_town_a(db::Database& db) {
  auto conn = db.connect();
  for (const char* sql :
       {"INSERT INTO regions VALUES ('330782000000', '义乌市', 'county', NULL, 0)",
        "INSERT INTO regions VALUES ('330782001000', '稠城街道', 'town', '330782000000', 0)",
        "INSERT INTO regions VALUES ('330782001001', '江滨社区', 'village', '330782001000', 0)",
        "INSERT INTO regions VALUES ('330782001002', '下车门社区', 'village', '330782001000', "
        "0)"}) {
    conn.session() << sql;
  }
}

}  // namespace mingjing::testing
