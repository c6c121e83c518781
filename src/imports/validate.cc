#include "imports/validate.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/date.h"
#include "core/datetime.h"
#include "core/id_number.h"
#include "core/mask.h"
#include "core/money.h"
#include "core/region_code.h"
#include "core/text.h"
#include "core/uscc.h"

namespace mingjing::imports {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  // A full-width blank (U+3000) around a value is a blank too.
  while (s.starts_with("\xE3\x80\x80")) s.remove_prefix(3);
  while (s.ends_with("\xE3\x80\x80")) s.remove_suffix(3);
  return s;
}

bool fail(CellProblem& p, std::string zh, std::string en) {
  p.reason = std::move(zh);
  p.reason_en = std::move(en);
  return false;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Dates: any form Date::parse takes, or an Excel date serial (a cell of a
// spreadsheet that lost its date format).
core::Result<core::Date> parse_date(std::string_view s) {
  if (all_digits(s) && s.size() <= 7) {
    long long serial = 0;
    std::from_chars(s.data(), s.data() + s.size(), serial);
    return core::Date::from_excel_serial(static_cast<std::int64_t>(serial));
  }
  return core::Date::parse(s);
}

// Date-times: DateTime::parse, or a bare date read as midnight (registries
// often give only the day).
core::Result<core::DateTime> parse_datetime(std::string_view s) {
  auto full = core::DateTime::parse(s);
  if (full.ok()) return full;
  if (s.find(' ') == std::string_view::npos && s.find('T') == std::string_view::npos) {
    auto day = parse_date(s);
    if (day.ok()) return core::DateTime::from_local(*day);
  }
  return full.error();
}

bool parse_boolean(std::string_view s, bool& out) {
  std::string l = lower_ascii(s);
  if (l == "true" || l == "1" || l == "yes" || l == "y" || s == "是") {
    out = true;
    return true;
  }
  if (l == "false" || l == "0" || l == "no" || l == "n" || s == "否") {
    out = false;
    return true;
  }
  return false;
}

// What an error report shows of a bad cell. Personal values are masked as
// everywhere else: a mistyped ID number is still, one digit off, someone's.
// An ID number that does not parse has no reliable parts, so all of it is
// starred.
std::string shown_value(const ColumnSpec& column, std::string_view raw) {
  switch (column.type) {
    case ColumnType::id_number:
      return core::shorten_for_message(std::string(core::split_utf8(raw).size(), '*'));
    case ColumnType::phone:
      return core::shorten_for_message(core::mask_phone(raw));
    case ColumnType::account:
      return core::shorten_for_message(core::mask_account(raw));
    default:
      return core::shorten_for_message(raw);
  }
}

}  // namespace

core::Result<HeaderMap> map_header(const DatasetSpec& dataset,
                                   const std::vector<std::string>& header) {
  HeaderMap map;
  map.source.assign(dataset.columns.size(), -1);
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::string_view raw = trim_blanks(header[i]);
    if (i == 0 && raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);  // a BOM that survived
    std::string name = lower_ascii(raw);
    int found = -1;
    for (std::size_t c = 0; c < dataset.columns.size() && found < 0; ++c) {
      const ColumnSpec& col = dataset.columns[c];
      if (col.name == name ||
          std::find(col.aliases.begin(), col.aliases.end(), raw) != col.aliases.end()) {
        found = static_cast<int>(c);
      }
    }
    if (found < 0) {
      if (!raw.empty()) map.unknown.emplace_back(raw);
      continue;
    }
    const ColumnSpec& col = dataset.columns[static_cast<std::size_t>(found)];
    if (map.source[static_cast<std::size_t>(found)] >= 0) {
      return core::Error::invalid("列重复：" + col.name + "（" + std::string(raw) + "）", col.name);
    }
    map.source[static_cast<std::size_t>(found)] = static_cast<int>(i);
  }
  for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
    const ColumnSpec& col = dataset.columns[c];
    if (col.required && map.source[c] < 0) {
      std::string hint = col.aliases.empty() ? "" : "（或“" + col.aliases.front() + "”）";
      return core::Error::invalid("缺少必填列：" + col.name + hint, col.name);
    }
  }
  // "one of them*": a file with none of these columns cannot have a good row.
  if (!dataset.one_of.empty()) {
    bool any = false;
    std::string names;
    for (const auto& name : dataset.one_of) {
      for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
        if (dataset.columns[c].name == name && map.source[c] >= 0) any = true;
      }
      names += (names.empty() ? "" : "或") + name;
    }
    if (!any) {
      return core::Error::invalid("缺少必填列：" + names + "（至少其一）", dataset.one_of.front());
    }
  }
  return map;
}

bool parse_cell(const ColumnSpec& column, std::string_view raw, Value& out, CellProblem& problem) {
  out = Value{};
  std::string_view s = trim_blanks(raw);
  if (s.empty()) {
    if (column.required) return fail(problem, "必填项为空", "required value is empty");
    return true;
  }
  switch (column.type) {
    case ColumnType::text:
    case ColumnType::reference: {
      std::size_t chars = core::count_utf8(s);
      if (chars > column.max_length) {
        return fail(problem,
                    "内容过长（" + std::to_string(chars) + "字，上限" +
                        std::to_string(column.max_length) + "字）",
                    "text too long (" + std::to_string(chars) + " characters, limit " +
                        std::to_string(column.max_length) + ")");
      }
      out.kind = Value::Kind::text;
      out.text = std::string(s);
      return true;
    }
    case ColumnType::enumeration: {
      std::string l = lower_ascii(s);
      if (std::find(column.values.begin(), column.values.end(), l) == column.values.end()) {
        std::string allowed;
        for (const auto& v : column.values) allowed += (allowed.empty() ? "" : ", ") + v;
        return fail(problem, "取值不在允许范围内（" + allowed + "）",
                    "value not allowed (expected one of: " + allowed + ")");
      }
      out.kind = Value::Kind::text;
      out.text = l;
      return true;
    }
    case ColumnType::integer: {
      long long n = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec != std::errc() || end != s.data() + s.size()) {
        return fail(problem, "应为整数", "not an integer");
      }
      if (n < 0) return fail(problem, "不能为负数", "must not be negative");
      out.kind = Value::Kind::integer;
      out.integer = n;
      return true;
    }
    case ColumnType::decimal: {
      std::string plain;
      for (char c : s) {
        if (c != ',') plain += c;
      }
      bool shape = !plain.empty() && std::all_of(plain.begin(), plain.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == '%';
      });
      double d = 0;
      bool percent = !plain.empty() && plain.back() == '%';
      if (percent) plain.pop_back();
      auto [end, ec] = std::from_chars(plain.data(), plain.data() + plain.size(), d);
      if (!shape || ec != std::errc() || end != plain.data() + plain.size() || !std::isfinite(d)) {
        return fail(problem, "应为非负数字", "not a non-negative number");
      }
      out.kind = Value::Kind::real;
      out.real = d;
      return true;
    }
    case ColumnType::money: {
      auto m = core::Money::parse_yuan(s);
      if (!m.ok()) return fail(problem, m.error().message, "not an amount in yuan");
      if (m->fen() < 0) return fail(problem, "金额不能为负数", "amount must not be negative");
      out.kind = Value::Kind::integer;
      out.integer = m->fen();
      return true;
    }
    case ColumnType::boolean: {
      bool b = false;
      if (!parse_boolean(s, b)) return fail(problem, "应为是/否（true/false）", "not a boolean");
      out.kind = Value::Kind::integer;
      out.integer = b ? 1 : 0;
      return true;
    }
    case ColumnType::date: {
      auto d = parse_date(s);
      if (!d.ok()) return fail(problem, d.error().message, "not a date (YYYY-MM-DD)");
      out.kind = Value::Kind::text;
      out.text = d->to_string();
      return true;
    }
    case ColumnType::datetime: {
      auto t = parse_datetime(s);
      if (!t.ok()) return fail(problem, t.error().message, "not a date-time (YYYY-MM-DD HH:MM)");
      out.kind = Value::Kind::integer;
      out.integer = t->unix_ms();
      return true;
    }
    case ColumnType::id_number: {
      auto id = core::IdNumber::parse(s);
      if (!id.ok()) return fail(problem, id.error().message, "not a valid resident ID number");
      out.kind = Value::Kind::text;
      out.text = id->str();
      return true;
    }
    case ColumnType::uscc: {
      auto code = core::Uscc::parse(s);
      if (!code.ok()) return fail(problem, code.error().message, "not a valid credit code");
      out.kind = Value::Kind::text;
      out.text = code->str();
      return true;
    }
    case ColumnType::region: {
      auto code = core::RegionCode::parse(s);
      if (!code.ok()) return fail(problem, code.error().message, "not a 12-digit region code");
      out.kind = Value::Kind::text;
      out.text = code->str();
      return true;
    }
    case ColumnType::phone:
    case ColumnType::account: {
      // Digits, with the blanks and dashes people type between them dropped.
      std::string digits;
      for (char c : s) {
        if (c == ' ' || c == '-') continue;
        digits += c;
      }
      bool phone = column.type == ColumnType::phone;
      std::string_view body = digits;
      if (phone && body.starts_with('+')) body.remove_prefix(1);
      std::size_t lo = phone ? 7 : 6, hi = phone ? 20 : 40;
      if (!all_digits(body) || body.size() < lo || body.size() > hi) {
        return phone ? fail(problem, "电话号码格式不正确", "not a phone number")
                     : fail(problem, "账号格式不正确（应为6至40位数字）",
                            "not an account number (6 to 40 digits)");
      }
      out.kind = Value::Kind::text;
      out.text = digits;
      return true;
    }
  }
  return fail(problem, "无法识别的列类型", "unknown column type");
}

ParsedRow parse_row(const DatasetSpec& dataset, const HeaderMap& header,
                    const std::vector<std::string>& cells, std::size_t row_number) {
  ParsedRow row;
  row.values.resize(dataset.columns.size());
  auto raw_cell = [&](std::size_t c) -> std::string_view {
    int at = header.source[c];
    return at >= 0 && static_cast<std::size_t>(at) < cells.size() ? std::string_view(cells[at])
                                                                  : "";
  };
  for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
    const ColumnSpec& col = dataset.columns[c];
    std::string_view raw = raw_cell(c);
    CellProblem problem;
    if (!parse_cell(col, raw, row.values[c], problem)) {
      row.errors.push_back({row_number, col.name, shown_value(col, raw), std::move(problem.reason),
                            std::move(problem.reason_en)});
    }
  }
  if (!dataset.one_of.empty()) {
    // A cell that is filled in but bad has its own error already.
    bool any = false;
    std::string names;
    for (const auto& name : dataset.one_of) {
      for (std::size_t c = 0; c < dataset.columns.size(); ++c) {
        if (dataset.columns[c].name == name && !trim_blanks(raw_cell(c)).empty()) any = true;
      }
      names += (names.empty() ? "" : "、") + name;
    }
    if (!any) {
      row.errors.push_back({row_number, dataset.one_of.front(), "", "须填写" + names + "之一",
                            "one of these is required"});
    }
  }
  return row;
}

}  // namespace mingjing::imports
