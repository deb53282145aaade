"""Putting a full backup (`backup.write`) back, into an empty Newsroom only.

Invariants:
- It refuses a Newsroom that holds anything of a team's: an account, an annotation, an
  entity, a label, a feed, or an article other than the welcome article a fresh install
  loads (which the restore takes away). A refusal changes nothing and says why.
- All or nothing: one transaction. A malformed file, an unknown column or a bad value
  rolls everything back, with a message naming the table and the line.
- Ids are kept: every row gets the id it had and each table's sequence then continues
  after the highest, so every link (a reader URL, `#annotation-12`, a share link) works.
- What templates mark safe is never taken on trust from the file: an article's (and a
  version's) HTML must be what the sanitiser makes of it, and its text what that HTML
  shows, or the restore is refused; a note's HTML is rendered again from its Markdown;
  related links keep http(s) addresses only; a claim's summary is rendered again too.
- A table the format gained later (`backup.ADDED_LATER`) that the manifest does not list
  is one the backup was made without: it restores as empty.
- The file is read by entry name, line by line (each line bounded): nothing is
  extracted to disk, so no path in the ZIP matters and a ZIP bomb costs one bounded line.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction

import articles
from articles.exports import backup
from articles.ingest import prepare
from articles.measure import content_hash
from articles.models import (
    Annotation,
    Article,
    ArticleVersion,
    Claim,
    ColorLabel,
    Entity,
    Feed,
    Label,
    SetupCode,
    TeamGroup,
    TeamSettings,
)
from articles.notes import render_note
from articles.sanitize import clean_article_html, text_content

if TYPE_CHECKING:
    from typing import BinaryIO

    from django.db.models import Model

WELCOME = Path(articles.__file__).resolve().parent / "welcome.txt"
BATCH = 500


class RestoreError(ValueError):
    """The backup cannot be restored here; nothing was changed. The message says why."""


@functools.cache
def _welcome_hash() -> str:
    return content_hash(prepare(WELCOME.read_bytes(), filename=WELCOME.name).body_text)


def why_not_empty() -> str | None:
    """Why this Newsroom is not empty enough to restore into, or None when it is."""
    people = get_user_model().objects.count()
    if people:
        return (
            f"This Newsroom already has {people} account{'s' if people != 1 else ''}. A backup "
            "is restored only into an empty Newsroom: a new database with its tables made "
            "(`manage.py migrate`) and nobody signed up."
        )
    found = {
        "articles": Article.with_trash.exclude(content_hash=_welcome_hash()).count(),
        "annotations": Annotation.objects.count(),
        "entities": Entity.objects.count(),
        "labels": Label.objects.count(),
        "feeds": Feed.objects.count(),
    }
    held = ", ".join(f"{n} {what}" for what, n in found.items() if n)
    if held:
        return (
            f"This Newsroom already holds {held}. A backup is restored only into an empty "
            "Newsroom: a new database with its tables made (`manage.py migrate`)."
        )
    return None


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.read(backup.MANIFEST))
    except KeyError:
        raise RestoreError("This is not a Newsroom backup: it has no manifest.json.") from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise RestoreError(f"The backup's manifest.json cannot be read: {exc}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != backup.FORMAT:
        raise RestoreError("This is not a Newsroom backup: its manifest names another format.")
    if manifest.get("version") != backup.VERSION:
        raise RestoreError(
            f"This backup is in version {manifest.get('version')!r} of the format; this "
            f"Newsroom reads version {backup.VERSION}. Restore it with the Newsroom that made it."
        )
    if not isinstance(manifest.get("counts"), dict):
        raise RestoreError("The backup's manifest.json has no counts.")
    return manifest


def restore(source: str | Path | BinaryIO) -> dict[str, int]:
    """Restore the backup in `source` (a path or a binary file); returns rows per table."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise RestoreError(
            f"This is not a Newsroom backup (not a readable ZIP file): {exc}."
        ) from None
    with archive:
        manifest = read_manifest(archive)
        counts: dict[str, int] = {}
        with transaction.atomic():
            problem = why_not_empty()
            if problem:
                raise RestoreError(problem)
            _clear_fresh_install()
            for model in backup.tables():
                label = model._meta.label_lower  # noqa: SLF001 - Django's public _meta
                if model in backup.ADDED_LATER and label not in manifest["counts"]:
                    counts[label] = 0  # made before the format held this table
                    continue
                counts[label] = _restore_table(archive, model)
                expected = manifest["counts"].get(label)
                if expected != counts[label]:
                    raise RestoreError(
                        f"The backup is incomplete or altered: {backup.entry_name(model)} "
                        f"holds {counts[label]} rows, its manifest says {expected}."
                    )
            models = backup.tables()
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            SetupCode.objects.all().delete()  # accounts exist: setting up is over
    return counts


def _clear_fresh_install() -> None:
    """What a fresh install makes by itself, which the backup holds its own of."""
    Article.with_trash.all().delete()  # the welcome article (why_not_empty checked)
    TeamGroup.objects.all().delete()  # "Everyone", made on demand, with nobody in it
    ColorLabel.objects.all().delete()  # the default palette's meanings
    TeamSettings.objects.all().delete()


def _max_line() -> int:
    # The longest row is an article: its HTML and its text, escaped in JSON.
    return 16 * int(settings.MAX_ARTICLE_BYTES) + (1 << 20)


def _lines(archive: zipfile.ZipFile, name: str) -> Any:
    try:
        raw = archive.open(name)
    except KeyError:
        raise RestoreError(f"The backup is incomplete: it has no {name}.") from None
    limit = _max_line()
    with io.TextIOWrapper(raw, encoding="utf-8") as text:
        number = 0
        while True:
            try:
                line = text.readline(limit)
            except (UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
                raise RestoreError(f"{name} cannot be read after line {number}: {exc}.") from None
            if not line:
                return
            number += 1
            if not line.endswith("\n") and len(line) >= limit:
                raise RestoreError(f"{name}, line {number}: the line is too long to be a row.")
            if line.strip():
                yield number, line


def _restore_table(archive: zipfile.ZipFile, model: type[Model]) -> int:
    name = backup.entry_name(model)
    fields = {field.attname: field for field in backup.columns(model)}
    names = list(fields)
    table = connection.ops.quote_name(model._meta.db_table)  # noqa: SLF001
    quoted = ", ".join(connection.ops.quote_name(str(fields[n].column)) for n in names)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608 - names from the models
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for number, line in _lines(archive, name):
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise RestoreError(f"{name}, line {number}: not JSON ({exc}).") from None
            if not isinstance(row, dict):
                raise RestoreError(f"{name}, line {number}: not a row.")
            unknown = set(row) - set(fields)
            if unknown:
                raise RestoreError(
                    f"{name}, line {number}: this Newsroom has no column "
                    f"{', '.join(sorted(unknown))}; restore with the version that made it."
                )
            values = _values(model, row, fields, f"{name}, line {number}")
            batch.append([values[n] for n in names])
            count += 1
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count


def _values(
    model: type[Model], row: dict[str, Any], fields: dict[str, Any], where: str
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for attname, field in fields.items():
        try:
            value = field.to_python(row[attname]) if attname in row else field.get_default()
        except ValidationError as exc:
            raise RestoreError(f"{where}: {attname}: {' '.join(exc.messages)}") from None
        values[attname] = value
    _make_safe(model, values, where)
    return {
        attname: field.get_db_prep_save(values[attname], connection)
        for attname, field in fields.items()
    }


def _make_safe(model: type[Model], values: dict[str, Any], where: str) -> None:
    """Remake or check what templates mark safe (see the module's invariants)."""
    if model in {Article, ArticleVersion}:
        html, text = values["body_html"] or "", values["body_text"] or ""
        if clean_article_html(html) != html or text_content(html) != text:
            raise RestoreError(
                f"{where}: the article's HTML is not what Newsroom stores (it was altered "
                "after the backup was made), so it is not restored."
            )
    if model is Article:
        links = values["related_links"] if isinstance(values["related_links"], list) else []
        values["related_links"] = [
            {**link, "url": _http(link.get("url"))} if "url" in link else link
            for link in links
            if isinstance(link, dict)
        ]
    if model is Annotation:
        values["note_html"] = render_note(values["note"] or "")
    if model is Claim:
        values["summary_html"] = render_note(values["summary"] or "")


def _http(url: object) -> str:
    text = url if isinstance(url, str) else ""
    return text if text.lower().startswith(("http://", "https://")) else ""
