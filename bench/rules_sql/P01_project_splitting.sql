-- P01 Project splitting to avoid a tender (rules-catalogue.md, A, with the
-- concrete defaults): at least 2 contracts of one village, each below T
-- (100,000 yuan = 10,000,000 fen), together at or above T, with the same
-- category or the same winner, within 12 months ending at the latest one.
--   amount: contract_amount, else estimated_amount;
--   date: contract_signed_at (local date, Asia/Shanghai), else award_date; a
--     project with neither is not evaluated;
--   the window of a contract dated D holds the group's contracts dated after
--     D minus 12 months and up to D (for D = 2025-03-10: 2024-03-11 ..
--     2025-03-10), as text dates.
-- Windows that share a contract are merged into one episode per group
-- (village and category, or village and winner). A hit is one episode; an
-- episode by winner with exactly the contracts of an episode by category is
-- the same hit and reported once, as the category's. Key: "category " or
-- "winner " and the episode's smallest project id.
-- Subjects: every project of the episode.
-- Simplifications: none beyond the defaults above.
WITH contracts AS (
  SELECT id, village_code, category, winner_uscc,
         COALESCE(contract_amount, estimated_amount) AS amount,
         COALESCE(substr(datetime(contract_signed_at / 1000, 'unixepoch', '+8 hours'), 1, 10),
                  award_date) AS day
  FROM projects
),
grouped AS (
  SELECT 'category' AS kind, village_code || ' ' || category AS grp, id, amount, day
  FROM contracts
  WHERE amount < 10000000 AND day IS NOT NULL
  UNION ALL
  SELECT 'winner', village_code || ' ' || winner_uscc, id, amount, day
  FROM contracts
  WHERE amount < 10000000 AND day IS NOT NULL AND winner_uscc IS NOT NULL
),
windows AS (  -- the window ending at each contract, where it qualifies
  SELECT e.kind, e.grp, e.day AS last_day, MIN(m.day) AS first_day
  FROM grouped e
  JOIN grouped m ON m.kind = e.kind AND m.grp = e.grp AND m.day <= e.day
                AND m.day > CAST(CAST(substr(e.day, 1, 4) AS INTEGER) - 1 AS TEXT) || substr(e.day, 5)
  GROUP BY e.kind, e.grp, e.id, e.day
  HAVING COUNT(*) >= 2 AND SUM(m.amount) >= 10000000
),
reach AS (  -- how far the windows before each one reach
  SELECT kind, grp, first_day, last_day,
         MAX(last_day) OVER (PARTITION BY kind, grp ORDER BY first_day, last_day
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prior_end
  FROM windows
),
islands AS (  -- a window that starts after all earlier ones end opens an episode
  SELECT kind, grp, first_day, last_day,
         SUM(CASE WHEN prior_end IS NULL OR first_day > prior_end THEN 1 ELSE 0 END)
           OVER (PARTITION BY kind, grp ORDER BY first_day, last_day ROWS UNBOUNDED PRECEDING)
           AS episode
  FROM reach
),
episodes AS (
  SELECT kind, grp, episode, MIN(first_day) AS first_day, MAX(last_day) AS last_day
  FROM islands
  GROUP BY kind, grp, episode
),
members AS (
  SELECT ep.kind, ep.grp, ep.episode, g.id
  FROM episodes ep
  JOIN grouped g ON g.kind = ep.kind AND g.grp = ep.grp AND g.day >= ep.first_day
                AND g.day <= ep.last_day
),
sized AS (
  SELECT kind, grp, episode, COUNT(*) AS n, MIN(id) AS first_id
  FROM members
  GROUP BY kind, grp, episode
),
repeated AS (  -- winner episodes with exactly a category episode's contracts
  SELECT w.grp, w.episode
  FROM sized w
  JOIN sized c ON c.kind = 'category' AND c.n = w.n
  JOIN members mw ON mw.kind = w.kind AND mw.grp = w.grp AND mw.episode = w.episode
  JOIN members mc ON mc.kind = c.kind AND mc.grp = c.grp AND mc.episode = c.episode AND mc.id = mw.id
  WHERE w.kind = 'winner'
  GROUP BY w.grp, w.episode, c.grp, c.episode, w.n
  HAVING COUNT(*) = w.n
)
SELECT s.kind || ' ' || s.first_id AS hit, 'projects' AS dataset, m.id AS id
FROM sized s
JOIN members m ON m.kind = s.kind AND m.grp = s.grp AND m.episode = s.episode
WHERE NOT EXISTS (SELECT 1 FROM repeated r WHERE s.kind = 'winner' AND r.grp = s.grp
                                             AND r.episode = s.episode)
ORDER BY 1, 2, 3;
