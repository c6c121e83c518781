-- P07 Price gap between winner and runner-up outside the IQR fences
-- (rules-catalogue.md, A; cardinal R024 and R058, README section 6.3-6.5).
-- Per project: the winner's bid is the lowest bid of winner_uscc, the
-- runner-up's the lowest bid of any other bidder, counting bids with status
-- 'valid' or 'winner' (not 'disqualified'); the project is kept only if both
-- exist and the runner-up bid is not below the winner's (cardinal: a cheaper
-- loser means the award was not on price), and the winner's bid is > 0.
-- ratio = (runner-up - winner) / winner, in double precision.
-- Over all kept projects: Q1 and Q3 by Hyndman-Fan type 8 (h = (n + 1/3) tau
-- + 1/3; below the first or past the last order statistic the extreme value,
-- else x[floor(h)] + (h - floor(h)) (x[floor(h)+1] - x[floor(h)]), 1-based),
-- lower fence Q1 - 1.5 IQR, upper fence Q3 + 1.5 IQR.
-- A hit: one project with ratio <= lower fence (only if Q1 > 0 and the lower
-- fence > 0: R024's guard) or ratio >= upper fence (only if the upper fence
-- > 0: R058's guard).
-- Subjects: the project, the winner and the runner-up (on equal runner-up
-- bids, the smallest credit code; cardinal takes the first in file order),
-- and every counted bid of the project (bids.record_key), which is what the
-- engine names (rules/P07.yaml: a window over the project's bids).
-- Differences from rules/P07.yaml, in degenerate data only: the engine
-- takes the winner from the bids' status ('winner', exactly one) rather
-- than projects.winner_uscc, needs at least 4 projects for quartiles, has
-- no R024/R058 guards (Q1 > 0 and lower fence > 0; upper fence > 0) and
-- requires a hit to lie strictly beyond its quartile as well.
-- Simplifications: the fences are computed with a multiply and a subtract
-- (cardinal uses one fused multiply-add), which can differ in the last bit,
-- so only a ratio exactly on a fence could be judged differently.
WITH bid AS (
  SELECT project_id, bidder_uscc, amount, record_key
  FROM bids
  WHERE status IN ('valid', 'winner')
),
winner AS (
  SELECT p.id AS project_id, p.winner_uscc, MIN(b.amount) AS amount
  FROM projects p
  JOIN bid b ON b.project_id = p.id AND b.bidder_uscc = p.winner_uscc
  GROUP BY p.id, p.winner_uscc
),
runner AS (
  SELECT w.project_id, MIN(b.amount) AS amount
  FROM winner w
  JOIN bid b ON b.project_id = w.project_id AND b.bidder_uscc <> w.winner_uscc
  GROUP BY w.project_id
),
gap AS (
  SELECT w.project_id, w.winner_uscc, r.amount AS runner_amount,
         CAST(r.amount - w.amount AS DOUBLE) / w.amount AS ratio
  FROM winner w
  JOIN runner r ON r.project_id = w.project_id
  WHERE r.amount >= w.amount AND w.amount > 0
),
ranked AS (
  SELECT ratio, ROW_NUMBER() OVER (ORDER BY ratio) AS i, COUNT(*) OVER () AS n
  FROM gap
),
pos AS (
  SELECT DISTINCT n,
         (CAST(n AS DOUBLE) + 1.0 / 3.0) * 0.25 + 1.0 / 3.0 AS h1,
         (CAST(n AS DOUBLE) + 1.0 / 3.0) * 0.75 + 1.0 / 3.0 AS h3
  FROM ranked
),
quartiles AS (
  SELECT
    CASE WHEN floor(p.h1) <= 0 THEN MIN(r.ratio)
         WHEN floor(p.h1) >= p.n THEN MAX(r.ratio)
         ELSE MAX(CASE WHEN r.i = floor(p.h1) THEN r.ratio END)
              + (p.h1 - floor(p.h1)) * (MAX(CASE WHEN r.i = floor(p.h1) + 1 THEN r.ratio END)
                                        - MAX(CASE WHEN r.i = floor(p.h1) THEN r.ratio END))
    END AS q1,
    CASE WHEN floor(p.h3) <= 0 THEN MIN(r.ratio)
         WHEN floor(p.h3) >= p.n THEN MAX(r.ratio)
         ELSE MAX(CASE WHEN r.i = floor(p.h3) THEN r.ratio END)
              + (p.h3 - floor(p.h3)) * (MAX(CASE WHEN r.i = floor(p.h3) + 1 THEN r.ratio END)
                                        - MAX(CASE WHEN r.i = floor(p.h3) THEN r.ratio END))
    END AS q3
  FROM ranked r
  CROSS JOIN pos p
  GROUP BY p.n, p.h1, p.h3
),
fences AS (
  SELECT q1, q1 - 1.5 * (q3 - q1) AS lower_fence, q3 + 1.5 * (q3 - q1) AS upper_fence
  FROM quartiles
),
hits AS (
  SELECT g.project_id, g.winner_uscc, g.runner_amount
  FROM gap g
  CROSS JOIN fences f
  WHERE (f.q1 > 0 AND f.lower_fence > 0 AND g.ratio <= f.lower_fence)
     OR (f.upper_fence > 0 AND g.ratio >= f.upper_fence)
)
SELECT project_id AS hit, 'projects' AS dataset, project_id AS id FROM hits
UNION
SELECT project_id, 'companies', winner_uscc FROM hits
UNION
SELECT h.project_id, 'companies', MIN(b.bidder_uscc)
FROM hits h
JOIN bid b ON b.project_id = h.project_id AND b.amount = h.runner_amount
          AND b.bidder_uscc <> h.winner_uscc
GROUP BY h.project_id
UNION
SELECT h.project_id, 'bids', b.record_key
FROM hits h
JOIN bid b ON b.project_id = h.project_id
ORDER BY 1, 2, 3;
