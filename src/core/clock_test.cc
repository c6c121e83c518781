#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace mingjing::core {
namespace {

TEST(FixedClockTest, SetAndAdvance) {
  FixedClock clock(*DateTime::parse("2025-01-26 23:59:59"));
  EXPECT_EQ(clock.now().to_string(), "2025-01-26 23:59:59");
  EXPECT_EQ(clock.today(), Date::from_ymd(2025, 1, 26));
  clock.advance_ms(1000);
  EXPECT_EQ(clock.today(), Date::from_ymd(2025, 1, 27));
  clock.advance_ms(-1);
  EXPECT_EQ(clock.today(), Date::from_ymd(2025, 1, 26));
  clock.set(0);
  EXPECT_EQ(clock.now_unix_ms(), 0);
  EXPECT_EQ(clock.now().to_string(), "1970-01-01 08:00:00");
  clock.set(*DateTime::parse("2025-10-08T16:00:00Z"));
  EXPECT_EQ(clock.today(), Date::from_ymd(2025, 10, 9));
  EXPECT_EQ(FixedClock().now_unix_ms(), 0);
}

TEST(FixedClockTest, AdvanceFromManyThreads) {
  FixedClock clock(1000);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&clock] {
      for (int j = 0; j < 10000; ++j) clock.advance_ms(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.now_unix_ms(), 1000 + 40000);
}

TEST(FixedClockTest, UsableThroughTheInterface) {
  FixedClock fixed(*DateTime::parse("2025-01-26 09:30"));
  const Clock& clock = fixed;
  EXPECT_EQ(clock.now().to_iso8601(), "2025-01-26T09:30:00+08:00");
}

TEST(SystemClockTest, IsRoughlyNow) {
  const Clock& clock = SystemClock::instance();
  // Later than 2024-01-01 and earlier than 2100-01-01.
  EXPECT_GT(clock.now_unix_ms(), 1704067200000);
  EXPECT_LT(clock.now_unix_ms(), 4102444800000);
  EXPECT_GE(clock.today(), Date::from_ymd(2024, 1, 1));
  const int64_t a = clock.now_unix_ms();
  const int64_t b = SystemClock().now_unix_ms();
  EXPECT_LE(a, b);
}

}  // namespace
}  // namespace mingjing::core
