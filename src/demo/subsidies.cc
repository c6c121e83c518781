// Department subsidy payments (惠民惠农): the means-tested 低保 and 特困 rolls
// paid monthly by the civil affairs bureau, the old-age allowance paid
// quarterly, and the farmland protection subsidy paid yearly by the
// agriculture bureau. Means-tested recipients are never officials, cadres'
// relatives or owners of assets; payments stop when the recipient dies and
// are paid once per period, to the recipient's own card.
#include <cstdio>

#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

// The 2025 rate: 2024's raised by 6%, to the yuan.
long long raised(long long amount_2024) {
  return (amount_2024 * 106 / 100 + 50) / 100 * 100;
}

DateTime pay_time(int year, int month, int day, int hour) {
  return DateTime::from_local(workday_on_or_after(Date::from_ymd(year, month, day)), hour, 0);
}

std::string month_period(int year, int month) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

bool may_receive_aid(const Person& p) {
  return !p.official && !p.cadre_kin && !p.reserved && !p.welfare && !p.assets;
}

int add_subsidy(World& w, Subsidy s) {
  w.subsidies.push_back(std::move(s));
  return static_cast<int>(w.subsidies.size()) - 1;
}

}  // namespace

const std::vector<Programme>& programmes() {
  static const std::vector<Programme> all = {
      {"dibao", "最低生活保障金", "义乌市民政局", true},
      {"tekun", "特困人员救助供养金", "义乌市民政局", true},
      {"gaoling", "高龄津贴", "义乌市民政局", false},
      {"gengdi", "耕地地力保护补贴", "义乌市农业农村局", false},
  };
  return all;
}

const Programme& programme(std::string_view code) {
  for (const auto& p : programmes()) {
    if (p.code == code) return p;
  }
  return programmes().front();
}

void select_welfare_rolls(World& w) {
  for (const VillageState& v : w.villages) {
    Random rng = w.stream("welfare", v.region.code);
    select_welfare(w, rng, v.heads, v.residents);
  }
}

void select_welfare(World& w, Random& rng, const std::vector<int>& households,
                    const std::vector<int>& people) {
  std::vector<int> heads;
  for (int h : households) {
    const Person& p = w.persons[static_cast<std::size_t>(h)];
    if (may_receive_aid(p) && p.age_on(first_day()) >= 40) heads.push_back(h);
  }
  static constexpr int kWeights[] = {3, 4, 2};  // 0, 1 or 2 households
  int dibao = static_cast<int>(rng.weighted(kWeights));
  rng.shuffle(heads);
  for (int i = 0; i < dibao && i < static_cast<int>(heads.size()); ++i) {
    int h = heads[static_cast<std::size_t>(i)];
    w.persons[static_cast<std::size_t>(h)].welfare = true;
    w.dibao_roll.push_back({h, rng.between(45, 125) * 10'00});
  }
  if (!rng.chance(0.3)) return;
  std::vector<int> elderly;
  for (int r : people) {
    const Person& p = w.persons[static_cast<std::size_t>(r)];
    if (may_receive_aid(p) && p.age_on(first_day()) >= 68) elderly.push_back(r);
  }
  if (elderly.empty()) return;
  int r = rng.pick(elderly);
  w.persons[static_cast<std::size_t>(r)].welfare = true;
  w.tekun_roll.push_back({r, rng.between(155, 190) * 10'00});
}

int add_monthly_subsidy(World& w, const Programme& p, int person, long long amount, int year,
                        int month) {
  Subsidy s;
  s.programme = &p;
  s.person = person;
  s.amount = amount;
  s.period = month_period(year, month);
  s.paid = pay_time(year, month, 10, 10);
  s.posted = p.means_tested;
  return add_subsidy(w, std::move(s));
}

void generate_subsidies(World& w) {
  // Monthly rolls, while the recipient lives.
  for (const auto& [roll, code] :
       {std::pair{&w.dibao_roll, "dibao"}, std::pair{&w.tekun_roll, "tekun"}}) {
    const Programme& p = programme(code);
    for (const auto& [person, amount] : *roll) {
      for (int year : {2024, 2025}) {
        for (int month = 1; month <= 12; ++month) {
          Date day = pay_time(year, month, 10, 10).local_date();
          if (!w.persons[static_cast<std::size_t>(person)].alive_on(day)) break;
          add_monthly_subsidy(w, p, person, year == 2024 ? amount : raised(amount), year, month);
        }
      }
    }
  }
  // Old-age allowance, quarterly in the quarter's second month, from 80.
  const Programme& gaoling = programme("gaoling");
  for (std::size_t i = 0; i < w.persons.size(); ++i) {
    const Person& p = w.persons[i];
    if (p.reserved) continue;
    for (int year : {2024, 2025}) {
      for (int quarter = 1; quarter <= 4; ++quarter) {
        DateTime paid = pay_time(year, quarter * 3 - 1, 15, 14);
        int age = p.age_on(paid.local_date());
        if (age < 80 || !p.alive_on(paid.local_date())) continue;
        long long monthly = age >= 100 ? 500'00 : age >= 90 ? 100'00 : 50'00;
        Subsidy s;
        s.programme = &gaoling;
        s.person = static_cast<int>(i);
        s.amount = monthly * 3;
        s.period = std::to_string(year) + "-Q" + std::to_string(quarter);
        s.paid = paid;
        add_subsidy(w, std::move(s));
      }
    }
  }
  // Farmland protection subsidy: the households that farm, once a year.
  const Programme& gengdi = programme("gengdi");
  for (const VillageState& v : w.villages) {
    Random rng = w.stream("gengdi", v.region.code);
    for (int h : v.heads) {
      const Person& p = w.persons[static_cast<std::size_t>(h)];
      double mu = static_cast<double>(rng.between(15, 120)) / 10.0;
      if (!rng.chance(0.55) || p.reserved) continue;
      for (int year : {2024, 2025}) {
        DateTime paid = pay_time(year, 6, 17, 9);
        if (!p.alive_on(paid.local_date())) continue;
        Subsidy s;
        s.programme = &gengdi;
        s.person = h;
        s.amount = static_cast<long long>(mu * 85.0 * 100.0 + 0.5);
        s.period = std::to_string(year);
        s.paid = paid;
        add_subsidy(w, std::move(s));
      }
    }
  }
}

}  // namespace mingjing::demo::detail
