// The schema, as an ordered list of migrations compiled into the binary from
// src/db/migrations/NNNN_name.sql. Each file is applied once, in one
// transaction, and recorded in schema_migrations.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/database.h"

namespace mingjing::db {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // statements separated by ";" at the end of a line
};

// In version order.
std::span<const Migration> all_migrations();

// The SQL with dialect tokens ({{ID}}) replaced, split into statements.
std::vector<std::string> migration_statements(std::string_view sql, Dialect dialect);

}  // namespace mingjing::db
