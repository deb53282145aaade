"""The constant parts of search's SQL. Every value is a query parameter; the conditions
on who may see what are not here but come from `articles.permissions`, filled into the
`{placeholders}` by the plan.
"""

# The searcher's own reading state of an article (`is:` qualifiers).
_STATE = (
    "SELECT 1 FROM articles_articlestate st WHERE st.article_id = {id} AND st.user_id = %(user)s"
)
STATE_SQL = {
    "read": f"EXISTS ({_STATE} AND st.read_at IS NOT NULL)",
    "unread": f"NOT EXISTS ({_STATE} AND (st.read_at IS NOT NULL OR st.archived_at IS NOT NULL))",
    "favourite": f"EXISTS ({_STATE} AND st.favourite_at IS NOT NULL)",
    "archived": f"EXISTS ({_STATE} AND st.archived_at IS NOT NULL)",
}

# A name as a qualifier's value can carry it, folded to lower case (`query.unquoted`).
UNQUOTED = "lower(btrim(regexp_replace(replace({}, '\"', ' '), '\\s+', ' ', 'g')))"

CONFIGS = """
WITH RECURSIVE c(cfg) AS (
  (SELECT search_config FROM articles_articlesearch ORDER BY search_config LIMIT 1)
  UNION ALL
  SELECT (SELECT search_config FROM articles_articlesearch WHERE search_config > c.cfg
          ORDER BY search_config LIMIT 1)
  FROM c WHERE c.cfg IS NOT NULL
)
SELECT cfg::text, websearch_to_tsquery(cfg, %s)::text FROM c WHERE cfg IS NOT NULL
"""


# Every hit with its rank, for ordering the list. Ranking reads each match's vector
# (kilobytes for an article), so only the newest RANK_LIMIT matches of each kind are
# ranked; older ones follow them, newest first (rank 0), found without a join as those
# after the RANK_LIMIT-th newest. Articles' and annotations' dates are never null.
RANKED = """
  SELECT 'article', h.id, ts_rank_cd(s.search_vector, {article}, 32), h.date
  FROM (SELECT id, date FROM hits WHERE kind = 'article'
        ORDER BY date DESC, id DESC LIMIT %(rank_limit)s) h
  JOIN articles_articlesearch s ON s.article_id = h.id
  UNION ALL
  SELECT h.kind, h.id, ts_rank_cd(n.search_vector, {annotation}, 32), h.date
  FROM (SELECT kind, id, date FROM hits WHERE kind IN ('highlight', 'note')
        ORDER BY date DESC, id DESC LIMIT %(rank_limit)s) h
  JOIN articles_annotation n ON n.id = h.id
  UNION ALL
  SELECT kind, id, rank, date FROM hits WHERE kind = 'entity'
  UNION ALL
  SELECT kind, id, 0, date FROM hits WHERE kind = 'article' AND (date, id) < (
    SELECT date, id FROM hits WHERE kind = 'article'
    ORDER BY date DESC, id DESC OFFSET %(rank_limit)s - 1 LIMIT 1)
  UNION ALL
  SELECT kind, id, 0, date FROM hits WHERE kind IN ('highlight', 'note') AND (date, id) < (
    SELECT date, id FROM hits WHERE kind IN ('highlight', 'note')
    ORDER BY date DESC, id DESC OFFSET %(rank_limit)s - 1 LIMIT 1)
"""
# Without words (qualifiers only) there is nothing to rank: newest first (entities, found
# by a name of stop words alone, keep theirs).
BY_DATE = "SELECT kind, id, coalesce(rank, 0), date FROM hits"

# Each facet counts the results its qualifier leads to: site:, entity: and label: keep an
# article's annotations with it, so they count under its site, entities and labels.
# Facets that join other tables (entities mentioned, labels) count the newest
# FACET_SAMPLE matches; the others count every match.
FACETS = """
(SELECT json_agg(f) FROM (
   SELECT g.set, g.kind, g.site, g.color, u.username, g.year, g.n
   FROM (SELECT GROUPING(kind, site, color, author_id, year) AS set,
                kind, site, color, author_id, year, count(*) AS n FROM (
           SELECT kind, color, author_id,
                  CASE WHEN kind IN ('highlight', 'note') THEN (
                    SELECT x.site_host FROM articles_articlesearch x
                    WHERE x.article_id = hits.article_id)
                  ELSE site END AS site,
                  CASE WHEN kind <> 'entity' THEN extract(year FROM date)::int END AS year
           FROM hits) h
         GROUP BY GROUPING SETS ((kind), (site), (color), (author_id), (year))) g
   LEFT JOIN auth_user u ON u.id = g.author_id) f) AS groups,
(SELECT json_agg(f) FROM (
   SELECT e.name AS value, e.kind, sum(s.hits)::int AS n
   FROM (SELECT DISTINCT m.article_id, m.entity_id FROM articles_annotation m
         WHERE m.article_id IN (SELECT article_id FROM sample)
           AND m.entity_id IS NOT NULL AND {mention_visible}) mentioned
   JOIN sample s ON s.article_id = mentioned.article_id
   JOIN articles_entity e ON e.id = mentioned.entity_id
   WHERE {entity_visible}
   GROUP BY e.id, e.name, e.kind ORDER BY n DESC, e.name LIMIT %(facet_size)s) f) AS entities,
(SELECT json_agg(f) FROM (
   SELECT l.name AS value, l.name AS label, sum(s.hits)::int AS n
   FROM articles_articlelabel al JOIN articles_label l ON l.id = al.label_id
   JOIN sample s ON s.article_id = al.article_id
   GROUP BY l.id, l.name ORDER BY n DESC, l.name LIMIT %(facet_size)s) f) AS labels
"""
