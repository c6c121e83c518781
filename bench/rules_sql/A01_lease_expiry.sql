-- A01 Contract expiring, or expired without a re-tender (rules-catalogue.md, C).
-- The evaluation date is fixed for the benchmark: 2025-12-31, the end of the
-- generated period (the catalogue's "today, or --as-of DATE").
-- A hit: one lease that either
--   ends within 60 days of the evaluation date (end_date in [as-of, as-of +
--   60 days]; yellow), or
--   has ended (end_date < as-of) and is still occupied: rent fell due under
--   it after its end date (red).
-- Subjects: the lease, and for an expired one the rent due after its end
-- (rent_due, keyed "lease_id / due_date").
-- Simplifications: "still occupied" is seen only through rent due after the
-- end date; an expired lease with no later rent is not flagged.
WITH params AS (
  SELECT julianday('2025-12-31') AS as_of, 60 AS warn_days
),
expiring AS (
  SELECT l.id
  FROM leases l, params
  WHERE julianday(l.end_date) >= params.as_of
    AND julianday(l.end_date) <= params.as_of + params.warn_days
),
occupied AS (
  SELECT l.id, r.due_date
  FROM leases l
  JOIN rent_due r ON r.lease_id = l.id AND r.due_date > l.end_date
  CROSS JOIN params
  WHERE julianday(l.end_date) < params.as_of
)
SELECT id AS hit, 'leases' AS dataset, id AS id FROM expiring
UNION
SELECT id, 'leases', id FROM occupied
UNION
SELECT id, 'rent_due', id || ' / ' || due_date FROM occupied
ORDER BY 1, 2, 3;
