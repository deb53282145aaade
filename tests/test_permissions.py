"""The permission rules say the same thing wherever they are applied.

Search runs raw SQL; its conditions are compiled from the querysets the pages use. Over a
matrix of people, groups and every audience an annotation can have, what the ORM lets a
person see is exactly what search finds for them, and what a share link shows is exactly
what the cards offer to share through it.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection

from articles import annotations as annotating
from articles import permissions, search, sharing
from articles.entities import curation
from articles.models import Annotation, Entity
from tests.factories import highlight, make_article, make_group, make_user, tag

pytestmark = pytest.mark.django_db

WORD = "zebra"
STORY = (
    "Harbour Strike Enters Second Week\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port. The union said talks with the port "
    "authority would resume on Thursday, and the mayor of Rotterdam asked both sides "
    "to meet sooner."
)
PHRASES = ["Dock workers", "eighth day", "container ships", "the port", "union", "mayor"]


@pytest.fixture
def world(db):
    people = {n: make_user(n) for n in ["alice", "bob", "carol", "dave"]}
    people["root"] = make_user("root", staff=True, email="r@example.org")
    desk = make_group("Politics desk", people["alice"], people["bob"])
    sports = make_group("Sports", people["bob"], people["carol"])
    article = make_article(STORY)
    phrases = itertools.cycle(PHRASES)
    for person in people.values():
        audiences = [None, sharing.EVERYONE, *sharing.groups_of(person)]
        for i, audience in enumerate(audiences):
            note = f"{WORD} {person.username} {i}"
            highlight(article, person, next(phrases), note=note, audience=audience)
            annotating.create_page_note(
                article, person, note=f"{WORD} page {person.username} {i}", audience=audience
            )
    # Entities: the team's, and one private to each person, with mentions of each.
    team = curation.create_entity("Rotterdam harbour", "place", people["alice"])
    for name, person in people.items():
        own = curation.create_entity(f"Zebra {name}", "other", person, private=True)
        tag(article, person, "Rotterdam", entity=own, audience=None)
    tag(article, people["bob"], "Rotterdam", entity=team, audience=desk)
    return {"people": people, "article": article, "groups": [desk, sports]}


def _searched_annotations(user, monkeypatch, query):
    monkeypatch.setattr(search.limits, "PAGE_SIZE", 1000)
    found = search.run(user, query)
    assert not found.has_next
    return {r.obj.pk for r in found.results if r.kind in {"highlight", "note"}}


def _orm_annotations(user):
    visible = permissions.visible_annotations(user).exclude(motivation="identifying")
    return set(visible.values_list("pk", flat=True))


def test_the_world_has_every_kind_of_audience(world):
    groups = set(Annotation.objects.values_list("group__name", flat=True))
    assert groups == {None, "Everyone", "Politics desk", "Sports"}


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "root"])
@pytest.mark.parametrize("query", [WORD, "has:notes", f"{WORD} by:bob", "type:notes zebra"])
def test_search_finds_exactly_the_annotations_the_pages_show(world, monkeypatch, name, query):
    user = world["people"][name]
    expected = _orm_annotations(user)
    if "by:bob" in query:
        expected = {pk for pk in expected if Annotation.objects.get(pk=pk).author.username == "bob"}
    if "type:notes" in query:
        expected = {pk for pk in expected if Annotation.objects.get(pk=pk).start is None}
    found = _searched_annotations(user, monkeypatch, query)
    assert found == expected
    assert found, "each person sees something, or the comparison proves nothing"


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "root"])
def test_the_compiled_rules_select_the_same_rows_as_the_querysets(world, name):
    user = world["people"][name]
    params: dict = {}
    rule = permissions.annotation_sql(user, "n", params)
    entity_rule = permissions.entity_sql(user, "e", params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT n.id FROM articles_annotation n WHERE {rule}", params)  # noqa: S608 - the rule's own SQL
        annotations = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT e.id FROM articles_entity e WHERE {entity_rule}", params)  # noqa: S608
        entities = {row[0] for row in cursor.fetchall()}
    assert annotations == set(permissions.visible_annotations(user).values_list("pk", flat=True))
    assert entities == set(permissions.visible_entities(user).values_list("pk", flat=True))


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "root"])
def test_search_finds_exactly_the_entities_the_pages_show(world, monkeypatch, name):
    user = world["people"][name]
    monkeypatch.setattr(search.limits, "PAGE_SIZE", 1000)
    found = {r.obj.pk for r in search.run(user, "zebra").results if r.kind == "entity"}
    expected = set(
        permissions.visible_entities(user)
        .filter(name__istartswith="zebra")
        .values_list("pk", flat=True)
    )
    assert found == expected == {Entity.objects.get(name=f"Zebra {name}").pk}


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dave", "root"])
def test_the_entity_facet_counts_only_mentions_the_searcher_may_see(world, name):
    user = world["people"][name]
    facet = search.run(user, WORD).facets["entity"]
    named = {entry["value"] for entry in facet}
    visible_mentions = permissions.visible_annotations(user).filter(entity__isnull=False)
    allowed = set(
        permissions.visible_entities(user)
        .filter(mentions__in=visible_mentions)
        .values_list("name", flat=True)
    )
    assert named == allowed
    assert f"Zebra {name}" in named


def test_anonymous_visitors_see_nothing_through_either(world):
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert permissions.annotation_sql(nobody, "n", {}) == "FALSE"
    assert not permissions.visible_annotations(nobody).exists()
    assert search.run(nobody, WORD).results == []


def test_a_share_link_shows_what_its_cards_offer_to_share(world):
    article, people = world["article"], world["people"]
    links = [sharing.create_link(people["alice"], article)]
    links += [sharing.create_link(people["bob"], article, group=g) for g in world["groups"]]
    links.append(sharing.create_link(people["carol"], article))
    everything = list(Annotation.objects.all())
    for link in links:
        shown = set(
            permissions.visible_annotations(people["dave"], link=link).values_list("pk", flat=True)
        )
        offered = {a.pk for a in everything if permissions.link_showing([link], a) is link}
        assert shown == offered
        assert shown, "every link shows something"
        assert not any(a.is_private for a in everything if a.pk in shown)
