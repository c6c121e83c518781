// Clock: where "now" comes from. Services take a `const Clock&` instead of
// reading the system time, so tests can set the date (deadlines, overdue
// escalation, back-dating checks).
//
// Thread-safety: every Clock here may be read from any thread; FixedClock
// may also be set and advanced from any thread.
#pragma once

#include <atomic>
#include <cstdint>

#include "core/date.h"
#include "core/datetime.h"

namespace mingjing::core {

class Clock {
 public:
  virtual ~Clock();

  // Milliseconds since 1970-01-01T00:00:00Z. Never fails.
  virtual int64_t now_unix_ms() const = 0;

  // now_unix_ms() as a DateTime.
  DateTime now() const;
  // The current civil date in Asia/Shanghai.
  Date today() const;
};

// The real time, from std::chrono::system_clock.
class SystemClock final : public Clock {
 public:
  int64_t now_unix_ms() const override;

  // A shared instance, for wiring code that needs a `const Clock&`.
  static const SystemClock& instance();
};

// A clock that shows whatever it was set to, for tests. It moves only when
// told to.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t unix_ms = 0) : unix_ms_(unix_ms) {}
  explicit FixedClock(DateTime at) : unix_ms_(at.unix_ms()) {}

  int64_t now_unix_ms() const override { return unix_ms_.load(std::memory_order_relaxed); }

  void set(int64_t unix_ms) { unix_ms_.store(unix_ms, std::memory_order_relaxed); }
  void set(DateTime at) { set(at.unix_ms()); }
  // Moves the clock by `ms` (negative moves it back).
  void advance_ms(int64_t ms) { unix_ms_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> unix_ms_;
};

}  // namespace mingjing::core
