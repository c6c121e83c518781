#include "core/workday_calendar.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace mingjing::core {
namespace {

Date d(std::string_view text) {
  return *Date::parse(text);
}

const WorkdayCalendar& cal() {
  return WorkdayCalendar::builtin();
}

std::string csv_error(std::string_view text) {
  auto parsed = WorkdayCalendar::parse_csv(text);
  EXPECT_FALSE(parsed.ok()) << text;
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.error().code, errc::kInvalidArgument);
  return parsed.error().message;
}

TEST(WorkdayCalendarTest, Spring2025) {
  EXPECT_TRUE(cal().is_workday(d("2025-01-24")));   // Friday
  EXPECT_FALSE(cal().is_workday(d("2025-01-25")));  // Saturday
  EXPECT_TRUE(cal().is_workday(d("2025-01-26")));   // Sunday, make-up workday
  EXPECT_TRUE(cal().is_workday(d("2025-01-27")));
  for (Date day = d("2025-01-28"); day <= d("2025-02-04"); day = day.add_days(1)) {
    EXPECT_FALSE(cal().is_workday(day)) << day.to_string();
  }
  EXPECT_TRUE(cal().is_workday(d("2025-02-05")));
  EXPECT_TRUE(cal().is_workday(d("2025-02-08")));   // Saturday, make-up workday
  EXPECT_FALSE(cal().is_workday(d("2025-02-09")));  // Sunday
  EXPECT_EQ(cal().day_name(d("2025-01-28")), "春节");
  EXPECT_EQ(cal().day_name(d("2025-01-26")), "春节调休上班");
  EXPECT_EQ(cal().day_name(d("2025-03-14")), "");
}

TEST(WorkdayCalendarTest, NationalDay2025) {
  EXPECT_TRUE(cal().is_workday(d("2025-09-28")));  // Sunday, make-up workday
  EXPECT_TRUE(cal().is_workday(d("2025-09-30")));
  for (Date day = d("2025-10-01"); day <= d("2025-10-08"); day = day.add_days(1)) {
    EXPECT_FALSE(cal().is_workday(day)) << day.to_string();
  }
  EXPECT_TRUE(cal().is_workday(d("2025-10-09")));
  EXPECT_TRUE(cal().is_workday(d("2025-10-11")));   // Saturday, make-up workday
  EXPECT_FALSE(cal().is_workday(d("2025-10-12")));  // Sunday
}

TEST(WorkdayCalendarTest, OrdinaryDays) {
  EXPECT_FALSE(cal().is_workday(d("2025-03-15")));  // Saturday
  EXPECT_FALSE(cal().is_workday(d("2025-03-16")));  // Sunday
  EXPECT_TRUE(cal().is_workday(d("2025-03-14")));   // Friday
  EXPECT_TRUE(cal().is_workday(d("2025-03-17")));   // Monday
}

TEST(WorkdayCalendarTest, OtherYears) {
  // 2020: Spring Festival extended to 2 February; 1 February was no longer a workday.
  EXPECT_TRUE(cal().is_workday(d("2020-01-19")));
  EXPECT_FALSE(cal().is_workday(d("2020-01-31")));
  EXPECT_FALSE(cal().is_workday(d("2020-02-01")));
  EXPECT_FALSE(cal().is_workday(d("2020-02-02")));
  EXPECT_TRUE(cal().is_workday(d("2020-02-03")));
  // 2023: New Year's holiday began on 31 December 2022.
  EXPECT_EQ(cal().day_name(d("2022-12-31")), "元旦");
  EXPECT_FALSE(cal().is_workday(d("2023-01-02")));
  // 2024: Spring Festival 10-17 February, workdays 4 and 18 February.
  EXPECT_TRUE(cal().is_workday(d("2024-02-04")));
  EXPECT_FALSE(cal().is_workday(d("2024-02-16")));
  EXPECT_TRUE(cal().is_workday(d("2024-02-18")));
  // 2026: New Year 1-3 January with Sunday 4 January worked; Spring Festival
  // 15-23 February with Saturdays 14 and 28 February worked.
  EXPECT_FALSE(cal().is_workday(d("2026-01-02")));
  EXPECT_TRUE(cal().is_workday(d("2026-01-04")));
  EXPECT_TRUE(cal().is_workday(d("2026-02-14")));
  EXPECT_FALSE(cal().is_workday(d("2026-02-23")));
  EXPECT_TRUE(cal().is_workday(d("2026-02-28")));
  EXPECT_TRUE(cal().is_workday(d("2026-09-20")));
  EXPECT_FALSE(cal().is_workday(d("2026-10-07")));
  EXPECT_TRUE(cal().is_workday(d("2026-10-10")));
}

// Workdays per year = Monday-to-Friday days minus the statutory holidays
// (11 days until 2024, 13 from 2025), since days off in lieu are made up on
// weekends; 2020 lost two more to the extended Spring Festival.
TEST(WorkdayCalendarTest, WorkdaysPerYear) {
  const std::pair<int, int> expected[] = {{2020, 249}, {2021, 250}, {2022, 249}, {2023, 249},
                                          {2024, 251}, {2025, 248}, {2026, 248}};
  for (const auto& [year, workdays] : expected) {
    EXPECT_EQ(
        cal().workdays_between(Date::from_ymd(year - 1, 12, 31), Date::from_ymd(year, 12, 31)),
        workdays)
        << year;
  }
}

TEST(WorkdayCalendarTest, Coverage) {
  EXPECT_EQ(cal().first_covered(), d("2020-01-01"));
  EXPECT_EQ(cal().last_covered(), d("2026-12-31"));
  EXPECT_TRUE(cal().covers(d("2026-12-31")));
  EXPECT_FALSE(cal().covers(d("2027-01-01")));
  EXPECT_FALSE(cal().covers(d("2019-12-31")));
  // Outside the covered years only the weekend rule applies.
  EXPECT_TRUE(cal().is_workday(d("2019-10-01")));
  EXPECT_TRUE(cal().is_workday(d("2027-01-01")));
  EXPECT_FALSE(cal().is_workday(d("2027-01-02")));
}

TEST(WorkdayCalendarTest, AddWorkdaysAcrossNationalDay2025) {
  const Date start = d("2025-09-30");
  EXPECT_EQ(cal().add_workdays(start, 0), start);
  EXPECT_EQ(cal().add_workdays(start, 1), d("2025-10-09"));
  EXPECT_EQ(cal().add_workdays(start, 2), d("2025-10-10"));
  EXPECT_EQ(cal().add_workdays(start, 3), d("2025-10-11"));  // the make-up Saturday
  EXPECT_EQ(cal().add_workdays(start, 4), d("2025-10-13"));
  EXPECT_EQ(cal().add_workdays(d("2025-09-26"), 1), d("2025-09-28"));  // the make-up Sunday
  EXPECT_EQ(cal().add_workdays(d("2025-10-03"), 1), d("2025-10-09"));  // from inside the break
  EXPECT_EQ(cal().add_workdays(d("2025-10-03"), 0), d("2025-10-03"));

  EXPECT_EQ(cal().add_workdays(d("2025-10-09"), -1), d("2025-09-30"));
  EXPECT_EQ(cal().add_workdays(d("2025-10-09"), -2), d("2025-09-29"));
  EXPECT_EQ(cal().add_workdays(d("2025-10-09"), -3), d("2025-09-28"));
  EXPECT_EQ(cal().add_workdays(d("2025-10-09"), -4), d("2025-09-26"));
  // 15 workdays for a complaint received on 2025-09-25.
  EXPECT_EQ(cal().add_workdays(d("2025-09-25"), 15), d("2025-10-22"));
}

TEST(WorkdayCalendarTest, WorkdaysBetween) {
  EXPECT_EQ(cal().workdays_between(d("2025-09-30"), d("2025-10-13")), 4);
  EXPECT_EQ(cal().workdays_between(d("2025-10-13"), d("2025-09-30")), -4);
  EXPECT_EQ(cal().workdays_between(d("2025-09-30"), d("2025-09-30")), 0);
  EXPECT_EQ(cal().workdays_between(d("2025-09-30"), d("2025-10-08")), 0);
  EXPECT_EQ(cal().workdays_between(d("2025-01-24"), d("2025-01-27")), 2);  // Sun 26, Mon 27
  EXPECT_EQ(cal().workdays_between(d("2025-03-14"), d("2025-03-21")), 5);
  EXPECT_EQ(cal().workdays_between(d("2025-09-25"), d("2025-10-22")), 15);
  // Across the edges of the covered years.
  EXPECT_EQ(cal().workdays_between(d("2019-12-27"), d("2020-01-03")), 4);  // 30, 31, 2, 3
  EXPECT_EQ(cal().workdays_between(d("2026-12-25"), d("2027-01-08")), 10);
  EXPECT_EQ(cal().workdays_between(d("2018-01-07"), d("2018-01-14")), 5);  // all before
}

// add_workdays and workdays_between agree, and both agree with counting
// is_workday day by day, inside, across and outside the covered years.
TEST(WorkdayCalendarTest, ConsistentWithDayByDayCounting) {
  for (Date start = d("2019-11-01"); start <= d("2027-02-28"); start = start.add_days(3)) {
    for (int n : {-23, -10, -1, 1, 2, 7, 31}) {
      const Date end = cal().add_workdays(start, n);
      ASSERT_TRUE(cal().is_workday(end));
      if (n > 0) {
        // n workdays in (start, end].
        ASSERT_EQ(cal().workdays_between(start, end), n) << start.to_string() << " " << n;
      } else {
        // -n workdays in [end, start).
        ASSERT_EQ(cal().workdays_between(end.add_days(-1), start.add_days(-1)), -n)
            << start.to_string() << " " << n;
      }
    }
    for (int span : {1, 6, 40, 400}) {
      const Date end = start.add_days(span);
      int count = 0;
      for (Date day = start.add_days(1); day <= end; day = day.add_days(1)) {
        count += cal().is_workday(day) ? 1 : 0;
      }
      ASSERT_EQ(cal().workdays_between(start, end), count) << start.to_string() << " " << span;
      ASSERT_EQ(cal().workdays_between(end, start), -count);
    }
  }
}

TEST(WorkdayCalendarTest, BuiltinMatchesTheDataFile) {
  auto loaded = WorkdayCalendar::load_file(std::string(MINGJING_SOURCE_DIR) +
                                           "/data/calendar/cn-workdays.csv");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->first_covered(), cal().first_covered());
  EXPECT_EQ(loaded->last_covered(), cal().last_covered());
  for (Date day = cal().first_covered(); day <= cal().last_covered(); day = day.add_days(1)) {
    ASSERT_EQ(loaded->is_workday(day), cal().is_workday(day)) << day.to_string();
    ASSERT_EQ(loaded->day_name(day), cal().day_name(day)) << day.to_string();
  }
}

TEST(WorkdayCalendarCsvTest, SmallCalendar) {
  auto parsed = WorkdayCalendar::parse_csv(
      "\xEF\xBB\xBF"
      "date,kind,name\r\n"
      "2030-02-04,holiday,春节\r\n"
      "\r\n"
      " 2030-02-09 , workday , 春节调休上班 \r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->first_covered(), d("2030-01-01"));
  EXPECT_EQ(parsed->last_covered(), d("2030-12-31"));
  EXPECT_FALSE(parsed->is_workday(d("2030-02-04")));  // Monday, holiday
  EXPECT_TRUE(parsed->is_workday(d("2030-02-09")));   // Saturday, workday
  EXPECT_FALSE(parsed->is_workday(d("2030-02-10")));  // Sunday
  EXPECT_EQ(parsed->day_name(d("2030-02-09")), "春节调休上班");
  // 5-8 February, Saturday 9 and Monday 11.
  EXPECT_EQ(parsed->workdays_between(d("2030-02-01"), d("2030-02-11")), 6);
}

TEST(WorkdayCalendarCsvTest, ErrorsNameTheLine) {
  const std::string header = "date,kind,name\n";
  EXPECT_EQ(csv_error(""), "工作日历第1行：表头应为date,kind,name");
  EXPECT_EQ(csv_error("day,kind,name\n2025-01-01,holiday,元旦\n"),
            "工作日历第1行：表头应为date,kind,name");
  EXPECT_EQ(csv_error(header), "工作日历没有任何日期");
  EXPECT_EQ(csv_error(header + "2025-01-01,holiday,元旦\n2025-01-28,holiday\n"),
            "工作日历第3行：应有3列，实际2列");
  EXPECT_EQ(csv_error(header + "2025-01-01,holiday,元旦,x\n"), "工作日历第2行：应有3列，实际4列");
  EXPECT_EQ(csv_error(header + "\n\n2025-13-01,holiday,元旦\n"),
            "工作日历第4行：日期不存在：2025-13-01");
  EXPECT_EQ(csv_error(header + "2025.01.01,holiday,元旦\n"),
            "工作日历第2行：日期格式不正确：2025.01.01（应为YYYY-MM-DD）");
  EXPECT_EQ(csv_error(header + "2025-01-01,vacation,元旦\n"),
            "工作日历第2行：类型应为holiday或workday：vacation");
  EXPECT_EQ(csv_error(header + "2025-01-01,holiday,\n"), "工作日历第2行：名称不能为空");
  EXPECT_EQ(csv_error(header + "2025-01-27,workday,春节调休上班\n"),
            "工作日历第2行：调休上班日应为周六或周日：2025-01-27");
  EXPECT_EQ(csv_error(header + "2025-01-28,holiday,春节\r\n2025-01-28,holiday,春节\r\n"),
            "工作日历第3行：日期重复：2025-01-28");
}

TEST(WorkdayCalendarCsvTest, LoadFileErrors) {
  auto missing = WorkdayCalendar::load_file("/nonexistent/cn-workdays.csv");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::kNotFound);
  EXPECT_EQ(missing.error().message, "无法读取工作日历文件：/nonexistent/cn-workdays.csv");

  const std::string path = ::testing::TempDir() + "workday_calendar_test.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "date,kind,name\n2025-01-01,holiday,元旦\n2025-02-31,holiday,春节\n";
  }
  auto bad = WorkdayCalendar::load_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "工作日历第3行：日期不存在：2025-02-31");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace mingjing::core
