"""The annotations endpoints: W3C Web Annotations in and out, filters, ETags."""

from __future__ import annotations

import pytest

from articles.models import Annotation, AnnotationReview
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _passage(article, words: str, *, note: str = "", style: str = "", positions=True):
    start = article.body_text.index(words)
    selectors = [{"type": "TextQuoteSelector", "exact": words}]
    if positions:
        selectors.insert(
            0, {"type": "TextPositionSelector", "start": start, "end": start + len(words)}
        )
    target = {
        "type": "SpecificResource",
        "source": f"http://testserver{article.get_absolute_url()}",
        "selector": selectors,
    }
    if style:
        target["styleClass"] = style
    data = {"@context": CONTEXT, "type": "Annotation", "target": target}
    if note:
        data["body"] = {"type": "TextualBody", "value": note}
    return data


def _post(client, data, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(
        f"/api/v1/annotations{'?' + query if query else ''}",
        data,
        content_type="application/ld+json",
    )


def test_a_passage_is_stored_where_its_selectors_say(alice_api, article, user):
    made = _post(alice_api, _passage(article, "Rotterdam", note="Check", style="newsroom-green"))
    assert made.status_code == 201, made.content
    stored = Annotation.objects.get()
    assert article.body_text[stored.start : stored.end] == "Rotterdam"
    assert (stored.color, stored.note, stored.author) == ("green", "Check", user)
    body = made.json()
    assert body["id"] == made["Location"]
    assert body["id"] == f"http://testserver/annotations/articles/{article.pk}/{stored.pk}"
    assert body["target"]["styleClass"] == "newsroom-green"
    assert made["ETag"]


def test_a_quote_alone_is_placed_by_its_words(alice_api, article):
    made = _post(alice_api, _passage(article, "port authority", positions=False))
    assert made.status_code == 201
    stored = Annotation.objects.get()
    assert article.body_text[stored.start : stored.end] == "port authority"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d["target"]["selector"][1].update(exact="Hamburg"), "not in this article"),
        (
            lambda d: d.update(body={"type": "TextualBody", "value": "x", "purpose": "tagging"}),
            "Tags",
        ),
        (lambda d: d.update(motivation="identifying"), "Entity mentions"),
        (lambda d: d.update(type="Note"), "Annotation"),
        (lambda d: d["target"].update(styleClass="newsroom-orange"), "styleClass"),
        (lambda d: d.pop("target"), "target"),
    ],
)
def test_what_cannot_be_kept_is_refused_with_a_reason(alice_api, article, change, says):
    data = _passage(article, "Rotterdam")
    change(data)
    refused = _post(alice_api, data)
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert says in refused.json()["detail"]
    assert not Annotation.objects.exists()


def test_offsets_that_disagree_with_the_words_are_placed_by_the_words(alice_api, article):
    data = _passage(article, "Rotterdam")
    data["target"]["selector"][0].update(start=0, end=9)
    assert _post(alice_api, data).status_code == 201
    stored = Annotation.objects.get()
    assert article.body_text[stored.start : stored.end] == "Rotterdam"


def test_a_page_note_and_an_audience(alice_api, article, desk):
    data = {
        "@context": CONTEXT,
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Whole story"},
        "target": f"http://testserver{article.get_absolute_url()}",
    }
    assert _post(alice_api, data, audience="private").status_code == 201
    assert _post(alice_api, data, audience=desk.pk).status_code == 201
    assert _post(alice_api, data, audience=999999).status_code == 400
    notes = list(Annotation.objects.order_by("pk"))
    assert [(n.is_page_note, n.group_id) for n in notes] == [(True, None), (True, desk.pk)]


def test_the_list_filters_and_shows_only_what_the_caller_sees(  # noqa: PLR0913, PLR0917
    alice_api, bob_api, article, user, bob, desk
):
    private = highlight(article, user, "Rotterdam", note="PRIVATE-1", audience=None)
    shared = highlight(article, user, "port authority", color="green", audience=desk)
    other = make_article("Other story\n\nAnother article body with words.")
    highlight(other, bob, "Another", audience=desk)

    def ids(client, query=""):
        listed = client.get(f"/api/v1/annotations{query}")
        assert listed.status_code == 200
        return {item["id"].rsplit("/", 1)[1] for item in listed.json()}

    assert ids(alice_api, f"?article={article.pk}") == {str(private.pk), str(shared.pk)}
    assert ids(alice_api, "?color=green") == {str(shared.pk)}
    assert ids(alice_api, "?author=bob") == ids(bob_api, "?author=bob")
    assert str(private.pk) not in ids(bob_api)
    assert "PRIVATE-1" not in bob_api.get("/api/v1/annotations").content.decode()
    assert ids(alice_api, f"?group={desk.pk}&article={article.pk}") == {str(shared.pk)}
    assert alice_api.get("/api/v1/annotations?color=orange").status_code == 400
    assert alice_api.get("/api/v1/annotations?updated_since=yesterday").status_code == 400
    assert ids(alice_api, "?updated_since=2999-01-01T00:00Z") == set()


def test_the_list_query_count_does_not_grow_with_rows(
    alice_api, article, user, django_assert_max_num_queries
):
    for words in ("Dock", "workers", "Rotterdam"):
        highlight(article, user, words)
    with django_assert_max_num_queries(12) as few:
        alice_api.get("/api/v1/annotations")
    for words in ("container", "ships", "waiting", "outside", "union", "talks"):
        highlight(article, user, words)
    with django_assert_max_num_queries(len(few.captured_queries)):
        alice_api.get("/api/v1/annotations")


def test_a_change_needs_the_current_etag(alice_api, article, user):
    made = highlight(article, user, "Rotterdam", note="first")
    got = alice_api.get(f"/api/v1/annotations/{made.pk}")
    tag = got["ETag"]
    assert (
        alice_api.get(f"/api/v1/annotations/{made.pk}", HTTP_IF_NONE_MATCH=tag).status_code == 304
    )
    missing = alice_api.patch(
        f"/api/v1/annotations/{made.pk}", {"note": "x"}, content_type="application/json"
    )
    assert missing.status_code == 428
    changed = alice_api.patch(
        f"/api/v1/annotations/{made.pk}",
        {"note": "second"},
        content_type="application/json",
        HTTP_IF_MATCH=tag,
    )
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    stale = alice_api.patch(
        f"/api/v1/annotations/{made.pk}",
        {"note": "third"},
        content_type="application/json",
        HTTP_IF_MATCH=tag,
    )
    assert stale.status_code == 412
    assert stale["ETag"] == changed["ETag"]
    made.refresh_from_db()
    assert made.note == "second"


def test_put_replaces_the_note_and_moves_the_passage_as_a_logged_review(alice_api, article, user):
    made = highlight(article, user, "Rotterdam")
    got = alice_api.get(f"/api/v1/annotations/{made.pk}")
    replacement = _passage(article, "port authority", note="moved", style="newsroom-blue")
    put = alice_api.put(
        f"/api/v1/annotations/{made.pk}",
        replacement,
        content_type="application/ld+json",
        HTTP_IF_MATCH=got["ETag"],
    )
    assert put.status_code == 200, put.content
    made.refresh_from_db()
    assert article.body_text[made.start : made.end] == "port authority"
    assert (made.note, made.color) == ("moved", "blue")
    assert AnnotationReview.objects.filter(annotation=made).count() == 1


def test_only_the_author_changes_or_deletes(alice_api, bob_api, article, user, desk):
    shared = highlight(article, user, "Rotterdam", audience=desk)
    private = highlight(article, user, "port authority", audience=None)
    tag = bob_api.get(f"/api/v1/annotations/{shared.pk}")["ETag"]
    assert (
        bob_api.patch(
            f"/api/v1/annotations/{shared.pk}",
            {"note": "x"},
            content_type="application/json",
            HTTP_IF_MATCH=tag,
        ).status_code
        == 403
    )
    assert bob_api.delete(f"/api/v1/annotations/{shared.pk}").status_code == 403
    assert bob_api.get(f"/api/v1/annotations/{private.pk}").status_code == 404
    assert bob_api.delete(f"/api/v1/annotations/{private.pk}").status_code == 404
    assert alice_api.delete(f"/api/v1/annotations/{private.pk}").status_code == 204
    assert not Annotation.objects.filter(pk=private.pk).exists()


def test_a_read_token_reads_but_does_not_write(article, user):
    from tests.api.conftest import token_client

    reader = token_client(user, "read")
    assert reader.get("/api/v1/annotations").status_code == 200
    refused = _post(reader, _passage(article, "Rotterdam"))
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/read-only-token")
    assert not Annotation.objects.exists()


def test_a_signed_in_browser_needs_the_csrf_token_to_write(article, user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/annotations").status_code == 200
    refused = _post(browser, _passage(article, "Rotterdam"))
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/csrf")
