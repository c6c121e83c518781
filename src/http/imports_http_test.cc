// Web imports and record search/export through the real server on
// loopback: preview writes nothing, commit writes the good rows, rows
// outside the uploader's scope are rejected, the xlsx error report and
// export read back, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/id_number.h"
#include "db/soci.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "imports/xlsx_writer.h"
#include "support/test_server.h"

namespace mingjing::http {
namespace {

using json = nlohmann::json;
using testing::TestServer;

// A valid ID number from 17 digits.
std::string id_number(const std::string& first17) {
  return first17 + core::IdNumber::check_char(first17);
}

long long count_rows(TestServer& s, const std::string& table) {
  auto conn = s.db().connect();
  long long n = 0;
  conn.session() << "SELECT COUNT(*) FROM " + table, soci::into(n);
  return n;
}

// The cells of a downloaded workbook, header first.
std::vector<std::vector<std::string>> sheet_rows(std::string bytes) {
  std::vector<std::vector<std::string>> rows;
  auto file = imports::open_table_bytes(std::move(bytes), "x.xlsx", 64u << 20);
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
  if (!file.ok()) return rows;
  while (true) {
    auto row = file->source->next();
    if (!row.ok() || !*row) break;
    rows.push_back((*row)->cells);
  }
  return rows;
}

json body_of(const testing::HttpResult& r) {
  return json::parse(r.body, nullptr, false);
}

// Percent-encoding, as browsers send query values.
std::string encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string upload_path(const std::string& dataset, const std::string& name) {
  return "/api/v1/imports/preview?dataset=" + dataset + "&file_name=" + encoded(name);
}

class DbHttpImport : public ::testing::Test {
 protected:
  const std::string good1 = id_number("33078219800101123");
  const std::string good2 = id_number("33078219900202223");
  const std::string bad_checksum = good1.substr(0, 17) + (good1[17] == '0' ? '1' : '0');
  const std::string other = id_number("33078219700303323");
  const std::string unknown_region = id_number("33078219600404423");

  // Persons with Chinese headers (dataset recognised from them): two good
  // rows in village A1, a wrong checksum, a row in village A2 (outside a
  // village A1 bookkeeper's scope) and an unknown region.
  std::string persons_csv() const {
    return std::string("身份证号,姓名,村代码,联系电话\n") + good1 + ",张三," + testing::kVillageA1 +
           ",13812341234\n" + bad_checksum + ",李四," + testing::kVillageA1 + ",\n" + other +
           ",王五," + testing::kVillageA2 + ",\n" + unknown_region + ",赵六,330782001099,\n" +
           good2 + ",钱七," + testing::kVillageA1 + ",\n";
  }
};

TEST_F(DbHttpImport, PreviewWritesNothingCommitWritesTheGoodRowsAndTheReportReadsBack) {
  TestServer s;
  s.add_user("bk_a1", "village_bookkeeper", testing::kVillageA1);
  s.add_user("jw_a", "town_discipline", testing::kTownA);
  s.add_user("jw_b", "town_discipline", testing::kTownB);
  auto bk = s.login("bk_a1");

  auto preview = bk.request("POST", upload_path("auto", "人口.csv"), persons_csv(),
                            {{"Content-Type", "text/csv"}});
  ASSERT_EQ(preview.status, 200) << preview.body;
  json p = body_of(preview);
  EXPECT_EQ(p["dataset"], "persons");
  EXPECT_EQ(p["detected"], true);
  EXPECT_EQ(p["format"], "csv");
  EXPECT_EQ(p["rows"], 5);
  EXPECT_EQ(p["inserted"], 2);
  EXPECT_EQ(p["rejected"], 3);
  ASSERT_EQ(p["errors"].size(), 3u);
  EXPECT_EQ(p["errors"][0]["row"], 3);
  EXPECT_EQ(p["errors"][0]["column"], "id_number");
  EXPECT_EQ(p["errors"][1]["row"], 4);
  EXPECT_EQ(p["errors"][1]["column"], "village_code");
  EXPECT_EQ(p["errors"][1]["reason"], "不在您的管辖区域内");
  EXPECT_EQ(p["errors"][2]["row"], 5);
  EXPECT_EQ(p["errors"][2]["reason"], "区划代码不存在");
  ASSERT_EQ(p["sample"].size(), 2u);
  EXPECT_EQ(p["sample"][0]["name"], "张三");
  EXPECT_EQ(p["sample"][0]["phone"], "138****1234");
  EXPECT_EQ(p["sample"][0]["id_number"].get<std::string>().find(good1), std::string::npos);
  // Nothing written, no run recorded.
  EXPECT_EQ(count_rows(s, "persons"), 0);
  EXPECT_EQ(count_rows(s, "imports"), 0);

  std::string token = p["token"];
  auto commit = bk.post("/api/v1/imports/" + token + "/commit", "{}");
  ASSERT_EQ(commit.status, 200) << commit.body;
  json c = body_of(commit);
  EXPECT_EQ(c["inserted"], 2);
  EXPECT_EQ(c["rejected"], 3);
  EXPECT_EQ(count_rows(s, "persons"), 2);
  long long import_id = c["import_id"];
  // A token is used once.
  EXPECT_EQ(bk.post("/api/v1/imports/" + token + "/commit", "{}").status, 404);

  json list = body_of(bk.get("/api/v1/records/persons"));
  ASSERT_EQ(list["total"], 2);
  EXPECT_EQ(list["items"][0]["name"], "钱七");

  // The report lists every rejected row; a personal value never appears
  // whole, not even to the uploader.
  auto report = bk.get("/api/v1/imports/" + std::to_string(import_id) + "/errors");
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_NE(report.headers["content-disposition"].find("attachment"), std::string::npos);
  auto rows = sheet_rows(report.body);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][0], "行号");
  EXPECT_EQ(rows[1][0], "3");
  EXPECT_EQ(rows[1][1], "id_number");
  EXPECT_EQ(rows[1][2], "身份证号");
  EXPECT_EQ(rows[1][3], std::string(18, '*'));
  EXPECT_EQ(report.body.find(bad_checksum), std::string::npos);
  EXPECT_EQ(rows[2][4], "不在您的管辖区域内");
  EXPECT_EQ(rows[2][5], "outside your region");

  // The town's inspector reviews it too; the neighbouring town's does not
  // see it at all.
  auto reviewed = s.login("jw_a").get("/api/v1/imports/" + std::to_string(import_id) + "/errors");
  ASSERT_EQ(reviewed.status, 200);
  auto masked = sheet_rows(reviewed.body);
  ASSERT_EQ(masked.size(), 4u);
  EXPECT_NE(masked[1][3], bad_checksum);
  EXPECT_EQ(masked[1][3], std::string(18, '*'));
  EXPECT_EQ(masked[3][3], "330782001099");  // not personal: as typed
  auto jw_b = s.login("jw_b");
  EXPECT_EQ(jw_b.get("/api/v1/imports/" + std::to_string(import_id) + "/errors").status, 404);
  EXPECT_EQ(body_of(jw_b.get("/api/v1/imports"))["total"], 0);
  json runs = body_of(s.login("jw_a").get("/api/v1/imports"));
  ASSERT_EQ(runs["total"], 1);
  EXPECT_EQ(runs["items"][0]["file_name"], "人口.csv");
  EXPECT_EQ(runs["items"][0]["username"], "bk_a1");
  EXPECT_EQ(runs["items"][0]["region_code"], testing::kVillageA1);
  EXPECT_EQ(runs["items"][0]["rejected"], 3);

  // No plain ID number anywhere: not the good ones, not the mistyped one.
  auto conn = s.db().connect();
  std::string sealed;
  conn.session() << "SELECT value_enc FROM import_errors WHERE import_id = :i AND seq = 0",
      soci::use(import_id), soci::into(sealed);
  EXPECT_EQ(sealed.find(bad_checksum), std::string::npos);
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);

  // The audit trail names the import.
  long long audited = 0;
  conn.session() << "SELECT COUNT(*) FROM audit_log WHERE action = 'import.persons' AND "
                    "target = :t",
      soci::use("import:" + std::to_string(import_id)), soci::into(audited);
  EXPECT_EQ(audited, 1);

  // The same file again: the preview sees nothing new.
  json again = body_of(bk.request("POST", upload_path("persons", "人口.csv"), persons_csv()));
  EXPECT_EQ(again["inserted"], 0);
  EXPECT_EQ(again["unchanged"], 2);
  EXPECT_EQ(again["rejected"], 3);
}

TEST_F(DbHttpImport, AnXlsxUploadIsReadLikeCsv) {
  TestServer s;
  s.add_user("agency", "town_agency", testing::kTownA);
  auto sheet = imports::SheetWriter::create(
      "项目", {"项目编号", "所属村", "项目名称", "类别", "预算金额", "采购方式"});
  ASSERT_TRUE(sheet.ok());
  sheet->add_row({imports::SheetCell::of("P1"), imports::SheetCell::of(testing::kVillageA2),
                  imports::SheetCell::of("村道硬化"), imports::SheetCell::of("works"),
                  imports::SheetCell::of(180000.5), imports::SheetCell::of("inquiry")});
  sheet->add_row({imports::SheetCell::of("P2"), imports::SheetCell::of(testing::kVillageB1),
                  imports::SheetCell::of("路灯"), imports::SheetCell::of("goods"),
                  imports::SheetCell::of(5000.0), imports::SheetCell::of("direct")});
  sheet->add_row({imports::SheetCell::of("P3"), imports::SheetCell::of(testing::kVillageA1),
                  imports::SheetCell::of("保洁"), imports::SheetCell::of("cleaning"),
                  imports::SheetCell::of(-1.0), imports::SheetCell::of("direct")});
  auto bytes = sheet->finish();
  ASSERT_TRUE(bytes.ok());
  auto c = s.login("agency");
  json p = body_of(c.request("POST", upload_path("auto", "projects.xlsx"), *bytes));
  ASSERT_EQ(p["dataset"], "projects") << p.dump();
  EXPECT_EQ(p["format"], "xlsx");
  EXPECT_EQ(p["inserted"], 1);
  EXPECT_EQ(p["rejected"], 2);
  EXPECT_EQ(p["sample"][0]["estimated_amount"], "180000.50");
  json done = body_of(c.post("/api/v1/imports/" + p["token"].get<std::string>() + "/commit", ""));
  EXPECT_EQ(done["inserted"], 1);
  json list = body_of(c.get("/api/v1/records/projects"));
  ASSERT_EQ(list["total"], 1);
  EXPECT_EQ(list["items"][0]["estimated_amount"], 18000050);
}

TEST_F(DbHttpImport, RefusalsAreClearAndWriteNothing) {
  TestServer s;
  s.add_user("bk_a1", "village_bookkeeper", testing::kVillageA1);
  s.add_user("bk2_a1", "village_bookkeeper", testing::kVillageA1);
  s.add_user("jw_town", "town_discipline", testing::kTownA);
  auto bk = s.login("bk_a1");
  auto message = [](const testing::HttpResult& r) {
    json b = json::parse(r.body, nullptr, false);
    return b.is_object() && b.contains("error") ? b["error"]["message"].get<std::string>()
                                                : "(no error body) " + r.body;
  };

  auto empty = bk.request("POST", upload_path("auto", "a.csv"), "");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(message(empty), "请选择要上传的文件");

  auto unknown = bk.request("POST", upload_path("auto", "a.csv"), "甲,乙\n1,2\n");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(message(unknown).find("请手动选择数据集"), std::string::npos);

  auto missing = bk.request("POST", upload_path("persons", "a.csv"), "姓名,村代码\n张三,1\n");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(message(missing).find("id_number"), std::string::npos) << message(missing);

  auto bad_dataset = bk.request("POST", upload_path("nosuch", "a.csv"), "a\n1\n");
  EXPECT_EQ(bad_dataset.status, 400);

  // County-wide registries are not a village's to load.
  auto companies = bk.request("POST", upload_path("companies", "c.csv"),
                              "uscc,name\n91350100M000100Y43,某公司\n");
  EXPECT_EQ(companies.status, 403);

  // A legacy .xls is refused with advice.
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  auto xls = bk.request("POST", upload_path("persons", "a.xls"), ole + std::string(600, '\0'));
  EXPECT_EQ(xls.status, 400);
  EXPECT_NE(message(xls).find("xlsx"), std::string::npos) << message(xls);

  // Over the upload limit: 413 with a message, not a dropped connection.
  auto big =
      bk.request("POST", upload_path("persons", "big.csv"), std::string(31u * 1024 * 1024, 'a'));
  EXPECT_EQ(big.status, 413);
  EXPECT_FALSE(message(big).empty());

  // Someone else's token does not commit; a strict commit with bad rows
  // writes nothing.
  json p = body_of(bk.request("POST", upload_path("auto", "p.csv"), persons_csv()));
  std::string token = p["token"];
  EXPECT_EQ(s.login("bk2_a1").post("/api/v1/imports/" + token + "/commit", "{}").status, 404);
  EXPECT_EQ(s.login("jw_town").post("/api/v1/imports/" + token + "/commit", "{}").status, 403);
  auto wrong_flag = bk.post("/api/v1/imports/" + token + "/commit", R"({"strict":"yes"})");
  EXPECT_EQ(wrong_flag.status, 400);
  auto strict = bk.post("/api/v1/imports/" + token + "/commit", R"({"strict":true})");
  EXPECT_EQ(strict.status, 400);
  EXPECT_NE(message(strict).find("第3行"), std::string::npos) << message(strict);
  EXPECT_EQ(count_rows(s, "persons"), 0);
}

TEST_F(DbHttpImport, SearchFiltersAndExportShowTheSameMaskedRows) {
  TestServer s;
  imports::Importer importer(s.db(), s.vault());
  auto load = [&](const char* dataset, std::string csv) {
    auto source = imports::csv_source(std::move(csv));
    auto r = importer.run(*imports::find_dataset(dataset), *source, {});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->rejected, 0u);
  };
  load("persons", std::string("id_number,name,village_code\n") + good1 + ",张三," +
                      testing::kVillageA1 + "\n" + good2 + ",张小明," + testing::kVillageA2 + "\n" +
                      other + ",李四," + testing::kVillageB1 + "\n");
  load("subsidies",
       std::string("id,program_code,department,recipient_id_number,village_code,amount,paid_at\n") +
           "S1,dibao,民政局," + good1 + "," + testing::kVillageA1 + ",300.50,2024-03-01 10:00\n" +
           "S2,dibao,民政局," + good2 + "," + testing::kVillageA2 + ",300,2025-03-01 10:00\n" +
           "S3,gengdi,农业农村局," + good1 + "," + testing::kVillageA1 + ",80,2025-04-01 09:00\n");
  load("projects", std::string("id,village_code,name,category,estimated_amount,method\n") + "P1," +
                       testing::kVillageA1 + ",村道硬化,works,100000,inquiry\n" + "P2," +
                       testing::kVillageA1 + ",办公用品,goods,3000,direct\n");
  s.add_user("admin", "sys_admin", testing::kCounty);
  s.add_user("mz_dept", "county_department", testing::kCounty, {"dibao"});
  auto admin = s.login("admin");

  EXPECT_EQ(body_of(admin.get("/api/v1/records/persons?q=" + encoded("张")))["total"], 2);
  EXPECT_EQ(body_of(admin.get("/api/v1/records/persons?q=%E5%B0%8F%E6%98%8E"))["total"], 1);
  // A query that is not percent-encoded is refused rather than ignored.
  EXPECT_EQ(admin.get("/api/v1/records/persons?q=张").status, 400);
  // An ID number is found whole (by its blind index), never by a part.
  json by_id = body_of(admin.get("/api/v1/records/persons?q=" + good2));
  ASSERT_EQ(by_id["total"], 1);
  EXPECT_EQ(by_id["items"][0]["name"], "张小明");
  EXPECT_EQ(body_of(admin.get("/api/v1/records/persons?q=" + good2.substr(0, 10)))["total"], 0);
  // Wildcards are searched for, not obeyed.
  EXPECT_EQ(body_of(admin.get("/api/v1/records/persons?q=%25"))["total"], 0);
  EXPECT_EQ(body_of(admin.get("/api/v1/records/subsidies?from=2025-01-01"))["total"], 2);
  EXPECT_EQ(body_of(admin.get("/api/v1/records/subsidies?from=2025-03-01&to=2025-03-01"))["total"],
            1);
  EXPECT_EQ(body_of(admin.get("/api/v1/records/projects?f.category=goods"))["total"], 1);
  EXPECT_EQ(admin.get("/api/v1/records/projects?f.category=food").status, 400);
  EXPECT_EQ(admin.get("/api/v1/records/projects?f.name=x").status, 400);
  EXPECT_EQ(admin.get("/api/v1/records/subsidies?from=2025-13-01").status, 400);
  EXPECT_EQ(admin.get("/api/v1/records/persons?q=x%27%20OR%201%3D1--").status, 200);

  // A county department sees its own programmes only.
  auto mz = s.login("mz_dept");
  json dibao = body_of(mz.get("/api/v1/records/subsidies"));
  EXPECT_EQ(dibao["total"], 2);
  for (const auto& item : dibao["items"]) EXPECT_EQ(item["program_code"], "dibao");
  EXPECT_EQ(mz.get("/api/v1/records/persons").status, 403);

  // The export is the filtered view: same rows, Chinese headers, yuan,
  // masked ID numbers, region names; and it is audited.
  auto exported = admin.get(
      "/api/v1/records/subsidies/export?region=" + std::string(testing::kTownA) + "&q=dibao");
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto rows = sheet_rows(exported.body);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "编号");
  auto column = [&](const std::string& header) {
    auto it = std::find(rows[0].begin(), rows[0].end(), header);
    EXPECT_NE(it, rows[0].end()) << header;
    return static_cast<std::size_t>(it - rows[0].begin());
  };
  EXPECT_EQ(rows[2][column("编号")], "S1");  // newest first
  EXPECT_EQ(rows[2][column("金额")], "300.5");
  EXPECT_EQ(rows[2][column("村代码名称")], "江滨社区");
  EXPECT_EQ(rows[2][column("发放时间")], "2024-03-01 10:00:00");
  std::string id_cell = rows[2][column("领取人身份证号")];
  EXPECT_EQ(id_cell.size(), 18u);
  EXPECT_NE(id_cell, good1);
  EXPECT_NE(id_cell.find("****"), std::string::npos);
  EXPECT_EQ(exported.body.find(good1), std::string::npos);
  auto conn = s.db().connect();
  long long audited = 0;
  conn.session() << "SELECT COUNT(*) FROM audit_log WHERE action = 'data.export'",
      soci::into(audited);
  EXPECT_EQ(audited, 1);
  // The department's export holds its programmes only.
  auto mz_rows = sheet_rows(mz.get("/api/v1/records/subsidies/export").body);
  EXPECT_EQ(mz_rows.size(), 3u);
}

}  // namespace
}  // namespace mingjing::http
