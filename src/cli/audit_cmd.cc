// mingjing audit verify: exit 0 when the chain is intact, 1 when broken.
#include <iostream>
#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "cli/commands.h"

namespace mingjing::cli {

int run_audit_verify(const std::string& db_url) {
  auto db = open_database(db_url);
  if (!db) return 1;
  auto report = audit::verify(*db);
  nlohmann::ordered_json out = {
      {"ok", report.ok},
      {"entries", report.entries},
      {"first_broken_id", report.first_broken_id ? nlohmann::ordered_json(*report.first_broken_id)
                                                 : nlohmann::ordered_json()},
      {"message", report.message}};
  std::cout << out.dump() << "\n";
  return report.ok ? 0 : 1;
}

}  // namespace mingjing::cli
