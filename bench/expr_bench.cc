// Expression evaluation speed: typical rule conditions over 1,000,000
// payments in a real FactStore (filled with upsert()), one evaluation per
// row, single thread. Reported as ns/row (the `per_row` counter), beside a
// hand-written C++ loop for the same condition (the floor).
//
//   build/bench/expr_bench --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/datetime.h"
#include "core/workday_calendar.h"
#include "imports/datasets.h"
#include "imports/validate.h"
#include "privacy/privacy.h"
#include "rules/expr.h"
#include "rules/facts.h"

namespace {

using namespace mingjing;
using rules::Binding;
using rules::Expression;
using rules::ExprType;
using rules::ParamValue;

constexpr std::size_t kRows = 1'000'000;

imports::Value text(std::string value) {
  imports::Value v;
  v.kind = imports::Value::Kind::text;
  v.text = std::move(value);
  return v;
}
imports::Value integer(long long value) {
  imports::Value v;
  v.kind = imports::Value::Kind::integer;
  v.integer = value;
  return v;
}

struct Fixture {
  rules::FactStore store = rules::FactStore::empty();
  rules::Scope scope;
  std::vector<ParamValue> params;
  std::int64_t as_of = core::Date::from_ymd(2025, 12, 31).days_since_epoch();

  Fixture() {
    std::array<std::uint8_t, 32> key{};
    key.fill(3);
    privacy::Vault vault = privacy::Vault::from_key(key);
    const imports::DatasetSpec& spec = *imports::find_dataset("payments");
    auto column = [&](const char* name) {
      for (std::size_t i = 0; i < spec.columns.size(); ++i) {
        if (spec.columns[i].name == name) return i;
      }
      std::fprintf(stderr, "no column %s\n", name);
      std::abort();
    };
    const std::size_t id = column("id"), village = column("village_code"),
                      category = column("category"), payee = column("payee_name"),
                      amount = column("amount"), method = column("method"),
                      applied = column("applied_at"), approved = column("approved_at"),
                      paid = column("paid_at"), status = column("status");
    const char* categories[] = {"招待费", "差旅费", "办公费", "工程款", "劳务费", "补贴"};
    const char* statuses[] = {"pending", "approved", "rejected", "paid", "paid", "paid"};
    std::mt19937_64 random(42);
    const std::int64_t start =
        core::DateTime::from_local(core::Date::from_ymd(2024, 1, 1)).unix_ms();
    const std::int64_t day_ms = 86'400'000;
    std::vector<imports::Value> values(spec.columns.size());
    for (std::size_t row = 0; row < kRows; ++row) {
      for (auto& v : values) v = imports::Value{};
      values[id] = text("P" + std::to_string(row));
      values[village] = text("330782" + std::to_string(100 + random() % 20) +
                             std::to_string(100 + random() % 15));
      values[category] = text(categories[random() % 6]);
      values[payee] = text("收款人" + std::to_string(random() % 50'000));
      values[amount] = integer(static_cast<long long>(1 + random() % 5'000'000));
      std::uint64_t m = random() % 10;
      values[method] = text(m == 0 ? "cash" : m == 1 ? "card" : "transfer");
      std::int64_t applied_at = start + static_cast<std::int64_t>(random() % (730 * day_ms));
      values[applied] = integer(applied_at);
      if (random() % 20 != 0) {
        std::int64_t approved_at = applied_at + static_cast<std::int64_t>(random() % (5 * day_ms));
        values[approved] = integer(approved_at);
        if (random() % 10 != 0)
          values[paid] = integer(approved_at + static_cast<std::int64_t>(random() % (10 * day_ms)));
      }
      values[status] = text(statuses[random() % 6]);
      auto stored = store.upsert(spec, values, vault);
      if (!stored.ok()) {
        std::fprintf(stderr, "upsert: %s\n", stored.error().message.c_str());
        std::abort();
      }
    }
    const rules::FactTable* payments = store.table("payments");
    scope.aliases.push_back({"p", payments, false});
    scope.aliases.push_back({"q", payments, false});
    add_money("cash_limit", 100'000);
    add_money("tier_low", 100'000);
    add_money("tier_high", 1'000'000);
    ParamValue exempt;
    exempt.type = ExprType::list;
    exempt.list = {"补贴", "劳务费"};
    add("exempt_categories", exempt);
  }

  void add(std::string name, ParamValue value) {
    scope.params.push_back({std::move(name), value.type, true});
    params.push_back(std::move(value));
  }
  void add_money(std::string name, std::int64_t fen) {
    ParamValue value;
    value.type = ExprType::money;
    value.integer = fen;
    add(std::move(name), value);
  }

  Expression compile(const char* source) {
    auto compiled =
        Expression::compile(source, scope, store.dictionary(), &core::WorkdayCalendar::builtin());
    if (auto* error = std::get_if<Expression::CompileError>(&compiled)) {
      std::fprintf(stderr, "%s: %s\n", source, error->error.message.c_str());
      std::abort();
    }
    return std::get<Expression>(compiled);
  }
};

Fixture& fixture() {
  static Fixture instance;
  return instance;
}

constexpr const char* kCashOverLimit =
    "p.method == 'cash' and p.amount > params.cash_limit";  // F01
constexpr const char* kTypical =
    "p.status in ['approved', 'paid'] and p.amount between params.tier_low and params.tier_high"
    " and days(p.applied_at, coalesce(p.paid_at, as_of)) > 3 and p.category not in "
    "params.exempt_categories";
constexpr const char* kPair =  // F09-like: two payments to one payee within 7 days
    "p.payee_name == q.payee_name and days(p.applied_at, q.applied_at) between 0 and 7"
    " and p.amount + q.amount >= params.tier_low";
constexpr const char* kWorkdays = "missing(p.paid_at) and workdays(p.applied_at, as_of) > 10";
constexpr const char* kSimilarity = "similarity(p.payee_name, q.payee_name) > 0.8";

void set_per_row(benchmark::State& state, std::size_t rows, std::size_t hits) {
  state.counters["per_row"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsIterationInvariantRate |
                                                        benchmark::Counter::kInvert);
  state.counters["hits"] = static_cast<double>(hits);
}

// One alias bound per row (p = row, q = row + 1), truth() per row.
void run_truth(benchmark::State& state, const char* source, std::size_t rows) {
  Fixture& f = fixture();
  Expression expression = f.compile(source);
  std::uint32_t bound[2] = {0, 0};
  Binding binding{bound, {}, f.params, f.as_of};
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::uint32_t row = 0; row + 1 < rows; ++row) {
      bound[0] = row;
      bound[1] = row + 1;
      hits += expression.truth(f.store, binding) == rules::Truth::yes;
    }
    benchmark::DoNotOptimize(hits);
  }
  set_per_row(state, rows - 1, hits);
}

void BM_CashOverLimit(benchmark::State& state) {
  run_truth(state, kCashOverLimit, kRows);
}
void BM_Typical(benchmark::State& state) {
  run_truth(state, kTypical, kRows);
}
void BM_PairOfPayments(benchmark::State& state) {
  run_truth(state, kPair, kRows);
}
void BM_Workdays(benchmark::State& state) {
  run_truth(state, kWorkdays, kRows);
}
void BM_Similarity100k(benchmark::State& state) {
  run_truth(state, kSimilarity, 100'000);
}

// The same as BM_Typical through eval(), which builds a Value.
void BM_TypicalValue(benchmark::State& state) {
  Fixture& f = fixture();
  Expression expression = f.compile(kTypical);
  std::uint32_t bound[2] = {0, 0};
  Binding binding{bound, {}, f.params, f.as_of};
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::uint32_t row = 0; row + 1 < kRows; ++row) {
      bound[0] = row;
      hits += expression.eval(f.store, binding).is_true();
    }
    benchmark::DoNotOptimize(hits);
  }
  set_per_row(state, kRows - 1, hits);
}

// The floor: F01 written by hand over the columns.
void BM_CashOverLimitByHand(benchmark::State& state) {
  Fixture& f = fixture();
  const rules::FactTable& payments = *f.store.table("payments");
  const auto& method = payments.column("method")->codes;
  const auto& amount = payments.column("amount")->ints;
  const rules::Code cash = *f.store.dictionary().find("cash");
  const std::int64_t limit = f.params[0].integer;
  std::size_t hits = 0;
  for (auto _ : state) {
    hits = 0;
    for (std::uint32_t row = 0; row + 1 < kRows; ++row) {
      hits += method[row] == cash && amount[row] != rules::kMissing && amount[row] > limit;
    }
    benchmark::DoNotOptimize(hits);
  }
  set_per_row(state, kRows - 1, hits);
}

// Compiling a typical condition (once per rule and store).
void BM_CompileTypical(benchmark::State& state) {
  Fixture& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.compile(kTypical));
}

BENCHMARK(BM_CashOverLimitByHand)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CashOverLimit)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Typical)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TypicalValue)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairOfPayments)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Workdays)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Similarity100k)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CompileTypical)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
