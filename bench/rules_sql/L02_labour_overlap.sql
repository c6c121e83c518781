-- L02 Same worker on overlapping days at two sites or villages
-- (rules-catalogue.md, E).
-- A hit: two labour records of one worker (joined on the blind index of the
-- ID number) whose day ranges [work_start, work_end] share at least one day;
-- its key is the two record ids, the smaller first.
-- Subjects: both labour records.
-- Simplifications: every pair of overlapping records counts, also two on
-- the same site (a double entry is the same overpayment); three mutually
-- overlapping records give three hits.
WITH pairs AS (
  SELECT a.id AS first_id, b.id AS second_id
  FROM labor a
  JOIN labor b ON b.worker_id_number_bidx = a.worker_id_number_bidx AND a.id < b.id
  WHERE a.work_start <= b.work_end AND b.work_start <= a.work_end
)
SELECT first_id || ' ' || second_id AS hit, 'labor' AS dataset, first_id AS id FROM pairs
UNION ALL
SELECT first_id || ' ' || second_id, 'labor', second_id FROM pairs
ORDER BY 1, 2, 3;
