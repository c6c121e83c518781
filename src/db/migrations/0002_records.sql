-- Business records: one table per dataset of ../shared/spec/data-formats.md,
-- described column by column in src/imports/datasets.cc (datasets_test.cc
-- checks that the two agree on both back ends).
-- Tokens: {{ID}} auto-increment key, {{REAL}} a double-precision number.
-- Money is integer fen; dates are 'YYYY-MM-DD'; times are unix milliseconds.
-- Personal data: <col>_enc sealed, <col>_bidx blind index, <col>_mask shown.

-- One row per import run: which file, when, by whom, and what it did.
CREATE TABLE imports (
  id {{ID}},
  dataset TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  status TEXT NOT NULL,
  rows_read BIGINT NOT NULL DEFAULT 0,
  inserted BIGINT NOT NULL DEFAULT 0,
  updated BIGINT NOT NULL DEFAULT 0,
  rejected BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX imports_dataset ON imports(dataset, started_at);

-- persons: 户籍人口
CREATE TABLE persons (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "household_no" TEXT,
  "relation_to_head" TEXT,
  "phone_enc" TEXT,
  "phone_bidx" TEXT,
  "phone_mask" TEXT,
  "address" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX persons_region ON persons("village_code");
CREATE INDEX persons_id_number ON persons("id_number_bidx");
CREATE INDEX persons_phone ON persons("phone_bidx");

-- deaths: 死亡登记
CREATE TABLE deaths (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "name" TEXT,
  "death_date" TEXT NOT NULL,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX deaths_id_number ON deaths("id_number_bidx");

-- officials: 村干部及工作人员
CREATE TABLE officials (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "region_code" TEXT NOT NULL REFERENCES regions(code),
  "unit" TEXT,
  "position" TEXT NOT NULL,
  "kind" TEXT NOT NULL,
  "start_date" TEXT,
  "end_date" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX officials_region ON officials("region_code");
CREATE INDEX officials_id_number ON officials("id_number_bidx");

-- relatives: 干部亲属关系
CREATE TABLE relatives (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "relative_id_number_enc" TEXT NOT NULL,
  "relative_id_number_bidx" TEXT NOT NULL,
  "relative_id_number_mask" TEXT NOT NULL,
  "relation" TEXT NOT NULL,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX relatives_id_number ON relatives("id_number_bidx");
CREATE INDEX relatives_relative_id_number ON relatives("relative_id_number_bidx");

-- companies: 市场主体
CREATE TABLE companies (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "uscc" TEXT NOT NULL,
  "name" TEXT NOT NULL,
  "legal_rep_id_number_enc" TEXT,
  "legal_rep_id_number_bidx" TEXT,
  "legal_rep_id_number_mask" TEXT,
  "legal_rep_name" TEXT,
  "address" TEXT,
  "phone_enc" TEXT,
  "phone_bidx" TEXT,
  "phone_mask" TEXT,
  "email" TEXT,
  "established_date" TEXT,
  "status" TEXT,
  "status_date" TEXT,
  "industry_code" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX companies_uscc ON companies("uscc");
CREATE INDEX companies_legal_rep_id_number ON companies("legal_rep_id_number_bidx");
CREATE INDEX companies_phone ON companies("phone_bidx");

-- shareholders: 股东及主要人员
CREATE TABLE shareholders (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "uscc" TEXT NOT NULL,
  "holder_id_number_enc" TEXT,
  "holder_id_number_bidx" TEXT,
  "holder_id_number_mask" TEXT,
  "holder_uscc" TEXT,
  "holder_name" TEXT,
  "share_pct" {{REAL}},
  "role" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX shareholders_uscc ON shareholders("uscc");
CREATE INDEX shareholders_holder_id_number ON shareholders("holder_id_number_bidx");
CREATE INDEX shareholders_holder_uscc ON shareholders("holder_uscc");

-- vehicles: 机动车登记
CREATE TABLE vehicles (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "plate" TEXT NOT NULL,
  "registered_date" TEXT,
  "vehicle_type" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX vehicles_id_number ON vehicles("id_number_bidx");

-- properties: 不动产登记
CREATE TABLE properties (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id_number_enc" TEXT NOT NULL,
  "id_number_bidx" TEXT NOT NULL,
  "id_number_mask" TEXT NOT NULL,
  "property_id" TEXT NOT NULL,
  "registered_date" TEXT,
  "kind" TEXT,
  "area_m2" {{REAL}},
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX properties_id_number ON properties("id_number_bidx");

-- accounts: 村级银行账户
CREATE TABLE accounts (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "account_no_enc" TEXT NOT NULL,
  "account_no_bidx" TEXT NOT NULL,
  "account_no_mask" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "bank" TEXT,
  "account_name" TEXT,
  "kind" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_region ON accounts("village_code");
CREATE INDEX accounts_account_no ON accounts("account_no_bidx");

-- bank_transactions: 银行流水
CREATE TABLE bank_transactions (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "account_no_enc" TEXT NOT NULL,
  "account_no_bidx" TEXT NOT NULL,
  "account_no_mask" TEXT NOT NULL,
  "time" BIGINT NOT NULL,
  "direction" TEXT NOT NULL,
  "amount" BIGINT NOT NULL,
  "counterparty_name" TEXT,
  "counterparty_account_enc" TEXT,
  "counterparty_account_bidx" TEXT,
  "counterparty_account_mask" TEXT,
  "summary" TEXT,
  "balance" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX bank_transactions_account_no ON bank_transactions("account_no_bidx");
CREATE INDEX bank_transactions_counterparty_account ON bank_transactions("counterparty_account_bidx");

-- projects: 村级工程及采购项目
CREATE TABLE projects (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "name" TEXT NOT NULL,
  "category" TEXT NOT NULL,
  "estimated_amount" BIGINT NOT NULL,
  "method" TEXT NOT NULL,
  "tender_published_at" BIGINT,
  "bid_deadline" BIGINT,
  "award_date" TEXT,
  "winner_uscc" TEXT,
  "contract_amount" BIGINT,
  "contract_signed_at" BIGINT,
  "start_date" TEXT,
  "completion_date" TEXT,
  "acceptance_date" TEXT,
  "final_amount" BIGINT,
  "status" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX projects_region ON projects("village_code");
CREATE INDEX projects_winner_uscc ON projects("winner_uscc");

-- bids: 投标记录
CREATE TABLE bids (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "project_id" TEXT NOT NULL,
  "bidder_uscc" TEXT NOT NULL,
  "bidder_name" TEXT,
  "amount" BIGINT NOT NULL,
  "submitted_at" BIGINT NOT NULL,
  "status" TEXT NOT NULL,
  "reason" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX bids_project_id ON bids("project_id");
CREATE INDEX bids_bidder_uscc ON bids("bidder_uscc");

-- payments: 村集体支出
CREATE TABLE payments (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "category" TEXT NOT NULL,
  "payee_name" TEXT NOT NULL,
  "payee_id_number_enc" TEXT,
  "payee_id_number_bidx" TEXT,
  "payee_id_number_mask" TEXT,
  "payee_uscc" TEXT,
  "payee_account_enc" TEXT,
  "payee_account_bidx" TEXT,
  "payee_account_mask" TEXT,
  "amount" BIGINT NOT NULL,
  "method" TEXT NOT NULL,
  "purpose" TEXT,
  "project_id" TEXT,
  "applied_at" BIGINT NOT NULL,
  "approved_at" BIGINT,
  "paid_at" BIGINT,
  "status" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX payments_region ON payments("village_code");
CREATE INDEX payments_payee_id_number ON payments("payee_id_number_bidx");
CREATE INDEX payments_payee_uscc ON payments("payee_uscc");
CREATE INDEX payments_payee_account ON payments("payee_account_bidx");
CREATE INDEX payments_project_id ON payments("project_id");

-- payment_approvals: 支出审批记录
CREATE TABLE payment_approvals (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "payment_id" TEXT NOT NULL,
  "step" TEXT NOT NULL,
  "approver_id_number_enc" TEXT,
  "approver_id_number_bidx" TEXT,
  "approver_id_number_mask" TEXT,
  "decision" TEXT NOT NULL,
  "time" BIGINT NOT NULL,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX payment_approvals_payment_id ON payment_approvals("payment_id");
CREATE INDEX payment_approvals_approver_id_number ON payment_approvals("approver_id_number_bidx");

-- meetings: 会议及公示
CREATE TABLE meetings (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "kind" TEXT NOT NULL,
  "held_at" BIGINT NOT NULL,
  "until" TEXT,
  "subject" TEXT,
  "related_dataset" TEXT,
  "related_id" TEXT,
  "eligible" BIGINT,
  "attended" BIGINT,
  "votes_for" BIGINT,
  "created_at" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_region ON meetings("village_code");

-- leases: 集体资产资源合同
CREATE TABLE leases (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "asset_name" TEXT NOT NULL,
  "asset_kind" TEXT,
  "area" {{REAL}},
  "lessee_name" TEXT NOT NULL,
  "lessee_id_number_enc" TEXT,
  "lessee_id_number_bidx" TEXT,
  "lessee_id_number_mask" TEXT,
  "lessee_uscc" TEXT,
  "lessee_is_member" BIGINT,
  "method" TEXT,
  "signed_at" TEXT,
  "start_date" TEXT NOT NULL,
  "end_date" TEXT NOT NULL,
  "annual_rent" BIGINT NOT NULL,
  "benchmark_rent" BIGINT,
  "consent_ratio" {{REAL}},
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX leases_region ON leases("village_code");
CREATE INDEX leases_lessee_id_number ON leases("lessee_id_number_bidx");
CREATE INDEX leases_lessee_uscc ON leases("lessee_uscc");

-- rent_due: 租金收缴
CREATE TABLE rent_due (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "lease_id" TEXT NOT NULL,
  "due_date" TEXT NOT NULL,
  "amount_due" BIGINT NOT NULL,
  "paid_date" TEXT,
  "amount_paid" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX rent_due_lease_id ON rent_due("lease_id");

-- labor: 村级务工
CREATE TABLE labor (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "project_id" TEXT,
  "worker_id_number_enc" TEXT NOT NULL,
  "worker_id_number_bidx" TEXT NOT NULL,
  "worker_id_number_mask" TEXT NOT NULL,
  "worker_name" TEXT,
  "work_start" TEXT NOT NULL,
  "work_end" TEXT NOT NULL,
  "days" {{REAL}},
  "daily_wage" BIGINT,
  "amount" BIGINT NOT NULL,
  "requested_at" BIGINT,
  "approved_at" BIGINT,
  "declared_at" BIGINT,
  "paid_at" BIGINT,
  "pay_method" TEXT,
  "payee_account_enc" TEXT,
  "payee_account_bidx" TEXT,
  "payee_account_mask" TEXT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX labor_region ON labor("village_code");
CREATE INDEX labor_project_id ON labor("project_id");
CREATE INDEX labor_worker_id_number ON labor("worker_id_number_bidx");
CREATE INDEX labor_payee_account ON labor("payee_account_bidx");

-- subsidies: 惠民惠农补贴
CREATE TABLE subsidies (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "program_code" TEXT NOT NULL,
  "program_name" TEXT,
  "department" TEXT NOT NULL,
  "means_tested" BIGINT,
  "recipient_id_number_enc" TEXT NOT NULL,
  "recipient_id_number_bidx" TEXT NOT NULL,
  "recipient_id_number_mask" TEXT NOT NULL,
  "recipient_name" TEXT,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "amount" BIGINT NOT NULL,
  "period" TEXT,
  "paid_at" BIGINT NOT NULL,
  "account_no_enc" TEXT,
  "account_no_bidx" TEXT,
  "account_no_mask" TEXT,
  "posted_from" TEXT,
  "posted_to" TEXT,
  "posted_amount" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX subsidies_region ON subsidies("village_code");
CREATE INDEX subsidies_recipient_id_number ON subsidies("recipient_id_number_bidx");
CREATE INDEX subsidies_account_no ON subsidies("account_no_bidx");

-- seal_uses: 印章使用登记
CREATE TABLE seal_uses (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "used_at" BIGINT NOT NULL,
  "purpose" TEXT,
  "document_title" TEXT,
  "approval_id" TEXT,
  "approved_at" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX seal_uses_region ON seal_uses("village_code");

-- disclosures: 三务公开
CREATE TABLE disclosures (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "category" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  "period" TEXT,
  "published_at" BIGINT NOT NULL,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX disclosures_region ON disclosures("village_code");

-- complaints: 群众投诉
CREATE TABLE complaints (
  row_id {{ID}},
  record_key TEXT NOT NULL UNIQUE,
  row_digest TEXT NOT NULL,
  "id" TEXT NOT NULL,
  "village_code" TEXT NOT NULL REFERENCES regions(code),
  "category" TEXT,
  "submitted_at" BIGINT NOT NULL,
  "answered_at" BIGINT,
  "closed_at" BIGINT,
  "satisfaction" BIGINT,
  import_id BIGINT REFERENCES imports(id),
  row_created_at BIGINT NOT NULL,
  row_updated_at BIGINT NOT NULL
);
CREATE INDEX complaints_region ON complaints("village_code");
