-- Imports made through the web: the uploader's region (whose runs a town
-- discipline inspector may review) and the rejected rows, so the error
-- report can be downloaded later. A rejected value is sealed like any
-- personal value: a mistyped ID number is still an ID number.
ALTER TABLE imports ADD COLUMN region_code TEXT;

CREATE TABLE import_errors (
  import_id BIGINT NOT NULL REFERENCES imports(id),
  seq INTEGER NOT NULL,
  file_row BIGINT NOT NULL,
  column_name TEXT NOT NULL,
  value_enc TEXT NOT NULL,
  reason TEXT NOT NULL,
  reason_en TEXT NOT NULL,
  PRIMARY KEY (import_id, seq)
);
