-- P21 Cadre-owned or cadre-related contractor (rules-catalogue.md, A).
-- A hit: one project whose winner's legal representative, or one of its
-- shareholders or managers, is a cadre of the project's village in office on
-- the contract date, or a close relative of one.
--   cadre: officials.kind village_cadre or supervision_member, region_code =
--     the project's village, start_date <= contract date <= end_date (empty
--     start or end: open);
--   close relative: a relatives row of any relation but 'other', declared in
--     either direction (the cadre declared the person, or the person, if an
--     official too, declared the cadre);
--   contract date: contract_signed_at (local date, Asia/Shanghai), else
--     award_date (catalogue's concrete defaults); a project with neither is
--     not evaluated.
-- Subjects: the project and the winning company.
-- Simplifications: directors and supervisors (shareholders.role director,
-- supervisor) are not counted as managers; cadres of other villages are not
-- looked at.
WITH contract AS (
  SELECT id, village_code, winner_uscc,
         COALESCE(substr(datetime(contract_signed_at / 1000, 'unixepoch', '+8 hours'), 1, 10),
                  award_date) AS day
  FROM projects
  WHERE winner_uscc IS NOT NULL
),
insider AS (  -- the winner's people
  SELECT uscc, legal_rep_id_number_bidx AS who
  FROM companies
  WHERE legal_rep_id_number_bidx IS NOT NULL
  UNION
  SELECT uscc, holder_id_number_bidx
  FROM shareholders
  WHERE holder_id_number_bidx IS NOT NULL AND role IN ('shareholder', 'manager')
),
cadre AS (
  SELECT id_number_bidx AS who, region_code, start_date, end_date
  FROM officials
  WHERE kind IN ('village_cadre', 'supervision_member')
),
circle AS (  -- a cadre and the people close to him or her
  SELECT who AS cadre, who AS person FROM cadre
  UNION
  SELECT id_number_bidx, relative_id_number_bidx FROM relatives WHERE relation <> 'other'
  UNION
  SELECT relative_id_number_bidx, id_number_bidx FROM relatives WHERE relation <> 'other'
),
hits AS (
  SELECT DISTINCT ct.id, ct.winner_uscc
  FROM contract ct
  JOIN insider i ON i.uscc = ct.winner_uscc
  JOIN circle c ON c.person = i.who
  JOIN cadre o ON o.who = c.cadre AND o.region_code = ct.village_code
  WHERE ct.day IS NOT NULL
    AND (o.start_date IS NULL OR o.start_date <= ct.day)
    AND (o.end_date IS NULL OR o.end_date >= ct.day)
)
SELECT id AS hit, 'projects' AS dataset, id AS id FROM hits
UNION
SELECT id, 'companies', winner_uscc FROM hits
ORDER BY 1, 2, 3;
