"""The Hypothesis-shaped search (`articles.views.hypothesis`, `/api/hypothesis/search`): a
tool written for Hypothesis' API finds the annotations the caller may see, in Hypothesis'
JSON shape, with its parameters; errors are the API's problem details; the number of
queries does not grow with the rows.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import annotations as annotating
from articles import apitokens, library
from articles.entities import curation
from articles.models import Annotation, Article
from tests.factories import highlight, make_article, make_group, make_user, tag

pytestmark = pytest.mark.django_db

URL = "/api/hypothesis/search"
OTHER_STORY = (
    "Ferry Line Resumes\n\n"
    "The ferry line to the islands resumed on Tuesday after the storm.\n\n"
    "Passengers queued at the quay from early morning."
)


def bearer(user, scope: str = "read") -> dict[str, str]:
    return {"Authorization": f"Bearer {apitokens.create(user, 'h', scope)[1]}"}


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def world(user, bob, desk, article):
    """On the strike story: alice's private note, her note for the desk, her mention of
    Rotterdam for Everyone; a label on the article. Another article with bob's note."""
    private = highlight(article, user, "eighth day", note="PRIVATE lead", audience=None)
    for_desk = highlight(article, user, "container ships", note="Ask the *desk*", audience=desk)
    port = curation.create_entity("Rotterdam", "place", user)
    mention = tag(article, user, "Rotterdam", entity=port).mention
    library.add_label(article, "Harbours", user)
    ferry = make_article(OTHER_STORY)
    Article.objects.filter(pk=ferry.pk).update(source_url="https://news.example.org/ferry")
    ferry.refresh_from_db()
    bobs = highlight(ferry, bob, "ferry line", note="Bob's ferry note")
    return {
        "private": private,
        "desk": for_desk,
        "mention": mention,
        "bobs": bobs,
        "ferry": ferry,
        "article": article,
        "port": port,
    }


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["rows"]]


def test_the_answer_has_hypothesis_shape(api, user, world):
    desk = world["desk"]
    response = api.get(URL, {"quote": "container"}, headers=bearer(user))
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["total"] == 1
    (row,) = body["rows"]
    article = world["article"]
    reader = "http://testserver" + article.get_absolute_url()
    assert row["id"] == str(desk.pk)
    assert row["user"] == "acct:alice@testserver"
    assert row["uri"] == reader  # the story was pasted: no source URL
    assert row["text"] == "Ask the *desk*"  # the Markdown as written
    assert row["tags"] == ["Harbours"]
    assert row["group"] == str(desk.group_id)
    assert row["permissions"]["read"] == [f"group:{desk.group_id}"]
    assert row["document"] == {"title": [article.title]}
    assert row["links"]["html"] == f"{reader}#annotation-{desk.pk}"
    assert row["links"]["json"] == "http://testserver" + reverse(
        "api:get_annotation", args=[desk.pk]
    )
    assert row["created"].endswith("+00:00")
    (target,) = row["target"]
    assert target["source"] == reader
    position, quote = target["selector"]
    assert position == {"type": "TextPositionSelector", "start": desk.start, "end": desk.end}
    assert quote["type"] == "TextQuoteSelector"
    assert quote["exact"] == "container ships"
    assert article.body_text[desk.start : desk.end] == "container ships"


def test_only_what_the_caller_may_see(api, user, bob, carol, world):
    everything = {str(world[k].pk) for k in ("private", "desk", "mention", "bobs")}
    assert set(ids(api.get(URL, {"limit": 200}, headers=bearer(user)))) == everything
    his = api.get(URL, {"limit": 200}, headers=bearer(bob))
    assert set(ids(his)) == everything - {str(world["private"].pk)}
    assert "PRIVATE lead" not in his.content.decode()
    hers = api.get(URL, {"limit": 200}, headers=bearer(carol))
    assert set(ids(hers)) == {str(world["mention"].pk), str(world["bobs"].pk)}
    assert "Ask the" not in hers.content.decode()


def test_a_private_mention_is_in_no_one_elses_results(api, user, bob, article):
    secret = tag(
        article, user, "port authority", name="Havenbedrijf Geheim", kind="organisation",
        audience=None,
    ).mention  # fmt: skip
    assert ids(api.get(URL, {"tag": "Havenbedrijf Geheim"}, headers=bearer(user))) == [
        str(secret.pk)
    ]
    his = api.get(URL, {"tag": "Havenbedrijf Geheim"}, headers=bearer(bob))
    assert ids(his) == []
    assert "Havenbedrijf" not in api.get(URL, headers=bearer(bob)).content.decode()


def test_uri_finds_an_article_by_reader_url_or_source_url(api, user, world):
    article, ferry = world["article"], world["ferry"]
    reader = "http://testserver" + article.get_absolute_url()
    for uri in (reader, article.get_absolute_url(), f"/articles/{article.pk}/"):
        found = ids(api.get(URL, {"uri": uri}, headers=bearer(user)))
        assert set(found) == {str(world[k].pk) for k in ("private", "desk", "mention")}, uri
    by_source = api.get(URL, {"uri": "https://news.example.org/ferry"}, headers=bearer(user))
    assert ids(by_source) == [str(world["bobs"].pk)]
    assert by_source.json()["rows"][0]["uri"] == ferry.source_url
    both = api.get(URL, {"uri": [reader, ferry.source_url], "limit": 200}, headers=bearer(user))
    assert len(ids(both)) == 4
    elsewhere = api.get(URL, {"uri": "https://elsewhere.example/articles/1/"}, headers=bearer(user))
    assert ids(elsewhere) == []
    assert ids(api.get(URL, {"uri": "https://nowhere.example/"}, headers=bearer(user))) == []


def test_user_group_tag_text_and_any(api, user, bob, world, desk):
    alice = bearer(user)
    bobs = str(world["bobs"].pk)
    assert ids(api.get(URL, {"user": "bob"}, headers=alice)) == [bobs]
    assert ids(api.get(URL, {"user": "acct:bob@testserver"}, headers=alice)) == [bobs]
    assert ids(api.get(URL, {"group": str(desk.pk)}, headers=alice)) == [str(world["desk"].pk)]
    assert ids(api.get(URL, {"group": "politics desk"}, headers=alice)) == [str(world["desk"].pk)]
    assert ids(api.get(URL, {"group": "private"}, headers=alice)) == [str(world["private"].pk)]
    # tag: the entity a mention names, or a label on the annotation's article.
    assert ids(api.get(URL, {"tag": "rotterdam"}, headers=alice)) == [str(world["mention"].pk)]
    labelled = {str(world[k].pk) for k in ("private", "desk", "mention")}
    assert set(ids(api.get(URL, {"tag": "Harbours"}, headers=alice))) == labelled
    both = api.get(URL, {"tag": ["Harbours", "Rotterdam"]}, headers=alice)
    assert ids(both) == [str(world["mention"].pk)]
    mention_row = both.json()["rows"][0]
    assert mention_row["tags"] == ["Rotterdam", "Harbours"]
    assert ids(api.get(URL, {"text": "ferry NOTE"}, headers=alice)) == [bobs]
    assert ids(api.get(URL, {"quote": "eighth"}, headers=alice)) == [str(world["private"].pk)]
    assert set(ids(api.get(URL, {"any": "ferry"}, headers=alice))) == {bobs}
    assert set(ids(api.get(URL, {"any": "eighth"}, headers=alice))) == {str(world["private"].pk)}


def test_sort_order_limit_and_offset(api, user, world):
    alice = bearer(user)
    newest_first = ids(api.get(URL, {"sort": "created", "limit": 200}, headers=alice))
    oldest_first = ids(
        api.get(URL, {"sort": "created", "order": "asc", "limit": 200}, headers=alice)
    )
    assert newest_first == list(reversed(oldest_first))
    assert oldest_first[0] == str(world["private"].pk)
    page = api.get(URL, {"sort": "created", "order": "asc", "limit": 2, "offset": 1}, headers=alice)
    assert ids(page) == oldest_first[1:3]
    assert page.json()["total"] == 4
    counted = api.get(URL, {"limit": 0}, headers=alice).json()
    assert counted == {"total": 4, "rows": []}
    # Changing a note makes it the most recently updated.
    annotating.update(world["private"], note="PRIVATE lead, checked", by=user)
    assert ids(api.get(URL, {"limit": 1}, headers=alice)) == [str(world["private"].pk)]


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"limit": "201"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "1.5"}, "offset"),
        ({"offset": "9801"}, "offset"),
        ({"sort": "random"}, "sort"),
        ({"order": "up"}, "order"),
    ],
)
def test_bad_parameters_are_a_400_problem(api, user, params, word):
    response = api.get(URL, params, headers=bearer(user))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert word in body["detail"]
    assert body["type"].endswith("/problems/invalid")


def test_authentication_is_the_apis(api, user, world):
    no_one = api.get(URL)
    assert no_one.status_code == 401
    assert no_one["Content-Type"].startswith("application/problem+json")
    assert "WWW-Authenticate" in no_one.headers
    assert api.get(URL, headers={"Authorization": "Bearer nr_wrong"}).status_code == 401
    session = Client()
    session.force_login(user)
    assert len(ids(session.get(URL, {"limit": 200}))) == 4
    assert api.post(URL, headers=bearer(user, "write")).status_code == 405


def test_the_number_of_queries_does_not_grow_with_the_rows(api, user, bob, desk):
    alice = bearer(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get(URL, {"limit": 200}, headers=alice)
        assert response.status_code == 200
        assert len(response.json()["rows"]) == response.json()["total"]
        return len(captured)

    article = make_article()
    highlight(article, user, "eighth day", note="one")
    queries()  # the first request's one-offs: the token's last use, the set-up check
    few = queries()
    rotterdam = curation.create_entity("Rotterdam", "place", user)
    for n in range(3):
        other = make_article(f"Story {n}\n\n{OTHER_STORY}")
        library.add_label(other, f"Label {n}", user)
        highlight(other, bob, "ferry line", note=f"bob {n}", audience=desk)
        annotating.create_page_note(other, user, note=f"page note {n}")
        tag(other, user, "Passengers", name=f"Passengers {n}", kind="other")
    highlight(article, bob, "container ships", audience=desk)
    tag(article, user, "Rotterdam", entity=rotterdam, audience=None)
    assert Annotation.objects.count() == 12
    assert queries() == few


def test_a_page_note_and_an_orphan_have_no_position(api, user, article):
    page_note = annotating.create_page_note(article, user, note="About the whole story")
    orphan = highlight(article, user, "eighth day")
    Annotation.objects.filter(pk=orphan.pk).update(status=Annotation.Status.ORPHANED)
    rows = {r["id"]: r for r in api.get(URL, headers=bearer(user)).json()["rows"]}
    assert "selector" not in rows[str(page_note.pk)]["target"][0]
    (quote,) = rows[str(orphan.pk)]["target"][0]["selector"]
    assert quote["type"] == "TextQuoteSelector"


def test_a_group_of_others_is_invisible(api, user, article):
    carol = make_user("Carol2")
    team = make_group("Fact-check", carol)
    theirs = highlight(article, carol, "eighth day", note="checked", audience=team)
    mine = api.get(URL, {"group": str(team.pk)}, headers=bearer(user))
    assert ids(mine) == []
    assert ids(api.get(URL, {"group": str(team.pk)}, headers=bearer(carol))) == [str(theirs.pk)]
