// Reading dynamic result rows the same way on both back ends. SOCI types a
// column from its declared type (SQLite) or OID (PostgreSQL), so an
// INTEGER column may come back as int on one and long long on the other;
// these helpers accept any integer type and treat NULL as empty.
#pragma once

#include <cstddef>
#include <string>

namespace soci {
class row;
}

namespace mingjing::db {

// The column as a 64-bit integer; 0 for NULL.
long long get_int(const soci::row& r, std::size_t i);
// The column as text; empty for NULL.
std::string get_text(const soci::row& r, std::size_t i);
// True when the column is NULL.
bool is_null(const soci::row& r, std::size_t i);

}  // namespace mingjing::db
