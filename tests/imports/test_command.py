"""`manage.py import FILE [--user USERNAME]` (articles/management/commands/import.py):
one summary line on stdout, each entry left out on stderr."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles import accounts
from articles.models import Annotation, Article, ArticleState, Role
from tests.factories import make_user
from tests.imports.exports import wallabag_annotation, wallabag_entry

pytestmark = pytest.mark.django_db


def _import(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "wallabag.json"
    path.write_text(json.dumps([
        wallabag_entry("https://harbour.example/strike", is_archived=1,
                       annotations=[wallabag_annotation("an eighth day")]),
        {"title": "nothing"},
    ]))  # fmt: skip
    return path


def test_it_prints_one_summary_line_and_the_skipped_entries(export, user):
    out, err = _import(str(export), user="alice")
    assert out == (
        "Imported 1 article, 1 annotation, 0 feeds; skipped 1 (entry 2: no URL and no text)\n"
    )
    assert err == "entry 2: no URL and no text\n"
    assert Annotation.objects.get().author == user
    assert ArticleState.objects.get(user=user).archived_at is not None
    out, _ = _import(str(export), user="alice")
    assert out.startswith(
        "Imported 0 articles, 0 annotations, 0 feeds; already there: 1 article, 1 annotation"
    )


def test_without_a_user_only_articles_labels_and_feeds_go_in(export):
    _out, err = _import(str(export))
    assert Article.objects.count() == 1
    assert not Annotation.objects.exists()
    assert not ArticleState.objects.exists()
    assert (
        "reading states and annotations need a person (2 left out): import again with --user" in err
    )


def test_a_file_it_cannot_read_stops_it_with_the_reason(tmp_path, user):
    bad = tmp_path / "notes.txt"
    bad.write_text("Dear diary")
    with pytest.raises(CommandError, match=r"notes.txt: Newsroom does not recognise this file"):
        _import(str(bad), user="alice")
    with pytest.raises(CommandError, match="no such file"):
        _import(str(tmp_path / "missing.csv"), user="alice")


def test_an_unknown_user_or_a_guest_is_refused(export, admin_user):
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        _import(str(export), user="nobody")
    guest = make_user("gail")
    accounts.set_role(guest, Role.GUEST, by=admin_user)
    with pytest.raises(CommandError, match="guests cannot import"):
        _import(str(export), user="gail")
    assert not Article.objects.exists()
