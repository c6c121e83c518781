-- F07 Off-ledger funds (rules-catalogue.md, B), outgoing side only: money
-- that left a village account with no entry in the village ledger
-- (rules/F07.yaml).
-- A hit: one outgoing bank transaction (direction 'out') of an account in
-- `accounts`, more than 15 days before the evaluation date (fixed:
-- 2025-12-31, local dates), for which no payment of the account's village
-- that is not rejected has the same amount and a date (paid_at, else
-- applied_at) within 15 days of the transaction's (local dates,
-- Asia/Shanghai; |difference| <= 15 calendar days).
-- Subjects: the bank transaction.
-- Simplifications (the engine's as well): the catalogue's default matches
-- bank and ledger one to one on the village account; here any payment of
-- the account's village with the same amount within 15 days matches, and
-- one payment may match several transactions. The reverse direction (a
-- payment with no bank line) is not checked. Transactions of accounts
-- missing from `accounts` are not evaluated.
-- For SQLite: the ledger CTE is inlined into the correlated NOT EXISTS, which
-- then reads the covering index bench_payments_village_amount
-- (bench/rules_baseline/sqlite_indexes.sql); with the index this is faster
-- than materialising the ledger (an automatic index on every run).
WITH ledger AS (
  SELECT village_code, amount, floor((coalesce(paid_at, applied_at) + 28800000) / 86400000.0) AS day
  FROM payments
  WHERE coalesce(status, 'paid') <> 'rejected'
)
SELECT t.id AS hit, 'bank_transactions' AS dataset, t.id AS id
FROM bank_transactions t
JOIN accounts a ON a.account_no_bidx = t.account_no_bidx
WHERE t.direction = 'out'
  AND julianday('2025-12-31') - 2440587.5 - floor((t.time + 28800000) / 86400000.0) > 15
  AND NOT EXISTS (
    SELECT 1
    FROM ledger p
    WHERE p.village_code = a.village_code
      AND p.amount = t.amount
      AND abs(p.day - floor((t.time + 28800000) / 86400000.0)) <= 15)
ORDER BY 1, 2, 3;
