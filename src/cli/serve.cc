#include <spdlog/spdlog.h>

#include <iostream>

#include "auth/auth.h"
#include "cli/commands.h"
#include "core/clock.h"
#include "core/workday_calendar.h"
#include "http/app.h"
#include "http/server.h"
#include "privacy/privacy.h"
#include "regions/regions.h"
#include "rules/live.h"
#include "rules/registry.h"
#include "rules/rule_def.h"
#include "warnings/warnings.h"

namespace mingjing::cli {

int run_serve(const ServeOptions& o) {
  auto db = open_database(o.db_url);
  if (!db) return 1;
  regions::RegionService regions(*db);
  auth::AuthService auth(*db, regions, auth::Settings{});
  auth::UserService users(*db, regions, auth::Settings{}.password_cost);
  auto vault = privacy::Vault::open(o.key_file.empty() ? default_key_file(o.db_url) : o.key_file);
  if (!vault.ok()) {
    std::cerr << "错误：" << vault.error().message << "\n";
    return 1;
  }
  warnings::WarningStore warning_store(*db, core::WorkdayCalendar::builtin(),
                                       core::SystemClock::instance());
  // The rule pack as the county runs it: this build's shipped versions
  // stored first, so the administration pages and the engine agree.
  auto shipped = rules::builtin_rules();
  if (!shipped.ok()) {
    std::cerr << "错误：" << shipped.error().message << "\n";
    return 1;
  }
  rules::RuleRegistry rule_registry(*db, std::move(*shipped));
  if (auto st = rule_registry.sync(); !st.ok()) {
    std::cerr << "错误：" << st.error().message << "\n";
    return 1;
  }
  http::Services services{*db, regions, auth, users, &*vault, &warning_store, &rule_registry};
  // The live warning engine runs the registry's pack (versions in force and
  // overrides) and reloads it when an administrator changes it: the
  // generation is polled every second.
  rules::LiveOptions live_options;
  live_options.pack = [&rule_registry]() -> core::Result<rules::LivePack> {
    auto pack = rule_registry.effective();
    if (!pack.ok()) return pack.error();
    return rules::LivePack{std::move(pack->rules), std::move(pack->overrides), pack->generation};
  };
  live_options.generation = [&rule_registry] { return rule_registry.generation(); };
  std::unique_ptr<rules::LiveRules> live;
  if (o.live_rules) {
    live = std::make_unique<rules::LiveRules>(
        *db, &*vault, warning_store, core::SystemClock::instance(),
        core::WorkdayCalendar::builtin(), std::move(live_options));
    services.live_rules = live.get();
    live->start();  // loads in the background; the server answers meanwhile
  }
  http::AppSettings app_settings{o.static_dir.empty() ? default_static_dir() : o.static_dir,
                                 o.secure_cookies, default_openapi_path()};
  http::App app(services, app_settings);
  http::ServerSettings server;
  server.bind = o.bind;
  server.port = static_cast<std::uint16_t>(o.port);
  server.threads = static_cast<std::size_t>(o.threads);
  auto st = http::serve(app, server, [&] {
    spdlog::info("明镜 listening on http://{}:{}/ (database {})", o.bind, o.port, o.db_url);
  });
  if (!st.ok()) {
    std::cerr << "错误：" << st.error().message << "\n";
    return 1;
  }
  if (live) live->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace mingjing::cli
