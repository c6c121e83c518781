#include "http/metrics.h"

#include <fmt/format.h>

namespace mingjing::http {

Metrics::Metrics(std::vector<std::string> labels) : labels_(std::move(labels)) {
  labels_.push_back("static");
  labels_.push_back("unmatched");
  slots_ = std::make_unique<Slot[]>(labels_.size());
}

void Metrics::observe(std::size_t route, int status, double seconds) {
  if (route >= labels_.size()) route = unmatched_slot();
  Slot& s = slots_[route];
  std::size_t si = kStatuses.size();
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) si = i;
  }
  s.by_status[si].fetch_add(1, std::memory_order_relaxed);
  std::size_t bi = kBuckets.size();
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      bi = i;
      break;
    }
  }
  s.buckets[bi].fetch_add(1, std::memory_order_relaxed);
  s.micros_sum.fetch_add(static_cast<unsigned long long>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  out += "# HELP mingjing_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE mingjing_http_requests_total counter\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    for (std::size_t i = 0; i <= kStatuses.size(); ++i) {
      auto n = slots_[r].by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      std::string status = i < kStatuses.size() ? std::to_string(kStatuses[i]) : "other";
      out += fmt::format("mingjing_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         labels_[r], status, n);
    }
  }
  out += "# HELP mingjing_http_request_duration_seconds Time from request to response.\n";
  out += "# TYPE mingjing_http_request_duration_seconds histogram\n";
  for (std::size_t r = 0; r < labels_.size(); ++r) {
    unsigned long long cumulative = 0;
    std::string lines;
    for (std::size_t i = 0; i <= kBuckets.size(); ++i) {
      cumulative += slots_[r].buckets[i].load(std::memory_order_relaxed);
      std::string le = i < kBuckets.size() ? fmt::format("{}", kBuckets[i]) : "+Inf";
      lines += fmt::format(
          "mingjing_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
          labels_[r], le, cumulative);
    }
    if (cumulative == 0) continue;
    out += lines;
    out += fmt::format("mingjing_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n",
                       labels_[r], slots_[r].micros_sum.load() / 1e6);
    out += fmt::format("mingjing_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       labels_[r], cumulative);
  }
  return out;
}

}  // namespace mingjing::http
