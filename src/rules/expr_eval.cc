// The evaluator: one switch per class of result over the node's op.
#include "rules/expr_eval.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/date.h"
#include "core/datetime.h"
#include "core/money.h"
#include "core/text.h"
#include "core/workday_calendar.h"

namespace mingjing::rules::expr_detail {
namespace {

// Date's supported range, 0001-01-01 to 9999-12-31, in days since the epoch.
constexpr std::int64_t kFirstDay = -719162;
constexpr std::int64_t kLastDay = 2932896;
constexpr std::int64_t kMsPerDay = 86'400'000;

bool in_date_range(std::int64_t days) {
  return days >= kFirstDay && days <= kLastDay;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

Tri tri(bool value) {
  return value ? Tri::yes : Tri::no;
}

template <typename V>
bool compare(Cmp cmp, const V& a, const V& b) {
  switch (cmp) {
    case Cmp::eq:
      return a == b;
    case Cmp::ne:
      return a != b;
    case Cmp::lt:
      return a < b;
    case Cmp::le:
      return a <= b;
    case Cmp::gt:
      return a > b;
    case Cmp::ge:
      return a >= b;
  }
  return false;
}

const ParamValue& param_of(const Ctx& c, const Node& node) {
  return c.binding.params[node.first];
}

Tri compare_nodes(Ctx& c, const Node& node) {
  switch (node.operand) {
    case Cls::integer: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return Tri::unknown;
      std::int64_t b = eval_int(c, node.kid[1]);
      if (b == kMissing) return Tri::unknown;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::real: {
      double a = eval_real(c, node.kid[0]);
      if (std::isnan(a)) return Tri::unknown;
      double b = eval_real(c, node.kid[1]);
      if (std::isnan(b)) return Tri::unknown;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::text: {
      TextVal a = eval_text(c, node.kid[0]);
      if (!a.known) return Tri::unknown;
      TextVal b = eval_text(c, node.kid[1]);
      if (!b.known) return Tri::unknown;
      if ((node.cmp == Cmp::eq || node.cmp == Cmp::ne) && a.code != kNoCode && b.code != kNoCode) {
        return tri(compare(node.cmp, a.code, b.code));
      }
      return tri(compare(node.cmp, c.view(a), c.view(b)));
    }
    case Cls::boolean: {
      Tri a = eval_bool(c, node.kid[0]);
      if (a == Tri::unknown) return a;
      Tri b = eval_bool(c, node.kid[1]);
      if (b == Tri::unknown) return b;
      return tri(compare(node.cmp, a, b));
    }
    case Cls::list:
      break;
  }
  return Tri::unknown;
}

Tri member(Ctx& c, const Node& node) {
  const Node& list = c.nodes[node.kid[1]];
  const Program& p = c.program;
  if (list.op == Op::const_list) {
    if (node.operand == Cls::real) {
      double v = eval_real(c, node.kid[0]);
      if (std::isnan(v)) return Tri::unknown;
      const double* first = p.list_reals.data() + list.first;
      return tri(std::binary_search(first, first + list.count, v));
    }
    std::int64_t key;
    if (node.operand == Cls::text) {
      TextVal v = eval_text(c, node.kid[0]);
      if (!v.known) return Tri::unknown;
      if (v.code == kNoCode) {  // computed text: compare by value
        for (std::uint32_t i = 0; i < list.count; ++i) {
          if (c.dictionary.text(static_cast<Code>(p.list_ints[list.first + i])) == v.view)
            return Tri::yes;
        }
        return Tri::no;
      }
      key = v.code;
    } else {
      key = eval_int(c, node.kid[0]);
      if (key == kMissing) return Tri::unknown;
    }
    const std::int64_t* first = p.list_ints.data() + list.first;
    return tri(std::binary_search(first, first + list.count, key));
  }
  const ParamValue& param = param_of(c, list);  // param_list
  if (node.operand == Cls::text) {
    TextVal v = eval_text(c, node.kid[0]);
    if (!v.known) return Tri::unknown;
    std::string_view text = c.view(v);
    for (const auto& item : param.list) {
      if (item == text) return Tri::yes;
    }
    return Tri::no;
  }
  std::int64_t v = eval_int(c, node.kid[0]);
  if (v == kMissing) return Tri::unknown;
  for (auto item : param.numbers) {
    if (item == v) return Tri::yes;
  }
  return Tri::no;
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

core::Date civil(std::int64_t days) {
  return core::Date::from_days(days);
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

}  // namespace

bool round_to_int64(double value, std::int64_t& out) {
  if (!std::isfinite(value)) return false;
  double rounded = std::round(value);  // half away from zero
  if (rounded <= -9.2e18 || rounded >= 9.2e18) return false;
  out = static_cast<std::int64_t>(rounded);
  return true;
}

Tri eval_bool(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_bool:
      return node.unknown ? Tri::unknown : tri(node.integer != 0);
    case Op::column: {
      std::int64_t v = node.column->ints[c.rows[node.alias]];
      return v == kMissing ? Tri::unknown : tri(v != 0);
    }
    case Op::param:
      return tri(param_of(c, node).integer != 0);
    case Op::logical_and: {
      Tri a = eval_bool(c, node.kid[0]);
      if (a == Tri::no) return a;
      Tri b = eval_bool(c, node.kid[1]);
      if (b == Tri::no) return b;
      return a == Tri::unknown ? a : b;
    }
    case Op::logical_or: {
      Tri a = eval_bool(c, node.kid[0]);
      if (a == Tri::yes) return a;
      Tri b = eval_bool(c, node.kid[1]);
      if (b == Tri::yes) return b;
      return a == Tri::unknown ? a : b;
    }
    case Op::logical_not: {
      Tri a = eval_bool(c, node.kid[0]);
      return a == Tri::unknown ? a : tri(a == Tri::no);
    }
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
    case Op::present:
      return tri(eval_known(c, node.kid[0]));
    case Op::missing:
      return tri(!eval_known(c, node.kid[0]));
    case Op::compare:
      return compare_nodes(c, node);
    case Op::in:
      return member(c, node);
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

std::int64_t eval_int(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_int:
      return node.integer;
    case Op::column:
      return node.column->ints[c.rows[node.alias]];
    case Op::param:
      return param_of(c, node).integer;
    case Op::as_of:
      return c.binding.as_of;
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return kMissing;
      return eval_int(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        std::int64_t v = eval_int(c, c.program.args[node.first + i]);
        if (v != kMissing) return v;
      }
      return kMissing;
    case Op::add:
    case Op::sub:
    case Op::mul:
    case Op::mod: {
      std::int64_t a = eval_int(c, node.kid[0]);
      if (a == kMissing) return kMissing;
      std::int64_t b = eval_int(c, node.kid[1]);
      if (b == kMissing) return kMissing;
      std::int64_t r;
      bool overflow = false;
      switch (node.op) {
        case Op::add:
          overflow = __builtin_add_overflow(a, b, &r);
          break;
        case Op::sub:
          overflow = __builtin_sub_overflow(a, b, &r);
          break;
        case Op::mul:
          overflow = __builtin_mul_overflow(a, b, &r);
          break;
        default:
          if (b == 0 || b == -1) return b == 0 ? kMissing : 0;
          r = a % b;
      }
      if (overflow) return kMissing;
      if ((node.type == ExprType::date) && !in_date_range(r)) return kMissing;
      return r;
    }
    case Op::neg: {
      std::int64_t a = eval_int(c, node.kid[0]);
      return a == kMissing ? a : -a;
    }
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
      double b = eval_real(c, node.kid[1]);
      std::int64_t r;
      return round_to_int64(static_cast<double>(a) * b, r) ? r : kMissing;
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
    case Op::datetime_to_date: {
      std::int64_t ms = eval_int(c, node.kid[0]);
      if (ms == kMissing ||
          ms > std::numeric_limits<std::int64_t>::max() - core::DateTime::kShanghaiOffsetMs) {
        return kMissing;
      }
      return floor_div(ms + core::DateTime::kShanghaiOffsetMs, kMsPerDay);
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

double eval_real(Ctx& c, std::uint32_t n) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_real:
      return node.real;
    case Op::column:
      return node.column->reals[c.rows[node.alias]];
    case Op::param:
      return param_of(c, node).decimal;
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return kNaN;
      return eval_real(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
    case Op::coalesce:
      for (std::uint32_t i = 0; i < node.count; ++i) {
        double v = eval_real(c, c.program.args[node.first + i]);
        if (!std::isnan(v)) return v;
      }
      return kNaN;
    case Op::int_to_real: {
      std::int64_t a = eval_int(c, node.kid[0]);
      return a == kMissing ? kNaN : static_cast<double>(a);
    }
    case Op::add:
      return eval_real(c, node.kid[0]) + eval_real(c, node.kid[1]);
    case Op::sub:
      return eval_real(c, node.kid[0]) - eval_real(c, node.kid[1]);
    case Op::mul:
      return eval_real(c, node.kid[0]) * eval_real(c, node.kid[1]);
    case Op::div: {
      double a = eval_real(c, node.kid[0]);
      double b = eval_real(c, node.kid[1]);
      return b == 0 ? kNaN : a / b;
    }
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

TextVal eval_text(Ctx& c, std::uint32_t n) {
  const Node& node = c.nodes[n];
  switch (node.op) {
    case Op::const_text:
      return TextVal{node.code, !node.unknown, {}};
    case Op::column: {
      Code code = node.column->codes[c.rows[node.alias]];
      return TextVal{code, code != kNoCode, {}};
    }
    case Op::record_key:
      return TextVal{node.table->record_key(c.rows[node.alias]), true, {}};
    case Op::region: {
      Code code = node.table->region(c.rows[node.alias]);
      return TextVal{code, code != kNoCode, {}};
    }
    case Op::param:
      return TextVal{kNoCode, true, param_of(c, node).text};
    case Op::cond: {
      Tri test = eval_bool(c, node.kid[0]);
      if (test == Tri::unknown) return TextVal{};
      return eval_text(c, node.kid[test == Tri::yes ? 1 : 2]);
    }
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
      std::string& out = c.new_string();
      out.assign(town);
      return TextVal{kNoCode, true, out};
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

bool eval_known(Ctx& c, std::uint32_t n) {
  switch (c.nodes[n].cls) {
    case Cls::boolean:
      return eval_bool(c, n) != Tri::unknown;
    case Cls::integer:
      return eval_int(c, n) != kMissing;
    case Cls::real:
      return !std::isnan(eval_real(c, n));
    case Cls::text:
      return eval_text(c, n).known;
    case Cls::list:
      return true;
  }
  return false;
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

Value evaluate(const Program& program, std::uint32_t node, const Dictionary& dictionary,
               const Binding& binding) {
  Ctx c(program, dictionary, binding);
  const Node& root = program.nodes[node];
  Value value;
  value.type = root.type;
  switch (root.cls) {
    case Cls::boolean: {
      Tri t = eval_bool(c, node);
      value.unknown = t == Tri::unknown;
      value.integer = t == Tri::yes ? 1 : 0;
      break;
    }
    case Cls::integer: {
      std::int64_t v = eval_int(c, node);
      value.unknown = v == kMissing;
      value.integer = value.unknown ? 0 : v;
      break;
    }
    case Cls::real: {
      double v = eval_real(c, node);
      value.unknown = std::isnan(v);
      value.decimal = value.unknown ? 0 : v;
      break;
    }
    case Cls::text: {
      TextVal t = eval_text(c, node);
      value.unknown = !t.known;
      if (t.code != kNoCode) {
        value.code = t.code;
      } else if (t.known) {
        value.text.assign(t.view);
      }
      break;
    }
    case Cls::list:
      value.unknown = true;
      break;
  }
  return value;
}

Truth evaluate_truth(const Program& program, const Dictionary& dictionary, const Binding& binding) {
  Ctx c(program, dictionary, binding);
  return eval_bool(c, program.root);
}

}  // namespace mingjing::rules::expr_detail
