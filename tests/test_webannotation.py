"""Export to W3C Web Annotation JSON-LD: it passes the W3C schemas' MUST assertions, its
selectors find the annotated words, and it shows only what the reader shows, with no
e-mail address and no active HTML."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from articles import anchoring, versions, webannotation
from articles import annotations as annotating
from articles.entities import curation
from articles.ingest import prepare
from articles.models import Annotation, Article
from tests.conftest import shared_file
from tests.factories import STORY, highlight, make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

SOURCE = "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def _page_url(article):
    return f"/articles/{article.pk}/annotations.jsonld"


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:200]
    assert response.headers["Content-Type"] == JSONLD
    return response.json()


@pytest.fixture
def annotated(user):
    """One of each kind on one article: a highlight, a highlight with a note, a page note,
    and an orphan (its words edited away by a re-ingest of the same source)."""
    article = make_article(SOURCE + STORY)
    port = curation.create_entity("Rotterdam", "place", user)
    curation.update_entity(port, name="Rotterdam", kind="place", description="",
                           wikidata_id="Q34370")  # fmt: skip
    union = curation.create_entity("FNV", "organisation", user)
    made = {
        "highlight": highlight(article, user, "container ships waiting", color="green"),
        "highlight with a note": highlight(
            article,
            user,
            "Dock workers in Rotterdam",
            color="blue",
            note="Which **union**? See https://example.com/unions",
        ),
        "page note": annotating.create_page_note(article, user, note="Follow up on Friday."),
        "orphan": highlight(article, user, "resume on Thursday", note="date?"),
        "mention": highlight(article, user, "Rotterdam", note="The port city", entity=port),
        "page-level mention": annotating.create_page_mention(
            article, user, entity=union, text="FNV"
        ),
    }
    result = versions.save_or_update(
        prepare(SOURCE + STORY.replace("would resume on Thursday", "are off"))
    )
    assert result.updated.orphaned == 1
    article.refresh_from_db()
    for annotation in made.values():
        annotation.refresh_from_db()
    return article, made


# --- W3C conformance ---------------------------------------------------------------------


def _utc(moment):
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _must_count(kind):
    tests = shared_file("conformance", "w3c", "web-annotation-tests")
    relative = {
        "Annotation": "annotations/annotationMusts.test",
        "AnnotationPage": "collections/pages/pageMusts.test",
    }[kind]
    return len(json.loads((tests / relative).read_text(encoding="utf-8"))["assertions"])


def _validate(tmp_path, documents):
    """Run the W3C validator on `documents`; return (passed, failed, its output)."""
    validator = shared_file("conformance", "w3c", "validate.py")
    file = tmp_path / "export.json"
    file.write_text(json.dumps(documents), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(validator), "--quiet", str(file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    # Without the format checkers "format": "uri" / "date-time" would go unchecked.
    assert "WARNING" not in run.stderr, run.stderr
    summary = re.search(r"(\d+) passed, (\d+) failed\s*$", run.stdout)
    assert summary, run.stdout + run.stderr
    return int(summary[1]), int(summary[2]), run


@pytest.mark.parametrize(
    "kind",
    ["highlight", "highlight with a note", "page note", "orphan", "mention", "page-level mention"],
)
def test_each_kind_of_annotation_passes_every_w3c_must_assertion(
    alice_client, annotated, tmp_path, kind
):
    _article, made = annotated
    document = _get(alice_client, f"/annotations/{made[kind].pk}.jsonld")
    passed, failed, run = _validate(tmp_path, document)
    assert (passed, failed) == (_must_count("Annotation"), 0), run.stdout
    assert run.returncode == 0


def test_the_article_page_and_every_item_pass_every_w3c_must_assertion(
    alice_client, annotated, tmp_path
):
    article, _made = annotated
    page = _get(alice_client, _page_url(article))
    assert len(page["items"]) == 6
    # Items inherit the page's @context; checked on their own, they need it spelled out.
    items = [{"@context": page["@context"], **item} for item in page["items"]]
    passed, failed, run = _validate(tmp_path, [page, *items])
    expected = _must_count("AnnotationPage") + 6 * _must_count("Annotation")
    assert (passed, failed) == (expected, 0), run.stdout
    assert run.returncode == 0


def test_the_validator_does_fail_a_broken_annotation(tmp_path):
    # Guards the two tests above: a validator that passes everything would prove nothing.
    broken = shared_file("conformance", "w3c", "examples", "broken.json")
    _passed, failed, run = _validate(tmp_path, json.loads(broken.read_text(encoding="utf-8")))
    assert failed > 0
    assert run.returncode == 1


# --- What the export says -----------------------------------------------------------------


def test_a_highlight_is_exported_with_both_selectors_its_colour_and_its_author(
    alice_client, annotated
):
    article, made = annotated
    highlight = made["highlight"]
    document = _get(alice_client, f"/annotations/{highlight.pk}.jsonld")
    assert document == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"http://testserver/annotations/articles/{highlight.article_id}/{highlight.pk}",
        "type": "Annotation",
        "motivation": "highlighting",
        "created": _utc(highlight.created_at),
        "modified": _utc(highlight.updated_at),
        "creator": {"type": "Person", "nickname": "alice", "name": "alice"},
        "stylesheet": {
            "type": "CssStylesheet",
            "value": ".newsroom-green { background-color: #bbf7d0; }",
        },
        "target": [
            {
                "type": "SpecificResource",
                "source": f"http://testserver{article.get_absolute_url()}",
                "styleClass": "newsroom-green",
                "selector": [
                    {
                        "type": "TextPositionSelector",
                        "start": highlight.start,
                        "end": highlight.end,
                    },
                    {
                        "type": "TextQuoteSelector",
                        "exact": "container ships waiting",
                        "prefix": highlight.prefix,
                        "suffix": highlight.suffix,
                    },
                ],
            },
            # The fixture changed the text after it was written: the words it was written
            # on (here the same), on the stored version.
            {
                "type": "SpecificResource",
                "source": f"http://testserver{article.get_absolute_url()}",
                "state": {
                    "type": "TimeState",
                    "sourceDate": _utc(highlight.created_at),
                    "cached": f"http://testserver/articles/{article.pk}/versions/"
                    f"{highlight.written_on_id}/",
                },
                "selector": {
                    "type": "TextQuoteSelector",
                    "exact": "container ships waiting",
                    "prefix": highlight.original_prefix,
                    "suffix": highlight.original_suffix,
                },
            },
        ],
    }


def test_an_annotation_on_a_text_that_never_changed_has_one_target(alice_client, article, user):
    made = highlight(article, user, "container ships waiting")
    target = _get(alice_client, f"/annotations/{made.pk}.jsonld")["target"]
    assert target["type"] == "SpecificResource"
    assert "state" not in target


def test_an_annotation_id_answers_with_the_same_document(alice_client, annotated):
    _article, made = annotated
    document = _get(alice_client, f"/annotations/{made['highlight with a note'].pk}.jsonld")
    assert _get(alice_client, document["id"].removeprefix("http://testserver")) == document


def test_a_note_is_a_commenting_body_of_sanitised_html(alice_client, annotated):
    _article, made = annotated
    noted = made["highlight with a note"]
    document = _get(alice_client, f"/annotations/{noted.pk}.jsonld")
    assert document["motivation"] == "commenting"
    assert document["body"] == {
        "type": "TextualBody",
        "value": noted.note_html,
        "format": "text/html",
        "purpose": "commenting",
    }
    assert "<strong>union</strong>" in document["body"]["value"]


def test_a_mention_identifies_its_entity(alice_client, annotated):
    _article, made = annotated
    document = _get(alice_client, f"/annotations/{made['mention'].pk}.jsonld")
    assert document["motivation"] == "identifying"
    assert document["body"][0] == {
        "type": "SpecificResource",
        "purpose": "identifying",
        "source": "https://www.wikidata.org/wiki/Q34370",
    }
    assert document["body"][1]["purpose"] == "commenting"
    current, _original = document["target"]
    assert "styleClass" not in current
    assert current["selector"][1]["exact"] == "Rotterdam"
    page_level = _get(alice_client, f"/annotations/{made['page-level mention'].pk}.jsonld")
    assert page_level["body"]["source"].endswith(
        f"/entities/{made['page-level mention'].entity_id}/"
    )
    assert page_level["target"] == current["source"]


def test_a_page_note_targets_the_article_itself_and_has_no_colour(alice_client, annotated):
    article, made = annotated
    document = _get(alice_client, f"/annotations/{made['page note'].pk}.jsonld")
    assert document["target"] == f"http://testserver{article.get_absolute_url()}"
    assert document["motivation"] == "commenting"
    assert "stylesheet" not in document
    assert "<p>Follow up on Friday.</p>" in document["body"]["value"]


def test_an_orphan_keeps_its_original_quote_but_no_position(alice_client, annotated):
    article, made = annotated
    orphan = made["orphan"]
    document = _get(alice_client, f"/annotations/{orphan.pk}.jsonld")
    current, original = document["target"]
    assert current["selector"] == [
        {
            "type": "TextQuoteSelector",
            "exact": "resume on Thursday",
            "prefix": orphan.prefix,
            "suffix": orphan.suffix,
        }
    ]
    assert "resume on Thursday" not in article.body_text
    assert current["styleClass"] == "newsroom-yellow"
    # The words it was written on, as they read then: the stored version it was made on.
    version = article.versions.get()
    assert original == {
        "type": "SpecificResource",
        "source": current["source"],
        "state": {
            "type": "TimeState",
            "sourceDate": _utc(orphan.created_at),
            "cached": f"http://testserver/articles/{article.pk}/versions/{version.pk}/",
        },
        "selector": {
            "type": "TextQuoteSelector",
            "exact": "resume on Thursday",
            "prefix": orphan.prefix,
            "suffix": orphan.suffix,
        },
    }
    assert "resume on Thursday" in version.body_text
    cached = alice_client.get(original["state"]["cached"].removeprefix("http://testserver"))
    assert f'id="annotation-{orphan.pk}"' in cached.text  # drawn on its original words


def test_the_page_lists_the_articles_annotations_in_text_order(alice_client, annotated):
    article, made = annotated
    page = _get(alice_client, _page_url(article))
    order = [
        "page note", "page-level mention", "highlight with a note", "mention", "highlight",
        "orphan",
    ]  # fmt: skip
    assert [item["id"] for item in page["items"]] == [
        f"http://testserver/annotations/articles/{made[kind].article_id}/{made[kind].pk}"
        for kind in order
    ]
    assert page["id"] == f"http://testserver/articles/{article.pk}/annotations.jsonld"
    assert page["type"] == "AnnotationPage"
    assert page["partOf"]["total"] == 6
    assert article.title in page["partOf"]["label"]
    assert all("@context" not in item for item in page["items"])


def test_exported_selectors_select_the_annotated_words(alice_client, annotated):
    article, _made = annotated
    text = article.body_text
    positioned = 0
    for item in _get(alice_client, _page_url(article))["items"]:
        # The current place comes first; an original (a TimeState) may follow.
        target = item["target"][0] if isinstance(item["target"], list) else item["target"]
        if isinstance(target, str):
            continue
        selectors = {s["type"]: s for s in target["selector"]}
        if position := selectors.get("TextPositionSelector"):
            quote = selectors["TextQuoteSelector"]
            start, end = position["start"], position["end"]
            assert text[start:end] == quote["exact"]
            assert text[:start].endswith(quote["prefix"])
            assert text[end:].startswith(quote["suffix"])
            positioned += 1
    assert positioned == 3


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=300), st.data())
def test_any_selection_round_trips_through_the_export(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    selector = anchoring.select(text, start, end)
    article = Article(pk=1, title="Any text", body_text=text)
    now = dt.datetime(2025, 3, 3, 9, 30, tzinfo=dt.UTC)
    annotation = Annotation(
        pk=2,
        article=article,
        author=get_user_model()(username="alice"),
        start=selector.start,
        end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        created_at=now,
        updated_at=now,
    )
    exported = webannotation.annotation_to_jsonld(annotation, "https://newsroom.example")
    position, quote = exported["target"]["selector"]
    assert text[position["start"] : position["end"]] == quote["exact"] == text[start:end]
    assert text[: position["start"]].endswith(quote["prefix"])
    assert text[position["end"] :].startswith(quote["suffix"])


# --- Who sees what ------------------------------------------------------------------------


def test_another_users_private_annotations_are_never_exported(alice_client, article, user, bob):
    hidden = highlight(article, bob, "eighth day", note="bob only", audience=None)
    shared = highlight(article, bob, "Monday")
    own_private = highlight(article, user, "Rotterdam", audience=None)
    page = _get(alice_client, _page_url(article))
    ids = {item["id"].rsplit("/", 1)[1] for item in page["items"]}
    assert ids == {str(shared.pk), str(own_private.pk)}
    assert "bob only" not in json.dumps(page)
    assert alice_client.get(f"/annotations/{hidden.pk}.jsonld").status_code == 404
    assert alice_client.get(f"/annotations/{shared.pk}.jsonld").status_code == 200

    bobs = signed_in(bob)
    assert len(_get(bobs, _page_url(article))["items"]) == 2
    assert bobs.get(f"/annotations/{own_private.pk}.jsonld").status_code == 404


def test_no_email_address_appears_even_for_a_username_that_is_one(alice_client, article, user):
    carol = make_user(
        "carol@example.org", email="carol@example.org", password="correct horse 4", first_name=""
    )
    dave = make_user("dave", password="correct horse 5", first_name="Dave", last_name="Reporter")
    highlight(article, user, "Rotterdam", note="mine")
    highlight(article, carol, "Monday")
    annotating.create_page_note(article, dave, note="Checked with the port.")
    response = alice_client.get(_page_url(article))
    assert EMAIL.search(response.text) is None, response.text
    creators = [item["creator"] for item in response.json()["items"]]
    assert {"type": "Person", "nickname": "carol", "name": "carol"} in creators
    assert {"type": "Person", "nickname": "dave", "name": "Dave Reporter"} in creators


def test_a_script_in_a_note_is_exported_only_as_sanitised_html(alice_client, article, user):
    note = "<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    annotation = highlight(article, user, "Rotterdam", note=note)
    single = _get(alice_client, f"/annotations/{annotation.pk}.jsonld")
    page = _get(alice_client, _page_url(article))
    for document in (single, page["items"][0]):
        html = document["body"]["value"]
        assert html == annotation.note_html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, never run
        assert "<script" not in html
        assert "<img" not in html
        assert not re.search(r"href=[\"']?javascript:", html)


# --- HTTP ---------------------------------------------------------------------------------


def test_the_export_requires_sign_in(client, article, user):
    annotation = highlight(article, user, "Rotterdam")
    for url in (_page_url(article), f"/annotations/{annotation.pk}.jsonld"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login/")


def test_the_export_only_answers_get(alice_client, article, user):
    annotation = highlight(article, user, "Rotterdam")
    assert alice_client.post(_page_url(article)).status_code == 405
    assert alice_client.post(f"/annotations/{annotation.pk}.jsonld").status_code == 405


def test_a_missing_article_or_annotation_is_404(alice_client):
    assert alice_client.get("/articles/999999/annotations.jsonld").status_code == 404
    assert alice_client.get("/annotations/999999.jsonld").status_code == 404


def test_an_article_without_annotations_exports_an_empty_page(alice_client, article):
    page = _get(alice_client, _page_url(article))
    assert page["items"] == []
    assert page["partOf"]["total"] == 0


def test_the_page_costs_the_same_queries_for_one_or_nine_annotations(alice_client, article, user):
    highlight(article, user, "Rotterdam")
    with CaptureQueriesContext(connection) as one:
        alice_client.get(_page_url(article))
    for word in ["Dock", "workers", "stayed", "off", "the job", "eighth", "day", "Monday"]:
        highlight(article, user, word)
    with CaptureQueriesContext(connection) as many:
        assert len(_get(alice_client, _page_url(article))["items"]) == 9
    assert len(many) == len(one)
