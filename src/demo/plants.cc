// The planted irregularities: twenty clear cases across the catalogue's
// categories, most of them in the demo accounts' own village (the first
// village of the first town) and town, so every demo role sees some. Each is
// recorded as a PlantDraft naming its records; emit.cc turns those into the
// Subjects that docs/demo-data.md lists and the tests look up.
//
// The places: V1, V2, V3 are the first three villages of the first town,
// W1 and W2 the first two of the second town.
#include <tuple>

#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

struct Places {
  int v1 = -1, v2 = -1, v3 = -1, w1 = -1, w2 = -1;
};

Places places(const World& w) {
  Places p;
  std::vector<int> first, second;
  for (std::size_t i = 0; i < w.villages.size(); ++i) {
    if (w.villages[i].town == 0) first.push_back(static_cast<int>(i));
    if (w.villages[i].town == 1) second.push_back(static_cast<int>(i));
  }
  p.v1 = first.at(0);
  p.v2 = first.at(1);
  p.v3 = first.at(2);
  p.w1 = second.at(0);
  p.w2 = second.at(1);
  return p;
}

Date ymd(int y, int m, int d) {
  return Date::from_ymd(y, m, d);
}

void note(World& w, std::string rule, int village, std::string summary, std::vector<Ref> refs) {
  w.plants.push_back({std::move(rule), std::move(summary), village, std::move(refs)});
}

Person& person(World& w, int i) {
  return w.persons[static_cast<std::size_t>(i)];
}

// A new household whose head is the plant's person.
int newcomer(World& w, Random& rng, int village, int birth_year, bool female) {
  int head = add_household(w, rng, village, birth_year, female);
  person(w, head).reserved = true;
  return head;
}

const Company& company(const World& w, int i) {
  return w.companies[static_cast<std::size_t>(i)];
}

// The nth company of `pool` whose name has `trade` in it, so that a road is
// built by a road builder.
int firm_in_trade(const World& w, const std::vector<int>& pool, std::string_view trade, int nth) {
  for (int c : pool) {
    if (company(w, c).name.find(trade) != std::string::npos && nth-- == 0) return c;
  }
  return pool.at(static_cast<std::size_t>(nth));
}

std::string yuan(long long fen) {
  std::string s = std::to_string(fen / 100);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s + (fen % 100 ? "." + std::to_string(fen % 100 / 10) + std::to_string(fen % 10) : "");
}

// A living, declared close relative of one of the village's cadres, not on
// any roster: the first found in roster order; else a mother added to the
// secretary's household.
std::pair<int, int> cadre_and_parent(World& w, Random& rng, int village) {
  const VillageState& v = w.villages[static_cast<std::size_t>(village)];
  for (const Relative& r : w.relatives) {
    const Person& official = person(w, r.official);
    const Person& kin = person(w, r.relative);
    if (official.village != village || r.relation != "parent") continue;
    if (kin.death || kin.official || kin.assets || kin.welfare || kin.age_on(first_day()) < 55)
      continue;
    return {r.official, r.relative};
  }
  const Person& secretary = person(w, v.secretary);
  Date birth = add_years(secretary.birth, -27);
  int mother = add_member(w, rng, v.secretary, "母亲", birth, true);
  declare_relative(w, v.secretary, mother, "parent");
  return {v.secretary, mother};
}

std::string position_of(const World& w, int official_person) {
  for (const Official& o : w.officials) {
    if (o.person == official_person) return o.position;
  }
  return "";
}

}  // namespace

void plant_people(World& w) {
  const Places at = places(w);
  Random rng = w.stream("plants", "people");
  // S01: a widow on 低保 who dies in August 2024.
  int widow = newcomer(w, rng, at.v1, 1941, true);
  person(w, widow).death = ymd(2024, 8, 12);
  person(w, widow).welfare = true;
  w.cast["s01"] = widow;
  // S03: a cadre's parent, who must own nothing and stay off the rosters.
  auto [cadre, parent] = cadre_and_parent(w, rng, at.v3);
  person(w, parent).reserved = true;
  person(w, parent).welfare = true;
  w.cast["s03.cadre"] = cadre;
  w.cast["s03"] = parent;
  // S04: a 低保 recipient who has bought a car.
  int driver = newcomer(w, rng, at.w1, 1968, false);
  person(w, driver).welfare = true;
  add_vehicle(w, rng, driver, ymd(2024, 5, 20));
  w.cast["s04"] = driver;
  w.cast["s04.vehicle"] = static_cast<int>(w.vehicles.size()) - 1;
  // S05: a farmer paid the 2025 farmland subsidy twice.
  w.cast["s05"] = newcomer(w, rng, at.w2, 1959, false);
  // L02: a labourer on two sites at once.
  w.cast["l02"] = newcomer(w, rng, at.v2, 1975, false);
  // F01: the seller paid in cash; F07: the counterparty of the unrecorded outflow.
  w.cast["f01"] = newcomer(w, rng, at.v1, 1979, true);
  w.cast["f07"] = newcomer(w, rng, at.v2, 1971, false);
  // P13: the two owners behind the linked bidders.
  w.cast["p13.a"] = newcomer(w, rng, at.w2, 1976, false);
  w.cast["p13.b"] = newcomer(w, rng, at.w2, 1981, true);
  // Plant villages whose background must leave room.
  w.reserved.insert("small-works:" + w.villages[static_cast<std::size_t>(at.v1)].region.code);
  w.reserved.insert("disclosure:" + w.villages[static_cast<std::size_t>(at.v3)].region.code +
                    ":finance:2025-Q2");
}

void plant_records(World& w) {
  const Places at = places(w);
  Random rng = w.stream("plants", "records");
  const VillageState& v1 = w.villages[static_cast<std::size_t>(at.v1)];
  const VillageState& v2 = w.villages[static_cast<std::size_t>(at.v2)];
  const VillageState& v3 = w.villages[static_cast<std::size_t>(at.v3)];
  const VillageState& w1 = w.villages[static_cast<std::size_t>(at.w1)];
  const VillageState& w2 = w.villages[static_cast<std::size_t>(at.w2)];
  const Programme& dibao = programme("dibao");
  const std::vector<int> works = companies_of(w, "works");
  const std::vector<int> goods = companies_of(w, "goods");
  const std::vector<int> services = companies_of(w, "services");

  {  // S01: paid after death.
    int widow = w.cast["s01"];
    std::vector<Ref> refs;
    for (int month = 1; month <= 12; ++month) {
      int s = add_monthly_subsidy(w, dibao, widow, 680'00, 2024, month);
      if (month >= 9) refs.push_back({"subsidies", s});
    }
    refs.push_back({"deaths", widow});
    refs.push_back({"persons", widow});
    note(w, "S01", at.v1,
         "低保 paid to " + person(w, widow).name +
             " for September to December 2024, after her death on 2024-08-12 (4 payments of 680 "
             "yuan)",
         refs);
  }
  {  // S03: a cadre's parent on a means-tested roll.
    int cadre = w.cast["s03.cadre"], parent = w.cast["s03"];
    std::vector<Ref> refs;
    for (int month = 1; month <= 6; ++month) {
      refs.push_back({"subsidies", add_monthly_subsidy(w, dibao, parent, 520'00, 2025, month)});
    }
    refs.push_back({"persons", parent});
    refs.push_back({"persons", cadre});
    note(w, "S03", at.v3,
         "低保 for January to June 2025 paid to " + person(w, parent).name +
             ", declared parent of " + position_of(w, cadre) + " " + person(w, cadre).name +
             " of the same village",
         refs);
  }
  {  // S04: a 低保 recipient with a car registered in 2024.
    int driver = w.cast["s04"];
    std::vector<Ref> refs;
    for (int month = 1; month <= 6; ++month) {
      refs.push_back({"subsidies", add_monthly_subsidy(w, dibao, driver, 780'00, 2025, month)});
    }
    const int car = w.cast["s04.vehicle"];
    refs.push_back({"vehicles", car});
    refs.push_back({"persons", driver});
    note(w, "S04", at.w1,
         "低保 for January to June 2025 paid to " + person(w, driver).name + ", owner of the car " +
             w.vehicles[static_cast<std::size_t>(car)].plate + " registered on 2024-05-20",
         refs);
  }
  {  // S05: the same subsidy for the same period twice.
    int farmer = w.cast["s05"];
    const Programme& gengdi = programme("gengdi");
    std::vector<Ref> refs;
    using Day = std::tuple<int, int, int>;
    for (auto [year, month, day] : {Day{2024, 6, 17}, Day{2025, 6, 17}, Day{2025, 7, 8}}) {
      Subsidy s;
      s.programme = &gengdi;
      s.person = farmer;
      s.amount = 1020'00;
      s.period = std::to_string(year);
      s.paid =
          DateTime::from_local(workday_on_or_after(ymd(year, month, day)), month == 7 ? 15 : 9, 0);
      w.subsidies.push_back(std::move(s));
      if (year == 2025) refs.push_back({"subsidies", static_cast<int>(w.subsidies.size()) - 1});
    }
    refs.push_back({"persons", farmer});
    note(w, "S05", at.w2,
         "耕地地力保护补贴 for 2025 paid twice to " + person(w, farmer).name +
             " (1,020 yuan in June and again in July)",
         refs);
  }
  {  // P01: one contract split in three, each under the tender threshold.
    int winner = firm_in_trade(w, works, "市政", 1);
    const long long amounts[] = {46'800'00, 39'600'00, 41'500'00};
    const Date decided[] = {ymd(2025, 3, 10), ymd(2025, 4, 2), ymd(2025, 4, 21)};
    const char* phases[] = {"（一期）", "（二期）", "（三期）"};
    std::vector<Ref> refs;
    for (int i = 0; i < 3; ++i) {
      ProjectPlan plan;
      plan.village = at.v1;
      plan.category = "works";
      plan.name = v1.short_name + "道路修补工程" + phases[i];
      plan.method = "negotiation";
      plan.estimate = amounts[i];
      plan.contract = amounts[i];
      plan.decided = decided[i];
      refs.push_back({"projects", add_small_project(w, rng, plan, winner)});
    }
    refs.push_back({"companies", winner});
    note(w, "P01", at.v1,
         "One road repair split into three negotiated works contracts with " +
             company(w, winner).name +
             " within six weeks: 46,800 + 39,600 + 41,500 = 127,900 yuan, each under the 100,000 "
             "tender threshold",
         refs);
  }
  {  // P21: the secretary's spouse's company wins a project of the village.
    int spouse = -1;
    for (int r : v1.residents) {
      const Person& p = person(w, r);
      if (p.household_no == person(w, v1.secretary).household_no && p.relation == "配偶" &&
          !p.death) {
        spouse = r;
      }
    }
    if (spouse < 0) {
      const Person& s = person(w, v1.secretary);
      spouse = add_member(w, rng, v1.secretary, "配偶", add_years(s.birth, 2), !s.female);
      declare_relative(w, v1.secretary, spouse, "spouse");
    }
    int firm = add_company(w, rng, "works", spouse, ymd(2018, 5, 16));
    w.companies[static_cast<std::size_t>(firm)].reserved = true;
    w.holdings.push_back({firm, spouse, -1, 100.0, "shareholder"});
    w.holdings.push_back({firm, spouse, -1, 0, "director"});
    ProjectPlan plan;
    plan.village = at.v1;
    plan.category = "works";
    plan.name = v1.short_name + "排水管网改造工程";
    plan.method = "open_tender";
    plan.estimate = 268'000'00;
    plan.decided = ymd(2024, 4, 8);
    plan.bidders = {firm, works.at(11), works.at(17)};
    int project = add_tendered_project(w, rng, plan);
    note(w, "P21", at.v1,
         company(w, firm).name + ", owned by " + person(w, spouse).name +
             ", spouse of the party "
             "secretary " +
             person(w, v1.secretary).name + ", won the village's open tender " + plan.name,
         {{"projects", project},
          {"companies", firm},
          {"persons", spouse},
          {"persons", v1.secretary}});
  }
  {  // P03: a contract above the threshold awarded directly.
    ProjectPlan plan;
    plan.village = at.v2;
    plan.category = "works";
    plan.name = v2.short_name + "文化礼堂改造工程";
    plan.method = "direct";
    plan.estimate = 186'000'00;
    plan.contract = 182'400'00;
    plan.decided = ymd(2024, 9, 9);
    int winner = firm_in_trade(w, works, "建筑", 3);
    int project = add_small_project(w, rng, plan, winner);
    note(w, "P03", at.v2,
         "Works contract of 182,400 yuan (estimate 186,000) awarded directly to " +
             company(w, winner).name +
             " without a tender (D01 may also fire: only the two "
             "committees decided)",
         {{"projects", project}, {"companies", winner}});
  }
  {  // P06: two bidders with the same price.
    ProjectPlan plan;
    plan.village = at.w1;
    plan.category = "works";
    plan.name = w1.short_name + "道路提升改造工程";
    plan.method = "open_tender";
    plan.estimate = 465'000'00;
    plan.decided = ymd(2025, 2, 17);
    const int road[] = {firm_in_trade(w, works, "市政", 2), firm_in_trade(w, works, "市政", 3),
                        firm_in_trade(w, works, "市政", 4), firm_in_trade(w, works, "市政", 5)};
    plan.bidders = {road[0], road[1], road[2], road[3]};
    int project = add_tendered_project(w, rng, plan);
    Project& p = w.projects[static_cast<std::size_t>(project)];
    p.bids[2].amount = p.bids[1].amount;
    note(w, "P06", at.w1,
         "Open tender " + plan.name + ": " + company(w, road[1]).name + " and " +
             company(w, road[2]).name + " bid exactly the same price, " + yuan(p.bids[1].amount) +
             " yuan",
         {{"projects", project}, {"companies", road[1]}, {"companies", road[2]}});
  }
  {  // P13: two bidders with one address and one phone number.
    int a = add_company(w, rng, "works", w.cast["p13.a"], ymd(2016, 8, 3));
    int b = add_company(w, rng, "works", w.cast["p13.b"], ymd(2019, 11, 21));
    for (int c : {a, b}) {
      w.companies[static_cast<std::size_t>(c)].reserved = true;
      w.holdings.push_back(
          {c, w.companies[static_cast<std::size_t>(c)].legal_rep, -1, 100.0, "shareholder"});
    }
    Company& second = w.companies[static_cast<std::size_t>(b)];
    second.address = company(w, a).address;
    second.phone = company(w, a).phone;
    ProjectPlan plan;
    plan.village = at.w2;
    plan.category = "works";
    plan.name = w2.short_name + "河道综合治理工程";
    plan.method = "open_tender";
    plan.estimate = 392'000'00;
    plan.decided = ymd(2024, 5, 13);
    plan.bidders = {a, b, firm_in_trade(w, works, "水利", 1)};
    int project = add_tendered_project(w, rng, plan);
    note(w, "P13", at.w2,
         "Open tender " + plan.name + " won by " + company(w, a).name + "; the runner-up " +
             company(w, b).name + " has the same registered address and phone number",
         {{"projects", project}, {"companies", a}, {"companies", b}});
  }
  {  // F01: cash above 1,000 yuan.
    int seller = w.cast["f01"];
    Payment p;
    p.village = at.v1;
    p.category = "慰问品";
    p.purpose = "购买重阳节老人慰问品";
    p.payee_name = person(w, seller).name;
    p.payee_person = seller;
    p.amount = 3'800'00;
    p.method = "cash";
    p.applied = DateTime::from_local(ymd(2025, 10, 20), 9, 40);
    int payment = add_payment(w, std::move(p), false);
    note(w, "F01", at.v1, "Payment of 3,800 yuan in cash for festival gifts (limit 1,000)",
         {{"payments", payment}, {"persons", seller}});
  }
  {  // F03: above 10,000 yuan without the representatives.
    int firm = services.at(3);
    Payment p;
    p.village = at.v3;
    p.category = "维修费";
    p.purpose = "村委会办公楼屋面防水维修";
    p.payee_name = company(w, firm).name;
    p.payee_company = firm;
    p.amount = 28'600'00;
    p.applied = DateTime::from_local(ymd(2025, 7, 14), 10, 5);
    p.skip_step = "representatives";
    int payment = add_payment(w, std::move(p), false);
    note(w, "F03", at.v3,
         "Payment of 28,600 yuan approved without the representatives' meeting required above "
         "10,000 yuan",
         {{"payments", payment}, {"companies", firm}});
  }
  {  // F07: money out of the bank with no payment in the ledger.
    int payee = w.cast["f07"];
    Flow f;
    f.village = at.v2;
    f.at = DateTime::from_local(ymd(2025, 9, 18), 15, 42);
    f.out = true;
    f.amount = 26'500'00;
    f.counterparty_name = person(w, payee).name;
    f.counterparty_account = account_of(w, payee);
    f.summary = "往来款";
    w.flows.push_back(std::move(f));
    note(w, "F07", at.v2,
         "Bank outflow of 26,500 yuan to " + person(w, payee).name +
             " on 2025-09-18 with no payment in the village ledger",
         {{"bank_transactions", static_cast<int>(w.flows.size()) - 1}, {"persons", payee}});
  }
  {  // F09: one purchase paid in three parts under the 1,000-yuan tier.
    int firm = goods.at(7);
    std::vector<Ref> refs;
    using Part = std::pair<int, long long>;
    for (auto [day, amount] : {Part{3, 960'00}, Part{5, 980'00}, Part{7, 940'00}}) {
      Payment p;
      p.village = at.w1;
      p.category = "办公费";
      p.purpose = "购买办公用品";
      p.payee_name = company(w, firm).name;
      p.payee_company = firm;
      p.amount = amount;
      p.applied = DateTime::from_local(ymd(2025, 11, day), 9, 15);
      refs.push_back({"payments", add_payment(w, std::move(p), false)});
    }
    refs.push_back({"companies", firm});
    note(w, "F09", at.w1,
         "Three payments of 960, 980 and 940 yuan to " + company(w, firm).name +
             " within a week, each under the 1,000-yuan tier, together 2,880",
         refs);
  }
  {  // A01: a lease expired in June 2025, rent still received afterwards.
    Lease l;
    l.village = at.v1;
    l.asset_name = v1.short_name + "沿街店面8号";
    l.asset_kind = "shop";
    l.area = 85;
    l.lessee_company = goods.at(13);
    l.lessee_name = company(w, l.lessee_company).name;
    l.method = "open_tender";
    l.signed_at = ymd(2022, 6, 15);
    l.start = ymd(2022, 7, 1);
    l.end = ymd(2025, 6, 30);
    l.rent = 48'000'00;
    l.benchmark = 46'000'00;
    l.consent = 0.85;
    for (Date due : {ymd(2024, 1, 1), ymd(2024, 7, 1), ymd(2025, 1, 1), ymd(2025, 7, 1)}) {
      l.dues.push_back({due, 24'000'00, due.add_days(6)});
    }
    w.leases.push_back(std::move(l));
    int lease = static_cast<int>(w.leases.size()) - 1;
    note(
        w, "A01", at.v1,
        "Lease of the shop " + w.leases.back().asset_name +
            " ended on 2025-06-30 without a new tender; the tenant still paid rent due 2025-07-01",
        {{"leases", lease}, {"rent_due", lease, 3}, {"companies", w.leases.back().lessee_company}});
  }
  {  // A02: rent overdue.
    Lease l;
    l.village = at.v2;
    l.asset_name = v2.short_name + "集体厂房5号";
    l.asset_kind = "building";
    l.area = 600;
    l.lessee_company = companies_of(w, "other").at(9);
    l.lessee_name = company(w, l.lessee_company).name;
    l.method = "auction";
    l.signed_at = ymd(2021, 3, 18);
    l.start = ymd(2021, 4, 1);
    l.end = ymd(2029, 3, 31);
    l.rent = 36'000'00;
    l.benchmark = 34'000'00;
    l.consent = 0.9;
    l.dues.push_back({ymd(2024, 4, 1), 36'000'00, ymd(2024, 4, 10)});
    l.dues.push_back({ymd(2025, 4, 1), 36'000'00, std::nullopt});
    w.leases.push_back(std::move(l));
    int lease = static_cast<int>(w.leases.size()) - 1;
    note(
        w, "A02", at.v2,
        "Rent of 36,000 yuan for " + w.leases.back().asset_name + " due 2025-04-01 never paid",
        {{"rent_due", lease, 1}, {"leases", lease}, {"companies", w.leases.back().lessee_company}});
  }
  {  // L01: a committee member paid as a labourer in the own village.
    int member = v1.members.at(0);
    int labor = add_labor(w, rng, at.v1, member, -1, ymd(2025, 4, 7), 12);
    note(w, "L01", at.v1,
         "村委会委员 " + person(w, member).name +
             " paid 12 days' labour by the own village "
             "(F10 may also fire: a payment to a cadre)",
         {{"labor", labor}, {"persons", member}});
  }
  {  // L02: one worker on two sites at once.
    int worker = w.cast["l02"];
    int first = add_labor(w, rng, at.v2, worker, -1, ymd(2025, 5, 6), 14);
    int second = add_labor(w, rng, at.v3, worker, -1, ymd(2025, 5, 12), 10, false);
    note(w, "L02", at.v2,
         person(w, worker).name + " on labour rolls in " + v2.short_name +
             " from 2025-05-06 and in " + v3.short_name + " from 2025-05-12, overlapping",
         {{"labor", first}, {"labor", second}, {"persons", worker}});
  }
  {  // D04: seal used before it was approved.
    SealUse s;
    s.village = at.v2;
    s.used = DateTime::from_local(ymd(2025, 4, 2), 10, 20);
    s.approved = DateTime::from_local(ymd(2025, 4, 7), 15, 5);
    s.purpose = "签订合同";
    s.title = "资产租赁合同";
    w.seals.push_back(std::move(s));
    note(w, "D04", at.v2,
         "Seal used on 2025-04-02 for a lease contract, approval entered on 2025-04-07",
         {{"seal_uses", static_cast<int>(w.seals.size()) - 1}});
  }
  {  // D05: a quarterly finance disclosure a month late.
    Disclosure d;
    d.village = at.v3;
    d.category = "finance";
    d.period = "2025-Q2";
    d.title = v3.short_name + "2025年第二季度财务收支公开";
    d.published = DateTime::from_local(ymd(2025, 8, 6), 10, 30);
    w.disclosures.push_back(std::move(d));
    note(w, "D05", at.v3,
         "Finance disclosure for the second quarter of 2025 published on 2025-08-06 (due by "
         "2025-07-10)",
         {{"disclosures", static_cast<int>(w.disclosures.size()) - 1}});
  }
  {  // D06: a complaint never answered.
    Complaint c;
    c.village = at.v1;
    c.category = "低保";
    c.submitted = DateTime::from_local(ymd(2025, 9, 15), 19, 40);
    w.complaints.push_back(std::move(c));
    note(w, "D06", at.v1, "Complaint about 低保 submitted on 2025-09-15, never answered",
         {{"complaints", static_cast<int>(w.complaints.size()) - 1}});
  }
}

}  // namespace mingjing::demo::detail
