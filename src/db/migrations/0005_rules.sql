-- Rule administration (src/rules/registry.h): the versions of each rule as
-- the county runs them, their status history, per-region parameter
-- overrides, and a counter that tells running servers to reload.
-- Tokens: {{ID}} auto-increment key. Times are unix milliseconds (UTC).

-- Every version of every rule, shipped or edited, with its full YAML text.
-- A stored version is never rewritten; only its status, in_force and
-- superseded_at change. At most one version of a rule is in force.
CREATE TABLE rule_versions (
  id {{ID}},
  rule_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  -- draft | shadow | active | paused | retired
  status TEXT NOT NULL,
  -- 1 for the version that evaluates (any status but draft)
  in_force INTEGER NOT NULL DEFAULT 0,
  -- shipped | edited
  origin TEXT NOT NULL,
  -- shipped versions: the file's own version number, so each is stored once
  shipped_version INTEGER,
  yaml TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT REFERENCES users(id),
  created_by_name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  superseded_at BIGINT,
  UNIQUE (rule_id, version)
);
CREATE INDEX rule_versions_in_force ON rule_versions(in_force, rule_id);

-- Every status change of a version, oldest first.
CREATE TABLE rule_status_changes (
  id {{ID}},
  rule_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  user_id BIGINT REFERENCES users(id),
  username TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX rule_status_changes_rule ON rule_status_changes(rule_id, id);

-- A parameter value for one county, town or village, as typed ("5万元" is
-- refused, "50000" or "30%" kept as written); typed again by the version
-- in force whenever the pack is built.
CREATE TABLE rule_overrides (
  id {{ID}},
  rule_id TEXT NOT NULL,
  param TEXT NOT NULL,
  region_code TEXT NOT NULL,
  value TEXT NOT NULL,
  set_by BIGINT REFERENCES users(id),
  set_by_name TEXT NOT NULL,
  set_at BIGINT NOT NULL,
  UNIQUE (rule_id, param, region_code)
);

-- One row: bumped by every change above, so every server sees the change.
CREATE TABLE rule_generation (
  id INTEGER PRIMARY KEY,
  generation BIGINT NOT NULL
);
INSERT INTO rule_generation (id, generation) VALUES (1, 0);
