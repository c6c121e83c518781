// Registries of the demo county: companies (contractors, suppliers and
// service firms for village projects, utilities, Yiwu's trading firms,
// co-operatives) with their shareholders and managers, vehicles and real
// estate. People on a means-tested roll own none of these, and nobody
// related to a cadre holds a company, so the asset and conflict-of-interest
// rules find the plants only.
#include <algorithm>

#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

struct Trade {
  const char* word;
  const char* industry;
};

const std::vector<Trade>& trades(std::string_view category) {
  static const std::vector<Trade> works = {{"建筑工程", "E4790"},
                                           {"市政工程", "E4813"},
                                           {"园林绿化工程", "E4890"},
                                           {"水利工程", "E4822"},
                                           {"建筑装饰工程", "E5011"}};
  static const std::vector<Trade> goods = {{"建材", "F5165"},
                                           {"五金机电", "F5174"},
                                           {"办公设备", "F5178"},
                                           {"电子科技", "F5179"},
                                           {"体育器材", "F5142"}};
  static const std::vector<Trade> services = {{"物业管理", "K7020"},
                                              {"保洁服务", "O8219"},
                                              {"工程咨询", "M7481"},
                                              {"园林养护", "N7852"},
                                              {"财务咨询", "L7241"}};
  static const std::vector<Trade> other = {{"电子商务", "F5292"}, {"饰品", "C2438"},
                                           {"日用品", "F5137"},   {"针织", "C1761"},
                                           {"进出口", "F5181"},   {"包装", "C2231"}};
  static const std::vector<Trade> coop = {
      {"红糖专业合作社", "A0134"}, {"果蔬专业合作社", "A0141"}, {"苗木专业合作社", "A0211"}};
  if (category == "works") return works;
  if (category == "goods") return goods;
  if (category == "services") return services;
  if (category == "coop") return coop;
  return other;
}

constexpr const char* kTradeName1[] = {"恒", "宏", "鑫", "德", "永", "华", "金", "新", "广", "博",
                                       "锦", "瑞", "嘉", "天", "顺", "正", "同", "泓", "佳", "卓",
                                       "汇", "益", "昌", "盛", "荣", "泰", "丰", "隆", "源", "诚"};
constexpr const char* kTradeName2[] = {"达", "盛", "源", "信", "兴", "宇", "城", "创", "厦", "远",
                                       "程", "丰", "禾", "成", "泰", "和", "舟", "福", "润", "越",
                                       "通", "利", "安", "邦", "晟", "辉", "业", "恒", "美", "科"};
constexpr const char* kRoads[] = {"工业园路", "城北路",   "稠州北路", "江滨路",   "宗泽路",
                                  "雪峰路",   "丹溪路",   "商城大道", "春风大道", "银海路",
                                  "环城南路", "经发大道", "物流大道", "后宅大街", "佛堂大道"};

// People who may run a company: working age, not on a roster, not related
// to a cadre, not on a means-tested roll, alive to the end of 2025.
std::vector<int> company_people(const World& w, Random& rng) {
  std::vector<int> pool;
  for (std::size_t i = 0; i < w.persons.size(); ++i) {
    const Person& p = w.persons[i];
    int age = p.age_on(first_day());
    if (age < 25 || age > 62 || p.official || p.cadre_kin || p.welfare || p.reserved || p.death) {
      continue;
    }
    pool.push_back(static_cast<int>(i));
  }
  rng.shuffle(pool);
  return pool;
}

std::string company_name(World& w, Random& rng, const Company& c, const Trade& trade) {
  while (true) {
    std::string brand = std::string(rng.pick(kTradeName1)) + rng.pick(kTradeName2);
    std::string name;
    if (c.category == "coop") {
      const VillageState& v = w.villages[static_cast<std::size_t>(c.home_village)];
      name = "义乌市" + v.short_name + brand + trade.word;
    } else {
      name = "义乌市" + brand + trade.word + (rng.chance(0.8) ? "有限公司" : "有限责任公司");
    }
    if (w.used.insert(name).second) return name;
  }
}

std::string company_address(World& w, Random& rng, const Company& c) {
  const VillageState& v = w.villages[static_cast<std::size_t>(c.home_village)];
  const TownState& t = w.towns[static_cast<std::size_t>(v.town)];
  while (true) {
    std::string address =
        "浙江省义乌市" + t.name + rng.pick(kRoads) + std::to_string(rng.between(1, 999)) + "号";
    if (w.used.insert(address).second) return address;
  }
}

void add_holding(World& w, int company, int person, double pct, std::string role) {
  w.holdings.push_back({company, person, -1, pct, std::move(role)});
  if (person >= 0) w.persons[static_cast<std::size_t>(person)].assets = true;
}

void generate_companies(World& w) {
  Random rng = w.stream("companies");
  std::vector<int> pool = company_people(w, rng);
  auto next_person = [&] {
    int p = pool.back();
    pool.pop_back();
    return p;
  };
  struct Quota {
    const char* category;
    int count;
    int from_year, to_year;
  };
  for (const Quota& q : {Quota{"works", 140, 2003, 2021}, Quota{"goods", 100, 2003, 2021},
                         Quota{"services", 70, 2005, 2021}, Quota{"other", 80, 2006, 2024},
                         Quota{"coop", 30, 2008, 2020}}) {
    for (int i = 0; i < q.count && pool.size() > 4; ++i) {
      int rep = next_person();
      Date established =
          random_day(rng, Date::from_ymd(q.from_year, 1, 1), Date::from_ymd(q.to_year, 12, 28));
      int c = add_company(w, rng, q.category, rep, established);
      // The legal representative holds most or all of it; a supervisor,
      // and sometimes one or two partners, are other people.
      double rep_pct = rng.chance(0.4) ? 100.0 : static_cast<double>(rng.between(51, 90));
      add_holding(w, c, rep, rep_pct, "shareholder");
      add_holding(w, c, rep, 0, "director");
      double rest = 100.0 - rep_pct;
      if (rest > 20 && rng.chance(0.5)) {
        double pct = static_cast<double>(rng.between(10, 20));
        add_holding(w, c, next_person(), pct, "shareholder");
        rest -= pct;
      }
      if (rest > 0) add_holding(w, c, next_person(), rest, "shareholder");
      add_holding(w, c, next_person(), 0, "supervisor");
      Company& company = w.companies[static_cast<std::size_t>(c)];
      if ((company.category == "other" || company.category == "coop") && rng.chance(0.12)) {
        company.status = rng.chance(0.6) ? "abnormal" : "cancelled";
        company.status_date =
            random_day(rng, Date::from_ymd(2023, 3, 1), Date::from_ymd(2025, 10, 31));
      }
    }
  }
  // Two trading groups, each owning three subsidiaries outright.
  std::vector<int> traders = companies_of(w, "other");
  for (int g = 0; g < 2 && traders.size() >= 8; ++g) {
    int parent = traders[static_cast<std::size_t>(g)];
    for (int s = 0; s < 3; ++s) {
      int child = traders[static_cast<std::size_t>(2 + g * 3 + s)];
      w.holdings.push_back({child, -1, parent, 100.0, "shareholder"});
    }
  }
  // Utilities the villages pay; their representatives live elsewhere.
  const char* utilities[][2] = {{"国网浙江义乌市供电有限公司", "D4420"},
                                {"义乌市水务建设集团有限公司", "D4610"},
                                {"中国电信股份有限公司义乌分公司", "I6312"}};
  for (const auto& u : utilities) {
    Company c;
    c.category = "utility";
    c.uscc = make_uscc(w, rng, "91");
    c.name = u[0];
    c.industry_code = u[1];
    c.home_village = 0;
    c.address = company_address(w, rng, c);
    c.phone = make_landline(w, rng);
    c.established = random_day(rng, Date::from_ymd(1995, 1, 1), Date::from_ymd(2005, 12, 28));
    c.account = make_org_account(w, rng);
    w.companies.push_back(std::move(c));
  }
}

void generate_vehicles_and_properties(World& w) {
  Random rng = w.stream("assets");
  for (std::size_t i = 0; i < w.persons.size(); ++i) add_assets(w, rng, static_cast<int>(i));
}

}  // namespace

int add_company(World& w, Random& rng, std::string category, int legal_rep, Date established) {
  Company c;
  c.category = std::move(category);
  c.legal_rep = legal_rep;
  c.home_village = w.persons[static_cast<std::size_t>(legal_rep)].village;
  const Trade& trade = rng.pick(trades(c.category));
  c.industry_code = trade.industry;
  c.uscc = make_uscc(w, rng, c.category == "coop" ? "93" : "91");
  c.name = company_name(w, rng, c, trade);
  c.address = company_address(w, rng, c);
  c.phone = rng.chance(0.7) ? make_landline(w, rng) : make_mobile(w, rng);
  if (rng.chance(0.7)) {
    while (true) {
      std::string email = "yw" + std::to_string(rng.uniform(1000000, 9999999)) +
                          (rng.chance(0.6) ? "@163.com" : "@qq.com");
      if (w.used.insert(email).second) {
        c.email = email;
        break;
      }
    }
  }
  c.established = established;
  c.account = make_org_account(w, rng);
  w.persons[static_cast<std::size_t>(legal_rep)].assets = true;
  w.companies.push_back(std::move(c));
  return static_cast<int>(w.companies.size()) - 1;
}

void add_assets(World& w, Random& rng, int person) {
  const auto i = static_cast<std::size_t>(person);
  if (w.persons[i].welfare || w.persons[i].reserved) return;
  int age = w.persons[i].age_on(first_day());
  if (age >= 22 && age <= 70 && rng.chance(0.2)) {
    Date earliest = std::max(add_years(w.persons[i].birth, 19), Date::from_ymd(2008, 1, 1));
    add_vehicle(w, rng, person, random_day(rng, earliest, Date::from_ymd(2025, 10, 31)));
  }
  Person& p = w.persons[i];
  if (p.relation != "户主" || age < 25) return;
  const VillageState& v = w.villages[static_cast<std::size_t>(p.village)];
  if (rng.chance(0.6)) {
    Date earliest = std::max(add_years(p.birth, 22), Date::from_ymd(1995, 1, 1));
    w.properties.push_back({person, make_property_id(w, rng, v), "住宅",
                            random_day(rng, earliest, Date::from_ymd(2023, 12, 28)),
                            static_cast<double>(rng.between(900, 3200)) / 10.0});
    p.assets = true;
  }
  if (rng.chance(0.06)) {
    w.properties.push_back(
        {person, make_property_id(w, rng, v), "商业",
         random_day(rng, Date::from_ymd(2010, 1, 1), Date::from_ymd(2025, 9, 30)),
         static_cast<double>(rng.between(300, 1500)) / 10.0});
    p.assets = true;
  }
}

void add_vehicle(World& w, Random& rng, int person, Date registered) {
  static constexpr const char* kTypes[] = {"小型轿车",     "小型轿车",     "小型轿车",
                                           "小型普通客车", "小型普通客车", "轻型普通货车"};
  w.vehicles.push_back({person, make_plate(w, rng), rng.pick(kTypes), registered});
  w.persons[static_cast<std::size_t>(person)].assets = true;
}

std::vector<int> companies_of(const World& w, std::string_view category) {
  std::vector<int> out;
  for (std::size_t i = 0; i < w.companies.size(); ++i) {
    const Company& c = w.companies[i];
    if (c.category == category && c.status == "active" && !c.reserved) {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

void generate_registries(World& w) {
  generate_companies(w);
  generate_vehicles_and_properties(w);
}

}  // namespace mingjing::demo::detail
