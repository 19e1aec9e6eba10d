-- The ten organizations with the most money mentioned, by year (of the document date).
-- Each release's amounts in euros are added up (a range counts its lower end); every
-- organization the release names gets that sum. `value` is an exact decimal string:
-- it is cast to REAL here only to rank.
WITH money AS (
  SELECT doc_id, SUM(CAST(value AS REAL)) AS eur
  FROM mentions WHERE label = 'MONEY' AND currency = 'EUR'
  GROUP BY doc_id
), named AS (
  SELECT DISTINCT doc_id, name FROM mentions WHERE label = 'ORG'
), ranked AS (
  SELECT substr(d.document_date, 1, 4) AS year, named.name AS organization,
         COUNT(*) AS releases, SUM(money.eur) AS eur,
         ROW_NUMBER() OVER (PARTITION BY substr(d.document_date, 1, 4)
                            ORDER BY SUM(money.eur) DESC, named.name) AS rank
  FROM named JOIN money USING (doc_id) JOIN documents AS d USING (doc_id)
  WHERE d.document_date IS NOT NULL
  GROUP BY year, organization
)
SELECT year, rank, organization, releases, printf('%.1f', eur / 1e6) AS million_eur
FROM ranked WHERE rank <= 10
ORDER BY year, rank;
