#include "rules/engine.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>
#include <unordered_map>
#include <variant>

#include "core/date.h"
#include "core/workday_calendar.h"
#include "imports/validate.h"
#include "rules/expr.h"

namespace mingjing::rules {
namespace {

using Rows = std::vector<std::uint32_t>;

// Turns a compile error's character offset into the rule file's line and
// column: expressions sit on one line in the YAML unless written as block
// text, so offsets within the first line move the column, later lines the
// line.
std::string at_source(const ExprText& e, std::size_t offset) {
  int line = e.mark.line, column = e.mark.column;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < e.text.size() && chars < offset; ++i) {
    const unsigned char c = static_cast<unsigned char>(e.text[i]);
    if ((c & 0xC0) == 0x80) continue;  // inside a UTF-8 sequence
    ++chars;
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return e.mark.file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ExprType expr_type(ParamType t) {
  switch (t) {
    case ParamType::integer:
    case ParamType::days:
      return ExprType::integer;
    case ParamType::money:
      return ExprType::money;
    case ParamType::ratio:
    case ParamType::decimal:
      return ExprType::decimal;
    case ParamType::date:
      return ExprType::date;
    case ParamType::text:
      return ExprType::text;
    case ParamType::text_list:
      return ExprType::list;
  }
  return ExprType::integer;
}

ParamValue expr_value(const ParamSetting& s) {
  ParamValue v;
  v.type = expr_type(s.type);
  v.integer = s.integer;
  v.decimal = s.decimal;
  v.text = s.text;
  v.list = s.list;
  return v;
}

nlohmann::json param_json(const ParamSetting& s) {
  switch (s.type) {
    case ParamType::integer:
    case ParamType::days:
    case ParamType::money:
      return s.integer;
    case ParamType::ratio:
    case ParamType::decimal:
      return s.decimal;
    case ParamType::date:
      return core::Date::from_days(s.integer).to_string();
    case ParamType::text:
      return s.text;
    case ParamType::text_list:
      return s.list;
  }
  return nullptr;
}

nlohmann::json value_json(const Value& v, const Dictionary& dict) {
  if (v.unknown) return nullptr;
  switch (v.type) {
    case ExprType::boolean:
      return v.integer != 0;
    case ExprType::integer:
      return v.integer;
    case ExprType::decimal:
      return v.decimal;
    default:
      return render(v, dict);
  }
}

// Hyndman-Fan type 8 quantile of sorted values (as R's quantile(type = 8)).
double quantile8(const std::vector<double>& sorted, double p) {
  const double n = static_cast<double>(sorted.size());
  if (sorted.empty()) return 0;
  double h = (n + 1.0 / 3.0) * p + 1.0 / 3.0;
  if (h <= 1) return sorted.front();
  if (h >= n) return sorted.back();
  const auto lo = static_cast<std::size_t>(std::floor(h));
  return sorted[lo - 1] + (h - static_cast<double>(lo)) * (sorted[lo] - sorted[lo - 1]);
}

// One `a.x == b.y` key equality opening a join's `on`.
struct KeyEquality {
  std::size_t left_alias = 0;  // an earlier alias
  std::string left_column;
  std::string right_column;  // of the joined alias: indexed
};

std::optional<KeyEquality> key_equality(const std::string& on,
                                        const std::vector<std::string>& aliases,
                                        std::size_t joined) {
  static const std::regex form(
      R"(^\s*([a-z][a-z0-9_]*)\.([a-z0-9_.]+)\s*==\s*([a-z][a-z0-9_]*)\.([a-z0-9_.]+)\s*(?:(?:and|&&)\s+[\s\S]*)?$)");
  std::smatch m;
  if (!std::regex_match(on, m, form)) return std::nullopt;
  auto index_of = [&](const std::string& a) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i <= joined && i < aliases.size(); ++i) {
      if (aliases[i] == a) return i;
    }
    return std::nullopt;
  };
  auto a = index_of(m[1]), b = index_of(m[3]);
  if (!a || !b) return std::nullopt;
  if (*b == joined && *a < joined) return KeyEquality{*a, m[2], m[4]};
  if (*a == joined && *b < joined) return KeyEquality{*b, m[4], m[2]};
  return std::nullopt;
}

// A second `a.x == b.y` right after the first one (`a.x == b.y and c.z ==
// b.w and ...`), for batch runs to join on both keys at once. None when
// the condition holds an `or`, which could make it optional.
std::optional<KeyEquality> second_key_equality(const std::string& on,
                                               const std::vector<std::string>& aliases,
                                               std::size_t joined) {
  static const std::regex rest(
      R"(^\s*[a-z][a-z0-9_]*\.[a-z0-9_.]+\s*==\s*[a-z][a-z0-9_]*\.[a-z0-9_.]+\s*(?:and|&&)\s+([\s\S]*)$)");
  static const std::regex either(R"((^|[^a-z0-9_])or([^a-z0-9_]|$)|\|\|)");
  std::smatch m;
  if (!std::regex_match(on, m, rest) || std::regex_search(on, either)) return std::nullopt;
  return key_equality(m[1].str(), aliases, joined);
}

// A key value of one row for a hash-index look-up; nullopt when missing.
std::optional<std::int64_t> key_of(const FactTable& t, const std::string& column,
                                   std::uint32_t row) {
  if (column == "record_key" && !t.column(column)) return t.record_key(row);
  if (column == "region" && !t.column(column)) {
    Code c = t.region(row);
    return c == kNoCode ? std::nullopt : std::optional<std::int64_t>(c);
  }
  const FactColumn* c = t.column(column);
  if (!c || c->missing(row)) return std::nullopt;
  if (c->type == FactType::text) return static_cast<std::int64_t>(c->codes[row]);
  if (c->type == FactType::decimal) return std::nullopt;
  return c->ints[row];
}

// The civil day (Asia/Shanghai, UTC+8 all year) of a unix-ms time.
std::int64_t shanghai_day(std::int64_t unix_ms) {
  const std::int64_t local = unix_ms + 8LL * 3600 * 1000;
  return local >= 0 ? local / 86400000 : -((-local + 86399999) / 86400000);
}

// An explanation template: literal text and compiled holes.
struct Template {
  std::vector<std::variant<std::string, Expression>> parts;
};

}  // namespace

struct Engine::Compiled {
  const RuleDef* rule = nullptr;
  std::vector<const FactTable*> tables;  // per alias: from, then joins
  std::vector<std::string> aliases;
  std::vector<ParamSlot> slots;
  ParamResolver resolver;
  std::vector<ResolvedParam> uniform_params;  // when the resolver is uniform
  std::vector<ParamValue> uniform_values;

  std::optional<Expression> where;  // record/match/missing/deadline: full scope; window: row scope
  std::vector<KeyEquality> keys;    // per join
  // per join: a second key equality, when `on` opens with two (batch runs
  // look both up at once)
  std::vector<std::optional<KeyEquality>> second_keys;
  std::vector<Expression> on;                         // per join, over aliases 0..j
  std::vector<std::optional<Expression>> join_where;  // missing: counterpart filter

  std::vector<Expression> group;  // window, row scope
  // window: the `from` column the first group key reads when it is just
  // that column ("s.account_no"): an incremental run finds the rows of the
  // groups it re-judges through its index instead of reading every row.
  std::string group_column;
  std::optional<Expression> time;
  std::optional<Expression> having;       // window: group scope
  std::optional<Expression> outlier;      // window: group scope
  std::optional<Expression> outlier_top;  // window: group scope, the figure ranked
  // A rule over the warnings (D07, E03) passes over the warnings of every
  // rule that reads warnings, itself included, so no such rule feeds on
  // what it or another one raised.
  const FactColumn* warning_rule = nullptr;  // warnings.rule_id, when `from` is warnings
  std::vector<Code> skipped_rules;

  std::optional<Expression> due, warn_before, red_after, done;

  std::vector<Expression> dedup;
  std::optional<Expression> region;
  Template explain;
  std::vector<std::pair<std::string, Expression>> evidence;
  std::vector<std::size_t> subject_aliases;
  std::vector<std::string> datasets;

  explicit Compiled(const RuleDef& r, std::vector<ParamOverride> overrides)
      : rule(&r), resolver(r, std::move(overrides)) {}

  // The parameters in force for a region, with where they came from.
  struct Params {
    std::vector<ResolvedParam> resolved;
    std::vector<ParamValue> values;
  };
  const Params& params_for(Code region, const Dictionary& dict,
                           std::unordered_map<Code, Params>& cache) const {
    auto it = cache.find(region);
    if (it != cache.end()) return it->second;
    Params p;
    p.resolved = resolver.resolve(dict.text(region));
    for (const auto& r : p.resolved) p.values.push_back(expr_value(r.value));
    return cache.emplace(region, std::move(p)).first->second;
  }
};

Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;
Engine::~Engine() = default;

std::size_t Engine::size() const {
  return rules_.size();
}

std::vector<std::string> Engine::datasets_of(std::string_view rule_id) const {
  for (const auto& c : rules_) {
    if (c->rule->id == rule_id) return c->datasets;
  }
  return {};
}

core::Result<Engine> Engine::compile(const std::vector<RuleDef>& rules, FactStore& facts,
                                     std::vector<ParamOverride> overrides,
                                     const core::WorkdayCalendar& calendar) {
  Engine engine;
  for (const RuleDef& rule : rules) {
    auto c = std::make_unique<Compiled>(rule, overrides);
    auto fail = [&](const SourceMark& mark, const std::string& field, const std::string& msg) {
      std::string where = mark.file;
      if (mark.line > 0)
        where += ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
      return core::Error::invalid(where + "：规则 " + rule.id + " 字段 " + field + "：" + msg,
                                  field);
    };
    auto add_alias = [&](const DatasetRef& ref, const std::string& field) -> core::Status {
      const FactTable* t = facts.table(ref.dataset);
      if (!t) return fail(ref.mark, field, "未知的数据集：" + ref.dataset);
      c->tables.push_back(t);
      c->aliases.push_back(ref.alias);
      if (std::find(c->datasets.begin(), c->datasets.end(), ref.dataset) == c->datasets.end()) {
        c->datasets.push_back(ref.dataset);
      }
      return {};
    };
    if (auto st = add_alias(rule.from, "from"); !st.ok()) return st.error();
    for (std::size_t j = 0; j < rule.joins.size(); ++j) {
      if (is_derived_dataset(rule.joins[j].ref.dataset)) {
        return fail(rule.joins[j].ref.mark, "join",
                    "派生数据集 " + rule.joins[j].ref.dataset + " 只能用在 from");
      }
      if (auto st = add_alias(rule.joins[j].ref, "join"); !st.ok()) return st.error();
    }
    for (const auto& p : rule.params) c->slots.push_back({p.name, expr_type(p.type), true});
    if (c->resolver.uniform()) {
      c->uniform_params = c->resolver.resolve("");
      for (const auto& r : c->uniform_params) c->uniform_values.push_back(expr_value(r.value));
    }

    // Scopes: the first n aliases; window rules also have a group scope in
    // which the `from` alias is aggregated and `latest` is the window's
    // last row.
    auto scope = [&](std::size_t n) {
      Scope s;
      for (std::size_t i = 0; i < n; ++i) s.aliases.push_back({c->aliases[i], c->tables[i], false});
      s.params = c->slots;
      return s;
    };
    Scope group_scope;
    group_scope.aliases.push_back({c->aliases[0], c->tables[0], true});
    group_scope.aliases.push_back({"latest", c->tables[0], false});
    group_scope.params = c->slots;
    group_scope.aggregates_allowed = true;

    std::optional<core::Error> error;
    auto compile_expr = [&](const ExprText& e, const Scope& s, const std::string& field,
                            std::optional<ExprType> want) -> std::optional<Expression> {
      if (error) return std::nullopt;
      auto r = Expression::compile(e.text, s, facts.dictionary(), &calendar);
      if (auto* bad = std::get_if<Expression::CompileError>(&r)) {
        error = core::Error::invalid(at_source(e, bad->offset) + "：规则 " + rule.id + " 字段 " +
                                         field + "：" + bad->error.message,
                                     field);
        return std::nullopt;
      }
      Expression x = std::get<Expression>(std::move(r));
      if (want && x.type() != *want) {
        error = core::Error::invalid(at_source(e, 0) + "：规则 " + rule.id + " 字段 " + field +
                                         "：应为" + std::string(to_string(*want)) + "，实为" +
                                         std::string(to_string(x.type())),
                                     field);
        return std::nullopt;
      }
      return x;
    };
    const std::size_t all = c->aliases.size();
    const bool window = rule.shape == Shape::window;
    const bool missing = rule.shape == Shape::missing;
    if (!rule.where.empty()) {
      // A missing rule's where judges the `from` record alone; a window
      // rule's sees its joins (a row enters its group when some joined
      // records satisfy the `on`s and `where`).
      c->where = compile_expr(rule.where, scope(missing ? 1 : all), "where", ExprType::boolean);
    }
    for (std::size_t j = 0; j < rule.joins.size(); ++j) {
      const std::size_t alias = j + 1;
      auto key = key_equality(rule.joins[j].on.text, c->aliases, alias);
      if (!key) {
        return fail(rule.joins[j].on.mark, "join.on",
                    "应以“已有别名.列 == " + c->aliases[alias] + ".列”开头（连接所用的键）");
      }
      const FactColumn* right = c->tables[alias]->column(key->right_column);
      if (!right || right->type == FactType::decimal) {
        return fail(rule.joins[j].on.mark, "join.on",
                    "不能按此列连接：" + c->aliases[alias] + "." + key->right_column);
      }
      c->keys.push_back(*key);
      auto second = second_key_equality(rule.joins[j].on.text, c->aliases, alias);
      if (second) {
        const FactColumn* col = c->tables[alias]->column(second->right_column);
        if (!col || col->type == FactType::decimal) second.reset();
      }
      c->second_keys.push_back(second);
      if (auto e = compile_expr(rule.joins[j].on, scope(alias + 1), "join.on", ExprType::boolean)) {
        c->on.push_back(std::move(*e));
      }
      c->join_where.push_back(rule.joins[j].where.empty()
                                  ? std::nullopt
                                  : compile_expr(rule.joins[j].where, scope(alias + 1),
                                                 "without.where", ExprType::boolean));
    }
    for (const auto& g : rule.group) {
      if (auto e = compile_expr(g, scope(1), "group", std::nullopt))
        c->group.push_back(std::move(*e));
    }
    if (window && !rule.group.empty()) {
      static const std::regex plain_column(R"(^\s*([a-z][a-z0-9_]*)\.([a-z0-9_.]+)\s*$)");
      std::smatch m;
      const std::string& first = rule.group.front().text;
      if (std::regex_match(first, m, plain_column) && m[1] == c->aliases[0]) {
        const FactColumn* column = c->tables[0]->column(m[2].str());
        if (column && column->type != FactType::decimal) c->group_column = m[2];
      }
    }
    if (!rule.time.empty()) c->time = compile_expr(rule.time, scope(1), "time", std::nullopt);
    if (c->time && c->time->type() != ExprType::date && c->time->type() != ExprType::datetime) {
      return fail(rule.time.mark, "time", "应为日期或时间");
    }
    if (!rule.having.empty()) {
      c->having = compile_expr(rule.having, group_scope, "having", ExprType::boolean);
    }
    if (!rule.outlier.empty())
      c->outlier = compile_expr(rule.outlier, group_scope, "outlier", std::nullopt);
    if (c->outlier && c->outlier->type() != ExprType::integer &&
        c->outlier->type() != ExprType::decimal && c->outlier->type() != ExprType::money) {
      return fail(rule.outlier.mark, "outlier.value", "应为数值");
    }
    if (!rule.outlier_top.empty()) {
      c->outlier_top =
          compile_expr(rule.outlier_top, group_scope, "outlier.top.value", std::nullopt);
      if (c->outlier_top && c->outlier_top->type() != ExprType::integer &&
          c->outlier_top->type() != ExprType::decimal &&
          c->outlier_top->type() != ExprType::money) {
        return fail(rule.outlier_top.mark, "outlier.top.value", "应为数值");
      }
    }
    if (!rule.due.empty()) c->due = compile_expr(rule.due, scope(1), "due", ExprType::date);
    if (!rule.warn_before.empty()) {
      c->warn_before = compile_expr(rule.warn_before, scope(1), "warn_before", ExprType::integer);
    }
    if (!rule.red_after.empty()) {
      c->red_after = compile_expr(rule.red_after, scope(1), "red_after", ExprType::integer);
    }
    if (!rule.done.empty()) c->done = compile_expr(rule.done, scope(1), "done", ExprType::boolean);

    const Scope out = window ? group_scope : scope(missing ? 1 : all);
    for (const auto& d : rule.dedup) {
      if (auto e = compile_expr(d, out, "dedup", std::nullopt)) c->dedup.push_back(std::move(*e));
    }
    if (!rule.region.empty()) c->region = compile_expr(rule.region, out, "region", ExprType::text);
    for (const auto& [name, e] : rule.evidence) {
      if (auto x = compile_expr(e, out, "evidence." + name, std::nullopt)) {
        c->evidence.emplace_back(name, std::move(*x));
      }
    }
    // The explanation: "{expr}" holes between literal text.
    const std::string& t = rule.explain;
    std::size_t pos = 0;
    while (pos < t.size() && !error) {
      std::size_t open = t.find('{', pos);
      if (open == std::string::npos) {
        c->explain.parts.emplace_back(t.substr(pos));
        break;
      }
      if (open > pos) c->explain.parts.emplace_back(t.substr(pos, open - pos));
      std::size_t close = t.find('}', open);
      ExprText hole{t.substr(open + 1, close - open - 1), rule.explain_mark};
      if (auto e = compile_expr(hole, out, "explain", std::nullopt)) {
        c->explain.parts.emplace_back(std::move(*e));
      }
      pos = close + 1;
    }
    if (error) return *error;
    if (rule.subjects.empty()) {
      const std::size_t n = missing ? 1 : all;
      for (std::size_t i = 0; i < n; ++i) c->subject_aliases.push_back(i);
    } else {
      for (const auto& a : rule.subjects) {
        auto it = std::find(c->aliases.begin(), c->aliases.end(), a);
        c->subject_aliases.push_back(static_cast<std::size_t>(it - c->aliases.begin()));
      }
    }
    // Join keys are looked up through shared indexes: build them now, so
    // runs on several threads only read.
    for (std::size_t j = 0; j < c->keys.size(); ++j) {
      facts.warm_index(c->tables[j + 1]->name(), c->keys[j].right_column);
    }
    if (!c->group_column.empty()) facts.warm_index(c->tables[0]->name(), c->group_column);
    engine.rules_.push_back(std::move(c));
  }
  // Rules over the warnings skip the warnings of every rule over the warnings.
  std::vector<Code> readers;
  for (const auto& c : engine.rules_) {
    if (is_derived_dataset(c->tables[0]->name())) {
      readers.push_back(facts.dictionary().intern(c->rule->id));
    }
  }
  for (auto& c : engine.rules_) {
    if (c->tables[0]->name() != "warnings") continue;
    c->warning_rule = c->tables[0]->column("rule_id");
    c->skipped_rules = readers;
  }
  return engine;
}

std::vector<RuleRun> Engine::run(const FactStore& facts, std::int64_t as_of,
                                 const std::vector<RuleStatus>& statuses) const {
  std::vector<std::string> ids;
  for (const auto& c : rules_) {
    if (std::find(statuses.begin(), statuses.end(), c->rule->status) != statuses.end()) {
      ids.push_back(c->rule->id);
    }
  }
  return run_only(facts, as_of, ids);
}

namespace {

// The work of one rule over a set of `from` rows (all of them for a batch
// run, the affected ones for an incremental run).
class RuleRunner {
 public:
  using Compiled = Engine::Compiled;
  RuleRunner(const Compiled& c, const FactStore& facts, std::int64_t as_of)
      : c_(c), facts_(facts), dict_(facts.dictionary()), as_of_(as_of) {
    out_.rule = c.rule;
  }

  RuleRun finish(long long started_us) {
    for (auto& [region, n] : unknown_) {
      out_.not_evaluated.push_back({region, n, "所需数据缺失，未能判断"});
    }
    for (std::size_t i = 0; i < c_.tables.size(); ++i) {
      if (c_.tables[i]->size() == 0) {
        out_.not_evaluated.push_back(
            {"", 0, "没有" + c_.tables[i]->spec().chinese + "数据，规则未能运行"});
      }
    }
    out_.eval_us = now_us() - started_us;
    return std::move(out_);
  }

  static long long now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Incremental runs list the `from` records they judge.
  void record_judged(bool on) { record_judged_ = on; }
  // Batch runs go over every `from` row: an index of their own on two join
  // keys pays for itself.
  void batch(bool on) { batch_ = on; }

  // record, match, deadline: one `from` row and everything joined to it.
  void row(std::uint32_t r) {
    const FactTable& from = *c_.tables[0];
    if (skipped(r)) return;
    if (record_judged_) judged(r);
    const auto& params = params_for(from.region(r));
    bound_.assign(c_.tables.size(), 0);
    bound_[0] = r;
    switch (c_.rule->shape) {
      case Shape::record:
        judge_full(r, params, c_.rule->severity);
        break;
      case Shape::match:
        join_from(1, r, params);
        break;
      case Shape::missing:
        missing(r, params);
        break;
      case Shape::deadline:
        deadline(r, params);
        break;
      case Shape::window:
        break;  // windows run per group
    }
  }

  // window: every group, or the groups of the given rows. `candidates`
  // (ascending), when given, hold every row of those groups: only they are
  // read.
  void windows(const std::vector<std::uint32_t>* only,
               const std::vector<std::uint32_t>* candidates = nullptr) {
    const FactTable& from = *c_.tables[0];
    const std::size_t width = c_.group.size();
    // A group value that is a column of `from` (`s.program_code`) is read
    // from the column; anything else is evaluated.
    std::vector<const FactColumn*> direct(width, nullptr);
    static const std::regex plain(R"(^\s*([a-z][a-z0-9_]*)\.([a-z0-9_.]+)\s*$)");
    for (std::size_t g = 0; g < width; ++g) {
      std::smatch m;
      const std::string& source = c_.group[g].source();
      if (std::regex_match(source, m, plain) && m[1] == c_.aliases[0]) {
        direct[g] = from.column(m[2].str());
      }
    }
    // Each passing row's group key as fixed-width integers (codes, integers,
    // the bits of decimals), so grouping sorts integers instead of
    // rendering and comparing text for every row.
    std::vector<std::int64_t> keys;
    std::vector<std::uint32_t> passing;
    std::set<std::vector<std::int64_t>> wanted;
    std::vector<std::int64_t> k(width);
    keys.reserve(from.size() * width);
    passing.reserve(from.size());
    auto key = [&](std::uint32_t r) -> bool {
      for (std::size_t g = 0; g < width; ++g) {
        if (const FactColumn* c = direct[g]) {
          if (c->missing(r)) return false;
          k[g] = c->type == FactType::text ? std::int64_t{c->codes[r]}
                 : c->type == FactType::decimal
                     ? std::bit_cast<std::int64_t>(c->reals[r] == 0 ? 0.0 : c->reals[r])
                     : c->ints[r];
          continue;
        }
        const auto& params = params_for(from.region(r));
        std::uint32_t rows[1] = {r};
        Value v = c_.group[g].eval(facts_, Binding{rows, {}, params.values, as_of_});
        if (v.unknown) return false;
        k[g] = key_part(v);
      }
      return true;
    };
    if (only) {
      for (auto r : *only) {
        if (passes_where_row(r) == Truth::yes && key(r)) wanted.insert(k);
      }
    }
    auto visit = [&](std::uint32_t r) {
      if (skipped(r)) return;
      Truth w = passes_where_row(r);
      if (w == Truth::unknown) {
        if (!only) ++unknown_[std::string(dict_.text(from.region(r)))];
        return;
      }
      if (w == Truth::no) return;
      if (!key(r)) {
        if (!only) ++unknown_[std::string(dict_.text(from.region(r)))];
        return;
      }
      if (only && !wanted.contains(k)) return;
      if (record_judged_) judged(r);
      keys.insert(keys.end(), k.begin(), k.end());
      passing.push_back(r);
    };
    if (candidates) {
      for (auto r : *candidates) visit(r);
    } else {
      for (std::uint32_t r = 0; r < from.size(); ++r) visit(r);
    }
    // Rows in key order, and in row order within a group: one array, each
    // group a span of it. Keys of up to three values sort with their rows
    // in place; wider ones through an index.
    Rows grouped(passing.size());
    std::vector<std::size_t> starts;
    auto key_at = [&](std::size_t i) { return keys.data() + i * width; };
    if (width <= 3) {
      struct Entry {
        std::array<std::int64_t, 3> key{};
        std::uint32_t row = 0;
      };
      std::vector<Entry> entries(passing.size());
      for (std::size_t i = 0; i < entries.size(); ++i) {
        std::copy(key_at(i), key_at(i) + width, entries[i].key.begin());
        entries[i].row = passing[i];
      }
      // Element by element: std::array's operators call memcmp.
      auto same = [](const Entry& a, const Entry& b) {
        return a.key[0] == b.key[0] && a.key[1] == b.key[1] && a.key[2] == b.key[2];
      };
      std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        if (a.key[0] != b.key[0]) return a.key[0] < b.key[0];
        if (a.key[1] != b.key[1]) return a.key[1] < b.key[1];
        if (a.key[2] != b.key[2]) return a.key[2] < b.key[2];
        return a.row < b.row;
      });
      for (std::size_t i = 0; i < entries.size(); ++i) {
        grouped[i] = entries[i].row;
        if (i == 0 || !same(entries[i], entries[i - 1])) starts.push_back(i);
      }
    } else {
      std::vector<std::uint32_t> order(passing.size());
      for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const std::int64_t *ka = key_at(a), *kb = key_at(b);
        for (std::size_t g = 0; g < width; ++g) {
          if (ka[g] != kb[g]) return ka[g] < kb[g];
        }
        return a < b;
      });
      for (std::size_t i = 0; i < order.size(); ++i) {
        grouped[i] = passing[order[i]];
        if (i == 0 ||
            !std::equal(key_at(order[i]), key_at(order[i]) + width, key_at(order[i - 1]))) {
          starts.push_back(i);
        }
      }
    }
    starts.push_back(grouped.size());
    std::vector<Group> groups;
    for (std::size_t g = 0; g + 1 < starts.size(); ++g) {
      groups.emplace_back(grouped.data() + starts[g], starts[g + 1] - starts[g]);
    }
    if (c_.outlier) {
      outliers(groups);
      return;
    }
    for (const auto& rows : groups) window_group(rows);
  }

 private:
  using Params = Compiled::Params;
  using Group = std::span<const std::uint32_t>;

  // One group value as an integer: equal values, equal integers. Text
  // computed at run time that the dictionary does not hold gets a negative
  // number of this run's own.
  std::int64_t key_part(const Value& v) {
    if (v.type == ExprType::decimal) {
      return std::bit_cast<std::int64_t>(v.decimal == 0 ? 0.0 : v.decimal);
    }
    if (v.code != kNoCode) return v.code;
    if (!v.text.empty()) {
      if (auto code = dict_.find(v.text)) return *code;
      auto [it, added] = local_texts_.try_emplace(v.text, -1 - std::int64_t(local_texts_.size()));
      return it->second;
    }
    return v.integer;
  }

  const Params& params_for(Code region) {
    if (c_.resolver.uniform()) {
      if (uniform_.resolved.empty() && !c_.uniform_params.empty()) {
        uniform_.resolved = c_.uniform_params;
        uniform_.values = c_.uniform_values;
      }
      return uniform_;
    }
    return c_.params_for(region, dict_, cache_);
  }

  bool skipped(std::uint32_t r) const {
    if (!c_.warning_rule) return false;
    const Code rule = c_.warning_rule->codes[r];
    return std::find(c_.skipped_rules.begin(), c_.skipped_rules.end(), rule) !=
           c_.skipped_rules.end();
  }

  // window: whether row r enters its group. With joins, some combination of
  // joined records must satisfy the `on`s and `where` (yes as soon as one
  // does; unknown when none does and one could not be judged).
  Truth passes_where_row(std::uint32_t r) {
    const FactTable& from = *c_.tables[0];
    const Params& params = params_for(from.region(r));
    if (c_.tables.size() > 1) {
      bound_.assign(c_.tables.size(), 0);
      bound_[0] = r;
      return some_binding(1, params);
    }
    if (!c_.where) return Truth::yes;
    std::uint32_t rows[1] = {r};
    Binding b{rows, {}, params.values, as_of_};
    return c_.where->truth(facts_, b);
  }

  Truth some_binding(std::size_t j, const Params& params) {
    if (j == c_.tables.size()) {
      if (!c_.where) return Truth::yes;
      return c_.where->truth(facts_, Binding{bound_, {}, params.values, as_of_});
    }
    const KeyEquality& key = c_.keys[j - 1];
    auto value = key_of(*c_.tables[key.left_alias], key.left_column, bound_[key.left_alias]);
    if (!value) return Truth::unknown;
    Truth found = Truth::no;
    const HashIndex& index = facts_.index(c_.tables[j]->name(), key.right_column);
    for (std::uint32_t candidate : index.rows(*value)) {
      bound_[j] = candidate;
      Binding b{std::span<const std::uint32_t>(bound_.data(), j + 1), {}, params.values, as_of_};
      Truth t = c_.on[j - 1].truth(facts_, b);
      if (t == Truth::yes) t = some_binding(j + 1, params);
      if (t == Truth::yes) return Truth::yes;
      if (t == Truth::unknown) found = Truth::unknown;
    }
    return found;
  }

  void count_unknown(std::uint32_t from_row) {
    ++unknown_[std::string(dict_.text(c_.tables[0]->region(from_row)))];
  }

  // The rows of alias j's table whose key equals `value` (alias j's first
  // key equality): from the store's shared index; in a batch run whose `on`
  // opens with two key equalities, from this run's index on both keys
  // (with the rows whose second key is missing, which `on` judges unknown),
  // so that a join on amount and village does not try every payment of the
  // county with that amount. The rows come in ascending order either way.
  std::span<const std::uint32_t> candidates(std::size_t j, std::int64_t value) {
    const auto& second = c_.second_keys[j - 1];
    if (batch_ && second) {
      auto value2 =
          key_of(*c_.tables[second->left_alias], second->left_column, bound_[second->left_alias]);
      if (value2) return pair_rows(j, value, *value2);
    }
    // The store's index, looked up once per run (index() locks).
    if (shared_indexes_.size() <= j) shared_indexes_.resize(c_.tables.size(), nullptr);
    if (!shared_indexes_[j]) {
      shared_indexes_[j] = &facts_.index(c_.tables[j]->name(), c_.keys[j - 1].right_column);
    }
    return shared_indexes_[j]->rows(value);
  }

  struct PairKey {
    std::int64_t first, second;
    std::uint32_t row;
    auto operator<=>(const PairKey&) const = default;
  };

  std::span<const std::uint32_t> pair_rows(std::size_t j, std::int64_t first, std::int64_t second) {
    if (pair_indexes_.size() <= j) {
      pair_indexes_.resize(c_.tables.size());
      pair_scratch_.resize(c_.tables.size());
      pair_missing_.resize(c_.tables.size());
    }
    auto& index = pair_indexes_[j];
    if (!index) {
      index.emplace();
      const FactTable& t = *c_.tables[j];
      const std::string& column1 = c_.keys[j - 1].right_column;
      const std::string& column2 = c_.second_keys[j - 1]->right_column;
      for (std::uint32_t r = 0; r < t.size(); ++r) {
        auto k1 = key_of(t, column1, r);
        if (!k1) continue;
        auto k2 = key_of(t, column2, r);
        if (!k2) pair_missing_[j] = true;
        index->push_back({*k1, k2 ? *k2 : kMissing, r});
      }
      std::sort(index->begin(), index->end());
    }
    auto& out = pair_scratch_[j];
    out.clear();
    auto take = [&](std::int64_t k2) {
      for (auto it = std::lower_bound(index->begin(), index->end(), PairKey{first, k2, 0});
           it != index->end() && it->first == first && it->second == k2; ++it) {
        out.push_back(it->row);
      }
    };
    // Rows whose second key is missing sort first among their first key.
    if (!index->empty() && pair_missing_[j]) take(kMissing);
    const bool merge = !out.empty();
    if (second != kMissing) take(second);
    if (merge) std::sort(out.begin(), out.end());
    return out;
  }

  // match: binds alias j through its key, then the next; the full binding
  // is judged by `where`.
  void join_from(std::size_t j, std::uint32_t r, const Params& params) {
    if (j == c_.tables.size()) {
      judge_full(r, params, c_.rule->severity);
      return;
    }
    const KeyEquality& key = c_.keys[j - 1];
    auto value = key_of(*c_.tables[key.left_alias], key.left_column, bound_[key.left_alias]);
    if (!value) {
      count_unknown(r);
      return;
    }
    for (std::uint32_t candidate : candidates(j, *value)) {
      bound_[j] = candidate;
      Binding b{std::span<const std::uint32_t>(bound_.data(), j + 1), {}, params.values, as_of_};
      Truth t = c_.on[j - 1].truth(facts_, b);
      if (t == Truth::unknown) count_unknown(r);
      if (t == Truth::yes) join_from(j + 1, r, params);
    }
  }

  void judge_full(std::uint32_t r, const Params& params, Severity severity) {
    Truth t = Truth::yes;
    if (c_.where) {
      Binding b{bound_, {}, params.values, as_of_};
      t = c_.where->truth(facts_, b);
    }
    if (t == Truth::unknown) {
      count_unknown(r);
      return;
    }
    ++out_.evaluated;
    if (t == Truth::yes) emit(bound_, {}, params, severity, {});
  }

  void missing(std::uint32_t r, const Params& params) {
    // With no counterpart records at all (the dataset was never loaded),
    // absence proves nothing: every record is not evaluated.
    if (c_.tables[1]->size() == 0) {
      count_unknown(r);
      return;
    }
    std::uint32_t rows[1] = {r};
    if (c_.where) {
      Truth t = c_.where->truth(facts_, Binding{rows, {}, params.values, as_of_});
      if (t == Truth::unknown) {
        count_unknown(r);
        return;
      }
      if (t == Truth::no) return;
    }
    const KeyEquality& key = c_.keys[0];
    auto value = key_of(*c_.tables[0], key.left_column, r);
    if (!value) {
      count_unknown(r);
      return;
    }
    bool unknown = false;
    for (std::uint32_t candidate : candidates(1, *value)) {
      std::uint32_t pair[2] = {r, candidate};
      Binding b{pair, {}, params.values, as_of_};
      Truth t = c_.on[0].truth(facts_, b);
      if (t == Truth::yes && c_.join_where[0]) t = c_.join_where[0]->truth(facts_, b);
      if (t == Truth::yes) {
        ++out_.evaluated;
        return;  // it has its counterpart
      }
      if (t == Truth::unknown) unknown = true;
    }
    if (unknown) {
      count_unknown(r);
      return;
    }
    ++out_.evaluated;
    bound_.assign(1, r);
    emit(bound_, {}, params, c_.rule->severity, {});
  }

  void deadline(std::uint32_t r, const Params& params) {
    std::uint32_t rows[1] = {r};
    Binding b{rows, {}, params.values, as_of_};
    if (c_.where) {
      Truth t = c_.where->truth(facts_, b);
      if (t == Truth::unknown) {
        count_unknown(r);
        return;
      }
      if (t == Truth::no) return;
    }
    Value due = c_.due->eval(facts_, b);
    if (due.unknown) {
      count_unknown(r);
      return;
    }
    if (c_.done) {
      Truth d = c_.done->truth(facts_, b);
      if (d == Truth::yes) {
        ++out_.evaluated;
        return;
      }
      if (d == Truth::unknown) {
        count_unknown(r);
        return;
      }
    }
    std::int64_t before = 0, after = 0;
    for (auto [expr, into] : {std::pair{&c_.warn_before, &before}, {&c_.red_after, &after}}) {
      if (!*expr) continue;
      Value v = (*expr)->eval(facts_, b);
      if (v.unknown) {
        count_unknown(r);
        return;
      }
      *into = v.integer;
    }
    ++out_.evaluated;
    const std::int64_t due_day = due.integer;
    std::optional<Severity> severity;
    if (as_of_ > due_day + after) {
      severity = Severity::red;
    } else if (as_of_ >= due_day - before && as_of_ <= due_day + after) {
      severity = Severity::yellow;
    }
    if (!severity) return;
    bound_.assign(1, r);
    nlohmann::json extra = {{"due", core::Date::from_days(due_day).to_string()},
                            {"days_to_due", due_day - as_of_}};
    emit(bound_, {}, params, *severity, extra);
  }

  // window: the rows of one group in time order; windows ending at each
  // row that pass `having` merge while they overlap.
  void window_group(Group rows) {
    const FactTable& from = *c_.tables[0];
    auto& timed = timed_;
    timed.clear();
    for (auto r : rows) {
      std::int64_t t = 0;
      if (c_.time) {
        std::uint32_t one[1] = {r};
        Value v =
            c_.time->eval(facts_, Binding{one, {}, params_for(from.region(r)).values, as_of_});
        if (v.unknown) {
          count_unknown(r);
          continue;
        }
        t = c_.time->type() == ExprType::datetime ? shanghai_day(v.integer) : v.integer;
      }
      timed.emplace_back(t, r);
    }
    if (c_.time) std::sort(timed.begin(), timed.end());  // else already in row order
    const bool windowed = c_.rule->window_days > 0 || c_.rule->window_months > 0;
    auto window_start = [&](std::int64_t end) -> std::int64_t {
      if (!windowed) return std::numeric_limits<std::int64_t>::min();
      if (c_.rule->window_days > 0) return end - c_.rule->window_days + 1;
      // N months back, the day clamped to the month's length (03-31 -> 02-28).
      const core::Date e = core::Date::from_days(end);
      int months = e.year() * 12 + (e.month() - 1) - c_.rule->window_months;
      int y = months / 12, m = months % 12 + 1;
      int d = std::min(e.day(), core::Date::days_in_month(y, m));
      return core::Date::from_ymd(y, m, d).days_since_epoch() + 1;
    };
    // Open episode: [first, last] indexes into `timed`.
    std::optional<std::pair<std::size_t, std::size_t>> episode;
    std::size_t lo = 0;
    auto close = [&] {
      if (!episode) return;
      Rows& members = case_members_;
      members.clear();
      for (std::size_t i = episode->first; i <= episode->second; ++i)
        members.push_back(timed[i].second);
      emit_group(members, timed[episode->second].second);
      episode.reset();
    };
    const std::size_t start_i = windowed ? 0 : timed.size() - (timed.empty() ? 0 : 1);
    for (std::size_t i = start_i; i < timed.size(); ++i) {
      const std::int64_t from_day = window_start(timed[i].first);
      while (lo < i && timed[lo].first < from_day) ++lo;
      Rows& members = window_members_;
      members.clear();
      for (std::size_t k = lo; k <= i; ++k) members.push_back(timed[k].second);
      Truth t = judge_group(members, timed[i].second);
      if (t == Truth::unknown) {
        count_unknown(timed[i].second);
        continue;
      }
      ++out_.evaluated;
      if (t != Truth::yes) continue;
      if (episode && lo <= episode->second) {
        episode->second = i;  // overlaps the open case: one case
      } else {
        close();
        episode = std::make_pair(lo, i);
      }
    }
    close();
  }

  Truth judge_group(Group members, std::uint32_t latest) {
    if (!c_.having) return Truth::yes;
    const FactTable& from = *c_.tables[0];
    std::uint32_t rows[2] = {0, latest};
    std::span<const std::uint32_t> groups[2] = {members, {}};
    Binding b{rows, groups, params_for(from.region(latest)).values, as_of_};
    return c_.having->truth(facts_, b);
  }

  void outliers(const std::vector<Group>& groups) {
    const FactTable& from = *c_.tables[0];
    struct Figure {
      Group rows;
      std::uint32_t latest;
      double value;
      double top = 0;  // outlier.top's figure
    };
    std::vector<Figure> figures;
    for (const auto& rows : groups) {
      if (rows.empty()) continue;
      std::uint32_t latest = rows.back();
      Truth t = judge_group(rows, latest);
      if (t == Truth::unknown) {
        count_unknown(latest);
        continue;
      }
      if (t == Truth::no) continue;
      std::uint32_t bound[2] = {0, latest};
      std::span<const std::uint32_t> gs[2] = {rows, {}};
      Value v = c_.outlier->eval(
          facts_, Binding{bound, gs, params_for(from.region(latest)).values, as_of_});
      if (v.unknown) {
        count_unknown(latest);
        continue;
      }
      double top = 0;
      if (c_.outlier_top) {
        Value t = c_.outlier_top->eval(
            facts_, Binding{bound, gs, params_for(from.region(latest)).values, as_of_});
        if (t.unknown) {
          count_unknown(latest);
          continue;
        }
        top = t.type == ExprType::decimal ? t.decimal : static_cast<double>(t.integer);
      }
      figures.push_back({rows, latest,
                         v.type == ExprType::decimal ? v.decimal : static_cast<double>(v.integer),
                         top});
    }
    if (figures.size() < 4) {
      // Too few groups for quartiles to mean anything.
      for (const auto& f : figures) count_unknown(f.latest);
      return;
    }
    std::vector<double> sorted;
    for (const auto& f : figures) sorted.push_back(f.value);
    std::sort(sorted.begin(), sorted.end());
    const double q1 = quantile8(sorted, 0.25), q3 = quantile8(sorted, 0.75);
    const double k = c_.rule->outlier_k, iqr = q3 - q1;
    const double low = q1 - k * iqr, high = q3 + k * iqr;
    const std::string& side = c_.rule->outlier_side;
    // outlier.top: the fences are over all groups, but only the groups whose
    // second figure reaches its quantile over all groups may be flagged
    // (cardinal R025: frequent bidders that rarely win).
    std::optional<double> top_cut;
    if (c_.outlier_top) {
      std::vector<double> tops;
      for (const auto& f : figures) tops.push_back(f.top);
      std::sort(tops.begin(), tops.end());
      top_cut = quantile8(tops, c_.rule->outlier_top_quantile);
    }
    for (const auto& f : figures) {
      ++out_.evaluated;
      if (top_cut && f.top < *top_cut) continue;
      // On or beyond a fence (the catalogue's "≥ Q3 + 1.5·IQR"), and strictly
      // beyond the quartile, so that when most groups share one figure
      // (IQR 0) those equal to it are not all outliers.
      bool hit = (side != "low" && f.value >= high && f.value > q3) ||
                 (side != "high" && f.value <= low && f.value < q1);
      if (!hit) continue;
      nlohmann::json extra = {
          {"value", f.value}, {"q1", q1}, {"q3", q3}, {"lower_fence", low}, {"upper_fence", high}};
      if (top_cut) {
        extra["top_value"] = f.top;
        extra["top_cut"] = *top_cut;
      }
      emit_group(f.rows, f.latest, extra);
    }
  }

  void emit_group(Group members, std::uint32_t latest, nlohmann::json extra = {}) {
    const FactTable& from = *c_.tables[0];
    std::vector<std::uint32_t> bound = {0, latest};
    std::span<const std::uint32_t> gs[2] = {members, {}};
    group_members_ = &members;  // only while emit() runs
    emit(bound, gs, params_for(from.region(latest)), c_.rule->severity, extra);
    group_members_ = nullptr;
  }

  void emit(const std::vector<std::uint32_t>& bound,
            std::span<const std::span<const std::uint32_t>> groups, const Params& params,
            Severity severity, const nlohmann::json& extra) {
    const FactTable& from = *c_.tables[0];
    Binding b{bound, groups, params.values, as_of_};
    warnings::Hit hit;
    hit.rule_id = c_.rule->id;
    hit.rule_version = c_.rule->version;
    hit.severity = std::string(to_string(severity));
    // Subjects: the bound records, or every record of a window's case.
    auto subject = [&](std::size_t alias, std::uint32_t row) {
      const FactTable& t = *c_.tables[alias];
      warnings::Subject s{t.name(), std::string(dict_.text(t.record_key(row)))};
      if (std::find(hit.subjects.begin(), hit.subjects.end(), s) == hit.subjects.end()) {
        hit.subjects.push_back(std::move(s));
      }
    };
    if (group_members_) {
      for (auto r : *group_members_) subject(0, r);
    } else {
      for (auto a : c_.subject_aliases) subject(a, bound[a]);
    }
    if (c_.region) {
      Value v = c_.region->eval(facts_, b);
      hit.region_code = v.unknown ? "" : render(v, dict_);
    } else {
      hit.region_code = std::string(
          dict_.text(from.region(bound.size() > 1 && group_members_ ? bound[1] : bound[0])));
    }
    // The same case, the same key: the dedup expressions, or the subjects
    // (a window case by its group's first record, so a growing case keeps
    // its key).
    if (!c_.dedup.empty()) {
      for (const auto& d : c_.dedup) {
        Value v = d.eval(facts_, b);
        hit.dedup_key += (hit.dedup_key.empty() ? "" : "|") + (v.unknown ? "" : render(v, dict_));
      }
    } else if (group_members_) {
      hit.dedup_key = hit.subjects.front().dataset + ":" + hit.subjects.front().record_key;
    } else {
      for (const auto& s : hit.subjects) {
        hit.dedup_key += (hit.dedup_key.empty() ? "" : "|") + s.dataset + ":" + s.record_key;
      }
    }
    if (!seen_.insert(hit.dedup_key).second) return;  // one case, reported once
    // A department's case is found by its programme (subsidies).
    if (const FactColumn* programme = from.column("program_code")) {
      const std::uint32_t row = group_members_ ? bound[1] : bound[0];
      if (!programme->missing(row)) hit.programme = std::string(dict_.text(programme->codes[row]));
    }
    for (const auto& part : c_.explain.parts) {
      if (const auto* text = std::get_if<std::string>(&part)) {
        hit.explanation += *text;
      } else {
        Value v = std::get<Expression>(part).eval(facts_, b);
        hit.explanation += v.unknown ? "（未知）" : render(v, dict_);
      }
    }
    for (const auto& [name, e] : c_.evidence)
      hit.evidence[name] = value_json(e.eval(facts_, b), dict_);
    if (extra.is_object()) {
      for (auto it = extra.begin(); it != extra.end(); ++it) hit.evidence[it.key()] = it.value();
    }
    for (const auto& p : params.resolved) {
      hit.params.push_back({p.def->name, param_json(p.value), p.source});
    }
    out_.hits.push_back(std::move(hit));
  }

  const Compiled& c_;
  const FactStore& facts_;
  const Dictionary& dict_;
  std::int64_t as_of_;
  RuleRun out_;
  std::map<std::string, std::size_t> unknown_;
  std::set<std::string> seen_;
  std::unordered_map<Code, Params> cache_;
  Params uniform_;
  std::vector<std::uint32_t> bound_;
  const Group* group_members_ = nullptr;  // while a window case is emitted
  // window_group's scratch: the group in time order, one window, one case
  std::vector<std::pair<std::int64_t, std::uint32_t>> timed_;
  Rows window_members_, case_members_;
  bool record_judged_ = false;
  bool batch_ = false;
  // batch runs: per alias, the index on its two key columns, and the rows
  // of the last look-up
  std::vector<std::optional<std::vector<PairKey>>> pair_indexes_;
  std::vector<std::vector<std::uint32_t>> pair_scratch_;
  std::vector<char> pair_missing_;                // per alias: some row lacks the second key
  std::vector<const HashIndex*> shared_indexes_;  // per alias, once looked up
  std::unordered_map<std::string, std::int64_t> local_texts_;

  void judged(std::uint32_t r) {
    const FactTable& from = *c_.tables[0];
    out_.judged.push_back({from.name(), std::string(dict_.text(from.record_key(r)))});
  }
};

}  // namespace

std::vector<RuleRun> Engine::run_only(const FactStore& facts, std::int64_t as_of,
                                      const std::vector<std::string>& rule_ids) const {
  std::vector<const Compiled*> todo;
  for (const auto& c : rules_) {
    if (std::find(rule_ids.begin(), rule_ids.end(), c->rule->id) != rule_ids.end()) {
      todo.push_back(c.get());
    }
  }
  // Rules are independent: each core takes the next rule not yet run. The
  // rules over the largest tables go first, so that no long rule starts
  // last while the other cores idle; the runs come back in pack order.
  std::vector<std::size_t> order(todo.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return todo[a]->tables[0]->size() > todo[b]->tables[0]->size();
  });
  std::vector<RuleRun> runs(todo.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failed;
  std::mutex failed_mutex;
  auto work = [&] {
    try {
      for (std::size_t i = next++; i < order.size(); i = next++) {
        const Compiled& c = *todo[order[i]];
        const long long started = RuleRunner::now_us();
        RuleRunner runner(c, facts, as_of);
        runner.batch(true);
        if (c.rule->shape == Shape::window) {
          runner.windows(nullptr);
        } else {
          const auto n = static_cast<std::uint32_t>(c.tables[0]->size());
          for (std::uint32_t r = 0; r < n; ++r) runner.row(r);
        }
        runs[order[i]] = runner.finish(started);
      }
    } catch (...) {  // a bug: rethrown in the caller's thread
      std::lock_guard lock(failed_mutex);
      if (!failed) failed = std::current_exception();
      next = order.size();
    }
  };
  const std::size_t threads =
      std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()), todo.size());
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (auto& h : helpers) h.join();
  if (failed) std::rethrow_exception(failed);
  return runs;
}

std::vector<RuleRun> Engine::run_for(const FactStore& facts, std::string_view dataset,
                                     std::span<const std::uint32_t> rows, std::int64_t as_of,
                                     const std::vector<RuleStatus>& statuses,
                                     const std::vector<std::string>& rule_ids) const {
  std::vector<RuleRun> runs;
  for (const auto& c : rules_) {
    if (std::find(statuses.begin(), statuses.end(), c->rule->status) == statuses.end()) continue;
    if (!rule_ids.empty() &&
        std::find(rule_ids.begin(), rule_ids.end(), c->rule->id) == rule_ids.end()) {
      continue;
    }
    if (std::find(c->datasets.begin(), c->datasets.end(), dataset) == c->datasets.end()) continue;
    const long long started = RuleRunner::now_us();
    RuleRunner runner(*c, facts, as_of);
    runner.record_judged(true);
    // The `from` rows whose cases the changed rows take part in: the rows
    // themselves when they are `from` records, else walked back through
    // each join key to the `from` records they join.
    std::set<std::uint32_t> affected;
    for (std::size_t alias = 0; alias < c->tables.size(); ++alias) {
      if (c->tables[alias]->name() != dataset) continue;
      std::set<std::uint32_t> current(rows.begin(), rows.end());
      std::size_t at = alias;
      while (at > 0) {
        const KeyEquality& key = c->keys[at - 1];
        std::set<std::uint32_t> earlier;
        const FactTable& joined = *c->tables[at];
        const FactTable& left = *c->tables[key.left_alias];
        for (auto r : current) {
          auto value = key_of(joined, key.right_column, r);
          if (!value) continue;
          if (left.column(key.left_column)) {
            for (auto l : facts.index(left.name(), key.left_column).rows(*value)) earlier.insert(l);
          } else {
            for (std::uint32_t l = 0; l < left.size(); ++l) {
              if (key_of(left, key.left_column, l) == value) earlier.insert(l);
            }
          }
        }
        current = std::move(earlier);
        at = key.left_alias;
      }
      affected.insert(current.begin(), current.end());
    }
    if (c->rule->shape == Shape::window) {
      std::vector<std::uint32_t> only(affected.begin(), affected.end());
      if (c->outlier) {
        runner.windows(nullptr);  // fences depend on every group
      } else if (!c->group_column.empty()) {
        // The groups' rows share the first key's value with a row of theirs.
        const FactTable& from = *c->tables[0];
        const HashIndex& index = facts.index(from.name(), c->group_column);
        std::set<std::uint32_t> rows_of_groups;
        for (auto r : only) {
          if (auto value = key_of(from, c->group_column, r)) {
            for (auto x : index.rows(*value)) rows_of_groups.insert(x);
          }
        }
        std::vector<std::uint32_t> candidates(rows_of_groups.begin(), rows_of_groups.end());
        runner.windows(&only, &candidates);
      } else {
        runner.windows(&only);
      }
    } else {
      for (auto r : affected) runner.row(r);
    }
    runs.push_back(runner.finish(started));
  }
  return runs;
}

}  // namespace mingjing::rules
