-- P06 Identical bid prices from different bidders (rules-catalogue.md, A;
-- cardinal R028), as rules/P06.yaml defines it.
-- A hit: one amount bid in one project by two or more different bidders.
-- Every bid counts whatever its status (valid, disqualified, winner), as
-- cardinal counts every submitted bid. Its key: project id and amount.
-- Subjects: every bid of the project at that amount (bids are keyed by
-- project and bidder: record_key).
-- Simplifications: none (cardinal's price-comparison method filter is empty
-- by default, so every project with bids is looked at).
WITH tie AS (
  SELECT project_id, amount
  FROM bids
  GROUP BY project_id, amount
  HAVING COUNT(DISTINCT bidder_uscc) > 1
)
SELECT t.project_id || ' ' || t.amount AS hit, 'bids' AS dataset, b.record_key AS id
FROM tie t
JOIN bids b ON b.project_id = t.project_id AND b.amount = t.amount
ORDER BY 1, 2, 3;
