// The export: the spec's JSON Lines exactly, subjects turned back into the
// spec's ids (ID numbers opened with the vault), CSV and xlsx with the same
// columns, the caller's scope, and a clear error without the key.
#include "warnings/export.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "imports/csv_reader.h"
#include "imports/importer.h"
#include "imports/table_source.h"
#include "warnings/warnings_test_fixture.h"

namespace mingjing::warnings::testing {
namespace {

constexpr const char* kPerson = "330782198001010012";
constexpr const char* kRelative = "330782197512120024";
constexpr const char* kCompany = "91330782MA2A00001D";

class DbWarningsExport : public WarningsFixture {
 protected:
  DbWarningsExport() {
    load("persons", std::string("id_number,name,village_code\n") + kPerson +
                        ",张三,330782001001\n" + kRelative + ",李四,330782001001\n");
    load("companies", std::string("uscc,name\n") + kCompany + ",义乌某某建设有限公司\n");
    load("shareholders", std::string("uscc,holder_id_number,role,share_pct\n") + kCompany + "," +
                             kPerson + ",shareholder,60\n");
    load("subsidies",
         std::string("id,program_code,department,recipient_id_number,village_code,amount,paid_at\n"
                     "SUB-1,dibao,民政局,") +
             kPerson + ",330782001001,300.00,2025-06-01 10:00\n");
    person_key = text("SELECT record_key FROM persons WHERE name = '张三'");
    shareholder_key = text("SELECT record_key FROM shareholders");
  }

  void load(const char* dataset, std::string csv) {
    imports::Importer importer(tdb.db(), vault);
    auto source = imports::csv_source(std::move(csv));
    imports::ImportOptions options;
    options.file_name = std::string(dataset) + ".csv";
    auto r = importer.run(*imports::find_dataset(dataset), *source, options);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->rejected, 0u) << dataset << ": " << r->errors.at(0).reason;
  }

  // S01-like: the subsidy payment, then the person.
  void raise() {
    Hit h;
    h.rule_id = "S01";
    h.rule_version = 2;
    h.severity = "red";
    h.dedup_key = "SUB-1";
    h.region_code = kVillageA1;
    h.subjects = {{"subsidies", "SUB-1"}, {"persons", person_key}};
    h.explanation = "张*于2025-05-20死亡后仍发放低保300.00元";
    h.evidence = {{"paid_at", "2025-06-01"}, {"death_date", "2025-05-20"}, {"amount", 30000}};
    h.params = {{"grace_days", 0, "default"}, {"min_amount", 1, kCounty}};
    h.programme = "dibao";
    RuleRouting r = rule("S01", "department", 10, "red");
    r.version = 2;
    ASSERT_TRUE(store.apply(r, ApplyScope::all(), {h}, day("2025-09-29")).ok());
    Hit p21;
    p21.rule_id = "P21";
    p21.severity = "red";
    p21.dedup_key = "co-1";
    p21.region_code = kVillageB1;
    p21.subjects = {{"companies", kCompany}, {"shareholders", shareholder_key}};
    p21.explanation = "中标企业股东为村干部";
    ASSERT_TRUE(
        store.apply(rule("P21", "town_discipline"), ApplyScope::all(), {p21}, day("2025-09-29"))
            .ok());
  }

  std::string run(const Actor& who, ExportFormat format, const privacy::Vault* with = nullptr,
                  ExportSummary* summary = nullptr) {
    std::ostringstream out;
    auto r = export_warnings(tdb.db(), with ? with : &vault, who, format, out);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok() && summary) *summary = *r;
    return out.str();
  }

  privacy::Vault vault = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(7);
    return k;
  }());
  std::string person_key, shareholder_key;
};

TEST_F(DbWarningsExport, JsonLinesFollowTheSpecWithSubjectsAsSourceIds) {
  raise();
  ExportSummary summary;
  std::string out = run(Actor::system("cli"), ExportFormat::jsonl, nullptr, &summary);
  EXPECT_EQ(summary.warnings, 2);
  EXPECT_EQ(summary.subjects_missing, 0);
  std::istringstream lines(out);
  std::string first, second, extra;
  ASSERT_TRUE(std::getline(lines, first));
  ASSERT_TRUE(std::getline(lines, second));
  EXPECT_FALSE(std::getline(lines, extra));
  long long id = warning_id("S01", "SUB-1");
  // 2025-09-29 + 10 workdays, over the National Day holiday: 10-20.
  EXPECT_EQ(first,
            "{\"id\":" + std::to_string(id) +
                ",\"rule\":\"S01\",\"rule_version\":2,\"severity\":\"red\",\"status\":\"new\","
                "\"region_code\":\"330782001001\",\"subjects\":[{\"dataset\":\"subsidies\",\"id\":"
                "\"SUB-1\"},{\"dataset\":\"persons\",\"id\":\"330782198001010012\"}],"
                "\"explanation\":\"张*于2025-05-20死亡后仍发放低保300.00元\",\"evidence\":{"
                "\"amount\":30000,\"death_date\":\"2025-05-20\",\"paid_at\":\"2025-06-01\"},"
                "\"thresholds\":{\"grace_days\":0,\"min_amount\":1},\"created_at\":\"2025-09-29T09:"
                "30:00+08:00\",\"deadline\":\"2025-10-20\",\"category\":\"subsidies\","
                "\"routed_to\":{\"body\":\"town_discipline\",\"region_code\":\"330782001000\","
                "\"programme\":\"dibao\"},\"escalation_level\":0,\"verdict\":null,"
                "\"verdict_reason\":\"\",\"closed_at\":null,\"reopened_count\":0,"
                "\"threshold_sources\":{\"grace_days\":\"default\",\"min_amount\":"
                "\"330782000000\"}}");
  auto second_json = nlohmann::json::parse(second);
  EXPECT_EQ(second_json["rule"], "P21");
  EXPECT_EQ(second_json["subjects"],
            nlohmann::json::parse(std::string("[{\"dataset\":\"companies\",\"id\":\"") + kCompany +
                                  "\"},{\"dataset\":\"shareholders\",\"id\":\"" + kCompany + "|" +
                                  kPerson + "||shareholder\"}]"));
  EXPECT_EQ(second_json["thresholds"], nlohmann::json::object());
}

TEST_F(DbWarningsExport, ClosedWarningsCarryTheirVerdict) {
  raise();
  ASSERT_TRUE(store
                  .close(as("townA_jw"), warning_id("S01", "SUB-1"),
                         {"false_positive", "死亡登记日期有误", "", ""})
                  .ok());
  std::string out = run(Actor::system("cli"), ExportFormat::jsonl);
  auto first = nlohmann::json::parse(out.substr(0, out.find('\n')));
  EXPECT_EQ(first["status"], "closed");
  EXPECT_EQ(first["verdict"], "false_positive");
  EXPECT_EQ(first["verdict_reason"], "死亡登记日期有误");
  EXPECT_EQ(first["closed_at"], "2025-09-29T09:30:00+08:00");
}

TEST_F(DbWarningsExport, TheCallersScopeApplies) {
  raise();
  std::string town_a = run(as("townA_jw"), ExportFormat::jsonl);
  EXPECT_EQ(std::count(town_a.begin(), town_a.end(), '\n'), 1);
  EXPECT_NE(town_a.find("\"rule\":\"S01\""), std::string::npos);
  std::string town_b = run(as("townB_jw"), ExportFormat::jsonl);
  EXPECT_EQ(std::count(town_b.begin(), town_b.end(), '\n'), 1);
  EXPECT_NE(town_b.find("\"rule\":\"P21\""), std::string::npos);
  std::ostringstream out;
  auto refused = export_warnings(tdb.db(), &vault, as("a1_bookkeeper"), ExportFormat::jsonl, out);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "forbidden");
}

TEST_F(DbWarningsExport, WithoutTheKeyPersonsCannotBeExported) {
  raise();
  std::ostringstream out;
  auto r = export_warnings(tdb.db(), nullptr, Actor::system("cli"), ExportFormat::jsonl, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unavailable");
  EXPECT_EQ(r.error().message, "导出人员身份证号需要个人信息密钥（--key 或环境变量MINGJING_KEY）");
  // A wrong key cannot open them either.
  privacy::Vault other = privacy::Vault::from_key([] {
    std::array<std::uint8_t, 32> k{};
    k.fill(9);
    return k;
  }());
  std::ostringstream out2;
  auto wrong = export_warnings(tdb.db(), &other, Actor::system("cli"), ExportFormat::jsonl, out2);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "个人信息密钥与数据库不匹配，无法还原身份证号");
  // Warnings naming no person need no key.
  exec("DELETE FROM warning_events");
  exec("DELETE FROM warnings WHERE rule_id = 'S01'");
  std::ostringstream out3;
  auto no_person =
      export_warnings(tdb.db(), nullptr, Actor::system("cli"), ExportFormat::jsonl, out3);
  EXPECT_FALSE(no_person.ok());  // the shareholder's key holds an ID number
  exec("DELETE FROM warnings");
  Hit h = hit("F01", "x", kVillageA1);
  ASSERT_TRUE(store.apply(rule("F01", "village"), ApplyScope::all(), {h}, day("2025-09-29")).ok());
  std::ostringstream out4;
  auto plain = export_warnings(tdb.db(), nullptr, Actor::system("cli"), ExportFormat::jsonl, out4);
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  EXPECT_NE(out4.str().find("{\"dataset\":\"subsidies\",\"id\":\"SUB-x\"}"), std::string::npos);
}

TEST_F(DbWarningsExport, CsvAndXlsxHaveTheSameColumnsAndValues) {
  raise();
  std::string csv = run(Actor::system("cli"), ExportFormat::csv);
  auto source = imports::csv_source(csv);
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    auto row = source->next();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    rows.push_back((*row)->cells);
  }
  ASSERT_EQ(rows.size(), 3u);
  const std::vector<std::string> header = {
      "id",          "rule",           "rule_version", "severity",       "status",
      "region_code", "subjects",       "explanation",  "evidence",       "thresholds",
      "created_at",  "deadline",       "category",     "routed_to",      "escalation_level",
      "verdict",     "verdict_reason", "closed_at",    "reopened_count", "threshold_sources"};
  EXPECT_EQ(rows[0], header);
  EXPECT_EQ(rows[1][1], "S01");
  EXPECT_EQ(rows[1][6],
            "[{\"dataset\":\"subsidies\",\"id\":\"SUB-1\"},{\"dataset\":\"persons\",\"id\":"
            "\"330782198001010012\"}]");
  EXPECT_EQ(rows[1][9], "{\"grace_days\":0,\"min_amount\":1}");
  EXPECT_EQ(rows[1][11], "2025-10-20");
  EXPECT_EQ(rows[1][15], "");  // no verdict

  std::string xlsx = run(Actor::system("cli"), ExportFormat::xlsx);
  auto file = imports::open_table_bytes(xlsx, "warnings.xlsx", 10 << 20);
  ASSERT_TRUE(file.ok()) << file.error().message;
  std::vector<std::vector<std::string>> sheet;
  for (;;) {
    auto row = file->source->next();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    sheet.push_back((*row)->cells);
  }
  ASSERT_EQ(sheet.size(), 3u);
  EXPECT_EQ(sheet[0], header);
  EXPECT_EQ(sheet[1][0], std::to_string(warning_id("S01", "SUB-1")));
  for (std::size_t c = 1; c < header.size(); ++c) {
    EXPECT_EQ(sheet[1][c], rows[1][c]) << header[c];
    EXPECT_EQ(sheet[2][c], rows[2][c]) << header[c];
  }
}

TEST_F(DbWarningsExport, AnEmptyDatabaseGivesEmptyFilesThatStillParse) {
  EXPECT_EQ(run(Actor::system("cli"), ExportFormat::jsonl), "");
  std::string csv = run(Actor::system("cli"), ExportFormat::csv);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "id,rule,rule_version,severity,status,region_code,subjects,explanation,evidence,"
            "thresholds,created_at,deadline,category,routed_to,escalation_level,verdict,"
            "verdict_reason,closed_at,reopened_count,threshold_sources");
  std::string xlsx = run(Actor::system("cli"), ExportFormat::xlsx);
  EXPECT_TRUE(imports::open_table_bytes(xlsx, "w.xlsx", 10 << 20).ok());
}

TEST(WarningsExportFormat, Names) {
  EXPECT_EQ(parse_export_format("jsonl"), ExportFormat::jsonl);
  EXPECT_EQ(parse_export_format("csv"), ExportFormat::csv);
  EXPECT_EQ(parse_export_format("xlsx"), ExportFormat::xlsx);
  EXPECT_FALSE(parse_export_format("json").has_value());
}

}  // namespace
}  // namespace mingjing::warnings::testing
