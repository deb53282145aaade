"""Omnivore's ZIP export (articles/imports/omnivore.py, read through archive.py): the
metadata files, the pages beside them and the highlights anchored onto the imported
text; and ZIPs that try to hurt (a bomb, `../` names, truncated, many members)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from articles.imports import archive
from articles.imports.core import ImportFileError
from articles.imports.omnivore import parse_highlights
from articles.models import Annotation, Article, ArticleState, PendingImport
from tests.imports.conftest import run_import
from tests.imports.exports import BRIDGE_HTML, HARBOUR_HTML, omnivore_item, omnivore_zip, zipped

pytestmark = pytest.mark.django_db

HIGHLIGHTS = """> Dock workers in Rotterdam stayed off the job for an eighth day [⤴️](https://omnivore.app/me/harbour-strike#abc)

The eighth day: check against the union's statement.

> talks with the port authority would resume on Thursday [⤴️](https://omnivore.app/me/harbour-strike#def)
"""


def _export(**extra):
    items = [
        omnivore_item(
            "harbour-strike", "https://harbour.example/strike?utm_medium=rss",
            title="Harbour strike enters second week", author="Anna de Vries",
            labels=["Ports", {"name": "Labour"}], readingProgress=100,
        ),
        omnivore_item("bridge", "https://harbour.example/bridge", state="Archived"),
        omnivore_item("no-page", "https://harbour.example/no-page"),
        omnivore_item("gone", "https://harbour.example/gone", state="Deleted"),
    ]  # fmt: skip
    return omnivore_zip(
        items,
        content={
            "harbour-strike": f"<div class='page'>{HARBOUR_HTML}</div>",
            "bridge": BRIDGE_HTML,
        },
        highlights={"harbour-strike": HIGHLIGHTS},
        **extra,
    )


def test_an_omnivore_export_brings_pages_states_labels_and_anchored_highlights(user):
    outcome = run_import(_export(), user)
    assert outcome.line() == (
        "Imported 3 articles (1 queued for fetching), 2 annotations, 0 feeds; skipped 1 "
        "(metadata_0_to_49.json, item 4: deleted in Omnivore, left out)"
    )
    strike = Article.objects.get(source_url="https://harbour.example/strike")
    assert strike.title == "Harbour strike enters second week"
    assert strike.byline == "Anna de Vries"
    assert strike.created_at == dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.UTC)
    assert strike.published_at.date() == dt.date(2024, 2, 28)
    assert sorted(strike.labels.values_list("name", flat=True)) == ["Labour", "Ports"]
    assert ArticleState.objects.get(article=strike, user=user).read_at is not None
    first, second = Annotation.objects.filter(article=strike).order_by("start")
    assert first.exact == "Dock workers in Rotterdam stayed off the job for an eighth day"
    assert first.note == "The eighth day: check against the union's statement."
    assert strike.body_text[first.start : first.end] == first.exact
    assert second.exact == "talks with the port authority would resume on Thursday"
    assert second.note == ""
    bridge = Article.objects.get(source_url="https://harbour.example/bridge")
    state = ArticleState.objects.get(article=bridge, user=user)
    assert state.archived_at is not None
    assert PendingImport.objects.get().url == "https://harbour.example/no-page"


def test_importing_it_twice_adds_nothing(user):
    data = _export()
    run_import(data, user)
    counts = (Article.objects.count(), Annotation.objects.count(), PendingImport.objects.count())
    again = run_import(data, user)
    assert again.articles == again.annotations == 0
    assert again.existing_articles == 3
    assert again.existing_annotations == 2
    assert (
        Article.objects.count(),
        Annotation.objects.count(),
        PendingImport.objects.count(),
    ) == counts


def test_the_highlights_file_is_read_as_quotes_and_notes():
    assert parse_highlights(
        "> first line\n> second line [⤴️](https://omnivore.app/x#1)\n\nA note\non two lines.\n\n"
        "> another\n\n\n> third\n"
    ) == [("first line\nsecond line", "A note\non two lines."), ("another", ""), ("third", "")]


def test_a_broken_metadata_file_is_reported_with_its_line_and_the_others_go_in(user):
    data = zipped({
        "metadata_0_to_49.json": '[\n  {"slug": "a", "url": "https://harbour.example/a"},\n  oops\n]',
        "metadata_50_to_99.json": json.dumps([omnivore_item("b", "https://harbour.example/b")]),
    })  # fmt: skip
    outcome = run_import(data, user)
    assert [str(p) for p in outcome.problems] == [
        "metadata_0_to_49.json: line 3, column 3: it is not valid JSON (Expecting value)."
    ]
    assert outcome.queued == 1


def test_names_climbing_out_of_the_archive_are_refused_and_never_written(
    user, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    items = [omnivore_item("story", "https://harbour.example/story")]
    data = omnivore_zip(
        items,
        extra={
            "../../evil.txt": "owned",
            "/etc/passwd.html": "owned",
            "content/../../../story.html": "<p>owned</p>",
            "C:/windows.html": "owned",
            "content\\..\\x.html": "owned",
        },
    )
    outcome = run_import(data, user)
    refused = sorted(p.where for p in outcome.problems)
    assert refused == sorted(
        [
            "../../evil.txt",
            "/etc/passwd.html",
            "content/../../../story.html",
            "C:/windows.html",
            "content\\..\\x.html",
        ]
    )
    assert all("outside the archive" in p.reason for p in outcome.problems)
    assert outcome.queued == 1  # the item had no page of its own: fetched
    assert list(tmp_path.iterdir()) == []
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(user, monkeypatch):
    # The cap made small, so the bomb is quick to build: 64 MB of zeros in 64 KB.
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 16 * 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("metadata_0_to_49.json", "[]")
        with bomb.open("content/zeros.html", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(64):
                member.write(chunk)
    assert len(out.getvalue()) < 200_000
    with pytest.raises(
        ImportFileError, match="would unpack to 64 MB; Newsroom reads at most 16 MB"
    ):
        run_import(out.getvalue(), user)


def test_a_member_that_claims_to_be_small_is_read_no_further_than_its_claim(user):
    items = [omnivore_item("big", "https://harbour.example/big")]
    data = omnivore_zip(items, content={"big": "<p>" + "word " * 1_000_000 + "</p>"})
    # The central directory says 1,000 bytes: however much more the data inflates to,
    # no more than that is read (the caps count what is read, not what is claimed).
    forged = _forge_sizes(data, "content/big.html", 1000)
    read = archive.Archive(forged).read("content/big.html")
    assert read is None or len(read) <= 1000
    outcome = run_import(forged, user)
    assert outcome.articles == 1
    assert all(len(a.body_text) < 1000 for a in Article.objects.all())


def _forge_sizes(data: bytes, name: str, size: int) -> bytes:
    """The archive with `name`'s uncompressed size rewritten in its central directory."""
    buffer = bytearray(data)
    encoded = name.encode()
    index = 0
    while (index := buffer.find(b"PK\x01\x02", index)) >= 0:
        name_length = int.from_bytes(buffer[index + 28 : index + 30], "little")
        if bytes(buffer[index + 46 : index + 46 + name_length]) == encoded:
            buffer[index + 24 : index + 28] = size.to_bytes(4, "little")
            return bytes(buffer)
        index += 4
    raise AssertionError(name)


def test_too_many_members_are_refused(user, monkeypatch):
    monkeypatch.setattr(archive, "MAX_MEMBERS", 10)
    data = zipped({f"highlights/{n}.md": "> x" for n in range(11)} | {"metadata_0.json": "[]"})
    with pytest.raises(ImportFileError, match="holds 12 files"):
        run_import(data, user)


def test_a_truncated_zip_is_reported_as_unreadable(user):
    data = _export()
    with pytest.raises(ImportFileError, match="not a readable ZIP archive"):
        run_import(data[: len(data) // 2], user)


def test_a_zip_that_is_not_an_omnivore_export_is_refused(user):
    with pytest.raises(ImportFileError, match="not an Omnivore export"):
        run_import(zipped({"notes.txt": "hello"}), user)
