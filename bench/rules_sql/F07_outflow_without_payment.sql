-- F07 Off-ledger funds (rules-catalogue.md, B), outgoing side only: money
-- that left a village account with no payment in the village ledger.
-- A hit: one outgoing bank transaction (direction 'out') of an account in
-- `accounts` for which no paid payment of the account's village has the same
-- amount and a pay date within 15 days of the transaction's date (local
-- dates, Asia/Shanghai; |difference| <= 15 calendar days).
-- Subjects: the bank transaction.
-- Simplifications (as agreed for the baseline): the catalogue's default
-- matches bank and ledger one to one on the village account; here any
-- payment of the account's village with the same amount within 15 days
-- matches, and one payment may match several transactions. The reverse
-- direction (a payment with no bank line) is not checked. Transactions of
-- accounts missing from `accounts` are not evaluated.
-- Written for speed in SQLite as well: MATERIALIZED lets SQLite build an
-- automatic index on (village, amount) of the paid payments; without it,
-- SQLite walks every payment of the village (payments_region) for each
-- transaction, about twice as slow at scale 10.
WITH paid AS MATERIALIZED (
  SELECT village_code, amount, floor((paid_at + 28800000) / 86400000.0) AS day
  FROM payments
  WHERE paid_at IS NOT NULL
)
SELECT t.id AS hit, 'bank_transactions' AS dataset, t.id AS id
FROM bank_transactions t
JOIN accounts a ON a.account_no_bidx = t.account_no_bidx
WHERE t.direction = 'out'
  AND NOT EXISTS (
    SELECT 1
    FROM paid p
    WHERE p.village_code = a.village_code
      AND p.amount = t.amount
      AND abs(p.day - floor((t.time + 28800000) / 86400000.0)) <= 15)
ORDER BY 1, 2, 3;
