// The people of the demo county: households (户籍), the village cadres,
// supervision committee and bookkeeper of every village with their declared
// relatives, town staff, public employees, and the deaths of 2024-2025.
#include <algorithm>
#include <cstdio>

#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

Date birthday(Random& rng, int year) {
  return random_day(rng, Date::from_ymd(year, 1, 1), Date::from_ymd(year, 12, 28));
}

int add_person(World& w, Random& rng, int village, std::string household_no, std::string relation,
               Date birth, bool female, std::string family_name) {
  Person p;
  p.birth = birth;
  p.female = female;
  p.village = village;
  p.household_no = std::move(household_no);
  p.relation = std::move(relation);
  p.name = family_name + given_name(rng, female, birth.year());
  p.id_number = make_id_number(w, rng, birth, female);
  int age = p.age_on(first_day());
  if (age >= 18 && age <= 78 && rng.chance(0.85)) p.phone = make_mobile(w, rng);
  w.persons.push_back(std::move(p));
  int index = static_cast<int>(w.persons.size()) - 1;
  w.villages[static_cast<std::size_t>(village)].residents.push_back(index);
  return index;
}

struct OfficialSeat {
  std::string position;
  std::string kind;
  int min_age, max_age;
  double female_share;
};

// Village roster: the party secretary, usually also committee director
// (一肩挑), two committee members, the supervision committee's director and a
// member, and the bookkeeper.
void seat(World& w, int person, const VillageState& v, std::string position, std::string kind,
          Date start) {
  Person& p = w.persons[static_cast<std::size_t>(person)];
  p.official = true;
  if (kind == "village_cadre" || kind == "supervision_member") p.cadre = true;
  w.officials.push_back(
      {person, v.region.code, v.region.name, std::move(position), std::move(kind), start});
}

// The official's close relatives: the household's spouse, children and
// parents, and the heads of sibling households.
void declare_family(World& w, int official) {
  const Person& o = w.persons[static_cast<std::size_t>(official)];
  const VillageState& v = w.villages[static_cast<std::size_t>(o.village)];
  for (int r : v.residents) {
    const Person& p = w.persons[static_cast<std::size_t>(r)];
    if (r == official || p.household_no != o.household_no) continue;
    if (p.relation == "配偶") declare_relative(w, official, r, "spouse");
    if (p.relation == "子" || p.relation == "女") declare_relative(w, official, r, "child");
    if (p.relation == "父亲" || p.relation == "母亲") declare_relative(w, official, r, "parent");
  }
}

void village_people(World& w, int village) {
  VillageState& v = w.villages[static_cast<std::size_t>(village)];
  Random rng = w.stream("people", v.region.code);
  const std::vector<OfficialSeat> seats = {
      {"党组织书记", "village_cadre", 38, 58, 0.15},
      {"村委会主任", "village_cadre", 35, 58, 0.15},
      {"村委会委员", "village_cadre", 30, 55, 0.4},
      {"村委会委员", "village_cadre", 30, 55, 0.4},
      {"村务监督委员会主任", "supervision_member", 40, 62, 0.2},
      {"村务监督委员会委员", "supervision_member", 35, 60, 0.35},
      {"报账员", "village_staff", 25, 50, 0.6},
  };
  // Elected in the 2021 round (村社换届), a few already in office before.
  Date term = Date::from_ymd(2021, 1, 5);
  bool one_person = rng.chance(0.75);  // secretary and director are one person
  for (std::size_t i = 0; i < seats.size(); ++i) {
    const OfficialSeat& s = seats[i];
    Date start = random_day(rng, term, term.add_days(60));
    if (i == 1 && one_person) {
      seat(w, v.secretary, v, s.position, s.kind, w.officials.back().start);
      v.director = v.secretary;
      continue;
    }
    int year = 2024 - rng.between(s.min_age, s.max_age);
    int head = add_household(w, rng, village, year, rng.chance(s.female_share));
    if (s.kind == "village_staff") {
      Date adult = add_years(w.persons[static_cast<std::size_t>(head)].birth, 20);
      start = random_day(rng, std::max(Date::from_ymd(2015, 3, 1), adult), term);
    }
    seat(w, head, v, s.position, s.kind, start);
    if (i == 0) v.secretary = head;
    if (i == 1) v.director = head;
    if (i == 2 || i == 3) v.members.push_back(head);
    if (i == 4) v.supervision_director = head;
    if (i == 5) v.supervision_members.push_back(head);
    if (i == 6) v.bookkeeper = head;
    if (s.kind != "village_staff") {
      declare_family(w, head);
      if (rng.chance(0.2)) {
        // Siblings share the family name (one character, three bytes).
        const Person& o = w.persons[static_cast<std::size_t>(head)];
        std::string family = o.name.substr(0, 3);
        int year = o.birth.year() + rng.between(-8, 8);
        int sibling = add_household(w, rng, village, year, false, family);
        declare_relative(w, head, sibling, "sibling");
      }
    }
  }
  add_villagers(w, rng, village, rng.between(3, 6));
  // 2024 standard labour rate of the village, per day.
  static constexpr long long kWages[] = {180'00, 200'00, 200'00, 220'00, 240'00};
  v.daily_wage = rng.pick(kWages);
}

void town_staff_and_public_employees(World& w) {
  for (std::size_t t = 0; t < w.towns.size(); ++t) {
    TownState& town = w.towns[t];
    Random rng = w.stream("town", town.code);
    std::vector<int> villages;
    for (std::size_t i = 0; i < w.villages.size(); ++i) {
      if (w.villages[i].town == static_cast<int>(t)) villages.push_back(static_cast<int>(i));
    }
    bool street = town.name.ends_with("街道");
    std::string office = town.name + (street ? "办事处" : "人民政府");
    const char* positions[] = {"三资代理中心会计", "纪工委书记", "农经站站长"};
    for (std::size_t i = 0; i < std::size(positions); ++i) {
      int village = rng.pick(villages);
      int head = add_household(w, rng, village, 2024 - rng.between(28, 55), rng.chance(0.4));
      Person& staff = w.persons[static_cast<std::size_t>(head)];
      staff.official = true;
      Date earliest = std::max(Date::from_ymd(2012, 3, 1), add_years(staff.birth, 22));
      w.officials.push_back({head, town.code, office, positions[i], "town_staff",
                             random_day(rng, earliest, Date::from_ymd(2022, 9, 1))});
      if (i == 0) town.agency_accountant = head;
    }
    // Teachers, doctors and nurses living in the town's villages.
    struct Post {
      std::string unit, position;
    };
    const std::vector<Post> posts = {
        {"义乌市" + town.name + "中心小学", "教师"},
        {"义乌市" + town.name + "初级中学", "教师"},
        {"义乌市" + town.name + "中心幼儿园", "教师"},
        {"义乌市" + town.name + (street ? "社区卫生服务中心" : "卫生院"), "医生"},
        {"义乌市" + town.name + (street ? "社区卫生服务中心" : "卫生院"), "护士"},
    };
    int wanted = rng.between(6, 12);
    for (int tries = 0; wanted > 0 && tries < 400; ++tries) {
      int village = rng.pick(villages);
      const auto& residents = w.villages[static_cast<std::size_t>(village)].residents;
      int r = rng.pick(residents);
      Person& p = w.persons[static_cast<std::size_t>(r)];
      int age = p.age_on(first_day());
      if (p.official || p.cadre_kin || age < 24 || age > 58) continue;
      p.official = true;
      const Post& post = rng.pick(posts);
      Date start = random_day(rng, add_years(p.birth, 22), Date::from_ymd(2023, 9, 1));
      w.officials.push_back({r, town.code, post.unit, post.position, "public_employee", start});
      --wanted;
    }
  }
}

void deaths(World& w) {
  Random rng = w.stream("deaths");
  for (Person& p : w.persons) maybe_dies(rng, p);
}

}  // namespace

void add_villagers(World& w, Random& rng, int village, int households) {
  for (int i = 0; i < households; ++i) {
    static constexpr int kDecades[] = {1940, 1950, 1960, 1970, 1980, 1990};
    static constexpr int kWeights[] = {2, 4, 6, 6, 5, 3};
    int year = kDecades[rng.weighted(kWeights)] + rng.between(0, 9);
    add_household(w, rng, village, year, rng.chance(0.2));
  }
}

void maybe_dies(Random& rng, Person& p) {
  if (p.official || p.age_on(first_day()) < 72) return;
  double chance = p.age_on(first_day()) >= 85 ? 0.2 : 0.08;
  if (rng.chance(chance)) {
    p.death = random_day(rng, Date::from_ymd(2024, 1, 10), Date::from_ymd(2025, 12, 20));
  }
}

int add_member(World& w, Random& rng, int head, std::string relation, Date birth, bool female,
               std::string_view surname_of) {
  const Person& h = w.persons[static_cast<std::size_t>(head)];
  std::string family = surname_of.empty() ? surname(rng) : std::string(surname_of);
  return add_person(w, rng, h.village, h.household_no, std::move(relation), birth, female, family);
}

int add_household(World& w, Random& rng, int village, int head_birth_year, bool head_female,
                  std::string_view family_name) {
  VillageState& v = w.villages[static_cast<std::size_t>(village)];
  char number[16];
  std::snprintf(number, sizeof number, "%s%03d", v.suffix.c_str(), v.next_household++);
  std::string family = family_name.empty() ? surname(rng) : std::string(family_name);
  int head = add_person(w, rng, village, number, "户主", birthday(rng, head_birth_year),
                        head_female, family);
  v.heads.push_back(head);
  const int head_age = 2024 - head_birth_year;
  std::string husband_family = family;
  if (head_age >= 24 && rng.chance(0.88)) {
    int year =
        head_female ? head_birth_year - rng.between(0, 5) : head_birth_year + rng.between(-2, 5);
    std::string spouse_family = surname(rng);
    if (head_female) husband_family = spouse_family;
    add_member(w, rng, head, "配偶", birthday(rng, year), !head_female, spouse_family);
  }
  if (head_age >= 24) {
    int children = rng.between(0, head_age < 40 ? 2 : 1);
    for (int i = 0; i < children; ++i) {
      int year = head_birth_year + rng.between(24, 34);
      if (year > 2021) continue;
      bool girl = rng.chance(0.48);
      add_member(w, rng, head, girl ? "女" : "子", birthday(rng, year), girl, husband_family);
    }
  }
  if (head_age <= 55 && rng.chance(0.3)) {
    int year = head_birth_year - rng.between(24, 30);
    bool mother = rng.chance(0.6);
    add_member(w, rng, head, mother ? "母亲" : "父亲", birthday(rng, year), mother,
               mother ? std::string_view{} : std::string_view(family));
  }
  return head;
}

void declare_relative(World& w, int official, int relative, std::string relation) {
  w.relatives.push_back({official, relative, relation});
  if (relation != "other") w.persons[static_cast<std::size_t>(relative)].cadre_kin = true;
}

void generate_people(World& w) {
  for (std::size_t i = 0; i < w.villages.size(); ++i) village_people(w, static_cast<int>(i));
  town_staff_and_public_employees(w);
  deaths(w);
}

}  // namespace mingjing::demo::detail
