-- S05 Duplicate subsidy: same person, same programme, same period
-- (rules-catalogue.md, D), whichever village paid it.
-- A hit: one (recipient, program_code, period) with more than one payment;
-- its key is the smallest payment id of the group.
-- Subjects: every payment of the group.
-- Simplifications: payments without a period are left out (no period, no
-- "same period").
WITH dup AS (
  SELECT recipient_id_number_bidx AS who, program_code, period, MIN(id) AS hit
  FROM subsidies
  WHERE period IS NOT NULL
  -- This column order lets SQLite scan the table and sort, rather than
  -- walk the recipient index with a table lookup per row (twice as slow).
  GROUP BY program_code, period, recipient_id_number_bidx
  HAVING COUNT(*) > 1
)
SELECT dup.hit AS hit, 'subsidies' AS dataset, s.id AS id
FROM dup
JOIN subsidies s ON s.recipient_id_number_bidx = dup.who AND s.program_code = dup.program_code
                AND s.period = dup.period
ORDER BY 1, 2, 3;
