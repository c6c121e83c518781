-- The indexes a DBA would add to the stored tables for the ten baseline
-- rules (bench/rules_sql/), beyond the join-key indexes the schema already
-- has (migrations: one per reference and blind-indexed column).
-- bench/rules_baseline.sh drops and creates them before the SQLite runs,
-- one statement per line, and reports the time of each apart from the
-- queries (sqlite_indexes.jsonl). DuckDB gets none (its joins hash).
-- S05: groups by programme, period and recipient from the index alone.
CREATE INDEX bench_subsidies_programme_period_recipient ON subsidies(program_code, period, recipient_id_number_bidx, id);
-- F07: the ledger of a village at one amount, with the dates and status.
CREATE INDEX bench_payments_village_amount ON payments(village_code, amount, paid_at, applied_at, status);
-- L02: one worker's records in date order, without the table.
CREATE INDEX bench_labor_worker_days ON labor(worker_id_number_bidx, work_start, work_end, id);
-- F01: cash payments by amount.
CREATE INDEX bench_payments_method_amount ON payments(method, amount);
