// Names and identifiers for the demo county: Chinese names weighted towards
// the surnames common in 义乌, resident ID numbers of the county (GB 11643:
// area 330782, the birth date, a sequence whose last digit gives the sex,
// the check character), unified social credit codes (GB 32100, with a valid
// GB 11714 organisation code inside), phone, bank, plate and property
// numbers. Each is unique within the World.
#include <algorithm>
#include <array>
#include <cstdio>

#include "core/id_number.h"
#include "core/uscc.h"
#include "core/workday_calendar.h"
#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

struct Weighted {
  const char* text;
  int weight;
};

// Common in Yiwu (楼, 骆, 龚, 傅, 虞, 鲍 are local) and nationwide.
constexpr Weighted kSurnames[] = {
    {"陈", 90}, {"王", 80}, {"吴", 60}, {"楼", 50}, {"金", 45}, {"朱", 40}, {"何", 38}, {"龚", 30},
    {"骆", 30}, {"傅", 30}, {"张", 30}, {"李", 28}, {"黄", 25}, {"刘", 22}, {"杨", 20}, {"周", 20},
    {"徐", 20}, {"鲍", 18}, {"虞", 16}, {"方", 15}, {"丁", 14}, {"冯", 14}, {"贾", 12}, {"季", 12},
    {"蒋", 12}, {"叶", 12}, {"毛", 10}, {"郑", 10}, {"宗", 8},  {"施", 8},  {"赵", 8},  {"胡", 8},
    {"孙", 6},  {"陶", 6},  {"蔡", 6},  {"俞", 6},  {"应", 6},  {"葛", 5},  {"严", 5},  {"钱", 4},
};

// Given-name characters by generation: older names differ from younger ones.
constexpr const char* kMaleOld[] = {"根", "土", "福", "金", "水", "荣", "德", "林", "法", "炳",
                                    "宝", "昌", "松", "祥", "庆", "有", "春", "寿", "友", "生"};
constexpr const char* kFemaleOld[] = {"秀", "菊", "兰", "凤", "英", "花", "珍", "仙", "彩", "月",
                                      "桂", "翠", "玉", "香", "美", "素", "娥", "芬", "爱", "琴"};
constexpr const char* kMaleMid[] = {"伟", "强", "军", "建", "国", "明", "华", "平", "勇", "杰",
                                    "斌", "峰", "林", "海", "波", "磊", "俊", "涛", "鹏", "辉",
                                    "刚", "兵", "东", "文", "志", "忠", "新", "永", "锋", "超"};
constexpr const char* kFemaleMid[] = {"芳", "丽", "娟", "敏", "静", "霞", "燕", "红", "艳", "萍",
                                      "玲", "英", "慧", "琴", "美", "娜", "婷", "珍", "梅", "莉",
                                      "雪", "青", "亚", "晓", "春", "丹", "佩", "素", "婵", "瑛"};
constexpr const char* kMaleYoung[] = {"浩", "宇", "轩", "晨", "博", "睿", "泽", "涛", "杰", "俊",
                                      "航", "豪", "鑫", "磊", "凯", "帆", "阳", "成", "昊", "然",
                                      "哲", "文", "子", "一", "嘉", "逸", "天", "明", "翔", "振"};
constexpr const char* kFemaleYoung[] = {"怡", "欣", "佳", "颖", "雯", "婷", "涵", "琳", "璐", "悦",
                                        "婧", "瑶", "雨", "思", "梦", "诗", "晴", "萱", "洁", "妍",
                                        "倩", "可", "馨", "心", "语", "琪", "蕾", "菲", "雅", "宁"};

template <std::size_t N>
std::string two_chars(Random& rng, const char* const (&pool)[N], double single) {
  std::string out = rng.pick(pool);
  if (!rng.chance(single)) out += rng.pick(pool);
  return out;
}

bool fresh(World& w, const std::string& value) {
  return w.used.insert(value).second;
}

std::string digits(Random& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += static_cast<char>('0' + rng.between(0, 9));
  return out;
}

// GB 11714 organisation code: 8 digits and a check character.
std::string organisation_code(Random& rng) {
  static constexpr int kWeights[] = {3, 7, 9, 10, 5, 8, 4, 2};
  std::string body = digits(rng, 8);
  if (body[0] == '0') body[0] = '3';
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (body[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  int check = 11 - sum % 11;
  return body + (check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check));
}

}  // namespace

Date first_day() {
  return Date::from_ymd(2024, 1, 2);
}
Date last_day() {
  return Date::from_ymd(2025, 12, 28);
}

int Person::age_on(Date d) const {
  int age = d.year() - birth.year();
  if (d.month() < birth.month() || (d.month() == birth.month() && d.day() < birth.day())) --age;
  return age;
}

std::string surname(Random& rng) {
  std::array<int, std::size(kSurnames)> weights{};
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = kSurnames[i].weight;
  return kSurnames[rng.weighted(weights)].text;
}

std::string given_name(Random& rng, bool female, int birth_year) {
  if (birth_year < 1965) {
    return female ? two_chars(rng, kFemaleOld, 0.25) : two_chars(rng, kMaleOld, 0.25);
  }
  if (birth_year < 1990) {
    return female ? two_chars(rng, kFemaleMid, 0.35) : two_chars(rng, kMaleMid, 0.35);
  }
  return female ? two_chars(rng, kFemaleYoung, 0.3) : two_chars(rng, kMaleYoung, 0.3);
}

std::string make_id_number(World& w, Random& rng, Date birth, bool female) {
  char date[32];
  std::snprintf(date, sizeof date, "%04d%02d%02d", birth.year(), birth.month(), birth.day());
  while (true) {
    int sequence = rng.between(0, 99) * 10 + rng.between(0, 4) * 2 + (female ? 0 : 1);
    char seq[16];
    std::snprintf(seq, sizeof seq, "%03d", sequence);
    std::string first17 = std::string("330782") + date + seq;
    std::string id = first17 + core::IdNumber::check_char(first17);
    if (fresh(w, id)) return id;
  }
}

std::string make_uscc(World& w, Random& rng, std::string_view authority_and_type) {
  while (true) {
    std::string first17 = std::string(authority_and_type) + "330782" + organisation_code(rng);
    std::string code = first17 + core::Uscc::check_char(first17);
    if (fresh(w, code)) return code;
  }
}

std::string make_mobile(World& w, Random& rng) {
  static constexpr const char* kPrefixes[] = {"133", "135", "136", "137", "138", "139", "150",
                                              "151", "152", "157", "158", "159", "177", "180",
                                              "182", "183", "187", "188", "189", "199"};
  while (true) {
    std::string phone = std::string(rng.pick(kPrefixes)) + digits(rng, 8);
    if (fresh(w, phone)) return phone;
  }
}

std::string make_landline(World& w, Random& rng) {
  while (true) {
    std::string phone = "0579-8" + digits(rng, 7);
    if (fresh(w, phone)) return phone;
  }
}

std::string make_org_account(World& w, Random& rng) {
  // Corporate accounts at the local rural commercial bank and the big four.
  static constexpr const char* kPrefixes[] = {"201000", "201000", "1208020", "3300165", "1903010"};
  while (true) {
    std::string p = rng.pick(kPrefixes);
    std::string account = p + digits(rng, static_cast<int>(18 - p.size()));
    if (fresh(w, account)) return account;
  }
}

std::string make_plate(World& w, Random& rng) {
  static constexpr char kLetters[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  while (true) {
    std::string plate = "浙G";
    if (rng.chance(0.2)) {
      plate += rng.chance(0.8) ? 'D' : 'F';  // new-energy plates: D electric, F hybrid
      plate += digits(rng, 5);
    } else {
      for (int i = 0; i < 5; ++i) {
        bool letter = (i == 0 && rng.chance(0.5)) || (i > 0 && rng.chance(0.15));
        plate += letter ? kLetters[rng.uniform(0, 23)] : static_cast<char>('0' + rng.between(0, 9));
      }
    }
    if (fresh(w, plate)) return plate;
  }
}

std::string make_property_id(World& w, Random& rng, const VillageState& v) {
  // 不动产单元号: 12-digit cadastral zone, land kind, parcel, building unit.
  while (true) {
    std::string id = "330782" + v.suffix + (rng.chance(0.7) ? "JC" : "GB") + digits(rng, 5) + "F" +
                     digits(rng, 8);
    if (fresh(w, id)) return id;
  }
}

const std::string& account_of(World& w, int person) {
  Person& p = w.persons[static_cast<std::size_t>(person)];
  if (p.account.empty()) {
    // Personal cards: the rural bank's 丰收卡 (the usual subsidy card), ABC, ICBC, CCB.
    static constexpr const char* kPrefixes[] = {"6230910", "6230910", "6228480", "6222021",
                                                "6217001"};
    Random rng = w.stream("account", p.id_number);
    while (true) {
      std::string account = std::string(rng.pick(kPrefixes)) + digits(rng, 12);
      if (fresh(w, account)) {
        p.account = account;
        break;
      }
    }
  }
  return p.account;
}

Date random_day(Random& rng, Date from, Date to) {
  if (to < from) return from;
  return from.add_days(static_cast<int>(rng.uniform(0, from.days_until(to))));
}

Date workday_on_or_after(Date d) {
  const auto& calendar = core::WorkdayCalendar::builtin();
  while (!calendar.is_workday(d)) d = d.add_days(1);
  return d;
}

DateTime at_hour(Random& rng, Date d, int from_hour, int to_hour) {
  return DateTime::from_local(d, rng.between(from_hour, to_hour), rng.between(0, 59),
                              rng.between(0, 59));
}

Date add_years(Date d, int years) {
  int year = d.year() + years;
  int day = std::min(d.day(), Date::days_in_month(year, d.month()));
  return Date::from_ymd(year, d.month(), day);
}

}  // namespace mingjing::demo::detail
