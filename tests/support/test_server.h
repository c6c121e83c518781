// Test support: the real HTTP server on a loopback port over a fresh test
// database, with the small region tree of region_fixture.h and helpers to create and log in users.
// Header-only: include it only from tests that link mingjing_http.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "auth/auth.h"
#include "core/workday_calendar.h"
#include "http/app.h"
#include "http/server.h"
#include "regions/regions.h"
#include "rules/live.h"
#include "rules/registry.h"
#include "support/http_client.h"
#include "support/region_fixture.h"
#include "support/test_db.h"
#include "warnings/warnings.h"

namespace mingjing::testing {

inline constexpr const char* kTestPassword = "Test@Pass2026";

class TestServer {
 public:
  // `live_rules`: with the live warning engine (the shipped rule pack),
  // started in the background as `mingjing serve` starts it.
  explicit TestServer(auth::Settings settings = fast_settings(), bool live_rules = false)
      : regions_(db_.db()),
        auth_(db_.db(), regions_, settings),
        users_(db_.db(), regions_, settings.password_cost) {
    auto imported = regions_.import_csv(kSmallRegionTreeCsv, {});
    if (!imported.ok() || imported->rejected) throw std::runtime_error("test regions");
    if (auto st = rule_registry_.sync(); !st.ok()) {
      throw std::runtime_error("rule registry: " + st.error().message);
    }
    services_ = std::make_unique<http::Services>(
        http::Services{db_.db(), regions_, auth_, users_, &vault_, &warnings_, &rule_registry_});
    if (live_rules) {
      rules::LiveOptions options;
      options.pack = [this]() -> core::Result<rules::LivePack> {
        auto pack = rule_registry_.effective();
        if (!pack.ok()) return pack.error();
        return rules::LivePack{std::move(pack->rules), std::move(pack->overrides),
                               pack->generation};
      };
      options.generation = [this] { return rule_registry_.generation(); };
      live_ = std::make_unique<rules::LiveRules>(db_.db(), &vault_, warnings_,
                                                 core::SystemClock::instance(),
                                                 core::WorkdayCalendar::builtin(), options);
      services_->live_rules = live_.get();
      live_->start();
    }
    app_ = std::make_unique<http::App>(
        *services_, http::AppSettings{"", false, source_dir() + "/docs/openapi.json"});
    port_ = free_port();
    thread_ = std::thread([this] {
      http::ServerSettings s;
      s.port = static_cast<std::uint16_t>(port_);
      s.threads = 2;
      s.drain_seconds = 2;
      status_ = http::serve(*app_, s, {}, [this] { return stop_.load(); });
    });
    if (!wait_for_port(port_)) throw std::runtime_error("test server did not start");
  }
  ~TestServer() { (void)stop(); }

  core::Status stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return status_;
  }

  static auth::Settings fast_settings() {
    auth::Settings s;
    s.password_cost = {1, 8192};  // argon2id at its minimum cost: tests only
    s.ip_attempts_per_window = 1000;
    return s;
  }

  // Creates a user with one role; returns the user id.
  long long add_user(const std::string& username, const std::string& role,
                     const std::string& region, std::vector<std::string> programmes = {}) {
    auto u = users_.create_system(
        {username, "测试" + username, kTestPassword, {{0, role, region, std::move(programmes)}}},
        "test");
    if (!u.ok()) throw std::runtime_error("add_user " + username + ": " + u.error().message);
    return u->id;
  }

  // A client logged in as `username` (CSRF token set). Fails the test if
  // login fails.
  HttpClient login(const std::string& username, const std::string& password = kTestPassword) {
    HttpClient c(port_);
    auto r = c.post("/api/v1/auth/login",
                    nlohmann::json{{"username", username}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << username << ": " << r.body;
    if (r.status == 200) c.set_csrf(nlohmann::json::parse(r.body)["csrf_token"]);
    return c;
  }

  HttpClient anonymous() { return HttpClient(port_); }
  int port() const { return port_; }
  TestDb& test_db() { return db_; }
  db::Database& db() { return db_.db(); }
  regions::RegionService& regions() { return regions_; }
  auth::UserService& users() { return users_; }
  const privacy::Vault& vault() const { return vault_; }
  http::App& app() { return *app_; }
  warnings::WarningStore& warnings() { return warnings_; }
  rules::RuleRegistry& rule_registry() { return rule_registry_; }

  // The compiled-in rule pack, parsed once per test program.
  static const std::vector<rules::RuleDef>& shipped_rules() {
    static const std::vector<rules::RuleDef> pack = [] {
      auto rules = rules::builtin_rules();
      if (!rules.ok()) throw std::runtime_error("rule pack: " + rules.error().message);
      return std::move(*rules);
    }();
    return pack;
  }
  rules::LiveRules* live_rules() { return live_.get(); }

 private:
  TestDb db_;
  regions::RegionService regions_;
  auth::AuthService auth_;
  auth::UserService users_;
  privacy::Vault vault_ = privacy::Vault::from_key({7});
  warnings::WarningStore warnings_{db_.db(), core::WorkdayCalendar::builtin(),
                                   core::SystemClock::instance()};
  rules::RuleRegistry rule_registry_{db_.db(), shipped_rules()};
  std::unique_ptr<rules::LiveRules> live_;
  std::unique_ptr<http::Services> services_;
  std::unique_ptr<http::App> app_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  core::Status status_;
  std::thread thread_;
};

}  // namespace mingjing::testing
