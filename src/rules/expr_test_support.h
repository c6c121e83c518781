// Test support for the expression language: a real FactStore filled with
// upsert() from rows validated as the importer validates them, a Scope
// over it, and helpers that compile and evaluate in one call.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/date.h"
#include "core/datetime.h"
#include "core/workday_calendar.h"
#include "imports/validate.h"
#include "privacy/privacy.h"
#include "rules/expr.h"
#include "rules/facts.h"

namespace mingjing::rules::testing {

inline privacy::Vault test_vault() {
  std::array<std::uint8_t, 32> key{};
  key.fill(11);
  return privacy::Vault::from_key(key);
}

inline std::int64_t day(const char* text) {
  return core::Date::parse(text)->days_since_epoch();
}
inline std::int64_t instant(const char* text) {
  return core::DateTime::parse(text)->unix_ms();
}

// Valid ID numbers (GB 11643 check digits).
inline constexpr const char* kBorn1952Feb29Male = "330782195202290010";
inline constexpr const char* kBorn1980Jan15Female = "330782198001150023";
inline constexpr const char* kBorn2000Mar01Male = "330782200003010032";

class ExprTest : public ::testing::Test {
 protected:
  ExprTest() : store_(FactStore::empty()), vault_(test_vault()) {}

  // Adds an alias over `dataset` to the scope; returns its index.
  std::size_t alias(std::string name, const char* dataset, bool aggregated = false) {
    const FactTable* table = store_.table(dataset);
    EXPECT_NE(table, nullptr) << dataset;
    scope_.aliases.push_back(Scope::Alias{std::move(name), table, aggregated});
    return scope_.aliases.size() - 1;
  }

  void param(std::string name, ParamValue value) {
    ParamSlot slot;
    slot.name = std::move(name);
    slot.type = value.type;
    slot.list_of_text = value.numbers.empty();
    scope_.params.push_back(slot);
    params_.push_back(std::move(value));
  }

  // One row as the importer validates it (header and cells as in a CSV
  // file), upserted; returns its row.
  std::uint32_t add(const char* dataset, const std::vector<std::string>& header,
                    const std::vector<std::string>& cells) {
    const imports::DatasetSpec& spec = *imports::find_dataset(dataset);
    auto map = imports::map_header(spec, header);
    EXPECT_TRUE(map.ok()) << dataset;
    imports::ParsedRow row = imports::parse_row(spec, *map, cells, 2);
    EXPECT_TRUE(row.ok()) << dataset << ": "
                          << (row.errors.empty()
                                  ? ""
                                  : row.errors[0].column + " " + row.errors[0].reason_en);
    auto stored = store_.upsert(spec, row.values, vault_);
    EXPECT_TRUE(stored.ok()) << (stored.ok() ? "" : stored.error().message);
    return stored.ok() ? static_cast<std::uint32_t>(*stored) : 0;
  }

  // subsidies: the columns the tests use.
  std::uint32_t subsidy(const std::string& id, const std::string& means_tested,
                        const std::string& amount, const std::string& paid_at,
                        const std::string& period = "",
                        const std::string& id_number = kBorn1952Feb29Male,
                        const std::string& village = "330782001203") {
    return add(
        "subsidies",
        {"id", "program_code", "department", "means_tested", "recipient_id_number",
         "recipient_name", "village_code", "amount", "period", "paid_at"},
        {id, "DB", "民政", means_tested, id_number, "张三", village, amount, period, paid_at});
  }

  using Compiled = std::variant<Expression, Expression::CompileError>;
  Compiled compile(std::string_view source) {
    return Expression::compile(source, scope_, store_.dictionary(), calendar_);
  }

  // The compile error of `source`; a failure if it compiles.
  Expression::CompileError error(std::string_view source) {
    Compiled compiled = compile(source);
    if (auto* failure = std::get_if<Expression::CompileError>(&compiled)) return *failure;
    ADD_FAILURE() << "compiled, but should not: " << source;
    return {core::Error{}, static_cast<std::size_t>(-1)};
  }

  // Compiles and evaluates `source` with `rows` (per alias) and `groups`.
  // A compile error is a test failure and gives a Value of type list.
  Value eval(std::string_view source, std::vector<std::uint32_t> rows = {},
             std::vector<std::vector<std::uint32_t>> groups = {}) {
    Compiled compiled = compile(source);
    if (auto* failure = std::get_if<Expression::CompileError>(&compiled)) {
      ADD_FAILURE() << source << ": " << failure->error.message << " at " << failure->offset;
      Value bad;
      bad.type = ExprType::list;
      bad.unknown = true;
      return bad;
    }
    const Expression& expression = std::get<Expression>(compiled);
    rows.resize(scope_.aliases.size(), 0);
    std::vector<std::span<const std::uint32_t>> spans(scope_.aliases.size());
    for (std::size_t i = 0; i < groups.size() && i < spans.size(); ++i) spans[i] = groups[i];
    Binding binding{rows, spans, params_, as_of_};
    Value value = expression.eval(store_, binding);
    if (expression.type() == ExprType::boolean) {
      Truth truth = expression.truth(store_, binding);
      Truth expected = value.unknown ? Truth::unknown : value.integer ? Truth::yes : Truth::no;
      EXPECT_EQ(truth, expected) << "truth() and eval() disagree on " << source;
    }
    return value;
  }

  // render() of the value, or "unknown".
  std::string show(std::string_view source, std::vector<std::uint32_t> rows = {},
                   std::vector<std::vector<std::uint32_t>> groups = {}) {
    Value value = eval(source, std::move(rows), std::move(groups));
    if (value.type == ExprType::list) return "<compile error>";
    if (value.unknown) return "unknown";
    return render(value, store_.dictionary());
  }

  // "true", "false" or "unknown" for a condition.
  std::string truth(std::string_view source, std::vector<std::uint32_t> rows = {},
                    std::vector<std::vector<std::uint32_t>> groups = {}) {
    Value value = eval(source, std::move(rows), std::move(groups));
    if (value.type != ExprType::boolean)
      return "<not boolean: " + std::string(to_string(value.type)) + ">";
    if (value.unknown) return "unknown";
    return value.integer ? "true" : "false";
  }

  ExprType type_of(std::string_view source) {
    Compiled compiled = compile(source);
    if (auto* expression = std::get_if<Expression>(&compiled)) return expression->type();
    ADD_FAILURE() << source << ": " << std::get<Expression::CompileError>(compiled).error.message;
    return ExprType::list;
  }

  FactStore store_;
  privacy::Vault vault_;
  Scope scope_;
  std::vector<ParamValue> params_;
  std::int64_t as_of_ = 0;
  const core::WorkdayCalendar* calendar_ = &core::WorkdayCalendar::builtin();
};

}  // namespace mingjing::rules::testing
