"""Full-text search (issue 7): stored, weighted tsvectors with GIN indexes.

The columns live in SQL only, not in the models, so the ORM never reads a vector when it
loads an article or an annotation; `articles.search` queries them.

- Articles: `search_config` (the text-search configuration of the article's language, or
  `simple`) and `search_vector` (title A, byline and site B, standfirst and body C), both
  generated from the row, so every way of writing an article keeps them right. `site_host`
  (the source's host without "www.") backs `site:` and the site facet.
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

ALTER TABLE articles_article
  ADD COLUMN search_config regconfig
    GENERATED ALWAYS AS (newsroom_ts_config(language)) STORED,
  ADD COLUMN site_host text
    GENERATED ALWAYS AS (
      lower(substring(source_url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:www\\.)?([^/:?#@]+)'))
    ) STORED,
  ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (newsroom_article_tsv(
      language, title, byline || ' ' || site_name, summary || E'\\n\\n' || body_text
    )) STORED;
CREATE INDEX article_search_vector ON articles_article USING gin (search_vector);
CREATE INDEX article_search_config ON articles_article (search_config);
CREATE INDEX article_site_host ON articles_article (site_host);
CREATE INDEX article_site_subdomains ON articles_article (reverse(site_host) text_pattern_ops);
CREATE INDEX article_site_name ON articles_article (lower(site_name));

ALTER TABLE articles_annotation
  ADD COLUMN search_config regconfig NOT NULL DEFAULT 'pg_catalog.simple'::regconfig,
  ADD COLUMN search_vector tsvector;

CREATE FUNCTION newsroom_annotation_tsv() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  SELECT search_config INTO NEW.search_config FROM articles_article WHERE id = NEW.article_id;
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

CREATE FUNCTION newsroom_article_language() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE articles_annotation SET exact = exact WHERE article_id = NEW.id;
  RETURN NULL;
END
$$;
CREATE TRIGGER article_language_search_config
  AFTER UPDATE OF language ON articles_article
  FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
  EXECUTE FUNCTION newsroom_article_language();

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
DROP TRIGGER article_language_search_config ON articles_article;
DROP FUNCTION newsroom_article_language();
DROP INDEX article_site_name;
DROP INDEX annotation_color;
DROP INDEX annotation_author_created;
DROP INDEX annotation_with_note;
DROP TRIGGER annotation_search_vector ON articles_annotation;
DROP FUNCTION newsroom_annotation_tsv();
ALTER TABLE articles_annotation DROP COLUMN search_vector, DROP COLUMN search_config;
ALTER TABLE articles_article
  DROP COLUMN search_vector, DROP COLUMN site_host, DROP COLUMN search_config;
DROP FUNCTION newsroom_article_tsv(text, text, text, text);
DROP FUNCTION newsroom_fold(text);
DROP FUNCTION newsroom_ts_config(text);
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_private_entities")]

    operations = [migrations.RunSQL(_sql(), REVERSE)]
