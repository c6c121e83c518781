-- A01 Contract expiring, or expired without a re-tender (rules-catalogue.md,
-- C), as rules/A01.yaml defines it (a deadline on the lease's end date).
-- The evaluation date is fixed for the benchmark: 2025-12-31, the end of the
-- generated period (the catalogue's "today, or --as-of DATE").
-- A hit: one lease whose end date is at most 60 days after the evaluation
-- date (yellow from 60 days before the end, red once past it) and at most
-- 365 days before it (expired_days: older expiries are no longer raised).
-- Subjects: the lease.
-- Simplifications (the engine's as well): the catalogue's red case is
-- "expired and still occupied"; no dataset says whether a lease's asset is
-- still occupied or was tendered again, so every lease expired within the
-- last 365 days is red.
SELECT id AS hit, 'leases' AS dataset, id AS id
FROM leases
WHERE julianday(end_date) <= julianday('2025-12-31') + 60
  AND julianday(end_date) >= julianday('2025-12-31') - 365
ORDER BY 1, 2, 3;
