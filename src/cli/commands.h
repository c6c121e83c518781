// The mingjing subcommands. main.cc parses the command line (CLI11) and
// calls one of these; each returns the process exit status.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "db/database.h"

namespace mingjing::cli {

// Opens and migrates the database, printing a Chinese error on failure.
std::unique_ptr<db::Database> open_database(const std::string& url);

struct ServeOptions {
  std::string db_url;
  std::string bind;
  int port;
  int threads;
  std::string static_dir;
  bool secure_cookies;
  std::string key_file;  // empty: default_key_file(db_url)
  // The live warning engine (rules/live.h): loads the facts at start and
  // re-evaluates the rules after every import committed through the API.
  bool live_rules = true;
};
int run_serve(const ServeOptions& o);

struct DemoOptions {
  std::string db_url;
  std::string key_file;     // empty: default_key_file(db_url)
  bool records = true;      // generate the county's business records (src/demo)
  int scale = 1;            // demo::Settings::scale
  std::string plants_file;  // write the planted irregularities here (Markdown)
};
int run_demo(const DemoOptions& o);

struct ImportOptions {
  std::string db_url;
  std::string dataset;
  std::string file;
  bool strict = false;
  std::string errors_file;
  std::string key_file;  // empty: default_key_file(db_url)
};
int run_import(const ImportOptions& o);

struct UserAddOptions {
  std::string db_url;
  std::string username;
  std::string display_name;
  std::string password;            // empty: read from stdin
  std::vector<std::string> roles;  // ROLE@REGION[:prog1,prog2]
};
int run_user_add(const UserAddOptions& o);
int run_user_passwd(const std::string& db_url, const std::string& username, std::string password);
int run_user_list(const std::string& db_url);

int run_audit_verify(const std::string& db_url);

struct WarningsExportOptions {
  std::string db_url;
  std::string format = "jsonl";  // jsonl | csv | xlsx
  std::string out;               // empty: stdout
  std::string key_file;          // empty: default_key_file(db_url)
};
int run_warnings_export(const WarningsExportOptions& o);

struct RulesOptions {
  std::string db_url;
  std::string rules_dir;  // empty: the rule pack compiled in
  std::string only;       // ID,ID
  std::string as_of;      // YYYY-MM-DD; empty: today
  std::string key_file;   // empty: default_key_file(db_url)
};
int run_rules_test(const RulesOptions& o);
int run_rules_run(const RulesOptions& o);

struct RulesBacktestOptions {
  std::string db_url;
  std::string rule_id;
  int version = 0;        // 0: the newest stored version
  std::string yaml_file;  // instead of a stored version: this file
  std::string from;       // YYYY-MM-DD; empty: a year before `to`
  std::string to;         // YYYY-MM-DD; empty: today
  int sample = 20;
  std::string key_file;  // empty: default_key_file(db_url)
};
// Prints the backtest report as JSON; writes nothing but what sync()
// stores on a database that has not seen this build's rules yet.
int run_rules_backtest(const RulesBacktestOptions& o);

// The personal-data key file when none is given: next to an SQLite
// database ("x.db" → "x.key"), else ./mingjing.key. MINGJING_KEY overrides
// any file (privacy/privacy.h).
std::string default_key_file(const std::string& db_url);

// Where the built front end and the API description are, when not given:
// next to the binary's source tree or the working directory.
std::string default_static_dir();
std::string default_openapi_path();

}  // namespace mingjing::cli
