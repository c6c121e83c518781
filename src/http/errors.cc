// The one table from protocol-neutral error codes to HTTP statuses.
#include <string_view>

#include "http/api.h"

namespace mingjing::http {

int status_for(const std::string& code) {
  static constexpr std::pair<std::string_view, int> kTable[] = {
      {core::errc::kInvalidArgument, 400}, {core::errc::kUnauthorized, 401},
      {core::errc::kForbidden, 403},       {"csrf", 403},
      {"password_change_required", 403},   {core::errc::kNotFound, 404},
      {"method_not_allowed", 405},         {core::errc::kConflict, 409},
      {core::errc::kTooLarge, 413},        {"unsupported_media_type", 415},
      {core::errc::kLocked, 423},          {core::errc::kRateLimited, 429},
      {core::errc::kInternal, 500},        {core::errc::kUnavailable, 503},
  };
  for (const auto& [c, status] : kTable) {
    if (c == code) return status;
  }
  return 500;
}

}  // namespace mingjing::http
