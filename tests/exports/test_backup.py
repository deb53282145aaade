"""The full backup: restored into an empty Newsroom it loses nothing (a second backup of
the restored library is the same, row for row), people sign in as before and links keep
working; a Newsroom with data, a file that is not a backup, or an altered one is refused
with why, and nothing is changed."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import connection

from articles.exports import backup
from articles.exports.restore import WELCOME, RestoreError, restore
from articles.ingest import ingest
from articles.models import (
    Annotation,
    AnnotationReview,
    Article,
    ArticleVersion,
    Claim,
    ClaimEvent,
    ColorLabel,
    EntityAlias,
    Label,
    Notification,
    PageCapture,
    SetupCode,
    SourceFile,
    TeamGroup,
    TeamSettings,
)

pytestmark = pytest.mark.django_db


def _backup() -> bytes:
    out = io.BytesIO()
    backup.write(out)
    return out.getvalue()


def _entries(data: bytes) -> dict[str, object]:
    """The backup's entries, the manifest without its date."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries: dict[str, object] = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(entries.pop(backup.MANIFEST))
    del manifest["created_at"]
    entries[backup.MANIFEST] = manifest
    return entries


def _wipe() -> None:
    """An empty Newsroom: every table of the app and its people emptied (in the test's
    transaction, which rolls it back)."""
    tables = [m._meta.db_table for m in backup.tables()]
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit: check the pending ones now, as
        # TRUNCATE refuses a table with checks still to run.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _altered(data: bytes, entry: str, change) -> bytes:
    """`data` with the lines of `entry` passed through `change` (a line -> line)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == entry:
                lines = content.decode().splitlines()
                content = "".join(change(line) + "\n" for line in lines).encode()
            target.writestr(name, content)
    return out.getvalue()


def test_a_restored_backup_backs_up_again_row_for_row_the_same(library):
    first = _backup()
    _wipe()
    assert not Article.with_trash.exists()
    assert not get_user_model().objects.exists()
    counts = restore(io.BytesIO(first))
    assert counts["articles.annotation"] == Annotation.objects.count() == len(library.made)
    second = _backup()
    assert _entries(second) == _entries(first)


def test_it_holds_versions_original_places_reviews_aliases_states_feeds_and_groups(library):
    entries = _entries(_backup())
    counts = entries["manifest.json"]["counts"]
    assert counts["articles.articleversion"] == 1
    assert counts["articles.annotationreview"] == 1
    assert counts["articles.entityalias"] == 1
    assert counts["articles.articlestate"] == 3
    assert counts["articles.feed"] == counts["articles.feedentry"] == 1
    assert counts["articles.teamgroup"] == 2
    assert counts["articles.membership"] == 5
    orphan = next(
        json.loads(line)
        for line in entries["articles.annotation.jsonl"].splitlines()
        if json.loads(line)["id"] == library.made["orphan"].pk
    )
    assert orphan["status"] == "orphaned"
    assert orphan["original_exact"] == "4,000 members had voted to continue"
    assert orphan["written_on_id"] == ArticleVersion.objects.get().pk


def test_restored_people_sign_in_as_before_and_every_link_still_works(library, user, client):
    data = _backup()
    links = {a.pk: a.get_absolute_url() for a in Annotation.objects.select_related("article")}
    token = library.extra["link"].token
    _wipe()
    restore(io.BytesIO(data))
    assert authenticate(username="alice", password="correct horse 1") is not None
    assert {
        a.pk: a.get_absolute_url() for a in Annotation.objects.select_related("article")
    } == links
    client.force_login(get_user_model().objects.get(username="alice"))
    page = client.get(library.strike.get_absolute_url())
    assert "SECRET-BOB" not in page.content.decode()  # bob's private note is still his alone
    assert f'id="annotation-{library.made["green"].pk}"' in page.content.decode()
    assert client.get(f"/s/{token}/").status_code == 200
    # New rows take ids after the restored ones.
    assert Label.objects.create(name="After").pk > max(
        Label.objects.exclude(name="After").values_list("pk", flat=True)
    )


def test_it_restores_into_a_fresh_install_replacing_the_welcome_article(library):
    data = _backup()
    _wipe()
    welcome = ingest(WELCOME.read_bytes(), filename=WELCOME.name).article
    ColorLabel.objects.create(color="green", label="Verified claim")
    TeamSettings.current()
    TeamGroup.objects.create(name="Everyone", is_default=True)
    SetupCode.issue()
    restore(io.BytesIO(data))
    assert not Article.with_trash.filter(pk=welcome.pk, title=welcome.title).exists()
    assert Article.with_trash.count() == 3
    assert not SetupCode.objects.exists()
    assert TeamGroup.objects.filter(is_default=True).count() == 1


def test_it_refuses_a_newsroom_that_has_people_and_changes_nothing(library):
    data = _backup()
    before = Annotation.objects.count()
    with pytest.raises(RestoreError, match=r"already has 3 accounts.*empty Newsroom"):
        restore(io.BytesIO(data))
    assert Annotation.objects.count() == before


def test_it_refuses_a_newsroom_with_articles_but_nobody_signed_up(library):
    data = _backup()
    _wipe()
    ingest("A Story\n\nSomeone loaded this from the command line.")
    with pytest.raises(RestoreError, match="already holds 1 articles"):
        restore(io.BytesIO(data))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda _data: b"not a zip at all", "not a readable ZIP file"),
        (lambda data: _without(data, "manifest.json"), "it has no manifest.json"),
        (lambda data: _without(data, "articles.label.jsonl"), "it has no articles.label.jsonl"),
        (lambda data: _manifest(data, format="other"), "names another format"),
        (lambda data: _manifest(data, version=2), "version 2"),
        (lambda data: _manifest(data, counts={}), "holds 3 rows, its manifest says None"),
        (
            lambda data: _altered(data, "articles.label.jsonl", lambda line: line[:-1]),
            "articles.label.jsonl, line 1: not JSON",
        ),
        (
            lambda data: _altered(
                data, "articles.label.jsonl", lambda line: line[:-1] + ', "colour": "red"}'
            ),
            "has no column colour",
        ),
        (
            lambda data: _altered(
                data,
                "articles.label.jsonl",
                lambda line: json.dumps({**json.loads(line), "created_at": "yesterday"}),
            ),
            "articles.label.jsonl, line 1: created_at",
        ),
        (
            lambda data: _altered(
                data,
                "articles.article.jsonl",
                lambda line: json.dumps(
                    {
                        **json.loads(line),
                        "body_html": json.loads(line)["body_html"] + "<script>alert(1)</script>",
                    }
                ),
            ),
            "the article's HTML is not what Newsroom stores",
        ),
    ],
)
def test_it_refuses_what_is_not_an_intact_backup_and_changes_nothing(library, make, says):
    data = make(_backup())
    _wipe()
    with pytest.raises(RestoreError, match=says):
        restore(io.BytesIO(data))
    assert not get_user_model().objects.exists()
    assert not Article.with_trash.exists()


def test_a_notes_html_is_made_again_from_its_markdown(library):
    written = Annotation.objects.get(pk=library.made["page note"].pk).note_html

    def inject(line: str) -> str:
        row = json.loads(line)
        row["note_html"] = "<script>alert(1)</script>"
        return json.dumps(row)

    data = _altered(_backup(), "articles.annotation.jsonl", inject)
    _wipe()
    restore(io.BytesIO(data))
    page_note = Annotation.objects.get(pk=library.made["page note"].pk)
    assert page_note.note_html == written
    assert "<strong>Friday</strong>" in written
    assert not Annotation.objects.filter(note_html__contains="<script").exists()


def test_a_path_climbing_out_in_the_zip_is_never_written_anywhere(library, tmp_path):
    data = io.BytesIO(_backup())
    with zipfile.ZipFile(data, "a") as archive:
        archive.writestr("../../evil.txt", "boo")
    _wipe()
    restore(io.BytesIO(data.getvalue()))
    assert EntityAlias.objects.count() == 1
    assert AnnotationReview.objects.count() == 1


def _without(data: bytes, entry: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name != entry:
                target.writestr(name, source.read(name))
    return out.getvalue()


def _manifest(data: bytes, **changes) -> bytes:
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    manifest.update(changes)
    return _with(_without(data, "manifest.json"), "manifest.json", json.dumps(manifest).encode())


def _with(data: bytes, entry: str, content: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(entry, content)
    return out.getvalue()


def _desk_and_sources(library, user, bob):
    """What the backup's later tables hold: a claim with its evidence, verdict and
    history, a watch and what it told, a PDF kept whole, a page as fetched."""
    from articles import captures, claims, watchlists
    from articles.ingest import Fetched
    from tests.factories import claim
    from tests.pdfs import report

    made = claim(library.strike, user, "Dock workers in Rotterdam stayed off the job")
    claims.add_evidence(made, user, stance="supports", url="https://port.example/notice")
    claims.set_verdict(made, user, claims.verdict_scale()[0].label, "Checked with **the port**.")
    watchlists.watch_entity(bob, library.extra["port"])
    watchlists.watch_search(bob, "harbour budget")
    pdf = ingest(report(), filename="budget.pdf", user=user).article
    captures.keep(
        library.strike,
        Fetched(b"<html>as fetched \x00\xff</html>", "https://news.example.org/x", "text/html",
                dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)),
    )  # fmt: skip
    return made, pdf


def test_it_holds_the_desk_watchlists_pdfs_and_pages_as_fetched(library, user, bob):
    made, pdf = _desk_and_sources(library, user, bob)
    notified = Notification.objects.filter(user=bob).count()
    assert notified == 1  # the PDF matched bob's saved search
    first = _backup()
    counts = _entries(first)["manifest.json"]["counts"]
    assert counts["articles.claim"] == 1
    assert counts["articles.evidence"] == 1
    assert counts["articles.claimevent"] == ClaimEvent.objects.count() >= 2
    assert counts["articles.watch"] == 2
    assert counts["articles.notification"] == 1
    assert counts["articles.sourcefile"] == counts["articles.pagecapture"] == 1
    pdf_bytes = bytes(SourceFile.objects.get().data)
    page_starts = pdf.page_starts

    _wipe()
    restore(io.BytesIO(first))
    assert _entries(_backup()) == _entries(first)
    restored = Claim.objects.get()
    assert restored.annotation_id == made.annotation_id
    assert "<strong>the port</strong>" in restored.summary_html
    assert bytes(SourceFile.objects.get().data) == pdf_bytes
    assert Article.objects.get(pk=pdf.pk).page_starts == page_starts
    assert captures_of(library.strike) == [b"<html>as fetched \x00\xff</html>"]
    assert Notification.objects.filter(user=bob, article=pdf).count() == 1


def captures_of(article) -> list[bytes]:
    from articles import captures

    return [captures.original_bytes(c) for c in PageCapture.objects.filter(article=article)]


def test_a_claim_summary_is_rendered_again_not_taken_from_the_file(library, user, bob):
    _desk_and_sources(library, user, bob)
    data = _altered(
        _backup(),
        "articles.claim.jsonl",
        lambda line: json.dumps({**json.loads(line), "summary_html": "<script>x()</script>"}),
    )
    _wipe()
    restore(io.BytesIO(data))
    assert "<script>" not in Claim.objects.get().summary_html
    assert "<strong>the port</strong>" in Claim.objects.get().summary_html


def test_a_backup_made_before_the_desk_existed_still_restores(library):
    data = _backup()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    later = {backup.entry_name(m) for m in backup.ADDED_LATER}
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name in later:
                continue
            content = source.read(name)
            if name == backup.MANIFEST:
                manifest = json.loads(content)
                for model in backup.ADDED_LATER:
                    del manifest["counts"][model._meta.label_lower]
                content = json.dumps(manifest).encode()
            target.writestr(name, content)
    _wipe()
    counts = restore(io.BytesIO(out.getvalue()))
    assert counts["articles.claim"] == 0
    assert Article.with_trash.count() == 3


def test_a_later_table_the_manifest_lists_must_be_there(library, user, bob):
    _desk_and_sources(library, user, bob)
    data = _backup()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name != "articles.claim.jsonl":
                target.writestr(name, source.read(name))
    _wipe()
    with pytest.raises(RestoreError, match="incomplete"):
        restore(io.BytesIO(out.getvalue()))
    assert not Article.with_trash.exists()
