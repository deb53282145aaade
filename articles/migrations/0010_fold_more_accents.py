"""Entity names fold accents the way search reads the query (`search.query.fold`).

0008's `newsroom_fold()` unaccented Latin-1, Latin Extended A/B, Greek and Cyrillic only,
so a Vietnamese name ("Nguyễn", Latin Extended Additional) or one stored decomposed ("e"
then a combining acute) kept its accents in the database while the query lost them, and
the entity could not be found by its own name. The function now also folds Latin Extended
Additional and drops combining marks; the stored vectors are recomputed.
"""

import unicodedata

from django.db import migrations

OLD_RANGES = ((0xC0, 0x250), (0x370, 0x500), (0x1F00, 0x2000))
NEW_RANGES = ((0xC0, 0x250), (0x370, 0x500), (0x1E00, 0x2000))
COMBINING = (0x300, 0x370)  # combining diacritical marks: deleted


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fold_sql(ranges: tuple[tuple[int, int], ...], *, drop_marks: bool) -> str:
    source, target = [], []
    for low, high in ranges:
        for code in range(low, high):
            char = chr(code)
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            ).lower()
            if len(base) == 1 and base != char and base.isalpha():
                source.append(char)
                target.append(base)
    if drop_marks:  # translate() deletes characters of its source beyond its target
        source.extend(chr(code) for code in range(*COMBINING))
    return f"""
CREATE OR REPLACE FUNCTION newsroom_fold(name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(name), {_literal("".join(source))}, {_literal("".join(target))})
$$;
UPDATE articles_entity SET name = name;
UPDATE articles_entityalias SET name = name;
"""


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_library")]

    operations = [
        migrations.RunSQL(
            _fold_sql(NEW_RANGES, drop_marks=True), _fold_sql(OLD_RANGES, drop_marks=False)
        ),
    ]
