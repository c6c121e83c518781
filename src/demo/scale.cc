// A larger county: rounds 2..scale of every village's people. Each round adds
// ordinary households to every village, decides which of their elderly die,
// draws their own welfare rolls and gives them cars and homes, all from
// streams of the round's own (round_key), so the first round, the plants and
// everything drawn before stay exactly as at scale 1. The villages' business
// grows in village.cc, and subsidies follow the people in subsidies.cc.
#include "demo/world.h"

namespace mingjing::demo::detail {

void grow_villages(World& w) {
  for (int round = 2; round <= w.scale; ++round) {
    for (std::size_t vi = 0; vi < w.villages.size(); ++vi) {
      const int v = static_cast<int>(vi);
      const std::string key = round_key(w.villages[vi].region.code, round);
      const std::size_t first_person = w.persons.size();
      const std::size_t first_head = w.villages[vi].heads.size();
      Random people = w.stream("people", key);
      add_villagers(w, people, v,
                    people.between(kHouseholdsPerRound.first, kHouseholdsPerRound.second));
      Random deaths = w.stream("deaths", key);
      for (std::size_t p = first_person; p < w.persons.size(); ++p)
        maybe_dies(deaths, w.persons[p]);
      const VillageState& village = w.villages[vi];
      const std::vector<int> heads(village.heads.begin() + static_cast<long>(first_head),
                                   village.heads.end());
      std::vector<int> residents;
      for (std::size_t p = first_person; p < w.persons.size(); ++p) {
        residents.push_back(static_cast<int>(p));
      }
      Random welfare = w.stream("welfare", key);
      select_welfare(w, welfare, heads, residents);
      Random assets = w.stream("assets", key);
      for (int p : residents) add_assets(w, assets, p);
    }
  }
}

}  // namespace mingjing::demo::detail
