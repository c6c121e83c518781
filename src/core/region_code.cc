#include "core/region_code.h"

#include <array>

#include "core/text.h"

namespace mingjing::core {
namespace {

constexpr std::array<std::string_view, 6> kLevelNames = {"province", "city",    "county",
                                                         "town",     "village", "group"};

// Where each part of the code ends.
constexpr std::size_t kProvinceEnd = 2, kCityEnd = 4, kCountyEnd = 6, kTownEnd = 9,
                      kVillageEnd = 12;

bool all_zero(std::string_view s) {
  return s.find_first_not_of('0') == std::string_view::npos;
}

struct Parts {
  bool city, county, town, village;  // whether each part is non-zero
};

Parts parts_of(std::string_view code) {
  return {!all_zero(code.substr(kProvinceEnd, kCityEnd - kProvinceEnd)),
          !all_zero(code.substr(kCityEnd, kCountyEnd - kCityEnd)),
          !all_zero(code.substr(kCountyEnd, kTownEnd - kCountyEnd)),
          !all_zero(code.substr(kTownEnd, kVillageEnd - kTownEnd))};
}

}  // namespace

std::string_view to_string(RegionLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::string_view chinese_name(RegionLevel level) {
  static constexpr std::array<std::string_view, 6> kChinese = {
      "省", "市", "县（市、区）", "乡镇（街道）", "村（社区）", "村民小组"};
  return kChinese[static_cast<std::size_t>(level)];
}

std::optional<RegionLevel> parse_region_level(std::string_view text) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == text) return static_cast<RegionLevel>(i);
  }
  return std::nullopt;
}

Result<RegionCode> RegionCode::parse(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.size() != 12 || !is_ascii_digits(s)) {
    return Error::invalid("行政区划代码应为12位数字：" + shorten_for_message(s));
  }
  if (all_zero(s.substr(0, kProvinceEnd))) {
    return Error::invalid("行政区划代码省级部分不能为00：" + std::string(s));
  }
  const Parts p = parts_of(s);
  // A county needs a city; a town needs a city (its county may be zero);
  // a village needs a town.
  const bool consistent = (!p.county || p.city) && (!p.town || p.city) && (!p.village || p.town);
  if (!consistent) return Error::invalid("行政区划代码层级不连续：" + std::string(s));
  return RegionCode(std::string(s));
}

RegionLevel RegionCode::level() const {
  const Parts p = parts_of(code_);
  if (p.village) return RegionLevel::village;
  if (p.town) return RegionLevel::town;
  if (p.county) return RegionLevel::county;
  if (p.city) return RegionLevel::city;
  return RegionLevel::province;
}

std::optional<RegionCode> RegionCode::parent() const {
  std::string up = code_;
  const auto clear = [&up](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) up[i] = '0';
  };
  switch (level()) {
    case RegionLevel::province:
    case RegionLevel::group:
      return std::nullopt;
    case RegionLevel::city:
      clear(kProvinceEnd, kCityEnd);
      break;
    case RegionLevel::county:
      clear(kCityEnd, kCountyEnd);
      break;
    case RegionLevel::town:
      clear(kCountyEnd, kTownEnd);
      break;
    case RegionLevel::village:
      clear(kTownEnd, kVillageEnd);
      break;
  }
  return RegionCode(std::move(up));
}

std::string RegionCode::prefix() const {
  switch (level()) {
    case RegionLevel::province:
      return code_.substr(0, kProvinceEnd);
    case RegionLevel::city:
      return code_.substr(0, kCityEnd);
    case RegionLevel::county:
      return code_.substr(0, kCountyEnd);
    case RegionLevel::town:
      return code_.substr(0, kTownEnd);
    case RegionLevel::village:
    case RegionLevel::group:
      break;
  }
  return code_;
}

bool RegionCode::contains(const RegionCode& other) const {
  return other.code_.starts_with(prefix());
}

}  // namespace mingjing::core
