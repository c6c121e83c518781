-- P21 Cadre-owned or cadre-related contractor (rules-catalogue.md, A), as
-- rules/P21.yaml defines it.
-- A hit: one project and one cadre of its village such that the project's
-- winner's legal representative is declared by that cadre as a close
-- relative, and the cadre was in office on the contract date.
--   cadre: officials.kind village_cadre or supervision_member, region_code =
--     the project's village, start_date <= contract date <= end_date (empty
--     end: still in office; empty start: not evaluated);
--   close relative: a relatives row of the cadre with relation spouse,
--     parent, child, sibling, spouse_parent, spouse_sibling or child_spouse;
--   contract date: contract_signed_at (local date, Asia/Shanghai), else
--     award_date (catalogue's concrete defaults); a project with neither is
--     not evaluated.
-- Its key: the project id and the cadre's blind index.
-- Subjects: the project and the winning company.
-- Simplifications (the engine's as well; one rule of the engine follows one
-- chain of joins): the catalogue also counts the cadre himself or herself
-- as legal representative, shareholders and managers, and relatives
-- declared in the other direction; none of these is looked at.
WITH contract AS (
  SELECT id, village_code, winner_uscc,
         COALESCE(substr(datetime(contract_signed_at / 1000, 'unixepoch', '+8 hours'), 1, 10),
                  award_date) AS day
  FROM projects
  WHERE winner_uscc IS NOT NULL
),
hits AS (
  SELECT DISTINCT ct.id, ct.winner_uscc, o.id_number_bidx AS cadre
  FROM contract ct
  JOIN companies c ON c.uscc = ct.winner_uscc
  JOIN relatives r ON r.relative_id_number_bidx = c.legal_rep_id_number_bidx
                  AND r.relation IN ('spouse', 'parent', 'child', 'sibling', 'spouse_parent',
                                     'spouse_sibling', 'child_spouse')
  JOIN officials o ON o.id_number_bidx = r.id_number_bidx
                  AND o.kind IN ('village_cadre', 'supervision_member')
                  AND o.region_code = ct.village_code
  WHERE o.start_date <= ct.day AND COALESCE(o.end_date, ct.day) >= ct.day
)
SELECT id || ' ' || cadre AS hit, 'projects' AS dataset, id AS id FROM hits
UNION ALL
SELECT id || ' ' || cadre, 'companies', winner_uscc FROM hits
ORDER BY 1, 2, 3;
