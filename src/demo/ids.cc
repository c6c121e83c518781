// Source-system ids for the generated event records: numbered per village
// (and year, for most) in date order, so planted records look like the rest.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <numeric>

#include "demo/world.h"

namespace mingjing::demo::detail {
namespace {

std::string padded(int n, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*d", width, n);
  return buf;
}

const std::string& suffix_of(const World& w, int village) {
  return w.villages[static_cast<std::size_t>(village)].suffix;
}

// Numbers each item "<prefix><sequence>" in the given order, counting per
// prefix.
template <typename T, typename Prefix>
void number_ids(std::vector<T>& items, const std::vector<std::size_t>& order, Prefix prefix,
                int width) {
  std::map<std::string, int> next;
  for (std::size_t i : order) {
    std::string p = prefix(items[i]);
    items[i].id = p + padded(++next[p], width);
  }
}

}  // namespace

void assign_ids(World& w) {
  auto by_village_then = [](auto when) {
    return [when](const auto& a, const auto& b) {
      return a.village != b.village ? a.village < b.village : when(a) < when(b);
    };
  };
  number_ids(
      w.projects, order_of(w.projects, by_village_then([](const Project& p) { return p.award; })),
      [&](const Project& p) {
        return "XM" + suffix_of(w, p.village) + "-" + std::to_string(p.award.year());
      },
      2);
  number_ids(
      w.meetings, order_of(w.meetings, by_village_then([](const Meeting& m) { return m.held; })),
      [&](const Meeting& m) {
        return "HY" + suffix_of(w, m.village) + "-" + std::to_string(m.held.local_date().year());
      },
      3);
  number_ids(
      w.payments, order_of(w.payments, by_village_then([](const Payment& p) { return p.applied; })),
      [&](const Payment& p) {
        return "ZC" + suffix_of(w, p.village) + "-" + std::to_string(p.applied.local_date().year());
      },
      4);
  number_ids(
      w.flows,
      order_of(w.flows, by_village_then([](const Flow& f) { return std::pair(f.special, f.at); })),
      [&](const Flow& f) { return "BT" + suffix_of(w, f.village) + (f.special ? "Z-" : "-"); }, 5);
  number_ids(
      w.leases, order_of(w.leases, by_village_then([](const Lease& l) { return l.start; })),
      [&](const Lease& l) { return "HT" + suffix_of(w, l.village) + "-"; }, 2);
  number_ids(
      w.labor, order_of(w.labor, by_village_then([](const Labor& l) { return l.start; })),
      [&](const Labor& l) {
        return "WG" + suffix_of(w, l.village) + "-" + std::to_string(l.start.year());
      },
      3);
  number_ids(
      w.seals, order_of(w.seals, by_village_then([](const SealUse& s) { return s.used; })),
      [&](const SealUse& s) {
        return "YZ" + suffix_of(w, s.village) + "-" + std::to_string(s.used.local_date().year());
      },
      3);
  for (SealUse& s : w.seals) s.approval_id = "SP" + s.id.substr(2);
  for (Disclosure& d : w.disclosures) {
    d.id = "GK" + suffix_of(w, d.village) + "-" + d.period + "-" +
           static_cast<char>(std::toupper(d.category[0]));
  }
  number_ids(
      w.complaints,
      order_of(w.complaints,
               [](const Complaint& a, const Complaint& b) { return a.submitted < b.submitted; }),
      [](const Complaint& c) { return "TS" + std::to_string(c.submitted.local_date().year()); }, 5);
  number_ids(
      w.subsidies,
      order_of(w.subsidies,
               [&](const Subsidy& a, const Subsidy& b) {
                 if (a.programme != b.programme) return a.programme < b.programme;
                 if (a.paid != b.paid) return a.paid < b.paid;
                 return w.persons[static_cast<std::size_t>(a.person)].id_number <
                        w.persons[static_cast<std::size_t>(b.person)].id_number;
               }),
      [&](const Subsidy& s) {
        char month[32];
        Date d = s.paid.local_date();
        std::snprintf(month, sizeof month, "%04d%02d", d.year(), d.month());
        std::string code = s.programme->code;
        for (char& c : code) c = static_cast<char>(std::toupper(c));
        return code + "-" + month + "-";
      },
      5);
}

}  // namespace mingjing::demo::detail
