"""Full-text search (issue 7): stored, weighted tsvectors with GIN indexes.

The tables and columns live in SQL only, not in the models, so the ORM never reads a
vector when it loads an article or an annotation; `articles.search` queries them.

- Articles: a narrow side table, `articles_articlesearch`, one row per article kept by
  triggers on every insert, change, delete and truncate (so no code path can forget it):
  `search_config` (the text-search configuration of the article's language, or `simple`),
  `search_vector` (title A, byline and site B, standfirst and body C), `date` (published,
  else added) and `site_host` (the source's host without "www.", for `site:`). Apart
  from the wide article rows, a search visits a few pages for tens of thousands of matches.
- Annotations: the same configuration as their article, set by a trigger (a generated
  column cannot read another table), and `search_vector` (quote A, note B). Changing an
  article's language re-derives its annotations'.
- Entities and aliases: `search_vector` of the name folded to lower case without accents,
  under `simple`, for prefix matching.
"""

import unicodedata

from django.db import migrations

# PostgreSQL's built-in snowball configurations (13 and later), by ISO 639-1 code.
CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian",
    "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

# Longer than this, a body is indexed from its start only: a tsvector holds at most 1 MB.
BODY_CHARS = 1_000_000


def _fold_map() -> tuple[str, str]:
    """Characters `translate()` maps to their unaccented lower-case letter: Latin, Greek
    (with polytonic) and Cyrillic letters whose decomposition is one base letter and marks."""
    source, target = [], []
    for code in [*range(0xC0, 0x250), *range(0x370, 0x500), *range(0x1F00, 0x2000)]:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1 and base != char and base.isalpha():
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql() -> str:
    cases = "\n".join(
        f"    WHEN {_literal(code)} THEN {_literal('pg_catalog.' + name)}::regconfig"
        for code, name in CONFIGS.items()
    )
    source, target = _fold_map()
    return f"""
CREATE FUNCTION newsroom_ts_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE split_part(lower(coalesce(language, '')), '-', 1)
{cases}
    ELSE 'pg_catalog.simple'::regconfig
  END
$$;

CREATE FUNCTION newsroom_fold(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(name), {_literal(source)}, {_literal(target)})
$$;

-- A body whose vector would pass PostgreSQL's 1 MB limit (rare: long text of unique
-- words) is indexed from its first part rather than refused.
CREATE FUNCTION newsroom_article_tsv(language text, title text, meta text, body text)
RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT AS $$
DECLARE
  config regconfig := newsroom_ts_config(language);
  head tsvector := setweight(to_tsvector(config, coalesce(title, '')), 'A')
                || setweight(to_tsvector(config, coalesce(meta, '')), 'B');
BEGIN
  BEGIN
    RETURN head || setweight(to_tsvector(config, left(coalesce(body, ''), {BODY_CHARS})), 'C');
  EXCEPTION WHEN program_limit_exceeded THEN
    RETURN head || setweight(to_tsvector(config, left(body, {BODY_CHARS // 10})), 'C');
  END;
END
$$;

-- One narrow row per article: what a search reads for every match (its date, site and
-- configuration) sits in a few pages, apart from the wide article rows; the vector itself
-- is stored out of line. Kept by the triggers below (no foreign key, so that truncating
-- articles, as tests do, stays possible: a truncate trigger empties this too).
CREATE TABLE articles_articlesearch (
  article_id bigint PRIMARY KEY,
  search_config regconfig NOT NULL,
  date timestamptz NOT NULL,
  site_host text,
  search_vector tsvector NOT NULL
);

CREATE FUNCTION newsroom_article_search() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO articles_articlesearch AS s
    (article_id, search_config, date, site_host, search_vector)
  VALUES (
    NEW.id,
    newsroom_ts_config(NEW.language),
    coalesce(NEW.published_at, NEW.created_at),
    lower(substring(NEW.source_url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:www\\.)?([^/:?#@]+)')),
    newsroom_article_tsv(
      NEW.language, NEW.title, NEW.byline || ' ' || NEW.site_name,
      NEW.summary || E'\\n\\n' || NEW.body_text
    )
  )
  ON CONFLICT (article_id) DO UPDATE SET
    search_config = EXCLUDED.search_config, date = EXCLUDED.date,
    site_host = EXCLUDED.site_host, search_vector = EXCLUDED.search_vector;
  IF TG_OP = 'UPDATE' AND OLD.language IS DISTINCT FROM NEW.language THEN
    UPDATE articles_annotation SET exact = exact WHERE article_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER article_search_insert AFTER INSERT ON articles_article
  FOR EACH ROW EXECUTE FUNCTION newsroom_article_search();
-- Saving an article rewrites every column; the vector is remade only when one it reads
-- has changed.
CREATE TRIGGER article_search_update AFTER UPDATE ON articles_article
  FOR EACH ROW WHEN (
    OLD.title IS DISTINCT FROM NEW.title OR OLD.byline IS DISTINCT FROM NEW.byline
    OR OLD.site_name IS DISTINCT FROM NEW.site_name OR OLD.summary IS DISTINCT FROM NEW.summary
    OR OLD.body_text IS DISTINCT FROM NEW.body_text OR OLD.language IS DISTINCT FROM NEW.language
    OR OLD.source_url IS DISTINCT FROM NEW.source_url
    OR OLD.published_at IS DISTINCT FROM NEW.published_at
    OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION newsroom_article_search();

CREATE FUNCTION newsroom_article_search_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    TRUNCATE articles_articlesearch;
  ELSE
    DELETE FROM articles_articlesearch WHERE article_id = OLD.id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER article_search_delete AFTER DELETE ON articles_article
  FOR EACH ROW EXECUTE FUNCTION newsroom_article_search_delete();
CREATE TRIGGER article_search_truncate AFTER TRUNCATE ON articles_article
  FOR EACH STATEMENT EXECUTE FUNCTION newsroom_article_search_delete();

INSERT INTO articles_articlesearch (article_id, search_config, date, site_host, search_vector)
SELECT id, newsroom_ts_config(language), coalesce(published_at, created_at),
  lower(substring(source_url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:www\\.)?([^/:?#@]+)')),
  newsroom_article_tsv(language, title, byline || ' ' || site_name,
                       summary || E'\\n\\n' || body_text)
FROM articles_article;
CREATE INDEX article_search_vector ON articles_articlesearch USING gin (search_vector);
CREATE INDEX article_search_config ON articles_articlesearch (search_config);
CREATE INDEX article_search_date ON articles_articlesearch (date);
CREATE INDEX article_site_host ON articles_articlesearch (site_host);
CREATE INDEX article_site_subdomains ON articles_articlesearch
  (reverse(site_host) text_pattern_ops);
CREATE INDEX article_site_name ON articles_article (lower(site_name));

ALTER TABLE articles_annotation
  ADD COLUMN search_config regconfig NOT NULL DEFAULT 'pg_catalog.simple'::regconfig,
  ADD COLUMN search_vector tsvector;

CREATE FUNCTION newsroom_annotation_tsv() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  SELECT search_config INTO NEW.search_config FROM articles_articlesearch
  WHERE article_id = NEW.article_id;
  NEW.search_config := coalesce(NEW.search_config, 'pg_catalog.simple'::regconfig);
  NEW.search_vector := setweight(to_tsvector(NEW.search_config, coalesce(NEW.exact, '')), 'A')
                    || setweight(to_tsvector(NEW.search_config, coalesce(NEW.note, '')), 'B');
  RETURN NEW;
END
$$;
CREATE TRIGGER annotation_search_vector
  BEFORE INSERT OR UPDATE OF exact, note, article_id ON articles_annotation
  FOR EACH ROW EXECUTE FUNCTION newsroom_annotation_tsv();
UPDATE articles_annotation SET exact = exact;
CREATE INDEX annotation_search_vector ON articles_annotation USING gin (search_vector);
-- Qualifier-only searches (color:, has:notes) list annotations newest first.
CREATE INDEX annotation_color ON articles_annotation (color, created_at);
CREATE INDEX annotation_author_created ON articles_annotation (author_id, created_at);
CREATE INDEX annotation_with_note ON articles_annotation (created_at) WHERE note <> '';

ALTER TABLE articles_entity ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('pg_catalog.simple', newsroom_fold(name))) STORED;
CREATE INDEX entity_search_vector ON articles_entity USING gin (search_vector);
ALTER TABLE articles_entityalias ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('pg_catalog.simple', newsroom_fold(name))) STORED;
CREATE INDEX entityalias_search_vector ON articles_entityalias USING gin (search_vector);
"""


REVERSE = """
ALTER TABLE articles_entityalias DROP COLUMN search_vector;
ALTER TABLE articles_entity DROP COLUMN search_vector;
DROP INDEX article_site_name;
DROP INDEX annotation_color;
DROP INDEX annotation_author_created;
DROP INDEX annotation_with_note;
DROP TRIGGER annotation_search_vector ON articles_annotation;
DROP FUNCTION newsroom_annotation_tsv();
ALTER TABLE articles_annotation DROP COLUMN search_vector, DROP COLUMN search_config;
DROP TRIGGER article_search_truncate ON articles_article;
DROP TRIGGER article_search_delete ON articles_article;
DROP TRIGGER article_search_update ON articles_article;
DROP TRIGGER article_search_insert ON articles_article;
DROP FUNCTION newsroom_article_search_delete();
DROP FUNCTION newsroom_article_search();
DROP TABLE articles_articlesearch;
DROP FUNCTION newsroom_article_tsv(text, text, text, text);
DROP FUNCTION newsroom_fold(text);
DROP FUNCTION newsroom_ts_config(text);
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_private_entities")]

    operations = [migrations.RunSQL(_sql(), REVERSE)]
