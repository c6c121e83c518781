// The web application independent of the socket layer: routing, sessions,
// CSRF, security headers, error mapping, metrics and static files.
// server.cc feeds it requests from RESTinio; tests may call handle() too.
//
// Thread-safety: handle() may be called from many threads at once.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/auth.h"
#include "db/database.h"
#include "http/api.h"
#include "imports/datasets.h"
#include "privacy/privacy.h"
#include "regions/regions.h"

namespace mingjing::warnings {
class WarningStore;
}
namespace mingjing::rules {
class RuleRegistry;
class LiveRules;
}  // namespace mingjing::rules

namespace mingjing::http {

struct Services {
  db::Database& db;
  regions::RegionService& regions;
  auth::AuthService& auth;
  auth::UserService& users;
  // Seals personal data of uploads and finds records by ID number; without
  // it the import routes answer 503.
  const privacy::Vault* vault = nullptr;
  // The warning workspace; without it the warning routes answer 503.
  warnings::WarningStore* warnings = nullptr;
  // Rule administration; without it the rule routes answer 503.
  rules::RuleRegistry* rule_registry = nullptr;
  // The incremental path: told about every committed import. May be null.
  rules::LiveRules* live_rules = nullptr;
};

struct AppSettings {
  std::string static_dir;       // built front end (web/dist); empty = API only
  bool secure_cookies = false;  // add Secure to cookies (behind TLS)
  std::string openapi_path;     // docs/openapi.json; empty = not served
};

class Metrics;

class App {
 public:
  App(Services services, AppSettings settings);
  ~App();

  // Never throws: a handler's exception becomes a logged 500.
  Response handle(Request& req);

  // Prometheus text exposition of request counts and latencies.
  std::string metrics_text() const;
  // Stop taking new requests (graceful shutdown): they get 503.
  void start_draining() { draining_ = true; }
  int in_flight() const { return in_flight_.load(); }
  const Router& router() const { return router_; }

 private:
  Response dispatch(Request& req, std::size_t& route_index);
  Response serve_static(const Request& req);
  void load_static();

  Services services_;
  AppSettings settings_;
  Router router_;
  std::unique_ptr<Metrics> metrics_;
  struct StaticFile {
    std::string content_type;
    std::string body;
    bool immutable;
  };
  std::unordered_map<std::string, StaticFile> static_files_;
  std::string openapi_;
  std::atomic<bool> draining_{false};
  std::atomic<int> in_flight_{0};
};

// Route groups, one file each.
void add_system_routes(Router& r, Services& s, App& app, const std::string& openapi);
void add_auth_routes(Router& r, Services& s, const AppSettings& settings);
void add_region_routes(Router& r, Services& s);
void add_user_routes(Router& r, Services& s);
void add_audit_routes(Router& r, Services& s);
void add_record_routes(Router& r, Services& s);
void add_import_routes(Router& r, Services& s);
void add_warning_routes(Router& r, Services& s);
void add_rule_routes(Router& r, Services& s);

// What of a dataset the caller's active role may read or load: a region
// subtree (the role's, or a region inside it named by `region`, empty for
// the role's own) and, for county departments, their programmes.
// Forbidden for county-wide registries below county level, for datasets
// outside a department's programmes, and for regions outside the role.
struct DataAccess {
  std::string region_code;   // the subtree's root
  std::string scope_prefix;  // RegionCode::prefix() of it; "" = the whole table
  std::vector<std::string> programmes;
};
// Reading sees records below the county through their own region column or
// their parent record's (imports::region_parent). Loading needs a region
// column of the record's own below the county: an upload's rows are checked
// against the uploader's region as they are read, before any parent is
// looked up.
enum class DataUse { kRead, kLoad };
core::Result<DataAccess> data_access(Services& s, const auth::Principal& who,
                                     const imports::DatasetSpec& dataset, const std::string& region,
                                     DataUse use = DataUse::kRead);

// Shared JSON shapes.
nlohmann::json role_json(const auth::RoleAssignment& a, regions::RegionService& regions);
nlohmann::json user_json(const auth::User& u, regions::RegionService& regions);
std::string format_time(long long unix_ms);

}  // namespace mingjing::http
