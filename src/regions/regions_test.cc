// Tests for the region tree: importing CSV files (the shipped five-county file
// and hand-made ones with every kind of bad row) and reading the tree back.
#include "regions/regions.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "db/row.h"
#include "db/soci.h"
#include "imports/csv_reader.h"
#include "imports/table_source.h"
#include "support/region_fixture.h"
#include "support/test_db.h"
#include "support/xlsx_builder.h"

namespace mingjing::regions {
namespace {

using core::RegionLevel;

std::string shipped_file() {
  std::ifstream in(testing::source_dir() + "/data/regions/regions-5-counties.csv",
                   std::ios::binary);
  EXPECT_TRUE(in) << "shipped region file missing";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long long count(db::Database& db, const std::string& sql) {
  auto conn = db.connect();
  long long n = -1;
  soci::rowset<soci::row> rows = (conn.session().prepare << sql);
  for (const soci::row& r : rows) n = db::get_int(r, 0);
  return n;
}

std::map<std::string, long long> level_counts(db::Database& db) {
  auto conn = db.connect();
  std::map<std::string, long long> out;
  soci::rowset<soci::row> rows =
      (conn.session().prepare << "SELECT level, COUNT(*) FROM regions GROUP BY level");
  for (const soci::row& r : rows) out[db::get_text(r, 0)] = db::get_int(r, 1);
  return out;
}

std::vector<std::string> codes(const std::vector<Region>& regions) {
  std::vector<std::string> out;
  for (const auto& r : regions) out.push_back(r.code);
  return out;
}

// The errors of a summary as "row column value reason" lines, for readable
// failure output and exact comparison.
std::vector<std::string> describe(const ImportSummary& s) {
  std::vector<std::string> out;
  for (const auto& e : s.errors) {
    out.push_back(std::to_string(e.row) + " " + e.column + " [" + e.value + "] " + e.reason);
  }
  return out;
}

// A small tree: 浙江省 > 金华市 > 义乌市 > two towns > three villages.
const char* kSmallTree = testing::kSmallRegionTreeCsv;

class DbRegions : public ::testing::Test {
 protected:
  ImportSummary import_ok(const std::string& text, ImportOptions opts = {}) {
    auto r = service.import_csv(text, opts);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : ImportSummary{};
  }
  long long stored() { return count(tdb.db(), "SELECT COUNT(*) FROM regions"); }

  testing::TestDb tdb;
  RegionService service{tdb.db()};
};

// --- the shipped file -------------------------------------------------------------

TEST_F(DbRegions, ImportsTheShippedFile) {
  auto s = import_ok(shipped_file());
  EXPECT_EQ(s.rows, 2321u);
  EXPECT_EQ(s.inserted, 2321u);
  EXPECT_EQ(s.updated, 0u);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_TRUE(s.errors.empty()) << ::testing::PrintToString(describe(s));
  EXPECT_TRUE(s.warnings.empty());
  EXPECT_EQ(service.size(), 2321u);
  EXPECT_EQ(level_counts(tdb.db()),
            (std::map<std::string, long long>{
                {"province", 3}, {"city", 5}, {"county", 5}, {"town", 84}, {"village", 2224}}));

  // Counts per subtree.
  auto yiwu = service.counts("330782000000");
  EXPECT_EQ(yiwu.towns, 14);
  EXPECT_EQ(yiwu.villages, 544);
  auto jinhua = service.counts("330700000000");
  EXPECT_EQ(jinhua.towns, 14);
  EXPECT_EQ(jinhua.villages, 544);
  auto zhejiang = service.counts("330000000000");
  EXPECT_EQ(zhejiang.towns, 50);
  EXPECT_EQ(zhejiang.villages, 1303);
  auto choucheng = service.counts("330782001000");
  EXPECT_EQ(choucheng.towns, 0);
  EXPECT_EQ(choucheng.villages, 15);
  EXPECT_EQ(service.counts("330782001001").villages, 0);
  EXPECT_EQ(service.counts("999999999999").towns, 0);

  // get
  auto county = service.get("330782000000");
  ASSERT_TRUE(county.ok());
  EXPECT_EQ(county->name, "义乌市");
  EXPECT_EQ(county->level, RegionLevel::county);
  EXPECT_EQ(county->parent_code, "330700000000");
  auto province = service.get("330000000000");
  ASSERT_TRUE(province.ok());
  EXPECT_EQ(province->parent_code, "");
  auto missing = service.get("330782999999");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, core::errc::kNotFound);
  EXPECT_EQ(missing.error().message, "区域不存在：330782999999");

  // children, in code order
  auto towns = service.children("330782000000");
  ASSERT_EQ(towns.size(), 14u);
  EXPECT_EQ(towns[0].code, "330782001000");
  EXPECT_EQ(towns[0].name, "稠城街道");
  EXPECT_EQ(towns[1].code, "330782002000");
  EXPECT_TRUE(std::is_sorted(towns.begin(), towns.end(),
                             [](const Region& a, const Region& b) { return a.code < b.code; }));
  for (const auto& t : towns) {
    EXPECT_EQ(t.level, RegionLevel::town);
    EXPECT_EQ(t.parent_code, "330782000000");
  }
  EXPECT_EQ(service.children("330782001000").size(), 15u);
  EXPECT_TRUE(service.children("330782001001").empty());
  EXPECT_TRUE(service.children("999999999999").empty());

  // path, from the root down
  auto path = service.path("330782001001");
  ASSERT_EQ(path.size(), 5u);
  EXPECT_EQ(codes(path), (std::vector<std::string>{"330000000000", "330700000000", "330782000000",
                                                   "330782001000", "330782001001"}));
  EXPECT_EQ(path[0].name, "浙江省");
  EXPECT_EQ(path[4].name, "江滨社区居委会");
  EXPECT_EQ(service.path("330000000000").size(), 1u);
  EXPECT_TRUE(service.path("999999999999").empty());

  // within
  const std::string village = "330782001001";
  EXPECT_TRUE(service.within(village, village));
  EXPECT_TRUE(service.within(village, "330782001000"));
  EXPECT_TRUE(service.within(village, "330782000000"));
  EXPECT_TRUE(service.within(village, "330700000000"));
  EXPECT_TRUE(service.within(village, "330000000000"));
  EXPECT_FALSE(service.within(village, "330782002000"));  // another town
  EXPECT_FALSE(service.within(village, "330109000000"));  // another county
  EXPECT_FALSE(service.within(village, "370000000000"));  // another province
  EXPECT_FALSE(service.within("330782001000", village));  // a town is not within its village
  EXPECT_FALSE(service.within(village, ""));
  EXPECT_FALSE(service.within("999999999999", "330000000000"));
  EXPECT_FALSE(service.within("999999999999", "999999999999"));
  EXPECT_FALSE(service.within("330782001999", "330782001000"));  // well-formed but unknown
}

TEST_F(DbRegions, ReimportingTheSameFileChangesNothing) {
  std::string text = shipped_file();
  import_ok(text);
  long long before = count(tdb.db(), "SELECT MAX(updated_at) FROM regions");
  auto again = import_ok(text);
  EXPECT_EQ(again.rows, 2321u);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.updated, 0u);
  EXPECT_EQ(again.rejected, 0u);
  EXPECT_EQ(stored(), 2321);
  EXPECT_EQ(count(tdb.db(), "SELECT MAX(updated_at) FROM regions"), before);
}

TEST_F(DbRegions, RenameIsCountedAsUpdated) {
  std::string text = shipped_file();
  import_ok(text);
  const std::string old_line = "330782001001,江滨社区居委会,village,330782001000";
  auto at = text.find(old_line);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, old_line.size(), "330782001001,江滨社区,village,330782001000");
  auto s = import_ok(text);
  EXPECT_EQ(s.inserted, 0u);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(service.get("330782001001")->name, "江滨社区");
  EXPECT_EQ(stored(), 2321);
}

// --- hand-made files ------------------------------------------------------------------

TEST_F(DbRegions, SmallTreeAndParentsFromTheDatabase) {
  auto s = import_ok(kSmallTree);
  EXPECT_EQ(s.inserted, 8u);
  // A second file may hang rows under regions stored before.
  auto more = import_ok(
      "code,name,level,parent_code\n"
      "330782001003,胜利社区,village,330782001000\n"
      "330782003000,稠江街道,town,330782000000\n");
  EXPECT_EQ(more.inserted, 2u);
  EXPECT_EQ(more.rejected, 0u);
  EXPECT_EQ(service.counts("330782000000").towns, 3);
  EXPECT_EQ(service.counts("330782000000").villages, 4);
  EXPECT_EQ(codes(service.children("330782001000")),
            (std::vector<std::string>{"330782001001", "330782001002", "330782001003"}));
}

TEST_F(DbRegions, ChildrenBeforeParentsInTheFile) {
  auto s = import_ok(
      "code,name,level,parent_code\n"
      "330782001001,江滨社区,village,330782001000\n"
      "330782001000,稠城街道,town,330782000000\n"
      "330782000000,义乌市,county,330700000000\n"
      "330700000000,金华市,city,330000000000\n"
      "330000000000,浙江省,province,\n");
  EXPECT_EQ(s.inserted, 5u);
  EXPECT_EQ(s.rejected, 0u);
  EXPECT_EQ(service.path("330782001001").size(), 5u);
}

TEST_F(DbRegions, EachKindOfBadRowIsRejectedAndGoodRowsCommit) {
  auto s = import_ok(
      "code,name,level,parent_code\n"
      "330000000000,浙江省,province,\n"                // 2 ok
      "330700000000,金华市,city,330000000000\n"        // 3 ok
      "3307820000,短码,county,330700000000\n"          // 4 bad code
      "330782000000,义乌市,town,330700000000\n"        // 5 level/code mismatch
      "330782000000,义乌市,county,330700000000\n"      // 6 ok
      "330782001000,稠城街道,township,330782000000\n"  // 7 unknown level
      "330109000000,萧山区,county,330100000000\n"      // 8 parent missing
      "330783000000,东阳市,county,330800000000\n"      // 9 parent inconsistent
      "330782002000,江东街道,town,330782000000\n"      // 10 ok
      "330782002000,江东街道重复,town,330782000000\n"  // 11 duplicate code
      "330782002001,,village,330782002000\n"           // 12 empty name
      "330782002002,临江社区,village,330782002000\n"   // 13 ok
      "330782000123,坏码,village,330782000000\n");     // 14 village without a town part
  EXPECT_EQ(s.rows, 13u);
  EXPECT_EQ(s.inserted, 5u);
  EXPECT_EQ(s.updated, 0u);
  EXPECT_EQ(s.rejected, 8u);
  EXPECT_EQ(describe(s),
            (std::vector<std::string>{
                "4 code [3307820000] 行政区划代码应为12位数字：3307820000",
                "5 level [town] 级别与区划代码不一致",
                "7 level [township] 级别无效，应为 province/city/county/town/village/group",
                "8 parent_code [330100000000] 上级区划不存在",
                "9 parent_code [330800000000] 上级代码与区划代码不一致",
                "11 code [330782002000] 同一文件中区划代码重复",
                "12 name [] 名称不能为空",
                "14 code [330782000123] 行政区划代码层级不连续：330782000123",
            }));
  EXPECT_EQ(stored(), 5);
  EXPECT_EQ(service.get("330782002000")->name, "江东街道");  // the first of the duplicates
  EXPECT_FALSE(service.get("330109000000").ok());
  EXPECT_FALSE(service.get("330782002001").ok());
}

TEST_F(DbRegions, ParentMustBeTheCodesOwnParent) {
  import_ok(kSmallTree);
  auto s = import_ok(
      "code,name,level,parent_code\n"
      // Inside Zhejiang by prefix, but the code says its parent is 金华市.
      "330783000000,东阳市,county,330000000000\n"
      // A village hung on the county instead of its town.
      "330782001009,孝子祠社区,village,330782000000\n"
      // A province cannot have a parent.
      "370000000000,山东省,province,330000000000\n"
      // A village cannot be its own parent.
      "330782001010,宾王社区,village,330782001010\n");
  EXPECT_EQ(s.inserted, 0u);
  EXPECT_EQ(describe(s), (std::vector<std::string>{
                             "2 parent_code [330000000000] 上级代码与区划代码不一致",
                             "3 parent_code [330782000000] 上级代码与区划代码不一致",
                             "4 parent_code [330000000000] 上级代码与区划代码不一致",
                             "5 parent_code [330782001010] 上级代码与区划代码不一致",
                         }));
  EXPECT_FALSE(service.within("330782001009", "330782000000"));
}

TEST_F(DbRegions, EmptyParentIsDerivedFromTheCode) {
  // parent_code is optional in the data format: the code itself names it.
  auto s = import_ok(
      "code,name,level\n"
      "330000000000,浙江省,province\n"
      "330700000000,金华市,city\n"
      "330782000000,义乌市,county\n"
      "330782001000,稠城街道,town\n"
      "330782001001,江滨社区,village\n"
      "441900000000,东莞市,city\n");
  EXPECT_EQ(s.rejected, 1u);  // 东莞市's province is not there
  EXPECT_EQ(describe(s), (std::vector<std::string>{"7 parent_code [440000000000] 上级区划不存在"}));
  EXPECT_EQ(s.inserted, 5u);
  EXPECT_EQ(service.get("330782001001")->parent_code, "330782001000");
  EXPECT_TRUE(service.within("330782001001", "330000000000"));
}

TEST_F(DbRegions, TownOfACityWithoutCounties) {
  auto s = import_ok(
      "code,name,level,parent_code\n"
      "440000000000,广东省,province,\n"
      "441900000000,东莞市,city,440000000000\n"
      "441900003000,东城街道,town,441900000000\n"
      "441900003001,主山社区,village,441900003000\n");
  EXPECT_EQ(s.inserted, 4u);
  EXPECT_EQ(s.rejected, 0u) << ::testing::PrintToString(describe(s));
  EXPECT_EQ(service.counts("441900000000").towns, 1);
}

TEST_F(DbRegions, ChildOfARejectedParentIsRejectedToo) {
  // 萧山区 is refused (its city is missing); its town must not be inserted
  // under it (that would break the foreign key and fail the whole import).
  auto s = import_ok(
      "code,name,level,parent_code\n"
      "330000000000,浙江省,province,\n"
      "330109001000,城厢街道,town,330109000000\n"
      "330109000000,萧山区,county,330100000000\n"
      "330109001001,城厢社区,village,330109001000\n");
  EXPECT_EQ(s.inserted, 1u);
  EXPECT_EQ(describe(s), (std::vector<std::string>{
                             "3 parent_code [330109000000] 上级区划有误，未能导入",
                             "4 parent_code [330100000000] 上级区划不存在",
                             "5 parent_code [330109001000] 上级区划有误，未能导入",
                         }));
  EXPECT_EQ(stored(), 1);
}

TEST_F(DbRegions, VillageGroups) {
  import_ok(kSmallTree);
  auto s = import_ok(
      "code,name,level,parent_code\n"
      "330782001001001,第一村民小组,group,330782001001\n"  // 2 ok
      "330782001001002,第二村民小组,group,\n"              // 3 ok, parent from the code
      "33078200100103,短组,group,330782001001\n"           // 4 bad group code
      "330782001002001,错组,group,330782001001\n"          // 5 not under its parent
      "330782001000001,挂在镇下,group,330782001000\n"      // 6 parent is a town
      "330782001009001,无村,group,330782001009\n");        // 7 village missing
  EXPECT_EQ(s.inserted, 2u);
  EXPECT_EQ(describe(s), (std::vector<std::string>{
                             "4 code [33078200100103] 村民小组代码应为所属村的12位代码加3位数字",
                             "5 code [330782001002001] 村民小组代码应为所属村的12位代码加3位数字",
                             "6 code [330782001000001] 村民小组代码应为所属村的12位代码加3位数字",
                             "7 parent_code [330782001009] 上级区划不存在",
                         }));
  auto group = service.get("330782001001002");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->level, RegionLevel::group);
  EXPECT_EQ(group->parent_code, "330782001001");
  EXPECT_EQ(service.children("330782001001").size(), 2u);
  EXPECT_TRUE(service.within("330782001001001", "330782001000"));
  // Groups are neither towns nor villages in the counts.
  EXPECT_EQ(service.counts("330782001000").villages, 2);
}

TEST_F(DbRegions, LongNameIsRejectedWithAShortValidValue) {
  std::string name = "a";
  for (int i = 0; i < 70; ++i) name += "村";  // 211 bytes
  auto s = import_ok("code,name,level,parent_code\n330000000000," + name + ",province,\n");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].column, "name");
  EXPECT_EQ(s.errors[0].reason, "名称过长");
  // The echoed value is cut at a character boundary (it ends up in JSON).
  std::string expected = "a";
  for (int i = 0; i < 39; ++i) expected += "村";
  EXPECT_EQ(s.errors[0].value, expected + "…");
  EXPECT_EQ(stored(), 0);
}

TEST_F(DbRegions, MissingRequiredColumnRefusesTheFile) {
  for (auto [header, column] : {std::pair{"code,name,parent_code", "level"},
                                {"name,level,parent_code", "code"},
                                {"code,level", "name"}}) {
    auto r = service.import_csv(std::string(header) + "\n330000000000,浙江省,province,\n", {});
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error().code, core::errc::kInvalidArgument);
    EXPECT_EQ(r.error().message, std::string("缺少必填列：") + column);
    EXPECT_EQ(r.error().field, column);
  }
  EXPECT_EQ(stored(), 0);
}

TEST_F(DbRegions, EmptyFileAndBrokenCsvAreRefused) {
  auto empty = service.import_csv("", {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "文件为空，缺少表头");
  EXPECT_EQ(empty.error().field, "file");

  auto broken = service.import_csv(
      "code,name,level,parent_code\n330000000000,浙江省,province,\n330700000000,\"金华市,city,\n",
      {});
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(broken.error().message, "第3行：引号未闭合");
  EXPECT_EQ(stored(), 0);
}

TEST_F(DbRegions, StrictRefusesOnTheFirstBadRowAndWritesNothing) {
  std::string text = kSmallTree;
  text += "330782002002,,village,330782002000\n";  // line 10: empty name
  text += "330782002003,x,hamlet,330782002000\n";  // line 11: unknown level
  auto r = service.import_csv(text, {.strict = true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, core::errc::kInvalidArgument);
  EXPECT_EQ(r.error().message, "第10行 name：名称不能为空");
  EXPECT_EQ(r.error().field, "name");
  EXPECT_EQ(stored(), 0);

  // A row that is only found bad once parents are checked.
  auto missing_parent = service.import_csv(
      "code,name,level,parent_code\n"
      "330000000000,浙江省,province,\n"
      "330782001001,江滨社区,village,330782001000\n"
      "330109000000,萧山区,county,330100000000\n",
      {.strict = true});
  ASSERT_FALSE(missing_parent.ok());
  EXPECT_EQ(missing_parent.error().message, "第3行 parent_code：上级区划不存在");
  EXPECT_EQ(missing_parent.error().field, "parent_code");
  EXPECT_EQ(stored(), 0);

  // A clean file imports in strict mode.
  EXPECT_EQ(import_ok(kSmallTree, {.strict = true}).inserted, 8u);
}

// The small tree as the first sheet of a workbook, the way a county clerk
// keeps it in Excel: Chinese headers, codes typed as numbers (one written in
// exponent form), a blank row, then `extra` rows from sheet row 11 on.
std::string small_tree_xlsx(const testing::TempDir& dir, const std::string& extra) {
  std::string rows =
      "<row r=\"1\"><c t=\"inlineStr\"><is><t>区划代码</t></is></c><c t=\"inlineStr\"><is>"
      "<t>名称</t></is></c><c t=\"inlineStr\"><is><t>级别</t></is></c><c t=\"inlineStr\"><is>"
      "<t>上级代码</t></is></c></row>";
  imports::CsvReader csv(testing::kSmallRegionTreeCsv);
  (void)csv.next();  // the CSV header
  std::size_t number = 2;
  while (true) {
    auto rec = csv.next();
    if (!rec.ok() || !rec->has_value()) break;
    const auto& r = **rec;
    std::string code = number == 2 ? "3.3E+11" : r[0];  // 330000000000
    rows += "<row r=\"" + std::to_string(number++) + "\"><c><v>" + code +
            "</v></c><c t=\"inlineStr\"><is><t>" + r[1] +
            "</t></is></c><c t=\"inlineStr\"><is><t>" + r[2] + "</t></is></c>" +
            (r[3].empty() ? "" : "<c><v>" + r[3] + "</v></c>") + "</row>";
  }
  rows += "<row r=\"10\"><c r=\"A10\" s=\"0\"/></row>" + extra;
  imports::xlsx_test::Book book;
  book.sheets.emplace_back("区划", "xl/worksheets/sheet1.xml", rows);
  std::string path = dir.file("regions.xlsx");
  imports::xlsx_test::write_zip(path, book.parts());
  return path;
}

TEST_F(DbRegions, ImportsTheFirstSheetOfAWorkbook) {
  testing::TempDir dir;
  std::string path = small_tree_xlsx(
      dir,
      // Row 11: a formula error where the name should be; row 13: a bad code.
      "<row r=\"11\"><c><v>330782002002</v></c><c t=\"e\"><v>#N/A</v></c><c t=\"inlineStr\">"
      "<is><t>village</t></is></c></row>"
      "<row r=\"13\"><c t=\"inlineStr\"><is><t>33078200200X</t></is></c><c t=\"inlineStr\">"
      "<is><t>坏码</t></is></c><c t=\"inlineStr\"><is><t>village</t></is></c></row>");
  auto table = imports::open_table_file(path, 1 << 20);
  ASSERT_TRUE(table.ok()) << table.error().message;
  auto r = service.import_table(*table->source, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->rows, 10u);
  EXPECT_EQ(r->inserted, 8u);
  EXPECT_EQ(r->rejected, 2u);
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_EQ(describe(*r), (std::vector<std::string>{
                              "11 name [#N/A] 单元格为公式错误值：#N/A",
                              "13 code [33078200200X] 行政区划代码应为12位数字：33078200200X"}));
  auto province = service.get("330000000000");
  ASSERT_TRUE(province.ok());
  EXPECT_EQ(province->name, "浙江省");
  EXPECT_EQ(service.get(testing::kVillageB1)->parent_code, testing::kTownB);

  // The same tree as CSV changes nothing: the sheet gave the same values.
  auto again = import_ok(kSmallTree);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.updated, 0u);
}

TEST_F(DbRegions, StrictWorkbookStopsAtAnUnreadableCell) {
  testing::TempDir dir;
  std::string path = small_tree_xlsx(
      dir, "<row r=\"12\"><c><v>330782002002</v></c><c t=\"e\"><v>#REF!</v></c></row>");
  auto table = imports::open_table_file(path, 1 << 20);
  ASSERT_TRUE(table.ok()) << table.error().message;
  auto r = service.import_table(*table->source, {.strict = true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "第12行 name：单元格为公式错误值：#REF!");
  EXPECT_EQ(r.error().field, "name");
  EXPECT_EQ(stored(), 0);

  // An error in a column the import does not use is no reason to refuse.
  path = small_tree_xlsx(dir,
                         "<row r=\"12\"><c><v>330782002002</v></c><c t=\"inlineStr\"><is>"
                         "<t>新村</t></is></c><c t=\"inlineStr\"><is><t>village</t></is></c>"
                         "<c r=\"F12\" t=\"e\"><v>#DIV/0!</v></c></row>");
  table = imports::open_table_file(path, 1 << 20);
  ASSERT_TRUE(table.ok()) << table.error().message;
  r = service.import_table(*table->source, {.strict = true});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->inserted, 9u);
}

TEST_F(DbRegions, ChineseHeaderAliasesAnyOrderAndBom) {
  auto s = import_ok(
      "\xEF\xBB\xBF上级代码,名称,区划代码,级别\n"
      ",浙江省,330000000000,province\n"
      "330000000000,金华市,330700000000, City \n");
  EXPECT_EQ(s.inserted, 2u);
  EXPECT_EQ(s.rejected, 0u) << ::testing::PrintToString(describe(s));
  EXPECT_TRUE(s.warnings.empty());
  auto s2 = import_ok(
      "代码,名称,层级,上级代码\n"
      "330782000000,义乌市,county,330700000000\n");
  EXPECT_EQ(s2.inserted, 1u);
  auto s3 = import_ok(
      " CODE , Name ,LEVEL,Parent_Code\n"
      "330782001000,稠城街道,town,330782000000\n");
  EXPECT_EQ(s3.inserted, 1u);
  EXPECT_EQ(service.get("330782001000")->name, "稠城街道");
}

TEST_F(DbRegions, UnknownColumnGivesAWarning) {
  auto s = import_ok(
      "code,name,备注,level,parent_code\n"
      "330000000000,浙江省,省份,province,\n");
  EXPECT_EQ(s.inserted, 1u);
  EXPECT_EQ(s.warnings, (std::vector<std::string>{"未知列已忽略：备注"}));
  EXPECT_EQ(service.get("330000000000")->name, "浙江省");
}

TEST_F(DbRegions, BlankLinesAndSpacesAreIgnored) {
  auto s = import_ok(
      "code,name,level,parent_code\r\n"
      "\r\n"
      " 330000000000 , 浙江省 ,province,\r\n"
      "\r\n");
  EXPECT_EQ(s.rows, 1u);
  EXPECT_EQ(s.inserted, 1u);
  EXPECT_EQ(service.get("330000000000")->name, "浙江省");
}

TEST_F(DbRegions, AnotherProcessSeesTheImport) {
  auto other_db = tdb.open_again();
  RegionService other(*other_db, {.refresh_ms = 0});
  EXPECT_EQ(other.size(), 0u);
  import_ok(kSmallTree);
  EXPECT_EQ(other.size(), 8u);
  EXPECT_TRUE(other.within("330782002001", "330782002000"));
  // An import in the other process, with this service's snapshot cached,
  // still knows what is stored: no duplicate insert, no failure.
  auto s = other.import_csv(kSmallTree, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->inserted, 0u);
  EXPECT_EQ(s->updated, 0u);
}

TEST_F(DbRegions, ImportUsesFreshDatabaseStateNotAStaleSnapshot) {
  RegionService cached(tdb.db(), {.refresh_ms = 3'600'000});
  EXPECT_EQ(cached.size(), 0u);  // snapshot of the empty table, kept for an hour
  import_ok(kSmallTree);         // through another service
  auto s = cached.import_csv(kSmallTree, {});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->inserted, 0u);
  EXPECT_EQ(s->updated, 0u);
  EXPECT_EQ(cached.size(), 8u);
}

}  // namespace
}  // namespace mingjing::regions
