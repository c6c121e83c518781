#include "core/clock.h"

#include <chrono>

namespace mingjing::core {

Clock::~Clock() = default;

DateTime Clock::now() const {
  return DateTime::from_unix_ms(now_unix_ms());
}

Date Clock::today() const {
  return now().local_date();
}

int64_t SystemClock::now_unix_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

}  // namespace mingjing::core
