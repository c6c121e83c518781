// Village money: the collective's bank accounts, payments with their
// approval steps by amount tier, and the bank statements. Every paid
// payment leaves the basic account as one outflow of the same amount on the
// day it is paid, so bank and ledger match one to one (rule F07) except
// where a plant says otherwise.
#include <algorithm>
#include <numeric>

#include "core/workday_calendar.h"
#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

const core::WorkdayCalendar& calendar() {
  return core::WorkdayCalendar::builtin();
}

// The next step's time: later the same working day, or the next workday.
DateTime next_step(Random& rng, DateTime after) {
  Date day = after.local_date();
  long long hour = after.local_ms_of_day() / 3'600'000;
  if (hour < 15 && rng.chance(0.4)) {
    return DateTime::from_unix_ms(after.unix_ms() + rng.uniform(20, 90) * 60'000);
  }
  return at_hour(rng, calendar().add_workdays(day, 1), 8, 17);
}

std::string payee_key(const Payment& p, const World& w) {
  std::string payee =
      p.payee_company >= 0  ? w.companies[static_cast<std::size_t>(p.payee_company)].uscc
      : p.payee_person >= 0 ? w.persons[static_cast<std::size_t>(p.payee_person)].id_number
                            : p.payee_name;
  return std::to_string(p.village) + "/" + payee;
}

bool clear_of(const std::vector<Date>& days, Date day) {
  return std::none_of(days.begin(), days.end(),
                      [&](Date d) { return std::abs(d.days_until(day)) < 8; });
}

// Fills approvals and the payment time from p.applied.
void approve_and_pay(World& w, Random& rng, Payment& p) {
  const VillageState& v = w.villages[static_cast<std::size_t>(p.village)];
  std::vector<std::pair<std::string, int>> steps = {
      {"bookkeeper", v.bookkeeper},
      {"supervision_committee", v.supervision_director},
      {"party_secretary", v.secretary}};
  if (p.amount > kTierCommittees) steps.push_back({"two_committees", v.director});
  if (p.amount > kTierRepresentatives) {
    steps.push_back({"representatives", v.secretary});
    steps.push_back({"town_agency", w.towns[static_cast<std::size_t>(v.town)].agency_accountant});
  }
  p.approvals.clear();
  p.paid.reset();
  DateTime t = DateTime::from_unix_ms(p.applied.unix_ms() + rng.uniform(30, 150) * 60'000);
  // Still in approval: the first steps only. Rejected: by the supervision
  // committee, the villagers' check on spending.
  std::size_t pending_after =
      p.status == "pending" ? static_cast<std::size_t>(rng.between(1, 2)) : steps.size();
  for (const auto& [step, approver] : steps) {
    if (step == p.skip_step) continue;
    if (p.approvals.size() == pending_after) return;
    bool reject = p.status == "rejected" && step == "supervision_committee";
    p.approvals.push_back({step, approver, reject ? "reject" : "approve", t});
    if (reject) return;
    t = next_step(rng, t);
  }
  p.paid = t;
}

}  // namespace

void generate_accounts(World& w) {
  for (VillageState& v : w.villages) {
    Random rng = w.stream("bank", v.region.code);
    const TownState& t = w.towns[static_cast<std::size_t>(v.town)];
    v.account_no = make_org_account(w, rng);
    v.account_bank = "浙江义乌农村商业银行股份有限公司" + t.name + "支行";
    v.account_name = "义乌市" + t.name + v.short_name + "股份经济合作社";
    if (rng.chance(0.15)) v.special_account = make_org_account(w, rng);
  }
}

int add_payment(World& w, Payment p, bool spread) {
  Random rng = w.stream("approvals", std::to_string(w.payments.size()));
  const std::string key = payee_key(p, w);
  std::vector<Date>& days = w.paid_to[key];
  const DateTime applied = p.applied;
  bool placed = false;
  for (int shift : {0, 9, 18, -9, -18, 27, -27}) {
    p.applied = DateTime::from_unix_ms(applied.unix_ms() + shift * 86'400'000LL);
    approve_and_pay(w, rng, p);
    Date day = p.paid ? p.paid->local_date() : p.approvals.back().at.local_date();
    if (p.applied.local_date() < first_day() || day > last_day()) continue;
    if (!p.paid || !spread || clear_of(days, day)) {
      placed = true;
      break;
    }
  }
  if (!placed) return -1;
  if (p.paid) days.push_back(p.paid->local_date());
  w.payments.push_back(std::move(p));
  return static_cast<int>(w.payments.size()) - 1;
}

void generate_ledger(World& w) {
  // Outflows: every paid payment, from the basic account.
  for (const Payment& p : w.payments) {
    if (!p.paid) continue;
    Flow f;
    f.village = p.village;
    f.at = *p.paid;
    f.out = true;
    f.amount = p.amount;
    if (p.method == "cash") {
      f.summary = "现金支取";
    } else {
      f.counterparty_name = p.payee_name;
      if (p.payee_company >= 0) {
        f.counterparty_account = w.companies[static_cast<std::size_t>(p.payee_company)].account;
      } else if (p.payee_person >= 0) {
        f.counterparty_account = account_of(w, p.payee_person);
      }
      f.summary = p.category;
    }
    w.flows.push_back(std::move(f));
  }
  // Rent received.
  for (const Lease& l : w.leases) {
    for (const RentDue& d : l.dues) {
      if (!d.paid) continue;
      Random rng = w.stream("rent-flow", l.asset_name + d.due.to_string());
      Flow f;
      f.village = l.village;
      f.at = at_hour(rng, *d.paid, 9, 16);
      f.amount = d.amount;
      f.counterparty_name = l.lessee_name;
      f.counterparty_account = l.lessee_company >= 0
                                   ? w.companies[static_cast<std::size_t>(l.lessee_company)].account
                                   : account_of(w, l.lessee_person);
      f.summary = "租金";
      w.flows.push_back(std::move(f));
    }
  }
  // Grants from the county and town, compensation now and then, interest.
  for (std::size_t vi = 0; vi < w.villages.size(); ++vi) {
    const VillageState& v = w.villages[vi];
    Random rng = w.stream("grants", v.region.code);
    const TownState& t = w.towns[static_cast<std::size_t>(v.town)];
    static constexpr const char* kGrants[] = {"村级组织运转经费", "美丽乡村建设补助",
                                              "集体经济发展扶持资金", "环境卫生整治补助"};
    for (int year : {2024, 2025}) {
      int grants = rng.between(2, 3);
      for (int g = 0; g < grants; ++g) {
        Date day = workday_on_or_after(
            random_day(rng, Date::from_ymd(year, 2, 1), Date::from_ymd(year, 11, 30)));
        Flow f;
        f.village = static_cast<int>(vi);
        f.at = at_hour(rng, day, 9, 16);
        f.amount = rng.between(30, 200) * 1000'00;
        f.counterparty_name = rng.chance(0.5) ? "义乌市财政局" : t.name + "财政所";
        f.summary = rng.pick(kGrants);
        w.flows.push_back(f);
        if (!v.special_account.empty() && rng.chance(0.7)) {
          f.special = true;
          f.amount = rng.between(50, 400) * 1000'00;
          f.summary = "专项资金拨付";
          f.at = at_hour(rng, workday_on_or_after(day.add_days(rng.between(3, 20))), 9, 16);
          w.flows.push_back(f);
        }
      }
      if (rng.chance(0.05)) {
        Flow f;
        f.village = static_cast<int>(vi);
        f.at = at_hour(rng,
                       workday_on_or_after(random_day(rng, Date::from_ymd(year, 3, 1),
                                                      Date::from_ymd(year, 11, 30))),
                       9, 16);
        f.amount = rng.between(50, 300) * 10000'00;
        f.counterparty_name = t.name + (t.name.ends_with("街道") ? "办事处" : "人民政府");
        f.summary = "土地征收补偿款";
        w.flows.push_back(std::move(f));
      }
      for (int quarter = 1; quarter <= 4; ++quarter) {
        for (bool special : {false, true}) {
          if (special && v.special_account.empty()) continue;
          Flow f;
          f.village = static_cast<int>(vi);
          f.special = special;
          f.at = DateTime::from_local(Date::from_ymd(year, quarter * 3, 21), 2, 0);
          f.amount = rng.between(5000, 90000);
          f.summary = "结息";
          w.flows.push_back(std::move(f));
        }
      }
    }
  }
  // Running balances per account, from an opening balance that keeps them
  // comfortably positive.
  std::vector<std::size_t> order(w.flows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Flow& x = w.flows[a];
    const Flow& y = w.flows[b];
    if (x.village != y.village) return x.village < y.village;
    if (x.special != y.special) return y.special;
    return x.at < y.at;
  });
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    const Flow& first = w.flows[order[i]];
    while (j < order.size() && w.flows[order[j]].village == first.village &&
           w.flows[order[j]].special == first.special) {
      ++j;
    }
    Random rng = w.stream("opening", std::to_string(first.village) + (first.special ? "s" : "b"));
    long long opening = rng.between(20, 300) * 10000'00;
    long long running = opening;
    long long min_running = opening;
    for (std::size_t k = i; k < j; ++k) {
      const Flow& f = w.flows[order[k]];
      running += f.out ? -f.amount : f.amount;
      min_running = std::min(min_running, running);
    }
    if (min_running < 50000'00) opening += 50000'00 - min_running;
    running = opening;
    for (std::size_t k = i; k < j; ++k) {
      Flow& f = w.flows[order[k]];
      running += f.out ? -f.amount : f.amount;
      f.balance = running;
    }
    i = j;
  }
}

}  // namespace mingjing::demo::detail
