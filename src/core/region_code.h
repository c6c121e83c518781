// RegionCode: a 12-digit statistical division code (统计用区划代码) naming a
// province, city, county, town or village, and RegionLevel, the level names
// used in data files and APIs.
//
// Layout: 2 digits province, 2 city, 2 county, 3 town, 3 village, with the
// parts below the region's own level zero: 330000000000 浙江省,
// 330700000000 金华市, 330782000000 义乌市, 330782001000 稠城街道,
// 330782001001 江滨社区. A prefecture-level city without counties (东莞,
// 中山, 嘉峪关, 儋州) has towns with a zero county part: 441900003000.
//
// Thread-safety: plain values, safe to copy across threads.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

namespace mingjing::core {

// From the top down. `group` (村民小组) has no 12-digit code of its own.
enum class RegionLevel { province, city, county, town, village, group };

// "province", "city", "county", "town", "village", "group".
std::string_view to_string(RegionLevel level);
// The inverse of to_string; nullopt for any other text (case-sensitive).
std::optional<RegionLevel> parse_region_level(std::string_view text);
// For messages: "省", "市", "县（市、区）", "乡镇（街道）", "村（社区）", "村民小组".
std::string_view chinese_name(RegionLevel level);

class RegionCode {
 public:
  // Parses a code. Blanks around it are ignored.
  //
  // Success: the code. Failure (invalid_argument):
  //   not exactly 12 digits   "行政区划代码应为12位数字：3307"
  //   province part 00        "行政区划代码省级部分不能为00：000000000000"
  //   a non-zero part below a zero part (other than the county part of a
  //   city without counties)  "行政区划代码层级不连续：330000000123"
  static Result<RegionCode> parse(std::string_view text);

  const std::string& str() const { return code_; }
  // Province, city, county, town or village: the lowest non-zero part.
  RegionLevel level() const;
  // The code one level up (a town of a city without counties belongs to the
  // city); nullopt for a province.
  std::optional<RegionCode> parent() const;
  // True if `other` is this region or lies inside it.
  bool contains(const RegionCode& other) const;
  // The significant leading digits: "33" for a province, "3307" for a city,
  // "330782" for a county, "330782001" for a town, all 12 for a village.
  // Every code inside this region starts with it.
  std::string prefix() const;

  friend auto operator<=>(const RegionCode& a, const RegionCode& b) { return a.code_ <=> b.code_; }
  friend bool operator==(const RegionCode& a, const RegionCode& b) { return a.code_ == b.code_; }

 private:
  explicit RegionCode(std::string code) : code_(std::move(code)) {}

  std::string code_;
};

}  // namespace mingjing::core
