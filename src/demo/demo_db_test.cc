// The demo county in a real database (SQLite, and PostgreSQL as pg.*):
// loaded through the importer with no rejected row, unchanged by a second
// load, every documented plant present, and, for each planted rule, the
// plant's records exactly the ones in the whole county that break it, so
// the warning engine has a known answer.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/date.h"
#include "core/datetime.h"
#include "db/soci.h"
#include "demo/demo.h"
#include "demo/demo_test_util.h"
#include "imports/record_store.h"
#include "regions/regions.h"

namespace mingjing::demo {
namespace {

using Ids = std::set<std::string>;

privacy::Vault test_vault() {
  std::array<std::uint8_t, 32> key{};
  key.fill(7);
  return privacy::Vault::from_key(key);
}

// The database of the running test and the county it loaded: each test
// loads its own.
db::Database* g_db = nullptr;
const County* g_county = nullptr;
const privacy::Vault g_vault = test_vault();

db::Database& db() {
  return *g_db;
}

// Integers come back as int or long long depending on the back end.
long long integer(const soci::row& r, std::size_t i) {
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(i));
    default:
      return r.get<long long>(i);
  }
}

std::string text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return "";
  if (r.get_properties(i).get_data_type() == soci::dt_string) return r.get<std::string>(i);
  return std::to_string(integer(r, i));
}

// Each row's columns joined as "a / b".
Ids ids(const std::string& sql) {
  auto conn = db().connect();
  Ids out;
  soci::rowset<soci::row> rows = (conn.session().prepare << sql);
  for (const auto& r : rows) {
    std::string key;
    for (std::size_t i = 0; i < r.size(); ++i) key += (i ? " / " : "") + text(r, i);
    out.insert(key);
  }
  return out;
}

long long count(const std::string& sql) {
  auto conn = db().connect();
  long long n = -1;
  conn.session() << sql, soci::into(n);
  return n;
}

// The records the documentation names for a rule, as "a / b" keys.
Ids planted(const std::string& rule, const std::string& dataset) {
  Ids out;
  for (const Plant& p : g_county->plants) {
    if (p.rule != rule) continue;
    for (const Subject& s : p.subjects) {
      if (s.dataset != dataset) continue;
      std::string key;
      for (const auto& k : s.key) key += (key.empty() ? "" : " / ") + k;
      out.insert(key);
    }
  }
  return out;
}

// Whether the record a Subject names is stored, found by its record key.
bool stored(const Subject& s) {
  const imports::DatasetSpec* spec = imports::find_dataset(s.dataset);
  if (!spec || s.key.size() != spec->key.size()) return false;
  std::vector<imports::Value> row(spec->columns.size());
  for (std::size_t i = 0; i < spec->key.size(); ++i) {
    const imports::ColumnSpec* col = spec->column(spec->key[i]);
    auto& v = row[static_cast<std::size_t>(col - spec->columns.data())];
    v.kind = imports::Value::Kind::text;
    v.text = s.key[i];
  }
  std::string key = imports::RecordStore(g_vault).record_key(*spec, row);
  auto conn = db().connect();
  long long n = 0;
  conn.session() << "SELECT COUNT(*) FROM " + spec->name + " WHERE record_key = :k", soci::use(key),
      soci::into(n);
  return n == 1;
}

// The records found breaking a rule are exactly the plant's, and there are some.
void expect_alone(const Ids& found, const std::string& rule, const std::string& dataset) {
  Ids expected = planted(rule, dataset);
  EXPECT_FALSE(expected.empty()) << rule << " names no " << dataset;
  EXPECT_EQ(found, expected) << rule;
}

core::Date day_of(long long unix_ms) {
  return core::DateTime::from_unix_ms(unix_ms).local_date();
}

// ---- Each planted rule: its records, and no others, break it. ----

const char* kCadres = "('village_cadre', 'supervision_member')";

void S01OnlyThePlantIsPaidAfterDeath() {
  auto conn = db().connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare
       << "SELECT s.id, s.paid_at, d.death_date FROM subsidies s JOIN deaths d "
          "ON d.id_number_bidx = s.recipient_id_number_bidx");
  Ids late;
  for (const auto& r : rows) {
    if (day_of(integer(r, 1)) > *core::Date::parse(r.get<std::string>(2))) {
      late.insert(r.get<std::string>(0));
    }
  }
  EXPECT_EQ(late.size(), 4u);
  expect_alone(late, "S01", "subsidies");
}

void S03OnlyThePlantPaysMeansTestedAidToACadresFamily() {
  Ids found =
      ids(std::string("SELECT DISTINCT s.id FROM subsidies s JOIN relatives r ON "
                      "r.relative_id_number_bidx = s.recipient_id_number_bidx JOIN officials "
                      "o ON o.id_number_bidx = r.id_number_bidx WHERE s.means_tested = 1 AND "
                      "r.relation <> 'other' AND o.kind IN ") +
          kCadres);
  Ids cadres =
      ids(std::string("SELECT DISTINCT s.id FROM subsidies s JOIN officials o ON "
                      "o.id_number_bidx = s.recipient_id_number_bidx WHERE s.means_tested = 1"));
  EXPECT_TRUE(cadres.empty()) << "nobody on a roster gets means-tested aid (S02)";
  EXPECT_EQ(found.size(), 6u);
  expect_alone(found, "S03", "subsidies");
}

void S04OnlyThePlantPaysMeansTestedAidToAnOwner() {
  Ids found = ids(
      "SELECT DISTINCT s.id FROM subsidies s WHERE s.means_tested = 1 AND ("
      "EXISTS (SELECT 1 FROM vehicles v WHERE v.id_number_bidx = s.recipient_id_number_bidx) OR "
      "EXISTS (SELECT 1 FROM properties p WHERE p.id_number_bidx = s.recipient_id_number_bidx) OR "
      "EXISTS (SELECT 1 FROM shareholders h WHERE h.holder_id_number_bidx = "
      "s.recipient_id_number_bidx) OR "
      "EXISTS (SELECT 1 FROM companies c WHERE c.legal_rep_id_number_bidx = "
      "s.recipient_id_number_bidx))");
  EXPECT_EQ(found.size(), 6u);
  expect_alone(found, "S04", "subsidies");
}

void S05OnlyThePlantIsPaidTwiceForOnePeriod() {
  Ids found = ids(
      "SELECT s.id FROM subsidies s JOIN (SELECT recipient_id_number_bidx AS b, program_code AS p, "
      "period AS q FROM subsidies GROUP BY recipient_id_number_bidx, program_code, period HAVING "
      "COUNT(*) > 1) d ON d.b = s.recipient_id_number_bidx AND d.p = s.program_code AND d.q = "
      "s.period");
  EXPECT_EQ(found.size(), 2u);
  expect_alone(found, "S05", "subsidies");
}

void F01OnlyThePlantPaysCashAboveTheLimit() {
  Ids found = ids("SELECT id FROM payments WHERE method = 'cash' AND amount > 100000");
  EXPECT_EQ(found.size(), 1u);
  expect_alone(found, "F01", "payments");
  EXPECT_GT(count("SELECT COUNT(*) FROM payments WHERE method = 'cash'"), 100)
      << "small sums in cash are normal";
}

void F03OnlyThePlantSkipsTheRepresentatives() {
  Ids found = ids(
      "SELECT p.id FROM payments p WHERE p.amount > 1000000 AND p.status = 'paid' AND NOT EXISTS "
      "(SELECT 1 FROM payment_approvals a WHERE a.payment_id = p.id AND a.step = 'representatives' "
      "AND a.decision = 'approve')");
  expect_alone(found, "F03", "payments");
  Ids committees = ids(
      "SELECT p.id FROM payments p WHERE p.amount > 100000 AND p.status = 'paid' AND NOT EXISTS "
      "(SELECT 1 FROM "
      "payment_approvals a WHERE a.payment_id = p.id AND a.step = 'two_committees')");
  EXPECT_TRUE(committees.empty());
}

// Bank and ledger match on the village, the amount and a date within 15 days.
void F07OnlyThePlantLeavesTheBankWithoutALedgerEntry() {
  auto conn = db().connect();
  std::map<std::pair<std::string, long long>, std::vector<core::Date>> ledger;
  soci::rowset<soci::row> payments =
      (conn.session().prepare
       << "SELECT village_code, amount, paid_at FROM payments WHERE paid_at IS NOT NULL");
  std::size_t paid = 0;
  for (const auto& r : payments) {
    ledger[{r.get<std::string>(0), integer(r, 1)}].push_back(day_of(integer(r, 2)));
    ++paid;
  }
  soci::rowset<soci::row> outflows =
      (conn.session().prepare
       << "SELECT t.id, a.village_code, t.amount, t.time FROM bank_transactions t JOIN accounts a "
          "ON a.account_no_bidx = t.account_no_bidx WHERE t.direction = 'out'");
  Ids unmatched;
  std::size_t out = 0;
  for (const auto& r : outflows) {
    ++out;
    core::Date day = day_of(integer(r, 3));
    const auto& days = ledger[{r.get<std::string>(1), integer(r, 2)}];
    bool matched = std::any_of(days.begin(), days.end(),
                               [&](core::Date d) { return std::abs(d.days_until(day)) <= 15; });
    if (!matched) unmatched.insert(r.get<std::string>(0));
  }
  expect_alone(unmatched, "F07", "bank_transactions");
  EXPECT_EQ(out, paid + 1) << "one outflow per paid payment, and the plant";
}

// Payments to one payee of one village within 7 days, each under a tier,
// together at or above it.
void F09OnlyThePlantSplitsAPaymentUnderATier() {
  auto conn = db().connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare
       << "SELECT id, village_code, COALESCE(payee_uscc, payee_id_number_bidx, payee_name), "
          "amount, "
          "paid_at FROM payments WHERE paid_at IS NOT NULL ORDER BY paid_at");
  std::map<std::string, std::vector<std::tuple<long long, long long, std::string>>> by_payee;
  for (const auto& r : rows) {
    by_payee[r.get<std::string>(1) + "|" + r.get<std::string>(2)].push_back(
        {integer(r, 4), integer(r, 3), r.get<std::string>(0)});
  }
  Ids split;
  for (const auto& [payee, list] : by_payee) {
    for (long long tier : {100000LL, 1000000LL}) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        long long sum = 0;
        std::size_t j = i;
        while (j < list.size() && std::get<0>(list[j]) - std::get<0>(list[i]) <= 7 * 86'400'000LL &&
               std::get<1>(list[j]) < tier) {
          sum += std::get<1>(list[j++]);
        }
        if (j - i >= 2 && sum >= tier) {
          for (std::size_t k = i; k < j; ++k) split.insert(std::get<2>(list[k]));
        }
      }
    }
  }
  EXPECT_EQ(split.size(), 3u);
  expect_alone(split, "F09", "payments");
}

void A01OnlyThePlantTakesRentAfterTheLeaseEnded() {
  Ids found =
      ids("SELECT r.lease_id, r.due_date FROM rent_due r JOIN leases l ON l.id = r.lease_id WHERE "
          "r.due_date > l.end_date");
  expect_alone(found, "A01", "rent_due");
  Ids ending = ids("SELECT id FROM leases WHERE end_date < '2027-06-30'");
  // No background lease is about to expire.
  expect_alone(ending, "A01", "leases");
}

// Rent more than 30 days late, or never paid.
void A02OnlyThePlantsRentIsOverdue() {
  auto conn = db().connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare << "SELECT lease_id, due_date, paid_date FROM rent_due");
  Ids overdue;
  for (const auto& r : rows) {
    std::string due = r.get<std::string>(1), paid = text(r, 2);
    if (paid.empty() || core::Date::parse(due)->days_until(*core::Date::parse(paid)) > 30) {
      overdue.insert(r.get<std::string>(0) + " / " + due);
    }
  }
  expect_alone(overdue, "A02", "rent_due");
}

void L01OnlyThePlantPaysACadreAsALabourer() {
  Ids found = ids(std::string("SELECT DISTINCT l.id FROM labor l JOIN officials o ON "
                              "o.id_number_bidx = l.worker_id_number_bidx WHERE o.kind IN ") +
                  kCadres);
  expect_alone(found, "L01", "labor");
}

void L02OnlyThePlantOverlaps() {
  Ids found = ids(
      "SELECT a.id FROM labor a JOIN labor b ON a.worker_id_number_bidx = b.worker_id_number_bidx "
      "AND a.id <> b.id WHERE a.work_start <= b.work_end AND b.work_start <= a.work_end");
  EXPECT_EQ(found.size(), 2u);
  expect_alone(found, "L02", "labor");
}

void D04OnlyThePlantsSealWasApprovedAfterUse() {
  Ids found = ids("SELECT id FROM seal_uses WHERE approved_at IS NULL OR approved_at > used_at");
  expect_alone(found, "D04", "seal_uses");
}

// Quarterly disclosures are due by the 10th of the month after the quarter.
void D05OnlyThePlantIsPublishedLate() {
  auto conn = db().connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare << "SELECT id, period, published_at FROM disclosures");
  Ids late;
  std::size_t quarterly = 0;
  for (const auto& r : rows) {
    std::string period = r.get<std::string>(1);
    if (period.size() != 7 || period[5] != 'Q') continue;
    ++quarterly;
    int year = std::stoi(period.substr(0, 4)), quarter = period[6] - '0';
    core::Date due = quarter == 4 ? core::Date::from_ymd(year + 1, 1, 10)
                                  : core::Date::from_ymd(year, quarter * 3 + 1, 10);
    if (day_of(integer(r, 2)) > due) late.insert(r.get<std::string>(0));
  }
  EXPECT_GT(quarterly, 5000u);
  expect_alone(late, "D05", "disclosures");
}

void D06OnlyThePlantIsUnanswered() {
  expect_alone(ids("SELECT id FROM complaints WHERE answered_at IS NULL"), "D06", "complaints");
}

void P01OnlyThePlantSplitsAContract() {
  // Contracts under T of one village, by category and by winner, within 12
  // months, together at or above T.
  auto conn = db().connect();
  soci::rowset<soci::row> rows =
      (conn.session().prepare
       << "SELECT id, village_code, category, winner_uscc, contract_amount, award_date FROM "
          "projects WHERE contract_amount < 10000000 ORDER BY award_date");
  std::map<std::string, std::vector<std::tuple<core::Date, long long, std::string>>> groups;
  for (const auto& r : rows) {
    auto entry =
        std::tuple{*core::Date::parse(r.get<std::string>(5)), integer(r, 4), r.get<std::string>(0)};
    groups["c|" + r.get<std::string>(1) + "|" + r.get<std::string>(2)].push_back(entry);
    groups["w|" + r.get<std::string>(1) + "|" + r.get<std::string>(3)].push_back(entry);
  }
  Ids split;
  for (const auto& [key, list] : groups) {
    for (std::size_t j = 0; j < list.size(); ++j) {
      // The window of 12 months ending at contract j.
      std::size_t i = j;
      long long sum = std::get<1>(list[j]);
      while (i > 0 && std::get<0>(list[i - 1]).days_until(std::get<0>(list[j])) < 365) {
        sum += std::get<1>(list[--i]);
      }
      if (j > i && sum >= 10000000) {
        for (std::size_t k = i; k <= j; ++k) split.insert(std::get<2>(list[k]));
      }
    }
  }
  EXPECT_EQ(split.size(), 3u);
  expect_alone(split, "P01", "projects");
}

void P03OnlyThePlantAwardsAboveTheThresholdWithoutATender() {
  Ids found =
      ids("SELECT id FROM projects WHERE contract_amount >= 10000000 AND method NOT IN "
          "('open_tender', 'invited_tender')");
  expect_alone(found, "P03", "projects");
}

void P06OnlyThePlantHasIdenticalBids() {
  Ids found =
      ids("SELECT DISTINCT project_id FROM bids GROUP BY project_id, amount HAVING COUNT(*) > 1");
  expect_alone(found, "P06", "projects");
}

void P13OnlyThePlantsBiddersShareAnAddressOrPhone() {
  Ids found = ids(
      "SELECT DISTINCT a.project_id FROM bids a JOIN bids b ON a.project_id = b.project_id AND "
      "a.bidder_uscc < b.bidder_uscc JOIN companies x ON x.uscc = a.bidder_uscc JOIN companies y "
      "ON y.uscc = b.bidder_uscc WHERE x.address = y.address OR x.phone_bidx = y.phone_bidx OR "
      "x.email = y.email OR x.legal_rep_id_number_bidx = y.legal_rep_id_number_bidx");
  expect_alone(found, "P13", "projects");
  Ids shared =
      ids("SELECT DISTINCT a.project_id FROM bids a JOIN bids b ON a.project_id = b.project_id AND "
          "a.bidder_uscc < b.bidder_uscc JOIN shareholders x ON x.uscc = a.bidder_uscc JOIN "
          "shareholders y ON y.uscc = b.bidder_uscc AND y.holder_id_number_bidx = "
          "x.holder_id_number_bidx WHERE x.share_pct >= 25 AND y.share_pct >= 25");
  EXPECT_TRUE(shared.empty()) << "no common controlling shareholder among bidders";
}

void P21OnlyThePlantsWinnerBelongsToACadresFamily() {
  Ids found =
      ids(std::string("SELECT DISTINCT p.id FROM projects p JOIN shareholders h ON h.uscc = "
                      "p.winner_uscc JOIN relatives r ON r.relative_id_number_bidx = "
                      "h.holder_id_number_bidx JOIN officials o ON o.id_number_bidx = "
                      "r.id_number_bidx AND o.region_code = p.village_code WHERE r.relation <> "
                      "'other' AND o.kind IN ") +
          kCadres);
  Ids cadres = ids(std::string("SELECT DISTINCT p.id FROM projects p JOIN shareholders h ON h.uscc "
                               "= p.winner_uscc JOIN officials o ON o.id_number_bidx = "
                               "h.holder_id_number_bidx WHERE o.kind IN ") +
                   kCadres);
  EXPECT_TRUE(cadres.empty());
  expect_alone(found, "P21", "projects");
}

void ExpectEveryPlantStoredAndAloneInBreakingItsRule() {
  for (const Plant& p : g_county->plants) {
    for (const Subject& s : p.subjects) {
      std::string key;
      for (const auto& k : s.key) key += k + " ";
      EXPECT_TRUE(stored(s)) << p.rule << ": " << s.dataset << " " << key;
    }
  }
  {
    SCOPED_TRACE("S01OnlyThePlantIsPaidAfterDeath");
    S01OnlyThePlantIsPaidAfterDeath();
  }
  {
    SCOPED_TRACE("S03OnlyThePlantPaysMeansTestedAidToACadresFamily");
    S03OnlyThePlantPaysMeansTestedAidToACadresFamily();
  }
  {
    SCOPED_TRACE("S04OnlyThePlantPaysMeansTestedAidToAnOwner");
    S04OnlyThePlantPaysMeansTestedAidToAnOwner();
  }
  {
    SCOPED_TRACE("S05OnlyThePlantIsPaidTwiceForOnePeriod");
    S05OnlyThePlantIsPaidTwiceForOnePeriod();
  }
  {
    SCOPED_TRACE("F01OnlyThePlantPaysCashAboveTheLimit");
    F01OnlyThePlantPaysCashAboveTheLimit();
  }
  {
    SCOPED_TRACE("F03OnlyThePlantSkipsTheRepresentatives");
    F03OnlyThePlantSkipsTheRepresentatives();
  }
  {
    SCOPED_TRACE("F07OnlyThePlantLeavesTheBankWithoutALedgerEntry");
    F07OnlyThePlantLeavesTheBankWithoutALedgerEntry();
  }
  {
    SCOPED_TRACE("F09OnlyThePlantSplitsAPaymentUnderATier");
    F09OnlyThePlantSplitsAPaymentUnderATier();
  }
  {
    SCOPED_TRACE("A01OnlyThePlantTakesRentAfterTheLeaseEnded");
    A01OnlyThePlantTakesRentAfterTheLeaseEnded();
  }
  {
    SCOPED_TRACE("A02OnlyThePlantsRentIsOverdue");
    A02OnlyThePlantsRentIsOverdue();
  }
  {
    SCOPED_TRACE("L01OnlyThePlantPaysACadreAsALabourer");
    L01OnlyThePlantPaysACadreAsALabourer();
  }
  {
    SCOPED_TRACE("L02OnlyThePlantOverlaps");
    L02OnlyThePlantOverlaps();
  }
  {
    SCOPED_TRACE("D04OnlyThePlantsSealWasApprovedAfterUse");
    D04OnlyThePlantsSealWasApprovedAfterUse();
  }
  {
    SCOPED_TRACE("D05OnlyThePlantIsPublishedLate");
    D05OnlyThePlantIsPublishedLate();
  }
  {
    SCOPED_TRACE("D06OnlyThePlantIsUnanswered");
    D06OnlyThePlantIsUnanswered();
  }
  {
    SCOPED_TRACE("P01OnlyThePlantSplitsAContract");
    P01OnlyThePlantSplitsAContract();
  }
  {
    SCOPED_TRACE("P03OnlyThePlantAwardsAboveTheThresholdWithoutATender");
    P03OnlyThePlantAwardsAboveTheThresholdWithoutATender();
  }
  {
    SCOPED_TRACE("P06OnlyThePlantHasIdenticalBids");
    P06OnlyThePlantHasIdenticalBids();
  }
  {
    SCOPED_TRACE("P13OnlyThePlantsBiddersShareAnAddressOrPhone");
    P13OnlyThePlantsBiddersShareAnAddressOrPhone();
  }
  {
    SCOPED_TRACE("P21OnlyThePlantsWinnerBelongsToACadresFamily");
    P21OnlyThePlantsWinnerBelongsToACadresFamily();
  }
}

// Loads `county` into a fresh database with the region file first.
class DemoLoad : public ::testing::Test {
 protected:
  void Load(const County& county) {
    g_db = &tdb.db();
    g_county = &county;
    regions::RegionService regions(tdb.db());
    auto imported = regions.import_csv(testing::regions_csv(), {});
    ASSERT_TRUE(imported.ok());
    ASSERT_EQ(imported->rejected, 0u);
    villages = villages_of(regions);
    auto loaded = load_county(tdb.db(), g_vault, county);
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    first_load = std::move(loaded.value());
  }
  void TearDown() override {
    g_db = nullptr;
    g_county = nullptr;
  }

  mingjing::testing::TestDb tdb;
  std::vector<Village> villages;
  std::vector<imports::ImportSummary> first_load;
};

class DbDemo : public DemoLoad {
 protected:
  void SetUp() override { Load(testing::demo_county()); }
};

// The county at scale 2 keeps every plant alone too. SQLite only: loading it
// on PostgreSQL would take a minute, and the suite's name does not start
// with Db, so the PostgreSQL run leaves it out.
class ScaledDemo : public DemoLoad {
 protected:
  void SetUp() override { Load(testing::scale_two_county()); }
};

// Loading a county takes seconds (tens on PostgreSQL), so each test does
// much with one.
TEST_F(DbDemo, LoadsWithoutARejectedRowAndAgainWithoutAChange) {
  auto from_file = testing::yiwu_villages();
  ASSERT_EQ(villages.size(), from_file.size());
  for (std::size_t i = 0; i < from_file.size(); ++i) {
    EXPECT_EQ(villages[i].code, from_file[i].code);
    EXPECT_EQ(villages[i].town_name, from_file[i].town_name);
  }

  const County& county = testing::demo_county();
  ASSERT_EQ(first_load.size(), county.tables.size());
  for (std::size_t i = 0; i < county.tables.size(); ++i) {
    const auto& s = first_load[i];
    const Table& t = county.tables[i];
    EXPECT_EQ(s.dataset, t.dataset);
    EXPECT_EQ(s.rows, t.rows) << t.dataset;
    EXPECT_EQ(s.rejected, 0u) << t.dataset << ": "
                              << (s.errors.empty()
                                      ? ""
                                      : s.errors.front().column + " " + s.errors.front().reason);
    EXPECT_EQ(s.inserted, t.rows) << t.dataset << ": every generated record is new and distinct";
    EXPECT_TRUE(s.warnings.empty()) << t.dataset;
    EXPECT_EQ(count("SELECT COUNT(*) FROM " + t.dataset), static_cast<long long>(t.rows));
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM imports WHERE username = 'demo' AND status = 'done'"),
            static_cast<long long>(county.tables.size()));

  long long before = count("SELECT MAX(row_updated_at) FROM payments");
  auto again = load_county(db(), g_vault, county);
  ASSERT_TRUE(again.ok()) << again.error().message;
  for (const auto& s : *again) {
    EXPECT_EQ(s.inserted, 0u) << s.dataset;
    EXPECT_EQ(s.updated, 0u) << s.dataset;
    EXPECT_EQ(s.rejected, 0u) << s.dataset;
    EXPECT_EQ(s.unchanged, s.rows) << s.dataset;
  }
  EXPECT_EQ(count("SELECT MAX(row_updated_at) FROM payments"), before);
  for (const Table& t : county.tables) {
    EXPECT_EQ(count("SELECT COUNT(*) FROM " + t.dataset), static_cast<long long>(t.rows));
  }
}

TEST_F(DbDemo, EveryPlantIsStoredAndAloneInBreakingItsRule) {
  ExpectEveryPlantStoredAndAloneInBreakingItsRule();
}

TEST_F(ScaledDemo, LoadsWithoutARejectedRowAndEveryPlantIsStillAlone) {
  const County& county = testing::scale_two_county();
  ASSERT_EQ(first_load.size(), county.tables.size());
  for (std::size_t i = 0; i < county.tables.size(); ++i) {
    EXPECT_EQ(first_load[i].rejected, 0u) << county.tables[i].dataset;
    EXPECT_EQ(first_load[i].inserted, county.tables[i].rows) << county.tables[i].dataset;
    EXPECT_EQ(count("SELECT COUNT(*) FROM " + county.tables[i].dataset),
              static_cast<long long>(county.tables[i].rows));
  }
  ExpectEveryPlantStoredAndAloneInBreakingItsRule();
}

}  // namespace
}  // namespace mingjing::demo
