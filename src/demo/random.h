// A small deterministic random source for the demo generator. The standard
// library's distributions may differ between implementations, so the demo
// county would not be the same everywhere; this one is splitmix64 with its
// own range mapping, and gives the same numbers on every platform.
//
// Each part of the generator draws from its own stream, named by a label
// (and usually a village code), so that adding records to one dataset does
// not reshuffle every other one.
//
// Thread-safety: a Random belongs to one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace mingjing::demo::detail {

class Random {
 public:
  Random(std::uint64_t seed, std::string_view label, std::string_view key = {})
      : state_(seed ^ fnv1a(label) ^ (fnv1a(key) * 0x9E3779B97F4A7C15ull)) {
    next();
  }

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // lo..hi inclusive. REQUIRES: lo <= hi.
  long long uniform(long long lo, long long hi) {
    auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<long long>(next() % span);
  }
  int between(int lo, int hi) { return static_cast<int>(uniform(lo, hi)); }
  // [0, 1)
  double real() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  bool chance(double p) { return real() < p; }

  // REQUIRES: a non-empty container.
  template <typename Container>
  const auto& pick(const Container& items) {
    return items[static_cast<std::size_t>(
        uniform(0, static_cast<long long>(std::size(items)) - 1))];
  }

  // An index drawn with the given weights. REQUIRES: a positive total.
  template <typename Weights>
  std::size_t weighted(const Weights& weights) {
    long long total = 0;
    for (auto w : weights) total += w;
    long long r = uniform(0, total - 1);
    std::size_t i = 0;
    for (auto w : weights) {
      if (r < w) return i;
      r -= w;
      ++i;
    }
    return i - 1;
  }

  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      auto j = static_cast<std::size_t>(uniform(0, static_cast<long long>(i) - 1));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  static std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    return h;
  }

  std::uint64_t state_;
};

}  // namespace mingjing::demo::detail
