"""How much one search reads and returns; the plan, the page and the bench share these."""

PAGE_SIZE = 20
# Matches of each kind listed, ranked and counted in the facets (the newest ones).
HIT_CAP = 2000
FACET_SIZE = 8
# Ranking reads each match's vector: only the newest this many of each kind are ranked.
RANK_LIMIT = 500
# Facets that join other tables count the newest this many matches.
FACET_SAMPLE = 1000
MAX_PAGE = 500
# Words and phrases one search looks for (qualifiers aside); the rest are left out, with a
# hint. Each one is a term of the tsquery PostgreSQL builds and matches for every kind.
MAX_TERMS = 24
