// The evaluator's functions beyond the hot paths of expr_eval.cc: between,
// coalesce of booleans, text tests, money rounding, dates, workdays, text
// functions, and the hand-off to aggregates.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/date.h"
#include "core/datetime.h"
#include "core/money.h"
#include "core/text.h"
#include "core/workday_calendar.h"
#include "rules/expr_eval.h"

namespace mingjing::rules::expr_detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kMsPerDay = 86'400'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

core::Date civil(std::int64_t days) {
  return core::Date::from_days(days);
}

Tri between(Ctx& c, const Node& node) {
  switch (node.operand) {
    case Cls::integer: {
      std::int64_t v = eval_int(c, node.kid[0]);
      std::int64_t lo = eval_int(c, node.kid[1]);
      std::int64_t hi = eval_int(c, node.kid[2]);
      if (v == kMissing || lo == kMissing || hi == kMissing) return Tri::unknown;
      return tri(lo <= v && v <= hi);
    }
    case Cls::real: {
      double v = eval_real(c, node.kid[0]);
      double lo = eval_real(c, node.kid[1]);
      double hi = eval_real(c, node.kid[2]);
      if (std::isnan(v) || std::isnan(lo) || std::isnan(hi)) return Tri::unknown;
      return tri(lo <= v && v <= hi);
    }
    case Cls::text: {
      TextVal v = eval_text(c, node.kid[0]);
      TextVal lo = eval_text(c, node.kid[1]);
      TextVal hi = eval_text(c, node.kid[2]);
      if (!v.known || !lo.known || !hi.known) return Tri::unknown;
      return tri(c.view(lo) <= c.view(v) && c.view(v) <= c.view(hi));
    }
    default:
      return Tri::unknown;
  }
}

Tri text_test(Ctx& c, const Node& node) {
  TextVal a = eval_text(c, node.kid[0]);
  if (!a.known) return Tri::unknown;
  TextVal b = eval_text(c, node.kid[1]);
  if (!b.known) return Tri::unknown;
  std::string_view text = c.view(a);
  std::string_view part = c.view(b);
  switch (node.op) {
    case Op::contains:
      return tri(text.find(part) != std::string_view::npos);
    case Op::starts_with:
      return tri(text.starts_with(part));
    default:
      return tri(text.ends_with(part));
  }
}

std::int64_t add_months(std::int64_t days, std::int64_t months) {
  if (!in_date_range(days) || months < -120000 || months > 120000) return kMissing;
  core::Date date = civil(days);
  std::int64_t index = std::int64_t{date.year()} * 12 + (date.month() - 1) + months;
  std::int64_t year = floor_div(index, 12);
  int month = static_cast<int>(index - year * 12) + 1;
  if (year < 1 || year > 9999) return kMissing;
  int day = std::min(date.day(), core::Date::days_in_month(static_cast<int>(year), month));
  return core::Date::from_ymd(static_cast<int>(year), month, day).days_since_epoch();
}

std::int64_t age(std::int64_t birth, std::int64_t on) {
  if (!in_date_range(birth) || !in_date_range(on)) return kMissing;
  core::Date b = civil(birth);
  core::Date o = civil(on);
  std::int64_t years = o.year() - b.year();
  if (o.month() < b.month() || (o.month() == b.month() && o.day() < b.day())) --years;
  return years;
}

// a / b rounded half away from zero.
std::int64_t divide_rounded(std::int64_t a, std::int64_t b) {
  if (b == 0 || (a == std::numeric_limits<std::int64_t>::min() && b == -1)) return kMissing;
  std::int64_t q = a / b;
  std::uint64_t r =
      a % b < 0 ? -static_cast<std::uint64_t>(a % b) : static_cast<std::uint64_t>(a % b);
  std::uint64_t d = b < 0 ? -static_cast<std::uint64_t>(b) : static_cast<std::uint64_t>(b);
  if (r >= d - r) q += ((a < 0) != (b < 0)) ? -1 : 1;
  return q;
}

TextVal computed(Ctx& c, std::string_view text) {
  std::string& out = c.new_string();
  out.assign(text);
  return TextVal{kNoCode, true, out};
}

}  // namespace

bool round_to_int64(double value, std::int64_t& out) {
  if (!std::isfinite(value)) return false;
  double rounded = std::round(value);  // half away from zero
  if (rounded <= -9.2e18 || rounded >= 9.2e18) return false;
  out = static_cast<std::int64_t>(rounded);
  return true;
}

Tri bool_function(Ctx& c, const Node& node) {
  switch (node.op) {
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return test;
      return eval_bool(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        Tri v = eval_bool(c, c.program.args[node.first + i]);
        if (v != Tri::unknown) return v;
      }
      return Tri::unknown;
    case Op::between:
      return between(c, node);
    case Op::contains:
    case Op::starts_with:
    case Op::ends_with:
      return text_test(c, node);
    case Op::agg_all:
    case Op::agg_any:
      return aggregate_bool(c, node);
    default:
      return Tri::unknown;
  }
}

std::int64_t int_function(Ctx& c, const Node& node) {
  switch (node.op) {
    case Op::abs: {
      std::int64_t a = eval_int(c, node.kid[0]);
      return a == kMissing || a >= 0 ? a : -a;
    }
    case Op::min:
    case Op::max: {
      std::int64_t best = kMissing;
      for (std::uint32_t i = 0; i < node.count; ++i) {
        std::int64_t v = eval_int(c, c.program.args[node.first + i]);
        if (v == kMissing) return kMissing;
        if (i == 0 || (node.op == Op::min ? v < best : v > best)) best = v;
      }
      return best;
    }
    case Op::money_mul_real: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return kMissing;
      std::int64_t r;
      return round_to_int64(static_cast<double>(a) * eval_real(c, node.kid[1]), r) ? r : kMissing;
    }
    case Op::money_div_int: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return kMissing;
      std::int64_t b = eval_int(c, node.kid[1]);
      return b == kMissing ? kMissing : divide_rounded(a, b);
    }
    case Op::money_div_real: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return kMissing;
      double b = eval_real(c, node.kid[1]);
      std::int64_t r;
      return b != 0 && round_to_int64(static_cast<double>(a) / b, r) ? r : kMissing;
    }
    case Op::yuan_int: {
      std::int64_t a = eval_int(c, node.kid[0]);
      std::int64_t r;
      return a == kMissing || __builtin_mul_overflow(a, 100, &r) ? kMissing : r;
    }
    case Op::yuan_real: {
      std::int64_t r;
      return round_to_int64(eval_real(c, node.kid[0]) * 100, r) ? r : kMissing;
    }
    case Op::round_to_int: {
      std::int64_t r;
      return round_to_int64(eval_real(c, node.kid[0]), r) ? r : kMissing;
    }
    case Op::workdays: {
      std::int64_t a = eval_int(c, node.kid[0]);
      std::int64_t b = eval_int(c, node.kid[1]);
      if (!in_date_range(a) || !in_date_range(b)) return kMissing;
      return c.program.calendar->workdays_between(civil(a), civil(b));
    }
    case Op::year:
    case Op::month:
    case Op::day: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (!in_date_range(a)) return kMissing;
      core::Date date = civil(a);
      return node.op == Op::year ? date.year() : node.op == Op::month ? date.month() : date.day();
    }
    case Op::add_months: {
      std::int64_t a = eval_int(c, node.kid[0]);
      std::int64_t months = eval_int(c, node.kid[1]);
      return a == kMissing || months == kMissing ? kMissing : add_months(a, months);
    }
    case Op::age:
      return age(eval_int(c, node.kid[0]), eval_int(c, node.kid[1]));
    case Op::parse_date:
    case Op::parse_datetime: {
      TextVal t = eval_text(c, node.kid[0]);
      if (!t.known) return kMissing;
      if (node.op == Op::parse_date) {
        auto parsed = core::Date::parse(c.view(t));
        return parsed ? parsed->days_since_epoch() : kMissing;
      }
      auto parsed = core::DateTime::parse(c.view(t));
      return parsed ? parsed->unix_ms() : kMissing;
    }
    case Op::length: {
      TextVal t = eval_text(c, node.kid[0]);
      return t.known ? static_cast<std::int64_t>(core::count_utf8(c.view(t))) : kMissing;
    }
    case Op::agg_count:
    case Op::agg_count_present:
    case Op::agg_count_true:
    case Op::agg_sum:
    case Op::agg_min:
    case Op::agg_max:
    case Op::agg_avg:
    case Op::agg_distinct:
      return aggregate_int(c, node);
    default:
      return kMissing;
  }
}

double real_function(Ctx& c, const Node& node) {
  switch (node.op) {
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        double v = eval_real(c, c.program.args[node.first + i]);
        if (!std::isnan(v)) return v;
      }
      return kNaN;
    case Op::mod: {
      double a = eval_real(c, node.kid[0]);
      double b = eval_real(c, node.kid[1]);
      return b == 0 ? kNaN : std::fmod(a, b);
    }
    case Op::neg:
      return -eval_real(c, node.kid[0]);
    case Op::abs:
      return std::fabs(eval_real(c, node.kid[0]));
    case Op::min:
    case Op::max: {
      double best = kNaN;
      for (std::uint32_t i = 0; i < node.count; ++i) {
        double v = eval_real(c, c.program.args[node.first + i]);
        if (std::isnan(v)) return kNaN;
        if (i == 0 || (node.op == Op::min ? v < best : v > best)) best = v;
      }
      return best;
    }
    case Op::round_digits: {
      double v = eval_real(c, node.kid[0]);
      std::int64_t digits = eval_int(c, node.kid[1]);
      if (std::isnan(v) || digits == kMissing) return kNaN;
      digits = std::clamp<std::int64_t>(digits, -15, 15);
      double scale = std::pow(10.0, static_cast<double>(digits));
      return std::round(v * scale) / scale;
    }
    case Op::similarity: {
      TextVal a = eval_text(c, node.kid[0]);
      TextVal b = eval_text(c, node.kid[1]);
      if (!a.known || !b.known) return kNaN;
      return text_similarity(c.view(a), c.view(b));
    }
    case Op::agg_sum:
    case Op::agg_min:
    case Op::agg_max:
    case Op::agg_avg:
      return aggregate_real(c, node);
    default:
      return kNaN;
  }
}

TextVal text_function(Ctx& c, const Node& node) {
  switch (node.op) {
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        TextVal v = eval_text(c, c.program.args[node.first + i]);
        if (v.known) return v;
      }
      return TextVal{};
    case Op::normalize: {
      TextVal t = eval_text(c, node.kid[0]);
      if (!t.known) return t;
      std::string& out = c.new_string();
      normalize_text(c.view(t), out);
      return TextVal{kNoCode, true, out};
    }
    case Op::town: {
      TextVal t = eval_text(c, node.kid[0]);
      char code[12];
      if (!t.known || !town_code(c.view(t), code)) return TextVal{};
      std::string_view town(code, sizeof code);
      if (auto found = c.dictionary.find(town)) return TextVal{*found, true, {}};
      return computed(c, town);
    }
    case Op::to_text: {
      const Node& kid = c.nodes[node.kid[0]];
      std::int64_t integer = 0;
      double real = 0;
      switch (kid.cls) {
        case Cls::boolean: {
          Tri v = eval_bool(c, node.kid[0]);
          if (v == Tri::unknown) return TextVal{};
          integer = v == Tri::yes;
          break;
        }
        case Cls::integer:
          integer = eval_int(c, node.kid[0]);
          if (integer == kMissing) return TextVal{};
          break;
        case Cls::real:
          real = eval_real(c, node.kid[0]);
          if (std::isnan(real)) return TextVal{};
          break;
        default:
          return TextVal{};
      }
      std::string& out = c.new_string();
      format_value(kid.type, integer, real, out);
      return TextVal{kNoCode, true, out};
    }
    default:
      return TextVal{};
  }
}

void format_value(ExprType type, std::int64_t integer, double real, std::string& out) {
  switch (type) {
    case ExprType::boolean:
      out = integer != 0 ? "true" : "false";
      return;
    case ExprType::integer:
      out = std::to_string(integer);
      return;
    case ExprType::money:
      out = core::Money::from_fen(integer).to_yuan();
      return;
    case ExprType::date:
      out = in_date_range(integer) ? civil(integer).to_string() : std::to_string(integer);
      return;
    case ExprType::datetime:
      out = in_date_range(floor_div(integer, kMsPerDay))
                ? core::DateTime::from_unix_ms(integer).to_string()
                : std::to_string(integer);
      return;
    case ExprType::decimal: {
      // Up to 6 decimals, trailing zeros dropped: 0.25, 25.5, 3.
      char buffer[64];
      auto [end, error] =
          std::to_chars(buffer, buffer + sizeof buffer, real, std::chars_format::fixed, 6);
      out.assign(buffer, error == std::errc() ? end : buffer);
      if (out.find('.') != std::string::npos) {
        while (out.back() == '0') out.pop_back();
        if (out.back() == '.') out.pop_back();
      }
      if (out == "-0") out = "0";
      return;
    }
    default:
      out.clear();
  }
}

}  // namespace mingjing::rules::expr_detail
