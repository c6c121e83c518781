-- Warnings (src/warnings/, docs/warnings.md): what the rules found, where
-- each case was sent, its timeline, the verdicts and the exceptions they
-- granted; and the in-app inbox (src/notify/) that tells people about them.
-- Tokens: {{ID}} auto-increment key. Times are unix milliseconds (UTC);
-- dates are 'YYYY-MM-DD' civil dates in Asia/Shanghai.

-- One row per case: (rule_id, dedup_key) is the case, however often the
-- rules are run. JSON columns hold text written by warnings/.
CREATE TABLE warnings (
  id {{ID}},
  rule_id TEXT NOT NULL,
  rule_version INTEGER NOT NULL,
  -- projects | finance | assets | subsidies | labour | procedure | efficiency
  category TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  severity TEXT NOT NULL,
  -- new | handling | closed
  status TEXT NOT NULL,
  region_code TEXT NOT NULL,
  -- village | department | town_discipline | county_discipline, and the
  -- region that body belongs to (a village, a town, the county)
  routed_body TEXT NOT NULL,
  routed_region TEXT NOT NULL,
  -- the programme (subsidies.program_code) a department case belongs to;
  -- kept after escalation so the department still sees its case
  programme TEXT NOT NULL DEFAULT '',
  escalation_level INTEGER NOT NULL DEFAULT 0,
  assignee_id BIGINT REFERENCES users(id),
  deadline TEXT NOT NULL,
  deadline_workdays INTEGER NOT NULL,
  subjects TEXT NOT NULL,
  explanation TEXT NOT NULL,
  evidence TEXT NOT NULL,
  params TEXT NOT NULL,
  -- digests of the last hit: everything stored from it, and its facts alone
  -- (subjects and evidence), to tell a changed case from the same one
  content_digest TEXT NOT NULL,
  facts_digest TEXT NOT NULL,
  -- 1 while the last evaluation covering the case still found it
  still_hit INTEGER NOT NULL DEFAULT 1,
  -- confirmed | rectified | false_positive | exception, once closed
  verdict TEXT,
  verdict_reason TEXT,
  reopened_count INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  UNIQUE (rule_id, dedup_key)
);
CREATE INDEX warnings_status ON warnings(status, deadline);
CREATE INDEX warnings_region ON warnings(region_code);
CREATE INDEX warnings_routed ON warnings(routed_body, routed_region);
CREATE INDEX warnings_category ON warnings(category, status);

-- The timeline: every action on a warning, by whom, when, with its note.
CREATE TABLE warning_events (
  id {{ID}},
  warning_id BIGINT NOT NULL REFERENCES warnings(id),
  at BIGINT NOT NULL,
  user_id BIGINT,
  username TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX warning_events_warning ON warning_events(warning_id, id);

-- Granted by closing a warning with the verdict "exception": hits of the
-- same rule and key raise nothing up to and including expires_on, unless
-- the exception is revoked (the warning reopened).
CREATE TABLE warning_exceptions (
  id {{ID}},
  rule_id TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  warning_id BIGINT NOT NULL REFERENCES warnings(id),
  owner TEXT NOT NULL,
  reason TEXT NOT NULL,
  expires_on TEXT NOT NULL,
  created_by BIGINT,
  created_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX warning_exceptions_key ON warning_exceptions(rule_id, dedup_key);

-- The in-app inbox (src/notify/): one row per recipient.
CREATE TABLE notices (
  id {{ID}},
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notices_user ON notices(user_id, id);
