// Uscc: an 18-character unified social credit code (统一社会信用代码,
// GB 32100-2015), validated on construction. Layout:
//   1      registration authority (登记管理部门码: 1 机构编制, 5 民政, 9 市场监管, ...)
//   2      entity type within that authority (机构类别码)
//   3-8    administrative division of the registering office
//   9-17   entity identifier (主体标识码, the old organisation code)
//   18     check character
// Characters come from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z).
//
// Thread-safety: a plain value, safe to copy across threads.
#pragma once

#include <compare>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace mingjing::core {

class Uscc {
 public:
  // Parses and validates a code. Blanks around it are ignored and letters
  // are upper-cased. Only the alphabet and the check character are
  // verified; the authority, type and division codes are not looked up.
  //
  // Success: the code. Failure (invalid_argument):
  //   empty or blank          "统一社会信用代码不能为空"
  //   not 18 characters       "统一社会信用代码应为18位"
  //   a character outside the alphabet, N its position
  //       "统一社会信用代码第N位字符不正确：应为数字或大写字母（不含I、O、S、V、Z）"
  //   wrong check character   "统一社会信用代码校验位错误（应为3）", naming the expected one
  static Result<Uscc> parse(std::string_view text);

  // The check character for the first 17 characters.
  // REQUIRES: `first17` has 17 characters, all from the alphabet.
  static char check_char(std::string_view first17);

  const std::string& str() const { return code_; }
  char registration_authority() const { return code_[0]; }
  char entity_type() const { return code_[1]; }
  // Characters 3-8: the administrative division code of the registering office.
  std::string division_code() const { return code_.substr(2, 6); }
  // Characters 9-17: the entity identifier (the old organisation code).
  std::string entity_id() const { return code_.substr(8, 9); }

  friend auto operator<=>(const Uscc& a, const Uscc& b) { return a.code_ <=> b.code_; }
  friend bool operator==(const Uscc& a, const Uscc& b) { return a.code_ == b.code_; }

 private:
  explicit Uscc(std::string code) : code_(std::move(code)) {}

  std::string code_;
};

}  // namespace mingjing::core
