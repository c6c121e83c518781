#include "db/row.h"

#include "db/soci.h"

namespace mingjing::db {

bool is_null(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null;
}

long long get_int(const soci::row& r, std::size_t i) {
  if (is_null(r, i)) return 0;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<long long>(r.get<double>(i));
    case soci::dt_string:
      return std::stoll(r.get<std::string>(i));
    default:
      return 0;
  }
}

std::string get_text(const soci::row& r, std::size_t i) {
  if (is_null(r, i)) return {};
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_string:
      return r.get<std::string>(i);
    case soci::dt_integer:
    case soci::dt_long_long:
    case soci::dt_unsigned_long_long:
      return std::to_string(get_int(r, i));
    case soci::dt_double:
      return std::to_string(r.get<double>(i));
    default:
      return {};
  }
}

}  // namespace mingjing::db
