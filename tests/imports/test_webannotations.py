"""Annotations made elsewhere (articles/imports/webannotations.py): Hypothesis' export and
W3C Web Annotations, Newsroom's own export among them, placed on the library article
with the same address by their TextQuote selector; the rest reported."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from articles.imports import detect, runs
from articles.models import Annotation, Article, Color
from tests.factories import highlight, make_article
from tests.imports.conftest import run_import
from tests.imports.exports import hypothesis_annotation, hypothesis_export

pytestmark = pytest.mark.django_db

HARBOUR = "https://harbour.example/strike"


@pytest.fixture
def strike(article):
    Article.objects.filter(pk=article.pk).update(source_url=HARBOUR)
    article.refresh_from_db()
    return article


def test_hypothesis_annotations_land_on_the_article_with_the_same_address(user, strike):
    data = hypothesis_export([
        # Context and a position from the page Hypothesis saw: only hints here.
        hypothesis_annotation(HARBOUR + "?utm_campaign=x#top", "container ships",
                              prefix="on Monday, leaving ", suffix=" waiting outside",
                              start=812, text="How many ships?", tags=["shipping"]),
        hypothesis_annotation(HARBOUR, text="A note on the whole page."),
        hypothesis_annotation("https://elsewhere.example/story", "a quote"),
        hypothesis_annotation(HARBOUR, "a reply", references=["h123"]),
        hypothesis_annotation("urn:x-pdf:abc", "in a PDF"),
    ])  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.annotations == 2
    assert [str(p) for p in outcome.problems] == [
        "annotation 4: a reply, left out",
        "annotation 5: no web address for its page",
        "annotation 3: no article in the library has the address https://elsewhere.example/story",
    ]
    passage = Annotation.objects.get(article=strike, start__isnull=False)
    assert passage.exact == "container ships"
    assert strike.body_text[passage.start : passage.end] == "container ships"
    assert passage.note == "How many ships?"
    assert passage.created_at == dt.datetime(2022, 11, 8, 14, 3, 11, 528147, tzinfo=dt.UTC)
    page_note = Annotation.objects.get(article=strike, start__isnull=True)
    assert page_note.note == "A note on the whole page."
    assert list(strike.labels.values_list("name", flat=True)) == ["shipping"]


def test_the_same_hypothesis_export_twice_adds_nothing(user, strike):
    data = hypothesis_export([
        hypothesis_annotation(HARBOUR, "container ships", text="How many?"),
        hypothesis_annotation(HARBOUR, text="Page note"),
    ])  # fmt: skip
    run_import(data, user)
    again = run_import(data, user)
    assert again.annotations == 0
    assert again.existing_annotations == 2
    assert Annotation.objects.count() == 2


def test_a_repeated_phrase_goes_where_its_context_says(user):
    article = make_article(
        "Two ports\n\nThe strike closed the port on Monday. Talks failed.\n\n"
        "A second strike closed the port on Friday. Talks resumed."
    )
    Article.objects.filter(pk=article.pk).update(source_url=HARBOUR)
    data = hypothesis_export([
        hypothesis_annotation(HARBOUR, "closed the port", prefix="A second strike ", suffix=" on Friday"),
    ])  # fmt: skip
    run_import(data, user)
    placed = Annotation.objects.get()
    assert placed.start == article.body_text.index("closed the port on Friday")


def test_newsroom_exports_put_back_where_they_were(user, bob, alice_client, article):
    """The JSON-LD of "Export annotations", re-imported into a library with the same
    article, puts each annotation back on its words, with its note and colour."""
    made = [
        highlight(article, user, "eighth day", note="Which day exactly?", audience=None),
        highlight(article, user, "container ships", color=Color.GREEN, audience=None),
        highlight(article, user, "port authority", nth=0, color=Color.PINK, audience=None),
    ]
    before = sorted((a.start, a.end, a.exact, a.prefix, a.suffix, a.note, a.color) for a in made)
    exported = alice_client.get(reverse("article_annotations_jsonld", args=[article.pk]))
    assert exported.status_code == 200
    Annotation.objects.all().delete()
    preview = runs.preview(detect.read(exported.content), user)
    assert (preview["annotations"], preview["addressed_unmatched"]) == (3, 0)

    outcome = run_import(exported.content, user)

    assert outcome.line() == "Imported 0 articles, 3 annotations, 0 feeds"
    after = sorted(
        Annotation.objects.filter(article=article, author=user).values_list(
            "start", "end", "exact", "prefix", "suffix", "note", "color"
        )
    )
    assert after == before
    again = run_import(exported.content, user)
    assert again.existing_annotations == 3
    assert Annotation.objects.count() == 3


def test_one_exported_annotation_is_an_annotation_document_too(user, alice_client, article):
    made = highlight(article, user, "container ships", audience=None)
    exported = alice_client.get(reverse("annotation_jsonld", args=[made.pk])).content
    Annotation.objects.all().delete()
    run_import(exported, user)
    assert Annotation.objects.get().start == made.start


def test_an_export_of_another_article_under_the_same_id_is_not_placed(user, article):
    data = json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "highlighting",
        "target": {
            "type": "SpecificResource",
            "source": f"https://other-newsroom.example/articles/{article.pk}/a-different-story/",
            "selector": [{"type": "TextQuoteSelector", "exact": "container ships", "prefix": "", "suffix": ""}],
        },
    }).encode()  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.annotations == 0
    assert outcome.problems[0].reason.startswith("no article in the library has the address")


def test_a_w3c_collection_with_tags_styles_and_html_notes(user, strike):
    data = json.dumps({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "first": {
            "type": "AnnotationPage",
            "items": [
                {
                    "type": "Annotation",
                    "created": "2021-01-02T03:04:05Z",
                    "body": [
                        {"type": "TextualBody", "value": "<p>Check <b>this</b></p><script>x()</script>", "format": "text/html"},
                        {"type": "TextualBody", "value": "Verified", "purpose": "tagging"},
                    ],
                    "target": {"source": HARBOUR, "styleClass": "newsroom-blue",
                               "selector": {"type": "TextQuoteSelector", "exact": "eighth day"}},
                },
                {"type": "Annotation", "motivation": "identifying", "body": {"source": "https://www.wikidata.org/wiki/Q34370"},
                 "target": {"source": HARBOUR, "selector": {"type": "TextQuoteSelector", "exact": "Rotterdam"}}},
                {"type": "Annotation", "target": {"source": HARBOUR, "selector": {"type": "TextPositionSelector", "start": 1, "end": 4}}},
            ],
        },
    }).encode()  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.annotations == 1
    assert [str(p) for p in outcome.problems] == [
        "annotation 2: an entity mention; entities are not imported",
        "annotation 3: no TextQuoteSelector to place it by",
    ]
    placed = Annotation.objects.get()
    assert placed.note == "Check this"
    assert placed.color == Color.BLUE
    assert list(strike.labels.values_list("name", flat=True)) == ["Verified"]
