// Village works and purchases. Projects of at least the tender threshold go
// through the full 四议两公开 chain (party branch proposal, two committees,
// party members, representatives, decision posting of 15+ days), an open or
// invited tender with three to five independent bidders, a result posting,
// the contract, an advance and a settlement payment. Smaller ones are
// decided by the two committees, quoted or negotiated, and paid once on
// acceptance. Background projects stay clear of splitting (at most two small
// contracts per village and category, each under 45,000 yuan, from
// different suppliers), identical or clustered bids, late bids and direct
// awards above the threshold.
#include <algorithm>
#include <cmath>
#include <set>

#include "core/workday_calendar.h"
#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

const core::WorkdayCalendar& calendar() {
  return core::WorkdayCalendar::builtin();
}

long long round_to(long long fen, long long unit) {
  return (fen + unit / 2) / unit * unit;
}

long long scaled(long long fen, double factor, long long unit) {
  return round_to(static_cast<long long>(std::llround(static_cast<double>(fen) * factor)), unit);
}

double between(Random& rng, double lo, double hi) {
  return lo + (hi - lo) * rng.real();
}

int add_meeting(World& w, Random& rng, int village, std::string kind, DateTime held,
                std::string subject, int project, int eligible, double attend_share,
                double vote_share) {
  Meeting m;
  m.village = village;
  m.kind = std::move(kind);
  m.held = held;
  m.subject = std::move(subject);
  m.project = project;
  if (eligible > 0) {
    m.eligible = eligible;
    m.attended = std::max(static_cast<int>(std::ceil(eligible * attend_share)),
                          eligible - rng.between(0, eligible / 5));
    m.votes_for = std::max(static_cast<int>(std::ceil(m.attended * vote_share)),
                           m.attended - rng.between(0, 2));
  }
  // Entered into the system the same day.
  m.created = DateTime::from_unix_ms(held.unix_ms() + rng.uniform(20, 300) * 60'000);
  w.meetings.push_back(std::move(m));
  return static_cast<int>(w.meetings.size()) - 1;
}

int add_posting(World& w, Random& rng, int village, std::string kind, Date first, int days,
                std::string subject, int project) {
  int m = add_meeting(w, rng, village, std::move(kind), DateTime::from_local(first, 9, 0),
                      std::move(subject), project, -1, 0, 0);
  w.meetings[static_cast<std::size_t>(m)].until = first.add_days(days);
  return m;
}

std::string payment_category(const std::string& project_category) {
  if (project_category == "works") return "工程款";
  if (project_category == "goods") return "货款";
  return "服务费";
}

void pay_project(World& w, int project, long long amount, Date applied, std::string purpose) {
  const Project& pr = w.projects[static_cast<std::size_t>(project)];
  const Company& c = w.companies[static_cast<std::size_t>(pr.winner)];
  Random rng = w.stream("project-pay", pr.name + purpose);
  Payment p;
  p.village = pr.village;
  p.category = payment_category(pr.category);
  p.purpose = pr.name + purpose;
  p.payee_name = c.name;
  p.payee_company = pr.winner;
  p.amount = amount;
  p.project = project;
  p.applied = at_hour(rng, workday_on_or_after(applied), 9, 15);
  add_payment(w, std::move(p));
}

std::vector<int> draw_bidders(Random& rng, std::vector<int> pool, int count) {
  rng.shuffle(pool);
  pool.resize(std::min<std::size_t>(pool.size(), static_cast<std::size_t>(count)));
  return pool;
}

const char* kBigWorks[] = {"道路提升改造工程", "污水管网改造工程",    "文化礼堂新建工程",
                           "农贸市场改造工程", "河道综合治理工程",    "老年活动中心新建工程",
                           "停车场建设工程",   "村庄环境综合整治工程"};
const char* kBigGoods[] = {"智慧安防监控系统采购", "公共照明设备采购", "垃圾分类设施采购"};
const char* kBigServices[] = {"物业管理服务（两年）", "环境卫生保洁服务（两年）",
                              "绿化养护服务（两年）"};
const char* kSmallWorks[] = {"道路修补工程", "路灯安装工程",   "公厕改造工程",    "围墙修缮工程",
                             "沟渠清淤工程", "文化墙绘制工程", "健身广场铺装工程"};
const char* kSmallGoods[] = {"办公设备采购", "健身器材采购", "消防器材采购", "垃圾桶采购",
                             "监控摄像头采购"};
const char* kSmallServices[] = {"工程监理服务", "规划设计服务", "财务审计服务", "安保服务",
                                "白蚁防治服务"};

}  // namespace

int add_tendered_project(World& w, Random& rng, const ProjectPlan& plan) {
  Project pr;
  pr.village = plan.village;
  pr.name = plan.name;
  pr.category = plan.category;
  pr.method = plan.method;
  pr.estimate = plan.estimate;
  w.projects.push_back(pr);
  const int index = static_cast<int>(w.projects.size()) - 1;
  const int v = plan.village;

  // 四议: proposal, two committees, party members, representatives; 两公开:
  // the decision posted for 15-20 days, the result for 3-7.
  Date day = workday_on_or_after(plan.decided);
  add_meeting(w, rng, v, "proposal", at_hour(rng, day, 9, 10), "关于" + plan.name + "的提议", index,
              5, 1.0, 1.0);
  day = calendar().add_workdays(day, rng.between(2, 5));
  add_meeting(w, rng, v, "two_committees", at_hour(rng, day, 9, 15), "商议" + plan.name, index, 7,
              0.85, 0.7);
  day = calendar().add_workdays(day, rng.between(3, 7));
  add_meeting(w, rng, v, "party_members", at_hour(rng, day, 9, 15), "审议" + plan.name, index,
              rng.between(25, 80), 0.7, 0.6);
  day = calendar().add_workdays(day, rng.between(3, 7));
  add_meeting(w, rng, v, "representatives", at_hour(rng, day, 9, 15), "表决" + plan.name, index,
              rng.between(25, 45), 0.8, 0.7);
  day = calendar().add_workdays(day, 1);
  int posted_days = rng.between(15, 20);
  add_posting(w, rng, v, "posting_decision", day, posted_days, plan.name + "决议公示", index);

  Date published = workday_on_or_after(day.add_days(posted_days + rng.between(1, 5)));
  Date deadline = workday_on_or_after(published.add_days(rng.between(20, 28)));
  Project& p = w.projects[static_cast<std::size_t>(index)];
  p.published = DateTime::from_local(published, 9, 0);
  p.deadline = DateTime::from_local(deadline, 9, 30);

  std::vector<int> bidders = plan.bidders;
  if (bidders.empty())
    bidders = draw_bidders(rng, companies_of(w, plan.category), rng.between(3, 5));
  // The lowest price wins; each next bid 1.5-7% above the one before. At
  // least 86% of estimates of 120,000 yuan and more: still above T.
  long long amount = scaled(plan.estimate, between(rng, 0.86, 0.95), 100'00);
  for (std::size_t i = 0; i < bidders.size(); ++i) {
    Bid b;
    b.company = bidders[i];
    b.amount = amount;
    b.status = i == 0 ? "winner" : "valid";
    b.at = at_hour(rng, random_day(rng, published.add_days(3), deadline.add_days(-1)), 8, 17);
    p.bids.push_back(b);
    amount = scaled(amount, between(rng, 1.015, 1.07), 100'00);
  }
  // Sometimes the dearest bid fails the qualification check.
  if (p.bids.size() >= 4 && rng.chance(0.15)) {
    static constexpr const char* kReasons[] = {"资格审查不合格：项目经理证书过期",
                                               "投标保证金未按时缴纳", "未按要求提供类似业绩证明"};
    p.bids.back().status = "disqualified";
    p.bids.back().reason = rng.pick(kReasons);
  }
  p.winner = bidders.front();
  p.contract = p.bids.front().amount;
  p.award = calendar().add_workdays(deadline, rng.between(1, 4));
  Date result_posted = calendar().add_workdays(p.award, 1);
  add_posting(w, rng, v, "posting_result", result_posted, rng.between(3, 7),
              plan.name + "中标结果公示", index);
  p.signed_at = at_hour(rng, calendar().add_workdays(p.award, rng.between(3, 8)), 9, 16);
  Date start = p.signed_at.local_date().add_days(rng.between(5, 15));
  int duration = plan.category == "works"   ? rng.between(30, 150)
                 : plan.category == "goods" ? rng.between(10, 40)
                                            : 364;
  Date acceptance = workday_on_or_after(start.add_days(duration + rng.between(7, 25)));
  p.start = start;
  if (acceptance <= last_day().add_days(-20)) {
    p.completion = start.add_days(duration);
    p.acceptance = acceptance;
    p.final_amount = scaled(p.contract, between(rng, 0.97, 1.06), 100'00);
    p.status = "completed";
  } else {
    p.status = "in_progress";
  }
  // The advance (30%) after signing; the settlement, less a 3% retention,
  // after acceptance.
  const long long advance = round_to(p.contract * 3 / 10, 100'00);
  const std::string name = p.name;
  const Date signed_day = p.signed_at.local_date();
  const std::optional<Date> accepted = p.acceptance;
  const std::optional<long long> final_amount = p.final_amount;
  pay_project(w, index, advance, signed_day.add_days(rng.between(3, 10)), "预付款");
  if (accepted) {
    pay_project(w, index, *final_amount * 97 / 100 - advance,
                accepted->add_days(rng.between(5, 20)), "结算款");
  }
  return index;
}

int add_small_project(World& w, Random& rng, const ProjectPlan& plan, int winner) {
  Project pr;
  pr.village = plan.village;
  pr.name = plan.name;
  pr.category = plan.category;
  pr.method = plan.method;
  pr.estimate = plan.estimate;
  pr.winner = winner;
  w.projects.push_back(pr);
  const int index = static_cast<int>(w.projects.size()) - 1;
  Date day = workday_on_or_after(plan.decided);
  add_meeting(w, rng, plan.village, "two_committees", at_hour(rng, day, 9, 16),
              "关于" + plan.name + "的决定", index, 7, 0.85, 0.7);
  Project& p = w.projects[static_cast<std::size_t>(index)];
  if (plan.method == "inquiry") {
    // Three quotes; the lowest wins.
    std::vector<int> others = companies_of(w, plan.category);
    std::erase(others, winner);
    others = draw_bidders(rng, others, 2);
    long long amount = scaled(plan.estimate, between(rng, 0.9, 0.98), 10'00);
    std::vector<int> quoting = {winner};
    quoting.insert(quoting.end(), others.begin(), others.end());
    for (std::size_t i = 0; i < quoting.size(); ++i) {
      Bid b;
      b.company = quoting[i];
      b.amount = amount;
      b.status = i == 0 ? "winner" : "valid";
      b.at = at_hour(rng, calendar().add_workdays(day, rng.between(1, 3)), 8, 17);
      p.bids.push_back(b);
      amount = scaled(amount, between(rng, 1.03, 1.12), 10'00);
    }
    p.contract = p.bids.front().amount;
  } else {
    p.contract =
        plan.contract > 0 ? plan.contract : scaled(plan.estimate, between(rng, 0.95, 1.0), 10'00);
  }
  p.award = calendar().add_workdays(day, rng.between(4, 8));
  p.signed_at = at_hour(rng, calendar().add_workdays(p.award, rng.between(1, 4)), 9, 16);
  Date start = p.signed_at.local_date().add_days(rng.between(2, 7));
  Date completion = start.add_days(rng.between(3, 30));
  Date acceptance = workday_on_or_after(completion.add_days(rng.between(2, 10)));
  p.start = start;
  if (acceptance <= last_day().add_days(-20)) {
    p.completion = completion;
    p.acceptance = acceptance;
    p.final_amount = p.contract;
    p.status = "completed";
    const long long amount = p.contract;
    pay_project(w, index, amount, acceptance.add_days(rng.between(2, 8)), "款");
  } else {
    p.status = "in_progress";
  }
  return index;
}

void generate_projects(World& w) {
  for (std::size_t vi = 0; vi < w.villages.size(); ++vi) {
    const int v = static_cast<int>(vi);
    const VillageState& village = w.villages[vi];
    Random rng = w.stream("projects", village.region.code);
    std::set<std::string> names;
    auto unique_name = [&](const std::string& base) {
      std::string name = village.short_name + base;
      if (!names.insert(name).second) names.insert(name += "（二期）");
      return name;
    };
    for (int year : {2024, 2025}) {
      if (!rng.chance(0.35)) continue;
      static constexpr int kWeights[] = {8, 1, 1};
      ProjectPlan plan;
      plan.village = v;
      switch (rng.weighted(kWeights)) {
        case 0:
          plan.category = "works";
          plan.name = unique_name(rng.pick(kBigWorks));
          plan.estimate = round_to(
              12'000'000 + static_cast<long long>(std::pow(rng.real(), 2) * 78'000'000), 1000'00);
          break;
        case 1:
          plan.category = "goods";
          plan.name = unique_name(rng.pick(kBigGoods));
          plan.estimate = rng.between(120, 300) * 1000'00;
          break;
        default:
          plan.category = "services";
          plan.name = unique_name(rng.pick(kBigServices));
          plan.estimate = rng.between(120, 240) * 1000'00;
      }
      plan.method =
          plan.estimate < 40'000'000 && rng.chance(0.3) ? "invited_tender" : "open_tender";
      plan.decided = year == 2024
                         ? random_day(rng, Date::from_ymd(2024, 1, 8), Date::from_ymd(2024, 9, 30))
                         : random_day(rng, Date::from_ymd(2025, 1, 6), Date::from_ymd(2025, 6, 30));
      add_tendered_project(w, rng, plan);
    }
    // Small contracts: at most two per category, each from its own supplier.
    std::vector<std::string> categories = {"works", "works", "goods", "goods", "services"};
    if (w.reserved.contains("small-works:" + village.region.code)) {
      std::erase(categories, std::string("works"));
    }
    rng.shuffle(categories);
    std::set<int> winners;
    int count = rng.between(1, 3);
    for (int i = 0; i < count && i < static_cast<int>(categories.size()); ++i) {
      ProjectPlan plan;
      plan.village = v;
      plan.category = categories[static_cast<std::size_t>(i)];
      const auto& names_of =
          plan.category == "works"
              ? std::vector<const char*>(std::begin(kSmallWorks), std::end(kSmallWorks))
          : plan.category == "goods"
              ? std::vector<const char*>(std::begin(kSmallGoods), std::end(kSmallGoods))
              : std::vector<const char*>(std::begin(kSmallServices), std::end(kSmallServices));
      plan.name = unique_name(rng.pick(names_of));
      plan.estimate = rng.between(80, 450) * 100'00;
      plan.method = plan.estimate >= 30'000'00 ? "inquiry"
                    : rng.chance(0.6)          ? "direct"
                                               : "negotiation";
      plan.decided = random_day(rng, Date::from_ymd(2024, 1, 8), Date::from_ymd(2025, 10, 31));
      std::vector<int> pool = companies_of(w, plan.category);
      std::erase_if(pool, [&](int c) { return winners.contains(c); });
      int winner = rng.pick(pool);
      winners.insert(winner);
      add_small_project(w, rng, plan, winner);
    }
  }
}

}  // namespace mingjing::demo::detail
