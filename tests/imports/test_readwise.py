"""Highlights as CSV in Readwise's columns (articles/imports/readwise.py), and Newsroom's
own exports (CSV and the JSON-LD collection) imported back onto the same article."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from articles.models import Annotation, Article, Color, ColorLabel
from tests.factories import highlight
from tests.imports.conftest import run_import

pytestmark = pytest.mark.django_db

HARBOUR = "https://harbour.example/strike"


def _csv(
    rows: list[list[str]],
    header=("Highlight", "Title", "Author", "URL", "Note", "Location", "Date"),
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def strike(article):
    Article.objects.filter(pk=article.pk).update(source_url=HARBOUR)
    article.refresh_from_db()
    return article


def test_readwise_rows_land_on_the_article_with_the_same_address(user, strike):
    data = _csv([
        ["container ships", "Harbour", "", HARBOUR, "How many?", "", "2023-01-02 03:04:05"],
        ["nowhere in the text", "Harbour", "", HARBOUR, "", "", ""],
        ["a quote", "Other", "", "https://elsewhere.example/", "", "", ""],
        ["", "Harbour", "", HARBOUR, "", "", ""],
    ])  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.annotations == 1
    assert [str(p) for p in outcome.problems] == [
        "line 5: no highlight",
        "line 4: no article in the library has the address https://elsewhere.example/",
        "line 3: its words were not found in the article",
    ]
    placed = Annotation.objects.get()
    assert placed.exact == "container ships"
    assert placed.note == "How many?"
    assert placed.created_at.isoformat() == "2023-01-02T03:04:05+00:00"


def test_newsroom_csv_export_comes_back_where_it_was(user, alice_client, article):
    ColorLabel.objects.update_or_create(color=Color.GREEN, defaults={"label": "Verified claim"})
    made = [
        highlight(article, user, "eighth day", note="=SUM(A1) is not a formula", audience=None),
        highlight(article, user, "container ships", color=Color.GREEN, audience=None),
        highlight(article, user, "port authority", color=Color.PINK, audience=None),
    ]
    before = sorted((a.start, a.end, a.exact, a.note, a.color) for a in made)
    exported = alice_client.get(reverse("export"), {"format": "csv", "article": article.pk})
    assert exported.status_code == 200
    data = b"".join(exported.streaming_content)
    Annotation.objects.all().delete()

    outcome = run_import(data, user)

    assert outcome.annotations == 3, outcome.problems
    after = sorted(Annotation.objects.values_list("start", "end", "exact", "note", "color"))
    assert after == before
    assert run_import(data, user).existing_annotations == 3


def test_newsroom_jsonld_collection_export_comes_back_where_it_was(user, alice_client, article):
    made = [
        highlight(article, user, "eighth day", note="Which day?", audience=None),
        highlight(article, user, "container ships", color=Color.BLUE, audience=None),
    ]
    before = sorted((a.start, a.end, a.exact, a.note, a.color) for a in made)
    exported = alice_client.get(reverse("export"), {"format": "jsonld", "article": article.pk})
    assert exported.status_code == 200
    data = b"".join(exported.streaming_content)
    Annotation.objects.all().delete()

    outcome = run_import(data, user)

    assert outcome.problems == []
    after = sorted(Annotation.objects.values_list("start", "end", "exact", "note", "color"))
    assert after == before
