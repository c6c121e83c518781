-- P01 Project splitting to avoid a tender (rules-catalogue.md, A, with the
-- concrete defaults), as rules/P01.yaml defines it: at least 2 contracts of
-- one village and one category, each below T (100,000 yuan = 10,000,000
-- fen), together at or above T, within 12 months ending at the latest one.
--   amount: contract_amount, else estimated_amount;
--   date: contract_signed_at (local date, Asia/Shanghai), else award_date; a
--     project with neither is not evaluated;
--   the window of a contract dated D holds the group's contracts dated after
--     D minus 12 months and up to D (for D = 2025-03-10: 2024-03-11 ..
--     2025-03-10), as text dates.
-- Windows that share a contract are merged into one episode per group
-- (village and category). A hit is one episode; its key is its smallest
-- project id.
-- Subjects: every project of the episode.
-- Simplifications (the engine's as well): the catalogue also counts
-- contracts with the same winner in another category; a rule of the engine
-- has one grouping, so only the category is looked at.
WITH contracts AS (
  SELECT id, village_code || ' ' || category AS grp,
         COALESCE(contract_amount, estimated_amount) AS amount,
         COALESCE(substr(datetime(contract_signed_at / 1000, 'unixepoch', '+8 hours'), 1, 10),
                  award_date) AS day
  FROM projects
),
grouped AS (
  SELECT grp, id, amount, day
  FROM contracts
  WHERE amount < 10000000 AND day IS NOT NULL
),
windows AS (  -- the window ending at each contract, where it qualifies
  SELECT e.grp, e.day AS last_day, MIN(m.day) AS first_day
  FROM grouped e
  JOIN grouped m ON m.grp = e.grp AND m.day <= e.day
                AND m.day > CAST(CAST(substr(e.day, 1, 4) AS INTEGER) - 1 AS TEXT) || substr(e.day, 5)
  GROUP BY e.grp, e.id, e.day
  HAVING COUNT(*) >= 2 AND SUM(m.amount) >= 10000000
),
reach AS (  -- how far the windows before each one reach
  SELECT grp, first_day, last_day,
         MAX(last_day) OVER (PARTITION BY grp ORDER BY first_day, last_day
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior_end
  FROM windows
),
islands AS (  -- a window that starts after all earlier ones end opens an episode
  SELECT grp, first_day, last_day,
         SUM(CASE WHEN prior_end IS NULL OR first_day > prior_end THEN 1 ELSE 0 END)
           OVER (PARTITION BY grp ORDER BY first_day, last_day ROWS UNBOUNDED PRECEDING)
           AS episode
  FROM reach
),
episodes AS (
  SELECT grp, episode, MIN(first_day) AS first_day, MAX(last_day) AS last_day
  FROM islands
  GROUP BY grp, episode
),
members AS (
  SELECT ep.grp, ep.episode, g.id
  FROM episodes ep
  JOIN grouped g ON g.grp = ep.grp AND g.day >= ep.first_day AND g.day <= ep.last_day
)
SELECT MIN(id) OVER (PARTITION BY grp, episode) AS hit, 'projects' AS dataset, id AS id
FROM members
ORDER BY 1, 2, 3;
