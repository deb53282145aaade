"""The catalogue's API (`articles.api.catalogue`): entities, labels, feeds and search, as a
script using a personal token sees them. The rules are the pages' (`articles.permissions`):
a colleague's private mention is in no answer of bob's, a hidden entity is 404, deleting
another person's entity or feed is 403, a stale If-Match is 412, and a read token writes
nothing.
"""

from __future__ import annotations

import pytest
from django.test import Client

from articles import apitokens, library
from articles.entities import curation
from articles.models import Annotation, ArticleLabel, Entity, EntityAlias, Feed, Label
from tests.factories import highlight, make_group, make_user, tag

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def bearer(user, scope: str = "write") -> dict[str, str]:
    return {"Authorization": f"Bearer {apitokens.create(user, 'script', scope)[1]}"}


@pytest.fixture
def api():
    return Client()


@pytest.fixture
def alice_h(user):
    return bearer(user)


@pytest.fixture
def bob_h(bob):
    return bearer(bob)


@pytest.fixture
def mentions(user, bob, article):
    """Rotterdam, the team's, mentioned for Everyone; a private mention of it by alice,
    and her private entity "Havenbedrijf Geheim" (only her private mention names it)."""
    port = curation.create_entity("Rotterdam", "place", user)
    shared = tag(article, user, "Rotterdam", entity=port).mention
    private = tag(article, user, "container ships", entity=port, audience=None).mention
    secret = tag(
        article, user, "port authority", name="Havenbedrijf Geheim", kind="organisation",
        audience=None,
    ).entity  # fmt: skip
    return {"port": port, "shared": shared, "private": private, "secret": secret}


def is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


# Entities ------------------------------------------------------------------------------


def test_entity_mentions_follow_the_annotation_rule(api, alice_h, bob_h, mentions):
    port, shared, private = mentions["port"], mentions["shared"], mentions["private"]
    url = f"/api/v1/entities/{port.pk}"

    mine = api.get(url, headers=alice_h)
    assert mine.status_code == 200
    assert {m["id"] for m in mine.json()["mentions"]} == {shared.pk, private.pk}
    assert mine.json()["mention_count"] == 2

    his = api.get(url, headers=bob_h)
    assert his.status_code == 200
    body = his.json()
    assert [m["id"] for m in body["mentions"]] == [shared.pk]
    assert body["mentions"][0]["exact"] == "Rotterdam"
    assert body["mentions"][0]["article"] == shared.article_id
    assert body["mention_count"] == 1
    assert "container ships" not in his.content.decode()
    # The ETag covers what each sees: different mentions, different tags.
    assert his["ETag"] != mine["ETag"]

    paged = api.get(f"{url}/mentions", headers=bob_h)
    assert [m["id"] for m in paged.json()] == [shared.pk]
    assert paged["X-Total-Count"] == "1"


def test_a_private_entity_is_hidden_from_everyone_else(api, alice_h, bob_h, mentions):
    secret = mentions["secret"]
    assert api.get(f"/api/v1/entities/{secret.pk}", headers=alice_h).status_code == 200
    body = is_problem(api.get(f"/api/v1/entities/{secret.pk}", headers=bob_h), 404)
    assert body["type"].endswith("/problems/not-found")
    listed = api.get("/api/v1/entities", headers=bob_h)
    assert "Havenbedrijf" not in listed.content.decode()
    is_problem(api.get("/api/v1/entities/999999", headers=bob_h), 404)
    # Nor may he change it: the same 404, not a 403.
    is_problem(
        api.patch(
            f"/api/v1/entities/{secret.pk}",
            {"name": "Found you"},
            content_type="application/json",
            headers=bob_h,
        ),
        404,
    )


def test_entity_list_filters_and_pages(api, alice_h, user, article):
    for name in ("Rotterdam", "Rome", "Rijksmuseum"):
        curation.create_entity(name, "place", user)
    curation.create_entity("Rosa Parks", "person", user)
    curation.add_alias(Entity.objects.get(name="Rijksmuseum"), "The Museum")

    response = api.get("/api/v1/entities?kind=place&q=ro&per_page=1", headers=alice_h)
    assert response.status_code == 200
    assert [e["name"] for e in response.json()] == ["Rome"]
    assert response["X-Total-Count"] == "2"
    link = response["Link"]
    assert 'rel="next"' in link
    assert 'rel="last"' in link
    assert "page=2" in link
    assert "kind=place" in link

    by_alias = api.get("/api/v1/entities?q=the%20mus", headers=alice_h).json()
    assert [e["name"] for e in by_alias] == ["Rijksmuseum"]
    assert by_alias[0]["aliases"][0]["name"] == "The Museum"

    body = is_problem(api.get("/api/v1/entities?kind=planet", headers=alice_h), 400)
    assert "kind" in body["detail"]
    is_problem(api.get("/api/v1/entities?page=0", headers=alice_h), 400)


def test_changing_an_entity_renames_and_edits_aliases(api, bob_h, mentions):
    port = mentions["port"]
    curation.add_alias(port, "Rotjeknor")
    url = f"/api/v1/entities/{port.pk}"
    read = api.get(url, headers=bob_h)
    change = {
        "name": "Port of Rotterdam",
        "wikidata_id": "https://www.wikidata.org/wiki/Q34370",
        "add_aliases": ["Rotterdam"],
        "remove_aliases": ["rotjeknor"],
    }
    response = api.patch(
        url, change, content_type="application/json", headers={**bob_h, "If-Match": read["ETag"]}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Port of Rotterdam"
    assert body["wikidata_id"] == "Q34370"
    assert [a["name"] for a in body["aliases"]] == ["Rotterdam"]
    assert response["ETag"] != read["ETag"]
    port.refresh_from_db()
    assert port.name == "Port of Rotterdam"


def test_a_stale_etag_changes_nothing(api, alice_h, bob_h, mentions):
    port = mentions["port"]
    url = f"/api/v1/entities/{port.pk}"
    stale = api.get(url, headers=bob_h)["ETag"]
    hers = api.get(url, headers=alice_h)["ETag"]
    first = api.patch(
        url, {"kind": "organisation"}, content_type="application/json",
        headers={**alice_h, "If-Match": hers},
    )  # fmt: skip
    assert first.status_code == 200
    late = api.patch(
        url, {"name": "Overwritten"}, content_type="application/json",
        headers={**bob_h, "If-Match": stale},
    )  # fmt: skip
    is_problem(late, 412)
    assert late["ETag"] == api.get(url, headers=bob_h)["ETag"]  # the 412 names what is there
    assert Entity.objects.get(pk=port.pk).name == "Rotterdam"
    assert Entity.objects.get(pk=port.pk).kind == "organisation"


def test_a_refused_part_of_a_change_undoes_the_rest(api, alice_h, user, mentions):
    port = mentions["port"]
    curation.create_entity("Amsterdam", "place", user)
    response = api.patch(
        f"/api/v1/entities/{port.pk}",
        {"add_aliases": ["Maasstad"], "name": "Amsterdam"},
        content_type="application/json",
        headers=alice_h,
    )
    body = is_problem(response, 400)
    assert "Amsterdam" in body["detail"]
    assert not EntityAlias.objects.filter(entity=port).exists()
    assert Entity.objects.get(pk=port.pk).name == "Rotterdam"

    body = is_problem(
        api.patch(
            f"/api/v1/entities/{port.pk}",
            {"remove_aliases": ["Nowhere"]},
            content_type="application/json",
            headers=alice_h,
        ),
        400,
    )
    assert "Nowhere" in body["detail"]
    is_problem(
        api.patch(f"/api/v1/entities/{port.pk}", {}, content_type="application/json",
                  headers=alice_h),
        400,
    )  # fmt: skip


def test_get_honours_if_none_match(api, bob_h, mentions):
    url = f"/api/v1/entities/{mentions['port'].pk}"
    tag_ = api.get(url, headers=bob_h)["ETag"]
    again = api.get(url, headers={**bob_h, "If-None-Match": tag_})
    assert again.status_code == 304
    assert again["ETag"] == tag_
    # A new mention bob may see changes the answer, so its ETag.
    highlight_free = mentions["shared"].article
    tag(highlight_free, mentions["port"].created_by, "union", entity=mentions["port"])
    assert api.get(url, headers={**bob_h, "If-None-Match": tag_}).status_code == 200


def test_only_the_creator_or_staff_deletes_an_entity(api, alice_h, bob_h, admin_user, user):
    harbour = curation.create_entity("Harbour", "place", user)
    url = f"/api/v1/entities/{harbour.pk}"
    body = is_problem(api.delete(url, headers=bob_h), 403)
    assert body["type"].endswith("/problems/forbidden")
    assert Entity.objects.filter(pk=harbour.pk).exists()
    is_problem(api.delete(url, headers={**alice_h, "If-Match": '"entity-0-0"'}), 412)
    assert api.delete(url, headers=alice_h).status_code == 204
    assert not Entity.objects.filter(pk=harbour.pk).exists()
    rome = curation.create_entity("Rome", "place", user)
    assert api.delete(f"/api/v1/entities/{rome.pk}", headers=bearer(admin_user)).status_code == 204


def test_deleting_is_refused_while_colleagues_have_private_mentions(
    api, alice_h, user, bob, article
):
    port = curation.create_entity("Rotterdam", "place", user)
    tag(article, bob, "Rotterdam", entity=port, audience=None)  # bob's, private
    body = is_problem(api.delete(f"/api/v1/entities/{port.pk}", headers=alice_h), 409)
    assert "private mention" in body["detail"]
    assert Annotation.objects.filter(entity=port).count() == 1


def test_merging_moves_the_mentions(api, alice_h, bob_h, user, mentions):
    port = mentions["port"]
    other = curation.create_entity("Rotterdam Port", "place", user)
    body = is_problem(
        api.post(f"/api/v1/entities/{other.pk}/merge", {"into": port.pk},
                 content_type="application/json", headers=bob_h),
        403,
    )  # fmt: skip
    assert "created" in body["detail"]
    response = api.post(
        f"/api/v1/entities/{other.pk}/merge",
        {"into": port.pk},
        content_type="application/json",
        headers=alice_h,
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == port.pk
    assert "Rotterdam Port" in [a["name"] for a in response.json()["aliases"]]
    assert not Entity.objects.filter(pk=other.pk).exists()


def test_a_read_token_writes_nothing(api, user, mentions):
    read = bearer(user, "read")
    port = mentions["port"]
    assert api.get(f"/api/v1/entities/{port.pk}", headers=read).status_code == 200
    for response in (
        api.patch(f"/api/v1/entities/{port.pk}", {"name": "X"}, content_type="application/json",
                  headers=read),
        api.delete(f"/api/v1/entities/{port.pk}", headers=read),
        api.post("/api/v1/feeds", {"url": "https://example.org/feed.xml"},
                 content_type="application/json", headers=read),
        api.delete(f"/api/v1/labels/{library.add_label(port_article(mentions), 'A', user).pk}",
                   headers=read),
    ):  # fmt: skip
        body = is_problem(response, 403)
        assert body["type"].endswith("/problems/read-only-token")
    assert Entity.objects.get(pk=port.pk).name == "Rotterdam"
    assert Label.objects.filter(name="A").exists()


def port_article(mentions):
    return mentions["shared"].article


def test_without_credentials_the_answer_is_401(api, mentions):
    response = api.get(f"/api/v1/entities/{mentions['port'].pk}")
    is_problem(response, 401)
    assert "WWW-Authenticate" in response.headers


# Labels --------------------------------------------------------------------------------


def test_labels_are_listed_with_their_counts(api, alice_h, user, article):
    library.add_label(article, "Harbours", user)
    library.add_label(article, "Strikes", user)
    response = api.get("/api/v1/labels", headers=alice_h)
    assert response.status_code == 200
    assert [(x["name"], x["article_count"]) for x in response.json()] == [
        ("Harbours", 1),
        ("Strikes", 1),
    ]
    assert response["X-Total-Count"] == "2"
    assert 'rel="first"' in response["Link"]
    one = api.get("/api/v1/labels?per_page=1&page=2", headers=alice_h)
    assert [x["name"] for x in one.json()] == ["Strikes"]
    assert 'rel="prev"' in one["Link"]


def test_labelling_an_article_and_taking_it_off(api, bob_h, article):
    url = f"/api/v1/articles/{article.pk}/labels"
    made = api.post(url, {"name": "  Harbours "}, content_type="application/json", headers=bob_h)
    assert made.status_code == 201, made.content
    label = made.json()
    assert label["name"] == "Harbours"
    assert label["article_count"] == 1
    assert made["ETag"]
    again = api.post(url, {"name": "harbours"}, content_type="application/json", headers=bob_h)
    assert again.status_code == 200
    assert again.json()["id"] == label["id"]
    is_problem(api.post(url, {"name": "   "}, content_type="application/json", headers=bob_h), 400)
    is_problem(
        api.post("/api/v1/articles/999999/labels", {"name": "X"}, content_type="application/json",
                 headers=bob_h),
        404,
    )  # fmt: skip

    gone = api.delete(f"{url}/{label['id']}", headers=bob_h)
    assert gone.status_code == 204
    assert not ArticleLabel.objects.filter(article=article).exists()
    assert Label.objects.filter(pk=label["id"]).exists()  # the label stays
    is_problem(api.delete(f"{url}/{label['id']}", headers=bob_h), 404)


def test_renaming_and_deleting_a_label(api, alice_h, bob_h, user, article):
    label = library.add_label(article, "Harbours", user)
    library.add_label(article, "Ports", user)
    url = f"/api/v1/labels/{label.pk}"
    read = api.get(url, headers=bob_h)
    assert read.status_code == 200
    assert api.get(url, headers={**bob_h, "If-None-Match": read["ETag"]}).status_code == 304

    taken = api.patch(url, {"name": "ports"}, content_type="application/json", headers=bob_h)
    assert "already a label" in is_problem(taken, 400)["detail"]
    renamed = api.patch(
        url, {"name": "Harbour news"}, content_type="application/json",
        headers={**bob_h, "If-Match": read["ETag"]},
    )  # fmt: skip
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Harbour news"
    stale = api.delete(url, headers={**alice_h, "If-Match": read["ETag"]})
    is_problem(stale, 412)
    assert api.delete(url, headers={**alice_h, "If-Match": renamed["ETag"]}).status_code == 204
    assert not Label.objects.filter(pk=label.pk).exists()
    is_problem(api.get(url, headers=alice_h), 404)


# Feeds ---------------------------------------------------------------------------------


def test_subscribing_and_unsubscribing(api, alice_h, bob_h, admin_user, user):
    made = api.post(
        "/api/v1/feeds",
        {"url": "news.example.org/feed.xml", "interval_minutes": 60},
        content_type="application/json",
        headers=alice_h,
    )
    assert made.status_code == 201, made.content
    feed = made.json()
    assert feed["url"] == "https://news.example.org/feed.xml"
    assert feed["interval_minutes"] == 60
    assert feed["may_change"] is True
    assert made["Location"].endswith(f"/api/v1/feeds/{feed['id']}")
    again = api.post(
        "/api/v1/feeds", {"url": "https://news.example.org/feed.xml"},
        content_type="application/json", headers=bob_h,
    )  # fmt: skip
    assert again.status_code == 200
    assert again.json()["id"] == feed["id"]
    assert again.json()["may_change"] is False

    url = f"/api/v1/feeds/{feed['id']}"
    read = api.get(url, headers=bob_h)
    assert read.status_code == 200
    assert api.get(url, headers={**bob_h, "If-None-Match": read["ETag"]}).status_code == 304
    listed = api.get("/api/v1/feeds", headers=bob_h)
    assert [f["id"] for f in listed.json()] == [feed["id"]]
    assert listed["X-Total-Count"] == "1"

    assert "added" in is_problem(api.delete(url, headers=bob_h), 403)["detail"]
    changed = api.patch(url, {"interval_minutes": 15}, content_type="application/json",
                        headers=alice_h)  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["interval_minutes"] == 15
    is_problem(api.delete(url, headers={**alice_h, "If-Match": read["ETag"]}), 412)
    assert api.delete(url, headers=bearer(admin_user)).status_code == 204
    assert not Feed.objects.exists()
    is_problem(api.get(url, headers=alice_h), 404)


def test_a_bad_feed_address_is_a_clear_400(api, alice_h):
    for body, words in (
        ({"url": "ftp://example.org/feed"}, "https://"),
        ({"url": "not a web address"}, "url"),
        ({"url": "https://example.org/feed", "interval_minutes": 0}, "interval_minutes"),
        ({}, "url"),
    ):
        answer = is_problem(
            api.post("/api/v1/feeds", body, content_type="application/json", headers=alice_h), 400
        )
        assert words in answer["detail"]
    assert not Feed.objects.exists()


def test_polling_is_for_every_member(api, bob_h, user):
    feed = Feed.objects.create(url="https://news.example.org/feed.xml", added_by=user)
    response = api.post(f"/api/v1/feeds/{feed.pk}/poll", headers=bob_h)
    assert response.status_code == 202
    is_problem(
        api.patch(f"/api/v1/feeds/{feed.pk}", {"interval_minutes": 5},
                  content_type="application/json", headers=bob_h),
        403,
    )  # fmt: skip


# Search --------------------------------------------------------------------------------


def test_search_finds_what_the_page_finds_and_no_more(api, alice_h, bob_h, user, war):
    shared = highlight(war, user, "North Korean troops", note="Check the Kursk sighting")
    private = highlight(war, user, "victory plan", note="My private sighting", audience=None)
    mine = api.get("/api/v1/search?q=sighting", headers=alice_h)
    assert mine.status_code == 200
    assert {r["id"] for r in mine.json()["results"]} == {shared.pk, private.pk}

    his = api.get("/api/v1/search?q=sighting", headers=bob_h)
    body = his.json()
    assert [r["id"] for r in body["results"]] == [shared.pk]
    assert body["counts"] == {"article": 0, "highlight": 1, "note": 0, "entity": 0}
    assert body["total"] == 1
    assert body["more"] is False
    hit = body["results"][0]
    assert hit["kind"] == "highlight"
    assert hit["article"] == war.pk
    assert hit["exact"] == "North Korean troops"
    assert hit["note_snippet"] == "Check the Kursk sighting"  # plain text: no <mark>
    assert hit["url"].endswith(f"#annotation-{shared.pk}")
    assert hit["url"].startswith("http://testserver/")
    assert "private" not in his.content.decode()


def test_search_snippets_are_plain_text(api, alice_h, war):
    response = api.get("/api/v1/search?q=troops&page=1", headers=alice_h)
    body = response.json()
    article_hit = next(r for r in body["results"] if r["kind"] == "article")
    assert article_hit["id"] == war.pk
    assert "troops" in article_hit["snippet"]
    assert "<mark>" not in response.content.decode()
    assert 'rel="first"' in response["Link"]


def test_search_hides_private_entities_and_hints(api, bob_h, mentions):
    answer = api.get("/api/v1/search?q=Havenbedrijf", headers=bob_h).json()
    assert answer["results"] == []
    hinted = api.get("/api/v1/search?q=site:", headers=bob_h).json()
    assert hinted["hints"]
    is_problem(api.get("/api/v1/search?q=x&page=zero", headers=bob_h), 400)


def test_search_of_another_group_is_invisible(api, user, war):
    carol = make_user("carol")
    make_group("Desk", user)
    desk_note = highlight(war, user, "victory plan", note="desk sighting", audience=None)
    found = api.get("/api/v1/search?q=sighting", headers=bearer(carol)).json()
    assert desk_note.pk not in [r["id"] for r in found["results"]]


def test_the_openapi_document_lists_the_catalogue(api):
    document = api.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/entities", "/api/v1/entities/{pk}", "/api/v1/labels/{pk}",
                 "/api/v1/feeds", "/api/v1/search", "/api/v1/articles/{pk}/labels"):  # fmt: skip
        assert path in document["paths"], path
    get_entity = document["paths"]["/api/v1/entities/{pk}"]["get"]
    assert get_entity["summary"] == "Get an entity"
    assert "mentions" in get_entity["description"]
    schema = get_entity["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/EntityDetail")
