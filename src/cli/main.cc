// mingjing: one binary, many subcommands (see ../shared/spec/data-formats.md
// for the stable ones).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "demo/demo.h"

int main(int argc, char** argv) {
  using namespace mingjing::cli;
  CLI::App app{"明镜 · 村级小微权力监督平台 (Mingjing)"};
  app.require_subcommand(1);
  std::string db_url = "sqlite:./mingjing.db";

  ServeOptions serve{db_url, "127.0.0.1", 8080, 2, "", false, ""};
  auto* serve_cmd = app.add_subcommand("serve", "Run the web application and its JSON API");
  serve_cmd->add_option("--db", serve.db_url, "Database URL (sqlite:PATH or postgresql://...)");
  serve_cmd->add_option("--bind", serve.bind, "Address to listen on");
  serve_cmd->add_option("--port", serve.port, "Port")->check(CLI::Range(1, 65535));
  serve_cmd->add_option("--threads", serve.threads, "Worker threads")->check(CLI::Range(1, 64));
  serve_cmd->add_option("--static", serve.static_dir, "Built front end (default: web/dist)");
  serve_cmd->add_flag("--secure-cookies", serve.secure_cookies, "Mark cookies Secure (TLS)");
  serve_cmd->add_option("--key", serve.key_file,
                        "Personal-data key file (default: next to an SQLite database)");
  bool no_live_rules = false;
  serve_cmd->add_flag("--no-live-rules", no_live_rules,
                      "Do not run the warning rules in the server (no fact store in memory)");

  DemoOptions demo{db_url, "", true, 1, ""};
  auto* demo_cmd = app.add_subcommand(
      "demo", "Create a demo county: accounts for every role and generated business records");
  demo_cmd->add_option("--db", demo.db_url, "Database URL");
  demo_cmd->add_option("--key", demo.key_file,
                       "Personal-data key file (default: next to an SQLite database)");
  bool no_records = false;
  demo_cmd->add_flag("--no-records", no_records, "Regions and accounts only, no business records");
  demo_cmd
      ->add_option("--scale", demo.scale,
                   "Records about N times the demo county's (1: as documented; 10: about "
                   "2,000,000, for benchmarks)")
      ->check(CLI::Range(1, mingjing::demo::kMaxScale));
  demo_cmd->add_option("--plants", demo.plants_file,
                       "Write the planted irregularities and their record ids to this Markdown "
                       "file");

  ImportOptions imp{db_url, "", "", false, "", ""};
  auto* import_cmd = app.add_subcommand("import", "Import a dataset file (CSV or .xlsx)");
  import_cmd->add_option("DATASET", imp.dataset, "Dataset name, e.g. regions")->required();
  import_cmd->add_option("FILE", imp.file, "CSV file, or .xlsx (first sheet)")->required();
  import_cmd->add_option("--db", imp.db_url, "Database URL");
  import_cmd->add_flag("--strict", imp.strict, "Reject the whole file on the first bad row");
  import_cmd->add_option("--errors", imp.errors_file, "Write rejected rows to this CSV file");
  import_cmd->add_option("--key", imp.key_file,
                         "Personal-data key file (default: next to an SQLite database)");

  auto* user_cmd = app.add_subcommand("user", "Manage accounts");
  user_cmd->require_subcommand(1);
  UserAddOptions add{db_url, "", "", "", {}};
  auto* user_add = user_cmd->add_subcommand("add", "Create an account");
  user_add->add_option("USERNAME", add.username)->required();
  user_add->add_option("--name", add.display_name, "Display name")->required();
  user_add->add_option("--role", add.roles, "ROLE@REGION[:programme,...] (repeatable)")->required();
  user_add->add_option("--password", add.password, "Password (default: read from stdin)");
  user_add->add_option("--db", add.db_url, "Database URL");
  std::string passwd_user, passwd_password, passwd_db = db_url;
  auto* user_passwd = user_cmd->add_subcommand("passwd", "Set an account's password");
  user_passwd->add_option("USERNAME", passwd_user)->required();
  user_passwd->add_option("--password", passwd_password, "Password (default: read from stdin)");
  user_passwd->add_option("--db", passwd_db, "Database URL");
  std::string list_db = db_url;
  auto* user_list = user_cmd->add_subcommand("list", "List accounts");
  user_list->add_option("--db", list_db, "Database URL");

  auto* audit_cmd = app.add_subcommand("audit", "Audit log");
  audit_cmd->require_subcommand(1);
  std::string verify_db = db_url;
  auto* audit_verify = audit_cmd->add_subcommand("verify", "Check the hash chain");
  audit_verify->add_option("--db", verify_db, "Database URL");

  auto* rules_cmd = app.add_subcommand("rules", "Warning rules");
  rules_cmd->require_subcommand(1);
  RulesOptions rules_test_opts{db_url, "", "", "", ""};
  auto* rules_test = rules_cmd->add_subcommand("test", "Run every rule's embedded test cases");
  rules_test->add_option("--rules", rules_test_opts.rules_dir,
                         "Read rule files from this folder (default: the pack compiled in)");
  rules_test->add_option("--only", rules_test_opts.only, "Only these rules: ID,ID");
  RulesOptions rules_run_opts{db_url, "", "", "", ""};
  auto* rules_run = rules_cmd->add_subcommand(
      "run", "Evaluate the active rules over all data and store the warnings");
  rules_run->add_option("--db", rules_run_opts.db_url, "Database URL");
  rules_run->add_option("--only", rules_run_opts.only, "Only these rules: ID,ID");
  rules_run->add_option("--as-of", rules_run_opts.as_of,
                        "Evaluation date YYYY-MM-DD (default: today)");
  rules_run->add_option("--rules", rules_run_opts.rules_dir,
                        "Read rule files from this folder (default: the county's pack in the "
                        "database: shipped versions, edited ones and parameter overrides)");
  rules_run->add_option("--key", rules_run_opts.key_file,
                        "Personal-data key file (default: next to the SQLite database)");

  RulesBacktestOptions backtest_opts;
  backtest_opts.db_url = db_url;
  auto* rules_backtest = rules_cmd->add_subcommand(
      "backtest", "Count what one version of a rule would have raised; stores nothing");
  rules_backtest->add_option("ID", backtest_opts.rule_id, "Rule id, e.g. F01")->required();
  rules_backtest->add_option("--version", backtest_opts.version,
                             "Stored version (default: the newest, typically a draft)");
  rules_backtest->add_option("--file", backtest_opts.yaml_file,
                             "Try this rule file instead of a stored version");
  rules_backtest->add_option("--from", backtest_opts.from,
                             "Cases from this day YYYY-MM-DD (default: a year before --to)");
  rules_backtest->add_option("--to", backtest_opts.to,
                             "Evaluate as of this day YYYY-MM-DD (default: today)");
  rules_backtest->add_option("--sample", backtest_opts.sample, "Hits to print (default 20)");
  rules_backtest->add_option("--db", backtest_opts.db_url, "Database URL");
  rules_backtest->add_option("--key", backtest_opts.key_file,
                             "Personal-data key file (default: next to the SQLite database)");

  auto* warnings_cmd = app.add_subcommand("warnings", "Warnings");
  warnings_cmd->require_subcommand(1);
  WarningsExportOptions wexp{db_url, "jsonl", "", ""};
  auto* warnings_export =
      warnings_cmd->add_subcommand("export", "Export every warning (JSON Lines, CSV or xlsx)");
  warnings_export->add_option("--db", wexp.db_url, "Database URL");
  warnings_export->add_option("--format", wexp.format, "jsonl (default), csv or xlsx")
      ->check(CLI::IsMember({"jsonl", "csv", "xlsx"}));
  warnings_export->add_option("--out", wexp.out, "Write to this file (default: stdout)");
  warnings_export->add_option("--key", wexp.key_file,
                              "Personal-data key file, to give persons' ID numbers (default: next "
                              "to an SQLite database)");

  std::string migrate_db = db_url;
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations");
  migrate_cmd->add_option("--db", migrate_db, "Database URL");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // Logs go to stderr: stdout carries command output (JSON) for scripts.
  spdlog::set_default_logger(spdlog::stderr_color_mt("mingjing"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  // Expected failures come back as statuses with Chinese messages; anything
  // thrown (a lost database connection, a full disk) ends the command with
  // a clear message and status 1 instead of an abort.
  try {
    if (*serve_cmd) {
      serve.live_rules = !no_live_rules;
      return run_serve(serve);
    }
    if (*demo_cmd) {
      demo.records = !no_records;
      return run_demo(demo);
    }
    if (*import_cmd) return run_import(imp);
    if (*user_add) return run_user_add(add);
    if (*user_passwd) return run_user_passwd(passwd_db, passwd_user, passwd_password);
    if (*user_list) return run_user_list(list_db);
    if (*audit_verify) return run_audit_verify(verify_db);
    if (*warnings_export) return run_warnings_export(wexp);
    if (*rules_test) return run_rules_test(rules_test_opts);
    if (*rules_run) return run_rules_run(rules_run_opts);
    if (*rules_backtest) return run_rules_backtest(backtest_opts);
    if (*migrate_cmd) return open_database(migrate_db) ? 0 : 1;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    std::cerr << "错误：操作未完成（" << e.what() << "）。已提交的部分保留，可修正后重新执行。\n";
    return 1;
  }
  return 2;
}
