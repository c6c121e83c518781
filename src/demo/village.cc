// The villages' own business besides projects: leases of collective assets
// with their rent, labour hired by the village, routine expenses, seal use,
// the three-affairs disclosures and villagers' complaints. Background
// records keep to the rules: leases put out by tender or auction, running
// past mid-2027, rent paid within three weeks; labourers of working age,
// never a cadre or a cadre's relative, one job at a time, paid by transfer
// at the village rate; cash only for small sums; seals approved before use;
// disclosures by the 10th after each quarter; complaints answered within a
// week.
#include <algorithm>
#include <cmath>
#include <map>

#include "core/workday_calendar.h"
#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

const core::WorkdayCalendar& calendar() {
  return core::WorkdayCalendar::builtin();
}

bool may_work(const Person& p, Date on) {
  int age = p.age_on(on);
  return age >= 20 && age <= 62 && !p.official && !p.cadre_kin && !p.reserved && !p.welfare &&
         !p.death;
}

bool free_between(const World& w, int worker, Date from, Date to) {
  auto it = w.jobs.find(worker);
  if (it == w.jobs.end()) return true;
  return std::none_of(it->second.begin(), it->second.end(),
                      [&](const auto& job) { return !(to < job.first || job.second < from); });
}

void generate_leases(World& w, int v, int round) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("leases", round_key(village.region.code, round));
  struct Kind {
    const char* kind;
    const char* name;
    int min_area, max_area;  // m²
    int min_term, max_term;  // years
    int min_rate, max_rate;  // yuan per m² per year, ×100
  };
  static constexpr Kind kKinds[] = {
      {"land", "集体农用地", 3000, 50000, 8, 15, 120, 225},
      {"building", "集体厂房", 300, 2000, 5, 10, 12000, 25000},
      {"shop", "沿街店面", 40, 200, 3, 5, 40000, 90000},
      {"pond", "集体鱼塘", 2000, 20000, 5, 10, 90, 150},
      {"forest", "集体山林", 10000, 100000, 10, 20, 15, 45},
  };
  static constexpr int kWeights[] = {4, 3, 4, 1, 1};
  int count = rng.between(1, 3);
  for (int i = 0; i < count; ++i) {
    const Kind& k = kKinds[rng.weighted(kWeights)];
    Lease l;
    l.village = v;
    l.asset_kind = k.kind;
    // Later rounds number from 11 (the plants use 5 and 8), three a round.
    const int number = round == 1 ? i + 1 : 10 + 3 * (round - 2) + i + 1;
    l.asset_name = village.short_name + k.name + std::to_string(number) + "号";
    l.area = rng.between(k.min_area, k.max_area);
    int term = rng.between(k.min_term, k.max_term);
    // Running past mid-2027, so no background lease is about to expire.
    Date earliest =
        std::max(Date::from_ymd(2019, 1, 1), add_years(Date::from_ymd(2027, 7, 1), -term));
    l.start = random_day(rng, earliest, Date::from_ymd(2025, 6, 30));
    l.end = add_years(l.start, term).add_days(-1);
    l.signed_at = l.start.add_days(-rng.between(5, 30));
    l.method = rng.chance(0.6) ? "open_tender" : "auction";
    l.rent = std::max<long long>(
        100'00, std::llround(l.area * rng.between(k.min_rate, k.max_rate)) / 10000 * 10000);
    l.benchmark = l.rent * rng.between(88, 100) / 100 / 100'00 * 100'00;
    l.consent = static_cast<double>(rng.between(72, 96)) / 100.0;
    std::vector<int> people;
    for (int r : village.residents) {
      if (may_work(w.persons[static_cast<std::size_t>(r)], l.start)) people.push_back(r);
    }
    if (rng.chance(0.6) && !people.empty()) {
      l.lessee_person = rng.pick(people);
      l.lessee_name = w.persons[static_cast<std::size_t>(l.lessee_person)].name;
      l.member = true;
    } else {
      l.lessee_company = rng.pick(companies_of(w, "other"));
      l.lessee_name = w.companies[static_cast<std::size_t>(l.lessee_company)].name;
    }
    // Rent for each lease year in advance (shops every half year), paid
    // within three weeks of the due day.
    int step_months = l.asset_kind == "shop" ? 6 : 12;
    for (Date due = l.start; due <= Date::from_ymd(2025, 12, 1);) {
      if (due >= first_day()) {
        long long amount = step_months == 6 ? l.rent / 2 : l.rent;
        Date paid = due.add_days(rng.between(0, 20));
        l.dues.push_back({due, amount, paid > last_day() ? std::nullopt : std::optional(paid)});
      }
      int month = due.month() - 1 + step_months;
      int year = due.year() + month / 12;
      month = month % 12 + 1;
      due = Date::from_ymd(year, month, std::min(due.day(), Date::days_in_month(year, month)));
    }
    w.leases.push_back(std::move(l));
  }
}

void generate_labor(World& w, int v, int round) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("labor", round_key(village.region.code, round));
  std::vector<int> works;
  for (std::size_t i = 0; i < w.projects.size(); ++i) {
    const Project& p = w.projects[i];
    if (p.village == v && p.category == "works" && p.completion)
      works.push_back(static_cast<int>(i));
  }
  // Later rounds hire more: the volume of a larger county is mostly labour,
  // its payments and bank lines, and subsidies.
  const int count =
      round == 1 ? rng.between(3, 8) : rng.between(kLaborPerRound.first, kLaborPerRound.second);
  const int max_tries = round == 1 ? 40 : 4 * count;
  for (int i = 0, tries = 0; i < count && tries < max_tries; ++tries) {
    int worker = rng.pick(village.residents);
    int project = -1;
    Date start = random_day(rng, Date::from_ymd(2024, 1, 15), Date::from_ymd(2025, 11, 10));
    if (!works.empty() && rng.chance(0.5)) {
      project = rng.pick(works);
      const Project& p = w.projects[static_cast<std::size_t>(project)];
      start = random_day(rng, *p.start, std::max(*p.start, p.completion->add_days(-10)));
    }
    start = workday_on_or_after(start);
    int days = rng.between(3, 20);
    if (!may_work(w.persons[static_cast<std::size_t>(worker)], start)) continue;
    if (add_labor(w, rng, v, worker, project, start, days) >= 0) ++i;
  }
}

struct Routine {
  const char* category;
  const char* supplier;  // company category, "" for people
  long long min_fen, max_fen;
};

void generate_expenses(World& w, int v) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("expenses", village.region.code);
  // The power company: the first utility.
  int power = 0;
  while (w.companies[static_cast<std::size_t>(power)].category != "utility") ++power;
  auto pay_company = [&](int company, const char* category, std::string purpose, long long amount,
                         Date day) {
    const Company& c = w.companies[static_cast<std::size_t>(company)];
    Payment p;
    p.village = v;
    p.category = category;
    p.purpose = std::move(purpose);
    p.payee_name = c.name;
    p.payee_company = company;
    p.amount = amount;
    p.applied = at_hour(rng, workday_on_or_after(day), 9, 15);
    add_payment(w, std::move(p));
  };
  const std::vector<int> office = companies_of(w, "goods");
  const std::vector<int> services = companies_of(w, "services");
  const std::vector<int> events = companies_of(w, "other");
  int office_supplier = rng.pick(office);
  int cleaner = rng.pick(services);
  for (int year : {2024, 2025}) {
    for (int quarter = 1; quarter <= 4; ++quarter) {
      // Electricity for the office, street lights and pumps, each quarter.
      pay_company(power, "水电费",
                  std::to_string(year) + "年第" + std::to_string(quarter) + "季度电费",
                  rng.between(300'00, 3000'00), Date::from_ymd(year, quarter * 3 - 2, 12));
    }
    for (int i = rng.between(1, 3); i > 0; --i) {
      pay_company(office_supplier, "办公费", "购买办公用品", rng.between(200'00, 2500'00),
                  random_day(rng, Date::from_ymd(year, 1, 15), Date::from_ymd(year, 11, 30)));
    }
    for (int month : {6, 12}) {
      pay_company(cleaner, "保洁费",
                  std::to_string(year) + (month == 6 ? "年上半年" : "年下半年") + "保洁费",
                  rng.between(3000'00, 9500'00), Date::from_ymd(year, month, rng.between(1, 10)));
    }
    if (rng.chance(0.6)) {
      pay_company(rng.pick(events), "文体活动费", "村民文体活动物资", rng.between(1000'00, 8000'00),
                  random_day(rng, Date::from_ymd(year, 3, 1), Date::from_ymd(year, 10, 31)));
    }
    // Now and then the supervision committee turns a claim down.
    if (rng.chance(0.05)) {
      Payment p;
      p.village = v;
      p.category = "招待费";
      p.purpose = "接待用餐";
      int firm = rng.pick(events);
      p.payee_name = w.companies[static_cast<std::size_t>(firm)].name;
      p.payee_company = firm;
      p.amount = rng.between(800'00, 3000'00);
      p.status = "rejected";
      p.applied = at_hour(rng,
                          workday_on_or_after(random_day(rng, Date::from_ymd(year, 2, 1),
                                                         Date::from_ymd(year, 11, 30))),
                          9, 15);
      add_payment(w, std::move(p));
    }
    // Spring Festival visits to the oldest villagers: small sums, some in cash.
    std::vector<int> elderly;
    for (int r : village.residents) {
      const Person& p = w.persons[static_cast<std::size_t>(r)];
      if (p.age_on(Date::from_ymd(year, 1, 20)) >= 75 && p.alive_on(Date::from_ymd(year, 1, 31)) &&
          !p.cadre_kin && !p.reserved) {
        elderly.push_back(r);
      }
    }
    rng.shuffle(elderly);
    if (elderly.size() > 4) elderly.resize(4);
    for (int r : elderly) {
      const Person& person = w.persons[static_cast<std::size_t>(r)];
      Payment p;
      p.village = v;
      p.category = "慰问金";
      p.purpose = "春节慰问";
      p.payee_name = person.name;
      p.payee_person = r;
      p.amount = rng.between(2, 5) * 100'00;
      p.method = rng.chance(0.4) ? "cash" : "transfer";
      p.applied =
          at_hour(rng, workday_on_or_after(Date::from_ymd(year, 1, rng.between(8, 20))), 9, 15);
      add_payment(w, std::move(p));
    }
  }
}

// Claims still going through approval at the end of the period.
void generate_pending(World& w, int v) {
  Random rng = w.stream("pending", w.villages[static_cast<std::size_t>(v)].region.code);
  if (!rng.chance(0.2)) return;
  const std::vector<int> services = companies_of(w, "services");
  int firm = rng.pick(services);
  Payment p;
  p.village = v;
  p.category = "维修费";
  p.purpose = "村道路灯维修";
  p.payee_name = w.companies[static_cast<std::size_t>(firm)].name;
  p.payee_company = firm;
  p.amount = rng.between(500'00, 6000'00);
  p.status = "pending";
  p.applied = at_hour(rng,
                      workday_on_or_after(random_day(rng, Date::from_ymd(2025, 12, 15),
                                                     Date::from_ymd(2025, 12, 24))),
                      9, 15);
  add_payment(w, std::move(p));
}

void generate_seals(World& w, int v, int round) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("seals", round_key(village.region.code, round));
  struct Use {
    const char* purpose;
    const char* title;
  };
  static constexpr Use kUses[] = {{"出具证明", "居住证明"},     {"出具证明", "家庭收入证明"},
                                  {"签订合同", "工程施工合同"}, {"签订合同", "资产租赁合同"},
                                  {"上报材料", "村级财务报表"}, {"上报材料", "人口统计报表"},
                                  {"开具介绍信", "工作介绍信"}};
  int count = rng.between(3, 6);
  for (int i = 0; i < count; ++i) {
    const Use& u = rng.pick(kUses);
    SealUse s;
    s.village = v;
    s.used = at_hour(
        rng,
        workday_on_or_after(random_day(rng, first_day().add_days(3), Date::from_ymd(2025, 12, 15))),
        9, 16);
    s.approved = DateTime::from_unix_ms(s.used.unix_ms() - rng.uniform(30, 2880) * 60'000);
    s.purpose = u.purpose;
    s.title = std::string(u.title);
    w.seals.push_back(std::move(s));
  }
}

// Quarterly finance and village-affairs disclosures, half-yearly party
// affairs, each published in the first days of the following month.
void generate_disclosures(World& w, int v) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("disclosures", village.region.code);
  static constexpr const char* kQuarters[] = {"一", "二", "三", "四"};
  for (int q = 0; q < 8; ++q) {
    // 2023-Q4 .. 2025-Q3: published from January 2024 to October 2025.
    int year = 2023 + (q + 3) / 4;
    int quarter = (q + 3) % 4 + 1;
    std::string period = std::to_string(year) + "-Q" + std::to_string(quarter);
    int pub_year = quarter == 4 ? year + 1 : year;
    int pub_month = quarter == 4 ? 1 : quarter * 3 + 1;
    for (const char* category : {"finance", "village"}) {
      if (w.reserved.contains("disclosure:" + village.region.code + ":" + category + ":" +
                              period)) {
        continue;
      }
      Disclosure d;
      d.village = v;
      d.category = category;
      d.period = period;
      d.title = village.short_name + std::to_string(year) + "年第" + kQuarters[quarter - 1] +
                "季度" + (std::string(category) == "finance" ? "财务收支公开" : "村务公开");
      d.published = at_hour(
          rng, workday_on_or_after(Date::from_ymd(pub_year, pub_month, rng.between(1, 6))), 9, 17);
      w.disclosures.push_back(std::move(d));
    }
    if (quarter == 2 || quarter == 4) {
      Disclosure d;
      d.village = v;
      d.category = "party";
      d.period = std::to_string(year) + (quarter == 2 ? "-H1" : "-H2");
      d.title = village.short_name + std::to_string(year) +
                (quarter == 2 ? "年上半年" : "年下半年") + "党务公开";
      d.published = at_hour(
          rng, workday_on_or_after(Date::from_ymd(pub_year, pub_month, rng.between(1, 6))), 9, 17);
      w.disclosures.push_back(std::move(d));
    }
  }
}

void generate_complaints(World& w, int v, int round) {
  const VillageState& village = w.villages[static_cast<std::size_t>(v)];
  Random rng = w.stream("complaints", round_key(village.region.code, round));
  static constexpr const char* kCategories[] = {"财务", "工程", "低保", "土地", "环境", "其他"};
  static constexpr int kSatisfaction[] = {0, 1, 3, 8, 12};  // weights for 1..5
  int count = rng.between(0, 3);
  for (int i = 0; i < count; ++i) {
    Complaint c;
    c.village = v;
    c.category = rng.pick(kCategories);
    c.submitted = at_hour(rng, random_day(rng, first_day(), Date::from_ymd(2025, 12, 10)), 7, 21);
    Date answered = calendar().add_workdays(c.submitted.local_date(), rng.between(1, 5));
    c.answered = at_hour(rng, answered, 9, 17);
    c.closed = at_hour(rng, answered.add_days(rng.between(0, 6)), 9, 17);
    if (*c.closed < *c.answered) c.closed = c.answered;
    if (rng.chance(0.85)) c.satisfaction = static_cast<int>(rng.weighted(kSatisfaction)) + 1;
    w.complaints.push_back(std::move(c));
  }
}

}  // namespace

int add_labor(World& w, Random& rng, int village, int worker, int project, Date start, int days,
              bool exclusive) {
  const VillageState& v = w.villages[static_cast<std::size_t>(village)];
  Labor l;
  l.village = village;
  l.project = project;
  l.worker = worker;
  l.start = start;
  l.days = days;
  l.end = start.add_days(days - 1 + days / 6);  // a day off most weeks
  l.wage = v.daily_wage;
  if (exclusive && !free_between(w, worker, l.start, l.end)) return -1;
  l.requested = at_hour(rng, calendar().add_workdays(start, -rng.between(2, 5)), 8, 11);
  l.approved = at_hour(rng, calendar().add_workdays(l.requested.local_date(), 1), 9, 17);
  l.declared = at_hour(rng, calendar().add_workdays(l.end, rng.between(1, 3)), 9, 16);
  const Person& person = w.persons[static_cast<std::size_t>(worker)];
  Payment p;
  p.village = village;
  p.category = "劳务费";
  p.purpose = person.name + "务工" + std::to_string(days) + "天";
  p.payee_name = person.name;
  p.payee_person = worker;
  p.amount = l.wage * days;
  p.project = project;
  p.applied = l.declared;
  int payment = add_payment(w, std::move(p));
  if (payment < 0) return -1;
  l.paid = *w.payments[static_cast<std::size_t>(payment)].paid;
  w.jobs[worker].push_back({l.start, l.end});
  w.labor.push_back(std::move(l));
  return static_cast<int>(w.labor.size()) - 1;
}

void generate_village_business(World& w) {
  for (std::size_t v = 0; v < w.villages.size(); ++v) {
    int vi = static_cast<int>(v);
    generate_leases(w, vi, 1);
    generate_labor(w, vi, 1);
    generate_expenses(w, vi);
    generate_pending(w, vi);
    generate_seals(w, vi, 1);
    generate_disclosures(w, vi);
    generate_complaints(w, vi, 1);
  }
  // A larger county (Settings::scale): each further round adds leases,
  // labour, seal use and complaints to every village, from streams of their
  // own, after the first round is complete.
  for (int round = 2; round <= w.scale; ++round) {
    for (std::size_t v = 0; v < w.villages.size(); ++v) {
      int vi = static_cast<int>(v);
      generate_leases(w, vi, round);
      generate_labor(w, vi, round);
      generate_seals(w, vi, round);
      generate_complaints(w, vi, round);
    }
  }
}

}  // namespace mingjing::demo::detail
