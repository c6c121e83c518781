// Request counters and latency histograms per route, lock-free on the hot
// path (routes are fixed at start-up, so every slot is preallocated).
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace mingjing::http {

class Metrics {
 public:
  // `labels[i]` names route i; two extra slots count static files and
  // unmatched requests.
  explicit Metrics(std::vector<std::string> labels);
  void observe(std::size_t route, int status, double seconds);
  std::string render() const;
  std::size_t static_slot() const { return labels_.size() - 2; }
  std::size_t unmatched_slot() const { return labels_.size() - 1; }

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
  static constexpr std::array<int, 16> kStatuses = {200, 201, 204, 304, 400, 401, 403, 404,
                                                    405, 409, 413, 415, 423, 429, 500, 503};

 private:
  struct Slot {
    std::array<std::atomic<unsigned long long>, kStatuses.size() + 1> by_status{};
    std::array<std::atomic<unsigned long long>, kBuckets.size() + 1> buckets{};
    std::atomic<unsigned long long> micros_sum{0};
  };
  std::vector<std::string> labels_;
  std::unique_ptr<Slot[]> slots_;
};

}  // namespace mingjing::http
