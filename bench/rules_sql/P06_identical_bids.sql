-- P06 Identical bid prices from different bidders (rules-catalogue.md, A;
-- cardinal R028).
-- A hit: one project in which two or more different bidders bid exactly the
-- same amount. Every bid counts whatever its status (valid, disqualified,
-- winner), as cardinal counts every submitted bid.
-- Subjects: the project, then the companies that share a price.
-- Simplifications: none (cardinal's price-comparison method filter is empty
-- by default, so every project with bids is looked at).
WITH tie AS (
  SELECT project_id, amount
  FROM bids
  GROUP BY project_id, amount
  HAVING COUNT(DISTINCT bidder_uscc) > 1
)
SELECT DISTINCT project_id AS hit, 'projects' AS dataset, project_id AS id FROM tie
UNION
SELECT t.project_id, 'companies', b.bidder_uscc
FROM tie t
JOIN bids b ON b.project_id = t.project_id AND b.amount = t.amount
ORDER BY 1, 2, 3;
