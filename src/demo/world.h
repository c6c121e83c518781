// Internal to src/demo: the generated county as plain structs, before it is
// written out as CSV. The generator fills a World in phases (people, then
// registries, then the plants, then the villages' business), and emit.cc
// gives event records their ids and writes the tables.
//
// Indexes (int) point into the World's vectors; -1 means none.
#pragma once

#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/datetime.h"
#include "demo/demo.h"
#include "demo/random.h"

namespace mingjing::demo::detail {

using core::Date;
using core::DateTime;

// Village tender threshold T of the rules catalogue, in fen.
inline constexpr long long kTenderThreshold = 100'000'00;
// Payments above these need the two committees, then the representatives.
inline constexpr long long kTierCommittees = 1'000'00;
inline constexpr long long kTierRepresentatives = 10'000'00;

// A larger county (Settings::scale) repeats the villages' volume in rounds:
// each round after the first adds these to every village (inclusive ranges).
inline constexpr std::pair<int, int> kHouseholdsPerRound = {18, 26};
inline constexpr std::pair<int, int> kLaborPerRound = {20, 36};

// The generated period: business events fall between these days.
Date first_day();  // 2024-01-02
Date last_day();   // 2025-12-28

struct Person {
  std::string id_number;
  std::string name;
  bool female = false;
  Date birth;
  int village = -1;
  std::string household_no;
  std::string relation;  // to the head of household: 户主, 配偶, 子 …
  std::string phone;
  std::string account;  // personal bank card, made on first use (account_of)
  std::optional<Date> death;
  bool official = false;   // on any roster
  bool cadre = false;      // village_cadre or supervision_member
  bool cadre_kin = false;  // a declared close relative of a cadre
  bool assets = false;     // owns a vehicle, a property or a company share
  bool welfare = false;    // on a means-tested roll
  bool reserved = false;   // part of a plant: background records leave them alone

  int age_on(Date d) const;
  bool alive_on(Date d) const { return !death || d < *death; }
};

struct Official {
  int person = -1;
  std::string region_code;
  std::string unit;
  std::string position;
  std::string kind;
  Date start;
};

struct Relative {
  int official = -1;  // person index of the official
  int relative = -1;
  std::string relation;
};

struct TownState {
  std::string code;
  std::string name;
  int agency_accountant = -1;  // person: 三资代理中心 approver
};

struct VillageState {
  Village region;
  std::string short_name;  // "江滨社区", "徐村"
  std::string suffix;      // code digits 7-12: "001001"
  int town = -1;
  std::vector<int> residents;
  std::vector<int> heads;  // household heads
  int secretary = -1, director = -1, bookkeeper = -1, supervision_director = -1;
  std::vector<int> members, supervision_members;
  std::string account_no, account_bank, account_name;
  std::string special_account;  // empty: none
  long long daily_wage = 0;     // the village's labour standard, fen per day
  int next_household = 1;
};

struct Company {
  std::string uscc, name, address, phone, email, industry_code;
  std::string category;  // works, goods, services, utility, other, coop
  std::string status = "active";
  std::optional<Date> status_date;
  Date established;
  int legal_rep = -1;
  int home_village = -1;
  std::string account;
  bool reserved = false;  // a plant's: not drawn for background bids or payments
};

struct Holding {
  int company = -1;
  int person = -1;
  int holder_company = -1;
  double pct = 0;  // 0: not a shareholder (a manager or supervisor)
  std::string role;
};

struct Vehicle {
  int person = -1;
  std::string plate, type;
  Date registered;
};

struct Property {
  int person = -1;
  std::string id, kind;
  Date registered;
  double area = 0;
};

struct Bid {
  int company = -1;
  long long amount = 0;
  DateTime at;
  std::string status = "valid";
  std::string reason;
};

struct Project {
  int village = -1;
  std::string name, category, method, status;
  long long estimate = 0;
  std::optional<DateTime> published, deadline;
  Date award;
  int winner = -1;
  long long contract = 0;
  DateTime signed_at;
  std::optional<Date> start, completion, acceptance;
  std::optional<long long> final_amount;
  std::vector<Bid> bids;
  std::string id;
};

struct Meeting {
  int village = -1;
  std::string kind;
  DateTime held;
  std::optional<Date> until;
  std::string subject;
  int project = -1;
  int eligible = -1, attended = -1, votes_for = -1;
  DateTime created;
  std::string id;
};

struct Approval {
  std::string step;
  int approver = -1;
  std::string decision = "approve";
  DateTime at;
};

struct Payment {
  int village = -1;
  std::string category, purpose, method = "transfer", status = "paid";
  std::string payee_name;
  int payee_person = -1, payee_company = -1;
  long long amount = 0;
  int project = -1;
  DateTime applied;
  std::optional<DateTime> paid;
  std::string skip_step;            // a plant's approval-tier breach: this step is missing
  std::vector<Approval> approvals;  // filled by the ledger
  std::string id;
};

// One line of a village account's bank statement.
struct Flow {
  int village = -1;
  bool special = false;  // the special account rather than the basic one
  DateTime at;
  bool out = false;
  long long amount = 0;
  std::string counterparty_name, counterparty_account, summary;
  long long balance = 0;
  std::string id;
};

struct RentDue {
  Date due;
  long long amount = 0;
  std::optional<Date> paid;
};

struct Lease {
  int village = -1;
  std::string asset_name, asset_kind, method;
  double area = 0;
  std::string lessee_name;
  int lessee_person = -1, lessee_company = -1;
  bool member = false;
  Date signed_at, start, end;
  long long rent = 0, benchmark = 0;
  double consent = 0;
  std::vector<RentDue> dues;
  std::string id;
};

struct Labor {
  int village = -1;
  int project = -1;
  int worker = -1;
  Date start, end;
  int days = 0;
  long long wage = 0;
  DateTime requested, approved, declared, paid;
  std::string id;
};

struct Programme {
  std::string code, name, department;
  bool means_tested = false;
};

struct Subsidy {
  const Programme* programme = nullptr;
  int person = -1;
  long long amount = 0;
  std::string period;
  DateTime paid;
  bool posted = false;  // posted for public comment before payment
  std::string id;
};

struct SealUse {
  int village = -1;
  DateTime used, approved;
  std::string purpose, title, approval_id;
  std::string id;
};

struct Disclosure {
  int village = -1;
  std::string category, title, period;
  DateTime published;
  std::string id;
};

struct Complaint {
  int village = -1;
  std::string category;
  DateTime submitted;
  std::optional<DateTime> answered, closed;
  int satisfaction = 0;  // 0: not rated
  std::string id;
};

// A record of a plant, resolved to a Subject once ids are assigned.
struct Ref {
  std::string dataset;
  int index = -1;  // into the World's vector for that dataset
  int sub = -1;    // rent_due: the due within the lease
};

struct PlantDraft {
  std::string rule, summary;
  int village = -1;
  std::vector<Ref> refs;
};

struct World {
  std::uint64_t seed = 0;
  int scale = 1;
  std::vector<TownState> towns;
  std::vector<VillageState> villages;
  std::vector<Person> persons;
  std::vector<Official> officials;
  std::vector<Relative> relatives;
  std::vector<Company> companies;
  std::vector<Holding> holdings;
  std::vector<Vehicle> vehicles;
  std::vector<Property> properties;
  std::vector<Project> projects;
  std::vector<Meeting> meetings;
  std::vector<Payment> payments;
  std::vector<Flow> flows;
  std::vector<Lease> leases;
  std::vector<Labor> labor;
  std::vector<Subsidy> subsidies;
  std::vector<SealUse> seals;
  std::vector<Disclosure> disclosures;
  std::vector<Complaint> complaints;
  std::vector<PlantDraft> plants;
  // Means-tested rolls: the person and the monthly amount in 2024.
  std::vector<std::pair<int, long long>> dibao_roll, tekun_roll;

  std::unordered_set<std::string> used;  // every ID number, code, phone, account, plate made
  std::set<std::string> reserved;        // background records a plant keeps free, by key
  std::map<std::string, std::vector<Date>> paid_to;        // village and payee -> payment days
  std::map<int, std::vector<std::pair<Date, Date>>> jobs;  // worker -> labour periods
  std::map<std::string, int> cast;  // people the plants made, by role, for the second phase

  Random stream(std::string_view label, std::string_view key = {}) const {
    return Random(seed, label, key);
  }
};

// The stream key of a village's records in a round: the first round keeps
// the village code alone, so scale 1 draws exactly what it always drew.
inline std::string round_key(const std::string& village_code, int round) {
  return round == 1 ? village_code : village_code + "#" + std::to_string(round);
}

// ---- identity.cc: names and codes, unique within the World ----
std::string surname(Random& rng);
std::string given_name(Random& rng, bool female, int birth_year);
std::string make_id_number(World& w, Random& rng, Date birth, bool female);
std::string make_uscc(World& w, Random& rng, std::string_view authority_and_type);
std::string make_mobile(World& w, Random& rng);
std::string make_landline(World& w, Random& rng);
std::string make_org_account(World& w, Random& rng);
std::string make_plate(World& w, Random& rng);
std::string make_property_id(World& w, Random& rng, const VillageState& v);
// The person's bank card, made on first use.
const std::string& account_of(World& w, int person);

// ---- dates ----
Date random_day(Random& rng, Date from, Date to);
// The day itself or the next workday on the statutory calendar.
Date workday_on_or_after(Date d);
DateTime at_hour(Random& rng, Date d, int from_hour, int to_hour);
Date add_years(Date d, int years);

// ---- people.cc ----
// Adds a household to the village: a head born in `head_birth_year` and,
// at random, a spouse, children and a parent. Returns the head.
int add_household(World& w, Random& rng, int village, int head_birth_year, bool head_female,
                  std::string_view family_name = {});
// Adds one person to the head's household.
int add_member(World& w, Random& rng, int head, std::string relation, Date birth, bool female,
               std::string_view surname_of = {});
void generate_people(World& w);
// `households` more households of ordinary villagers, born 1940-1999.
void add_villagers(World& w, Random& rng, int village, int households);
// Whether an elderly villager dies in 2024-2025 (officials do not).
void maybe_dies(Random& rng, Person& p);
void declare_relative(World& w, int official, int relative, std::string relation);

// ---- registries.cc ----
void generate_registries(World& w);
int add_company(World& w, Random& rng, std::string category, int legal_rep, Date established);
void add_vehicle(World& w, Random& rng, int person, Date registered);
// A car at random, and for a head of household a home and maybe a shop;
// none for people on a means-tested roll or in a plant.
void add_assets(World& w, Random& rng, int person);

// ---- projects.cc ----
struct ProjectPlan {
  int village = -1;
  std::string category, name, method;
  long long estimate = 0;
  Date decided;              // the first meeting (big projects) or the committees' decision
  std::vector<int> bidders;  // empty: drawn from the category's companies
  long long contract = 0;    // small projects: the contract amount; 0 = near the estimate
};
// A project of at least T: the 四议两公开 meetings, a tender, bids, the
// contract and its payments. Returns the project index.
int add_tendered_project(World& w, Random& rng, const ProjectPlan& plan);
// A small project: the committees' decision, a quote round for inquiries,
// the contract and one payment on acceptance.
int add_small_project(World& w, Random& rng, const ProjectPlan& plan, int winner);
void generate_projects(World& w);
std::vector<int> companies_of(const World& w, std::string_view category);

// ---- village.cc: the villages' own business ----
void generate_village_business(World& w);
// A labour record and the payment of its wages; -1 when it would end after
// the generated period.
// `exclusive`: refuse a period that overlaps the worker's other jobs.
int add_labor(World& w, Random& rng, int village, int worker, int project, Date start, int days,
              bool exclusive = true);

// ---- subsidies.cc ----
const std::vector<Programme>& programmes();
// Chooses the 低保 and 特困 recipients (before the registries, which give
// them no assets).
void select_welfare_rolls(World& w);
// Draws a village's 低保 households (0-2) from `households` and maybe one
// 特困 person from `people`.
void select_welfare(World& w, Random& rng, const std::vector<int>& households,
                    const std::vector<int>& people);
const Programme& programme(std::string_view code);
void generate_subsidies(World& w);
// A monthly roll payment of a means-tested programme.
int add_monthly_subsidy(World& w, const Programme& p, int person, long long amount, int year,
                        int month);

// ---- ledger.cc: accounts, approvals, bank statements ----
void generate_accounts(World& w);
// Adds a paid payment: its approvals by amount tier (bookkeeper,
// supervision committee and secretary; the two committees above 1,000
// yuan; the representatives and the town agency above 10,000), then
// payment within two workdays. With `spread`, the application moves by a
// week or two when the same village paid the same payee within 8 days (a
// split payment is a plant, never background). -1 when no date fits the
// generated period.
int add_payment(World& w, Payment p, bool spread = true);
// The bank statements: every paid payment as an outflow, rent received,
// grants and interest as inflows, with running balances.
void generate_ledger(World& w);

// ---- scale.cc ----
// Rounds 2..scale of every village's people: households, their deaths,
// welfare rolls and assets. Runs after the plants, which it leaves alone.
void grow_villages(World& w);

// ---- plants.cc ----
// The plants' people (before the rolls and registries, which then leave
// them alone), then their records (before the villages' business, which
// keeps clear of them).
void plant_people(World& w);
void plant_records(World& w);

// Indexes of `items` in the order of `less`, ties in insertion order.
template <typename T, typename Less>
std::vector<std::size_t> order_of(const std::vector<T>& items, Less less) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return less(items[a], items[b]); });
  return order;
}

// ---- ids.cc, emit.cc ----
void assign_ids(World& w);
County emit(World& w);

}  // namespace mingjing::demo::detail
