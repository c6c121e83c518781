#include "core/workday_calendar.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/text.h"

namespace mingjing::core {

// Generated at build time from data/calendar/cn-workdays.csv (see
// CMakeLists.txt and embed_workday_csv.cmake).
extern const char kBuiltinWorkdayCsv[];

namespace {

constexpr std::string_view kHeader = "date,kind,name";

int64_t floor_div(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Monday-to-Friday days in [d0, x) for a fixed Monday d0, so that
// weekdays_before(b) - weekdays_before(a) counts them in [a, b).
int64_t weekdays_before(int64_t x) {
  const int64_t since_monday = x + 3;  // day -3, 1969-12-29, was a Monday
  const int64_t weeks = floor_div(since_monday, 7);
  return weeks * 5 + std::min<int64_t>(since_monday - weeks * 7, 5);
}

Error line_error(std::size_t line, const std::string& detail) {
  return Error::invalid("工作日历第" + std::to_string(line) + "行：" + detail);
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    const std::size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return fields;
}

struct Listed {
  bool workday;
  std::string name;
};

}  // namespace

Result<WorkdayCalendar> WorkdayCalendar::parse_csv(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::map<int64_t, Listed> listed;
  std::size_t line_no = 0;
  bool header_seen = false;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    ++line_no;
    if (line.ends_with('\r')) line.remove_suffix(1);

    if (!header_seen) {
      if (trim(line) != kHeader) return line_error(line_no, "表头应为date,kind,name");
      header_seen = true;
      continue;
    }
    if (trim(line).empty()) continue;

    const auto fields = split_fields(line);
    if (fields.size() != 3) {
      return line_error(line_no, "应有3列，实际" + std::to_string(fields.size()) + "列");
    }
    auto date = Date::parse(fields[0]);
    if (!date.ok()) return line_error(line_no, date.error().message);
    const std::string_view kind = fields[1];
    if (kind != "holiday" && kind != "workday") {
      return line_error(line_no, "类型应为holiday或workday：" + shorten_for_message(kind));
    }
    if (fields[2].empty()) return line_error(line_no, "名称不能为空");
    const bool workday = kind == "workday";
    if (workday && date->weekday() <= 5) {
      return line_error(line_no, "调休上班日应为周六或周日：" + date->to_string());
    }
    const auto [it, inserted] =
        listed.emplace(date->days_since_epoch(), Listed{workday, std::string(fields[2])});
    if (!inserted) return line_error(line_no, "日期重复：" + date->to_string());
  }
  if (!header_seen) return line_error(1, "表头应为date,kind,name");
  if (listed.empty()) return Error::invalid("工作日历没有任何日期");

  WorkdayCalendar cal;
  const Date earliest = Date::from_days(listed.begin()->first);
  const Date latest = Date::from_days(listed.rbegin()->first);
  cal.first_ = Date::from_ymd(earliest.year(), 1, 1).days_since_epoch();
  cal.last_ = Date::from_ymd(latest.year(), 12, 31).days_since_epoch();

  const auto size = static_cast<std::size_t>(cal.last_ - cal.first_ + 1);
  cal.workday_.resize(size);
  cal.workdays_before_.resize(size + 1);
  for (std::size_t i = 0; i < size; ++i) {
    const int64_t day = cal.first_ + static_cast<int64_t>(i);
    bool workday = Date::from_days(day).weekday() <= 5;
    if (auto it = listed.find(day); it != listed.end()) workday = it->second.workday;
    cal.workday_[i] = workday;
    cal.workdays_before_[i + 1] = cal.workdays_before_[i] + (workday ? 1 : 0);
  }
  for (auto& [day, entry] : listed) cal.names_.emplace(day, std::move(entry.name));
  return cal;
}

Result<WorkdayCalendar> WorkdayCalendar::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{errc::kNotFound, "无法读取工作日历文件：" + path, {}};
  std::ostringstream content;
  content << in.rdbuf();
  return parse_csv(content.str());
}

const WorkdayCalendar& WorkdayCalendar::builtin() {
  static const WorkdayCalendar* const calendar = [] {
    auto parsed = parse_csv(kBuiltinWorkdayCsv);
    if (!parsed.ok()) {
      // The data is checked by the tests; reaching this is a build bug.
      std::fprintf(stderr, "mingjing: built-in workday calendar is invalid: %s\n",
                   parsed.error().message.c_str());
      std::abort();
    }
    return new WorkdayCalendar(std::move(parsed).value());
  }();
  return *calendar;
}

bool WorkdayCalendar::covers(Date day) const {
  const int64_t d = day.days_since_epoch();
  return d >= first_ && d <= last_;
}

bool WorkdayCalendar::is_workday(Date day) const {
  if (!covers(day)) return day.weekday() <= 5;
  return workday_[static_cast<std::size_t>(day.days_since_epoch() - first_)];
}

Date WorkdayCalendar::add_workdays(Date start, int n) const {
  const int step = n > 0 ? 1 : -1;
  Date day = start;
  for (int left = n > 0 ? n : -n; left > 0;) {
    day = day.add_days(step);
    if (is_workday(day)) --left;
  }
  return day;
}

int64_t WorkdayCalendar::count_workdays(int64_t a, int64_t b) const {
  int64_t count = 0;
  if (a < first_) {  // before the covered years: weekend rule
    const int64_t end = std::min(b, first_);
    count += weekdays_before(end) - weekdays_before(a);
  }
  const int64_t lo = std::max(a, first_), hi = std::min(b, last_ + 1);
  if (lo < hi) {
    count += workdays_before_[static_cast<std::size_t>(hi - first_)] -
             workdays_before_[static_cast<std::size_t>(lo - first_)];
  }
  if (b > last_ + 1) {  // after them
    const int64_t begin = std::max(a, last_ + 1);
    count += weekdays_before(b) - weekdays_before(begin);
  }
  return count;
}

int WorkdayCalendar::workdays_between(Date from, Date to) const {
  const int64_t f = from.days_since_epoch(), t = to.days_since_epoch();
  if (t >= f) return static_cast<int>(count_workdays(f + 1, t + 1));
  return -static_cast<int>(count_workdays(t + 1, f + 1));
}

std::string_view WorkdayCalendar::day_name(Date day) const {
  const auto it = names_.find(day.days_since_epoch());
  return it == names_.end() ? std::string_view() : std::string_view(it->second);
}

}  // namespace mingjing::core
