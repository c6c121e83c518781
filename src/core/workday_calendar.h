// WorkdayCalendar: which days are working days under China's statutory
// holiday arrangements, for deadlines counted in workdays (complaint replies,
// warning handling, disclosure timeliness).
//
// A day is a workday if it is Monday to Friday, unless the calendar lists it
// as a `holiday` (法定节假日 or 调休 day off); a Saturday or Sunday is a
// workday only if listed as a `workday` (调休上班). The State Council
// publishes each year's arrangement around November of the year before, so
// the data covers whole years, first_covered() to last_covered(); outside
// them only the weekend rule applies. Callers whose deadline falls past
// last_covered() may want to say so.
//
// The data is CSV, header "date,kind,name", one day per line:
//   2025-01-26,workday,春节调休上班
//   2025-01-28,holiday,春节
// No quoting: names contain no commas. The calendar shipped with Mingjing is
// data/calendar/cn-workdays.csv, compiled in as builtin().
//
// Thread-safety: immutable after construction; const calls are safe from
// any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "core/result.h"

namespace mingjing::core {

class WorkdayCalendar {
 public:
  // Reads calendar CSV (a UTF-8 BOM, CRLF line ends and blank lines are
  // fine). The covered years run from the earliest to the latest year that
  // has a line.
  //
  // Success: the calendar. Failure (invalid_argument), N the line number:
  //   wrong header              "工作日历第1行：表头应为date,kind,name"
  //   not three columns         "工作日历第N行：应有3列，实际2列"
  //   a bad date                "工作日历第N行：" + the message of Date::parse
  //   unknown kind              "工作日历第N行：类型应为holiday或workday：rest"
  //   empty name                "工作日历第N行：名称不能为空"
  //   `workday` on a weekday    "工作日历第N行：调休上班日应为周六或周日：2025-01-27"
  //   a date listed twice       "工作日历第N行：日期重复：2025-01-28"
  //   no lines after the header "工作日历没有任何日期"
  static Result<WorkdayCalendar> parse_csv(std::string_view text);

  // Reads calendar CSV from a file.
  // Failure: not_found "无法读取工作日历文件：PATH" if it cannot be read;
  // otherwise as parse_csv.
  static Result<WorkdayCalendar> load_file(const std::string& path);

  // The statutory calendar compiled into the program (2020 onwards). Parsed
  // on first use; safe to call from any thread.
  static const WorkdayCalendar& builtin();

  bool is_workday(Date day) const;

  // n > 0: the n-th workday after `start` (`start` itself not counted);
  // n < 0: the |n|-th workday before it; n == 0: `start`, workday or not.
  // REQUIRES: the result lies in Date's supported range.
  Date add_workdays(Date start, int n) const;

  // The number of workdays in (from, to]; if to < from, minus the number in
  // (to, from]. Zero when from == to.
  int workdays_between(Date from, Date to) const;

  // 1 January of the first year and 31 December of the last year covered.
  Date first_covered() const { return Date::from_days(first_); }
  Date last_covered() const { return Date::from_days(last_); }
  bool covers(Date day) const;

  // The name the data gives `day` ("春节", "春节调休上班"), or empty if
  // the day is not listed.
  std::string_view day_name(Date day) const;

 private:
  WorkdayCalendar() = default;

  // Workdays in the days [a, b), a <= b, counted as days since the epoch.
  int64_t count_workdays(int64_t a, int64_t b) const;

  int64_t first_ = 0;  // days since the epoch, inclusive
  int64_t last_ = 0;
  std::vector<bool> workday_;             // per covered day
  std::vector<int32_t> workdays_before_;  // workdays in [first_, first_ + i)
  std::unordered_map<int64_t, std::string> names_;
};

}  // namespace mingjing::core
