"""The W3C Web Annotation Protocol: each article's annotation container
(`articles.views.protocol`), first against a real HTTP server with the W3C test suite's
checks (../shared/conformance/w3c/protocol_check.py, a port of wpt's server tests), then
rule by rule with the test client: content negotiation, Prefer, paging, ETags, writes
and who may make them."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import apitokens, protocol, sharing
from articles.entities import curation
from articles.models import Annotation, Color, Role
from tests.factories import highlight, make_article, make_user, span, tag

pytestmark = pytest.mark.django_db

JSONLD = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
PROBLEM = "application/problem+json"
MINIMAL = 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
DESCRIPTIONS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedDescriptions"'
BASE = "http://testserver"
CHECKER = Path(settings.BASE_DIR).parent / "shared/conformance/w3c/protocol_check.py"


def _container(article) -> str:
    return f"/annotations/articles/{article.pk}/"


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def _write_token(user) -> dict[str, str]:
    return _bearer(apitokens.create(user, "t", "write")[1])


def _post(  # noqa: PLR0913
    client, article, data, headers, *, query: str = "", content_type="application/ld+json"
):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(
        _container(article) + query, body, content_type=content_type, headers=headers
    )


def _passage_annotation(article, phrase: str, *, nth: int = 0, **extra):
    place = span(article, phrase, nth)
    target = {
        "type": "SpecificResource",
        "source": BASE + article.get_absolute_url(),
        "selector": [
            {"type": "TextQuoteSelector", "exact": phrase},
            {"type": "TextPositionSelector", "start": place["start"], "end": place["end"]},
        ],
        **extra.pop("target_extra", {}),
    }
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "target": target,
        **extra,
    }


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith(PROBLEM)
    return response.json()


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def bob_():
    return make_user("bob")


@pytest.fixture
def story():
    return make_article()


@pytest.fixture
def auth(alice):
    return _write_token(alice)


# The conformance checker, against a live server ----------------------------------------


class _BearerEverywhere(urllib.request.BaseHandler):
    """Adds the token to every request urllib makes (the checker has no auth of its own)."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    def http_request(self, request: urllib.request.Request) -> urllib.request.Request:
        request.add_header("Authorization", f"Bearer {self.raw}")
        return request

    https_request = http_request


def _load_checker():
    spec = importlib.util.spec_from_file_location("protocol_check", CHECKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_the_w3c_protocol_checks_pass_against_a_live_server(live_server, monkeypatch):
    if not CHECKER.exists():
        pytest.skip(f"{CHECKER} is absent: ../shared is provided by CI and by the workplace")
    monkeypatch.setattr(protocol, "PAGE_SIZE", 2)  # three annotations: two pages
    alice = make_user("alice")
    story = make_article()
    for phrase in ("Dock workers", "eighth day", "container ships"):
        highlight(story, alice, phrase)
    raw = apitokens.create(alice, "checker", "write")[1]
    checker = _load_checker()
    must_lines: set[int] = set()
    original_check = checker.check

    def counting_check(level, desc, fn):
        if level == "MUST":
            must_lines.add(__import__("sys")._getframe(1).f_lineno)
        return original_check(level, desc, fn)

    checker.check = counting_check
    container = f"{live_server.url}/annotations/articles/{story.pk}/"
    out = io.StringIO()
    urllib.request.install_opener(urllib.request.build_opener(_BearerEverywhere(raw)))
    try:
        with contextlib.redirect_stdout(out):
            status = checker.main(container)
    finally:
        urllib.request.install_opener(None)
    report = out.getvalue()
    print(report)  # noqa: T201 - shown with -s, and in a failure's output
    source = CHECKER.read_text().splitlines()
    every_must = {n for n, line in enumerate(source, 1) if 'check("MUST"' in line}
    assert status == 0, report
    assert checker.RESULTS["fail"] == 0, report
    assert must_lines == every_must, f"MUST checks not run: {every_must - must_lines}\n{report}"
    assert checker.RESULTS["pass"] >= len(every_must), report
    assert "skipped" not in report, report
    # The annotation the checker made, changed and deleted is gone; ours are untouched.
    assert Annotation.objects.filter(article=story).count() == 3


# The container -------------------------------------------------------------------------


def test_the_container_describes_itself(client, alice, story, auth):
    highlight(story, alice, "eighth day")
    response = client.get(_container(story), headers=auth)
    assert response.status_code == 200
    iri = BASE + _container(story)
    assert response["Content-Type"] == JSONLD
    assert response["Content-Location"] == iri
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert response["Accept-Post"] == JSONLD
    assert response["Link"] == (
        '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type", '
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
    )
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept", "prefer", "authorization", "cookie"} <= vary
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"Allow", "Content-Location", "Content-Type", "ETag", "Link", "Location"} <= exposed
    assert {"Prefer", "Vary"} <= exposed
    assert not response.has_header("Access-Control-Allow-Origin")
    assert response["ETag"].startswith('"')
    body = response.json()
    assert body["@context"] == [
        "http://www.w3.org/ns/anno.jsonld",
        "http://www.w3.org/ns/ldp.jsonld",
    ]
    assert body["id"] == iri
    assert body["type"] == ["BasicContainer", "AnnotationCollection"]
    assert body["label"] == story.title
    assert body["total"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["modified"])
    assert body["first"] == body["last"] == iri + "?page=0"
    assert "items" not in body


def test_head_and_options(client, alice, story, auth):
    highlight(story, alice, "eighth day")
    got = client.get(_container(story), headers=auth)
    head = client.head(_container(story), headers=auth)
    assert head.status_code == 200
    assert head.content == b""
    for name in ("Content-Type", "ETag", "Link", "Allow", "Content-Location", "Vary"):
        assert head[name] == got[name], name
    options = client.options(_container(story), headers=auth)
    assert options.status_code == 200
    assert options.content == b""
    assert "POST" in options["Allow"]
    assert options["Accept-Post"] == JSONLD


def test_another_method_is_refused_with_the_allowed_ones(client, story, auth):
    response = client.delete(_container(story), headers=auth)
    _problem(response, 405)
    assert response["Allow"] == "GET, HEAD, OPTIONS, POST"


@pytest.mark.parametrize(
    ("accept", "answered"),
    [
        ("", JSONLD),
        ("application/ld+json", JSONLD),
        ('application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"', JSONLD),
        ("*/*", JSONLD),
        ("application/*;q=0.5, text/html", JSONLD),
        ("application/json", "application/json"),
        ("application/json, application/ld+json;q=0.5", "application/json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSONLD),
    ],
)
def test_content_negotiation(client, story, auth, accept, answered):
    headers = {**auth, "Accept": accept} if accept else auth
    response = client.get(_container(story), headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == answered


@pytest.mark.parametrize(
    "accept", ["text/html", "application/xml", "application/ld+json;q=0, */*;q=0"]
)
def test_an_accept_without_json_is_not_acceptable(client, alice, story, auth, accept):
    made = highlight(story, alice, "eighth day")
    for url in (_container(story), f"{_container(story)}{made.pk}"):
        problem = _problem(client.get(url, headers={**auth, "Accept": accept}), 406)
        assert "application/ld+json" in problem["detail"]


def test_prefer_minimal_container_has_no_annotations(client, alice, story, auth):
    highlight(story, alice, "eighth day")
    response = client.get(_container(story), headers={**auth, "Prefer": MINIMAL})
    body = response.json()
    assert body["total"] == 1
    assert {"first", "last"} <= body.keys()
    assert "items" not in body
    assert "contains" not in body
    assert "ldp:contains" not in body
    assert not response.has_header("Prefer")
    plain = client.get(_container(story), headers=auth)
    assert plain["ETag"] != response["ETag"]  # another representation, another tag


def test_prefer_contained_iris_gives_pages_of_iris(client, alice, story, auth):
    made = highlight(story, alice, "eighth day")
    body = client.get(_container(story), headers={**auth, "Prefer": IRIS}).json()
    iri = BASE + _container(story)
    assert body["first"] == iri + "?iris=1&page=0"
    page = client.get(body["first"].removeprefix(BASE), headers=auth)
    assert page["Content-Location"] == page.json()["id"] == iri + "?iris=1&page=0"
    assert page.json()["items"] == [f"{iri}{made.pk}"]
    # A page request with the preference and no `iris` gets IRIs too, under their IRI.
    preferred = client.get(_container(story) + "?page=0", headers={**auth, "Prefer": IRIS})
    assert preferred.json()["items"] == [f"{iri}{made.pk}"]
    assert preferred["Content-Location"] == iri + "?iris=1&page=0"


def test_contained_descriptions_are_whole_annotations(client, alice, story, auth):
    made = highlight(story, alice, "eighth day", note="Eight days")
    standalone = client.get(f"{_container(story)}{made.pk}", headers=auth).json()
    for prefer in (None, DESCRIPTIONS):
        headers = {**auth, "Prefer": prefer} if prefer else auth
        first = client.get(_container(story), headers=headers).json()["first"]
        page = client.get(first.removeprefix(BASE), headers=auth).json()
        assert page["items"] == [standalone]
        assert page["items"][0]["@context"] == "http://www.w3.org/ns/anno.jsonld"


def test_pages_link_to_each_other_and_to_their_container(client, alice, story, auth, monkeypatch):
    monkeypatch.setattr(protocol, "PAGE_SIZE", 2)
    made = [
        highlight(story, alice, phrase)  # made out of text order
        for phrase in ("talks with", "Dock workers", "container ships", "eighth day", "Thursday")
    ]
    in_order = sorted(made, key=lambda a: a.start)
    iri = BASE + _container(story)
    container = client.get(_container(story), headers=auth).json()
    assert container["total"] == 5
    assert container["first"] == iri + "?page=0"
    assert container["last"] == iri + "?page=2"
    pages = [client.get(f"{_container(story)}?page={n}", headers=auth).json() for n in range(3)]
    assert [p["startIndex"] for p in pages] == [0, 2, 4]
    assert [p["id"] for p in pages] == [f"{iri}?page={n}" for n in range(3)]
    for page in pages:
        assert page["type"] == "AnnotationPage"
        assert page["partOf"]["id"] == iri
        assert page["partOf"]["total"] == 5
    assert "prev" not in pages[0]
    assert pages[0]["next"] == pages[1]["id"]
    assert pages[1]["prev"] == pages[0]["id"]
    assert pages[1]["next"] == pages[2]["id"]
    assert pages[2]["prev"] == pages[1]["id"]
    assert "next" not in pages[2]
    listed = [item["id"] for page in pages for item in page["items"]]
    assert listed == [f"{iri}{a.pk}" for a in in_order]
    _problem(client.get(f"{_container(story)}?page=3", headers=auth), 404)
    for bad in ("-1", "one", ""):
        _problem(client.get(f"{_container(story)}?page={bad}", headers=auth), 400)


def test_an_empty_container_has_one_empty_page(client, story, auth):
    container = client.get(_container(story), headers=auth).json()
    assert container["total"] == 0
    page = client.get(container["first"].removeprefix(BASE), headers=auth).json()
    assert page["items"] == []
    assert "next" not in page


def test_the_etag_changes_with_the_annotations_and_answers_304(client, alice, story, auth):
    first = highlight(story, alice, "eighth day")
    tags = []
    for step in ("before", "added", "changed", "deleted"):
        if step == "added":
            second = highlight(story, alice, "Dock workers")
        elif step == "changed":
            second.note = "Now with a note"
            second.save()
        elif step == "deleted":
            first.delete()
        tag_ = client.get(_container(story), headers=auth)["ETag"]
        page_tag = client.get(_container(story) + "?page=0", headers=auth)["ETag"]
        tags.append((tag_, page_tag))
        unchanged = client.get(_container(story), headers={**auth, "If-None-Match": tag_})
        assert unchanged.status_code == 304
        assert unchanged["ETag"] == tag_
        assert unchanged.content == b""
        page = client.get(
            _container(story) + "?page=0", headers={**auth, "If-None-Match": page_tag}
        )
        assert page.status_code == 304
    assert len({t for pair in tags for t in pair}) == 8


def test_the_etag_differs_per_caller(client, alice, bob_, story, auth):
    highlight(story, alice, "eighth day")
    mine = client.get(_container(story), headers=auth)["ETag"]
    theirs = client.get(_container(story), headers=_write_token(bob_))
    assert theirs.json()["total"] == 1  # shared with Everyone: the same annotations
    assert theirs["ETag"] != mine


def test_a_page_costs_the_same_queries_however_many_annotations(client, alice, story, auth):
    def queries() -> int:
        client.get(_container(story) + "?page=0", headers=auth)  # the token's use is noted
        with CaptureQueriesContext(connection) as seen:
            response = client.get(_container(story) + "?page=0", headers=auth)
        assert response.status_code == 200
        return len(seen)

    highlight(story, alice, "eighth day")
    few = queries()
    port = curation.create_entity("Rotterdam", "place", alice)
    tag(story, alice, "Rotterdam", entity=port, audience=sharing.EVERYONE)
    for phrase in ("Dock workers", "container ships", "Thursday"):
        highlight(story, alice, phrase, note=f"On {phrase}")
    many = queries()
    assert many == few


def test_an_unknown_article_has_no_container(client, auth):
    _problem(client.get("/annotations/articles/999999/", headers=auth), 404)


# Creating ------------------------------------------------------------------------------


def test_a_passage_is_stored_at_its_offsets_with_its_colour(client, alice, story, auth):
    # "day" twice would do as well: the offsets say which one.
    data = _passage_annotation(
        story,
        "eighth day",
        body={"type": "TextualBody", "value": "Eight days", "purpose": "commenting"},
        target_extra={"styleClass": "newsroom-green"},
    )
    response = _post(client, story, data, auth)
    assert response.status_code == 201, response.content
    made = Annotation.objects.get()
    place = span(story, "eighth day")
    assert (made.start, made.end, made.exact) == (place["start"], place["end"], "eighth day")
    assert made.color == Color.GREEN
    assert made.note == "Eight days"
    assert made.author == alice
    body = response.json()
    assert response["Location"] == body["id"] == f"{BASE}{_container(story)}{made.pk}"
    assert response["Content-Type"] == JSONLD
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert response["ETag"] == client.get(body["id"].removeprefix(BASE), headers=auth)["ETag"]
    assert body["target"]["styleClass"] == "newsroom-green"
    assert {"type": "TextPositionSelector", **{k: place[k] for k in ("start", "end")}} in body[
        "target"
    ]["selector"]


def test_a_passage_by_its_quote_only_is_found_in_the_text(client, story, auth):
    data = _passage_annotation(story, "container ships")
    data["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": "container ships"}]
    response = _post(client, story, data, auth)
    assert response.status_code == 201, response.content
    made = Annotation.objects.get()
    place = span(story, "container ships")
    assert (made.start, made.end) == (place["start"], place["end"])
    assert made.color == Color.YELLOW


def test_the_audience_is_the_default_or_the_one_asked_for(client, alice, story, auth):
    data = _passage_annotation(story, "eighth day")
    assert _post(client, story, data, auth).status_code == 201
    assert Annotation.objects.get().group == sharing.default_audience(alice)
    assert _post(client, story, data, auth, query="?audience=private").status_code == 201
    assert Annotation.objects.latest("pk").group is None
    problem = _problem(_post(client, story, data, auth, query="?audience=99999"), 400)
    assert "group" in problem["detail"]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"exact": "words that are nowhere"}, "not in this article"),
        ({"body": [{"type": "TextualBody", "value": "strike", "purpose": "tagging"}]}, "Tags"),
    ],
)
def test_what_cannot_be_kept_is_refused(client, story, auth, change, says):
    data = _passage_annotation(story, "eighth day")
    if "exact" in change:
        data["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": change["exact"]}]
    else:
        data["body"] = change["body"]
    problem = _problem(_post(client, story, data, auth), 400)
    assert says in problem["detail"]
    assert not Annotation.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, story, auth):
    problem = _problem(_post(client, story, "{not json", auth), 400)
    assert "JSON" in problem["detail"]
    _problem(_post(client, story, b"\xff\xfe", auth), 400)


def test_a_body_of_another_media_type_is_refused(client, story, auth):
    data = json.dumps(_passage_annotation(story, "eighth day"))
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        response = _post(client, story, data, auth, content_type=content_type)
        _problem(response, 415)
        assert response["Accept-Post"] == JSONLD
    assert _post(client, story, data, auth, content_type="application/json").status_code == 201


def test_a_body_larger_than_an_article_is_refused(client, story, auth, settings):
    settings.MAX_ARTICLE_BYTES = 2048
    data = _passage_annotation(
        story, "eighth day", body={"type": "TextualBody", "value": "x" * 4000}
    )
    _problem(_post(client, story, data, auth), 413)
    assert not Annotation.objects.exists()


def test_the_slug_header_is_ignored(client, story, auth):
    data = _passage_annotation(story, "eighth day")
    response = _post(client, story, data, {**auth, "Slug": "my-favourite"})
    assert response.status_code == 201
    assert "my-favourite" not in response["Location"]


# One annotation ------------------------------------------------------------------------


def test_an_annotation_answers_with_its_headers(client, alice, story, auth):
    made = highlight(story, alice, "eighth day")
    response = client.get(f"{_container(story)}{made.pk}", headers=auth)
    assert response.status_code == 200
    assert response["Content-Type"] == JSONLD
    assert response["Allow"] == "GET, HEAD, OPTIONS, PUT, DELETE"
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    made.refresh_from_db()
    assert response["ETag"] == f'"annotation-{made.pk}-{made.updated_at.timestamp():.6f}"'
    assert "Accept" in response["Vary"]
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert response.json()["id"] == f"{BASE}{_container(story)}{made.pk}"
    again = client.get(
        f"{_container(story)}{made.pk}", headers={**auth, "If-None-Match": response["ETag"]}
    )
    assert again.status_code == 304
    head = client.head(f"{_container(story)}{made.pk}", headers=auth)
    assert (head.status_code, head.content, head["ETag"]) == (200, b"", response["ETag"])
    options = client.options(f"{_container(story)}{made.pk}", headers=auth)
    assert (options.status_code, options.content) == (200, b"")
    assert options["Allow"] == response["Allow"]


def test_an_annotation_of_another_article_is_not_in_this_container(client, alice, story, auth):
    made = highlight(story, alice, "eighth day")
    other = make_article("Another story\n\nWith other words entirely, about ferries.")
    _problem(client.get(f"{_container(other)}{made.pk}", headers=auth), 404)


def _put(client, url, data, headers):
    return client.put(url, json.dumps(data), content_type="application/ld+json", headers=headers)


def test_put_replaces_the_annotation_and_gives_the_new_etag(client, alice, story, auth):
    made = highlight(story, alice, "eighth day", note="First")
    url = f"{_container(story)}{made.pk}"
    read = client.get(url, headers=auth)
    data = read.json()
    data["body"] = {"type": "TextualBody", "value": "Second"}
    data["target"]["styleClass"] = "newsroom-blue"
    response = _put(client, url, data, {**auth, "If-Match": read["ETag"]})
    assert response.status_code == 200, response.content
    assert response["ETag"] != read["ETag"]
    assert response["Content-Type"] == JSONLD
    made.refresh_from_db()
    assert (made.note, made.color) == ("Second", Color.BLUE)
    assert response["ETag"] == client.get(url, headers=auth)["ETag"]


def test_put_without_if_match_is_refused(client, alice, story, auth):
    made = highlight(story, alice, "eighth day", note="First")
    url = f"{_container(story)}{made.pk}"
    data = client.get(url, headers=auth).json()
    data["body"] = {"type": "TextualBody", "value": "Second"}
    _problem(_put(client, url, data, auth), 428)
    made.refresh_from_db()
    assert made.note == "First"


def test_put_with_a_stale_etag_changes_nothing(client, alice, story, auth):
    made = highlight(story, alice, "eighth day", note="First")
    url = f"{_container(story)}{made.pk}"
    read = client.get(url, headers=auth)
    made.note = "Changed in the reader"
    made.save()
    data = read.json()
    data["body"] = {"type": "TextualBody", "value": "From the protocol"}
    response = _put(client, url, data, {**auth, "If-Match": read["ETag"]})
    _problem(response, 412)
    made.refresh_from_db()
    assert made.note == "Changed in the reader"
    assert response["ETag"] == client.get(url, headers=auth)["ETag"]


def test_of_two_clients_with_the_same_etag_the_second_is_refused(client, alice, story):
    made = highlight(story, alice, "eighth day", note="First")
    url = f"{_container(story)}{made.pk}"
    laptop, phone = _write_token(alice), _write_token(alice)
    read = client.get(url, headers=laptop)
    assert client.get(url, headers=phone)["ETag"] == read["ETag"]
    data = read.json()
    won = _put(
        client, url, {**data, "body": "From the laptop"}, {**laptop, "If-Match": read["ETag"]}
    )
    lost = _put(
        client, url, {**data, "body": "From the phone"}, {**phone, "If-Match": read["ETag"]}
    )
    assert won.status_code == 200, won.content
    _problem(lost, 412)
    made.refresh_from_db()
    assert made.note == "From the laptop"


def test_a_refused_put_is_a_problem(client, alice, story, auth):
    made = highlight(story, alice, "eighth day")
    url = f"{_container(story)}{made.pk}"
    read = client.get(url, headers=auth)
    data = read.json()
    data["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": "not in the story"}]
    _problem(_put(client, url, data, {**auth, "If-Match": read["ETag"]}), 400)
    _problem(
        client.put(url, "{", content_type="application/ld+json", headers={**auth, "If-Match": "*"}),
        400,
    )


def test_delete_then_the_annotation_is_gone(client, alice, story, auth):
    made = highlight(story, alice, "eighth day")
    url = f"{_container(story)}{made.pk}"
    read = client.get(url, headers=auth)
    made.note = "changed meanwhile"
    made.save()
    _problem(client.delete(url, headers={**auth, "If-Match": read["ETag"]}), 412)
    assert Annotation.objects.filter(pk=made.pk).exists()
    response = client.delete(url, headers=auth)
    assert response.status_code == 204
    assert response.content == b""
    _problem(client.get(url, headers=auth), 404)
    assert client.get(_container(story), headers=auth).json()["total"] == 0


# Who may do what -----------------------------------------------------------------------


def test_a_colleagues_private_annotation_is_not_in_the_container(client, alice, bob_, story, auth):
    mine = highlight(story, alice, "eighth day")
    private = highlight(story, bob_, "Dock workers", audience=None)
    container = client.get(_container(story), headers=auth).json()
    assert container["total"] == 1
    page = client.get(container["first"].removeprefix(BASE), headers=auth).json()
    assert [i["id"] for i in page["items"]] == [f"{BASE}{_container(story)}{mine.pk}"]
    url = f"{_container(story)}{private.pk}"
    for method in ("get", "head", "options", "delete"):
        assert getattr(client, method)(url, headers=auth).status_code == 404, method
    assert _put(client, url, {}, {**auth, "If-Match": "*"}).status_code == 404


def test_another_persons_shared_annotation_is_read_only(client, alice, bob_, story, auth):
    theirs = highlight(story, bob_, "Dock workers", note="Bob's")
    url = f"{_container(story)}{theirs.pk}"
    read = client.get(url, headers=auth)
    assert read.status_code == 200
    assert read["Allow"] == "GET, HEAD, OPTIONS"
    data = {**read.json(), "body": "Alice was here"}
    _problem(_put(client, url, data, {**auth, "If-Match": read["ETag"]}), 403)
    _problem(client.delete(url, headers={**auth, "If-Match": read["ETag"]}), 403)
    theirs.refresh_from_db()
    assert theirs.note == "Bob's"


def test_a_read_token_reads_but_does_not_write(client, alice, story):
    made = highlight(story, alice, "eighth day")
    read = _bearer(apitokens.create(alice, "reader", "read")[1])
    assert client.get(_container(story), headers=read).status_code == 200
    problem = _problem(_post(client, story, _passage_annotation(story, "Thursday"), read), 403)
    assert problem["type"].endswith("/read-only-token")
    _problem(client.delete(f"{_container(story)}{made.pk}", headers=read), 403)
    assert Annotation.objects.count() == 1


def test_a_guests_token_does_not_write(client, story):
    gail = make_user("gail")
    gail.profile.role = Role.GUEST
    gail.profile.save(update_fields=["role"])
    token = _write_token(gail)
    assert client.get(_container(story), headers=token).status_code == 200
    problem = _problem(_post(client, story, _passage_annotation(story, "Thursday"), token), 403)
    assert problem["type"].endswith("/read-only")
    assert not Annotation.objects.exists()


def test_a_guests_session_does_not_write(story):
    gail = make_user("gail")
    gail.profile.role = Role.GUEST
    gail.profile.save(update_fields=["role"])
    browser = Client()
    browser.force_login(gail)
    assert browser.get(_container(story)).status_code == 200
    _problem(_post(browser, story, _passage_annotation(story, "Thursday"), {}), 403)
    assert not Annotation.objects.exists()


def test_anyone_without_credentials_is_asked_for_them(client, alice, story):
    made = highlight(story, alice, "eighth day")
    for response in (
        client.get(_container(story)),
        client.options(_container(story)),
        _post(client, story, _passage_annotation(story, "Thursday"), {}),
        client.get(f"{_container(story)}{made.pk}"),
        client.delete(f"{_container(story)}{made.pk}"),
    ):
        _problem(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    _problem(client.get(_container(story), headers=_bearer("nr_not-a-token")), 401)
    assert Annotation.objects.count() == 1


def test_a_session_reads_and_writes_with_the_csrf_token(alice, story):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get(_container(story)).status_code == 200
    data = _passage_annotation(story, "Thursday")
    problem = _problem(_post(browser, story, data, {}), 403)
    assert problem["type"].endswith("/csrf")
    browser.get(story.get_absolute_url())  # the reader page sets the CSRF cookie
    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert _post(browser, story, data, {"X-CSRFToken": csrf}).status_code == 201


def test_the_reader_page_names_the_annotation_service(alice, story):
    browser = Client()
    browser.force_login(alice)
    response = browser.get(story.get_absolute_url())
    assert response.status_code == 200
    assert response["Link"] == (
        f'<{BASE}{_container(story)}>; rel="http://www.w3.org/ns/oa#annotationService"'
    )
