"""The full backup: every row the team made, as a ZIP that `restore` puts back.

The ZIP holds `manifest.json` (the format, its version, when, and how many rows of each
table) and one JSON Lines file per table (`articles.article.jsonl`, ...): one object per
row, its columns by name (`author_id` for a foreign key), ordered by id, in `TABLES`'
order, which is the order they can be inserted in. Every column of each model is written,
so a column added to a model is backed up without a change here.

What it holds: people (with their profiles, preferences and password hashes), groups and
memberships, articles in the trash or not with all their earlier versions, annotations
with their current and original places (`original_*`, `written_on`, `status`), their
reviews and the logs of their notes and audiences, entities with aliases and declined
suggestions, labels and which articles carry them, everyone's reading state, the colour
labels, the team's settings, feeds with the entries already seen, share links, the
fact-checking desk's claims with their evidence and history, what each person watches
and has been told of, and the original PDFs and pages as fetched (binary columns as
base64, as Django's own serialiser writes them).

Password hashes are kept: restoring a team means its people sign in as before, and a hash
is what the database itself holds (salted and slow to attack). The ZIP is therefore as
secret as the database, and only an administrator can make one. Left out, as live secrets
or passing state rather than the team's work: sessions, two-factor devices (people set
two-factor sign-in up again), bookmarklet tokens (regenerated in one click), pending
invitations, the setup code, fetch jobs, imports and rate counters. Article images are
files, not rows: after a restore, `manage.py images fetch --all` fetches them again.

A table added to the format later (`ADDED_LATER`) is optional in a backup whose manifest
does not list it: such a backup was made before the table existed, and holds none.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import zipfile
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import (
    Annotation,
    AnnotationReview,
    Article,
    ArticleLabel,
    ArticleState,
    ArticleVersion,
    AudienceChange,
    Claim,
    ClaimEvent,
    ColorLabel,
    Entity,
    EntityAlias,
    Evidence,
    Feed,
    FeedEntry,
    Label,
    Membership,
    NoteChange,
    Notification,
    PageCapture,
    Preference,
    Profile,
    RejectedSuggestion,
    ShareLink,
    SourceFile,
    TeamGroup,
    TeamSettings,
    Watch,
    WatchSettings,
)

if TYPE_CHECKING:
    from typing import BinaryIO

    from django.db.models import Field, Model

FORMAT = "newsroom-backup"
VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000


def tables() -> list[type[Model]]:
    """Every model a backup holds, parents before the rows that point at them."""
    return [
        get_user_model(),
        TeamGroup,
        Membership,
        Profile,
        Preference,
        TeamSettings,
        ColorLabel,
        Article,
        ArticleVersion,
        Entity,
        EntityAlias,
        RejectedSuggestion,
        Label,
        ArticleLabel,
        ArticleState,
        Annotation,
        AnnotationReview,
        NoteChange,
        AudienceChange,
        Feed,
        FeedEntry,
        ShareLink,
        *ADDED_LATER,
    ]


# Tables the format gained after its first release, in insertion order; a backup made
# before lists none of them in its manifest.
ADDED_LATER: tuple[type[Model], ...] = (
    SourceFile,
    PageCapture,
    Claim,
    Evidence,
    ClaimEvent,
    Watch,
    WatchSettings,
    Notification,
)


def entry_name(model: type[Model]) -> str:
    return f"{model._meta.label_lower}.jsonl"  # noqa: SLF001 - Django's public _meta


def columns(model: type[Model]) -> list[Field[Any, Any]]:
    return list(model._meta.concrete_fields)  # noqa: SLF001


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(value).decode("ascii")
    return value


def _rows(model: type[Model]) -> Any:
    """Every row of `model` as {column: JSON value}, by id; trashed articles too."""
    names = [field.attname for field in columns(model)]
    query = model._base_manager.order_by("pk").values_list(*names)  # noqa: SLF001
    for values in query.iterator(chunk_size=BATCH):
        yield dict(zip(names, (_json(v) for v in values), strict=True))


def write(out: BinaryIO) -> dict[str, int]:
    """The backup of everything, as a ZIP written to `out`; returns rows per table."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for model in tables():
            name = entry_name(model)
            count = 0
            with archive.open(name, "w", force_zip64=True) as entry:
                for row in _rows(model):
                    line = json.dumps(row, ensure_ascii=False, sort_keys=True)
                    entry.write(line.encode() + b"\n")
                    count += 1
            counts[model._meta.label_lower] = count  # noqa: SLF001
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(),
            "counts": counts,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    return counts
