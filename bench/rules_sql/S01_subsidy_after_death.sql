-- S01 Subsidy paid after the recipient's death (rules-catalogue.md, D).
-- A hit: one subsidy payment whose pay date, local time (Asia/Shanghai,
-- UTC+8 all year), is after the death date recorded for its recipient
-- (deaths joined on the blind index of the ID number).
-- Subjects: the payment. The catalogue also names the person; persons are
-- keyed by their sealed ID number, which SQL cannot open, so the baseline
-- leaves them out (as it does in every rule here).
-- Simplifications: none.
SELECT s.id AS hit, 'subsidies' AS dataset, s.id AS id
FROM deaths d
JOIN subsidies s ON s.recipient_id_number_bidx = d.id_number_bidx
WHERE floor((s.paid_at + 28800000) / 86400000.0) > julianday(d.death_date) - 2440587.5
ORDER BY 1, 2, 3;
