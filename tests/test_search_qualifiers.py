"""Search (articles.search) qualifiers: site:, entity:, by:, color:, has:, before:, after:,
type:, label: and is:, each narrowing the results or saying why it was left out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import search
from articles.entities import curation
from articles.models import ColorLabel
from tests.factories import highlight, signed_in
from tests.searching import article_row, titles

pytestmark = pytest.mark.django_db


def test_site_qualifier_matches_host_subdomains_and_site_name(user, war, trade):
    assert titles(search.run(user, "site:themoscowtimes.com")) == [war.title]
    assert titles(search.run(user, "site:https://www.themoscowtimes.com/")) == [war.title]
    assert titles(search.run(user, "site:example.org")) == [trade.title]
    assert titles(search.run(user, 'site:"port news"')) == [trade.title]
    assert titles(search.run(user, "putin site:example.org")) == [trade.title]


def test_site_name_matches_ignoring_case_in_any_language(user):
    article = article_row("Troops", "North Korean troops.", site_name="Die Straße")
    assert titles(search.run(user, 'site:"Die Straße"')) == [article.title]
    assert titles(search.run(user, 'site:"DIE STRASSE"')) == []  # not the same letters


def test_entity_qualifier(user, war, trade):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    assert titles(search.run(user, 'entity:"Vladimir Putin"')) == [war.title]
    assert titles(search.run(user, 'putin entity:"vladimir putin"')) == [war.title]
    found = search.run(user, "entity:Nobody")
    assert found.total == 0
    assert "No entity is called “Nobody”." in found.query.hints


def test_entity_qualifier_ignores_mentions_the_user_cannot_see(user, bob, war):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, bob, "Putin", entity=putin, audience=None)
    assert search.run(user, 'entity:"Vladimir Putin"').total == 0
    assert search.run(bob, 'entity:"Vladimir Putin"').total == 1


def test_by_color_and_has_notes_narrow_to_annotations(user, carol, war):
    green = highlight(war, user, "North Korean troops", color="green")
    noted = highlight(war, carol, "victory plan", color="pink", note="Source?")
    assert titles(search.run(user, "by:alice")) == [f"highlight:{green.exact}"]
    assert titles(search.run(user, "by:carol")) == [f"highlight:{noted.exact}"]  # any case
    assert titles(search.run(user, "color:green")) == [f"highlight:{green.exact}"]
    assert titles(search.run(user, "troops color:pink")) == []
    assert titles(search.run(user, "has:notes")) == [f"highlight:{noted.exact}"]
    assert search.run(user, "by:nobody").query.hints == ["No one here is called “nobody”."]


def test_color_by_its_team_label(user, war):
    ColorLabel.objects.update_or_create(color="green", defaults={"label": "Verified claim"})
    green = highlight(war, user, "North Korean troops", color="green")
    assert titles(search.run(user, 'colour:"verified claim"')) == [f"highlight:{green.exact}"]


def test_dates(user, war, trade):
    assert titles(search.run(user, "putin before:2024-01-01")) == [trade.title]
    assert titles(search.run(user, "putin after:2024-06")) == [war.title]
    assert titles(search.run(user, "putin after:2023 before:2024")) == [trade.title]
    found = search.run(user, "putin before:yesterday after:")
    assert found.total == 2
    assert len(found.query.hints) == 2


def test_type_qualifier(user, war):
    highlight(war, user, "North Korean troops")
    assert {r.kind for r in search.run(user, "troops").results} == {"article", "highlight"}
    assert {r.kind for r in search.run(user, "troops type:highlight").results} == {"highlight"}
    assert {r.kind for r in search.run(user, "troops type:articles").results} == {"article"}
    assert search.run(user, "troops type:poem").query.hints


def test_labels_and_reading_state_qualifiers(user, bob, war, trade):
    from articles import library

    label = library.add_label(war, "Ukraine", user)
    library.set_state(user, trade, "favourite", on=True)
    library.set_state(user, war, "read", on=True)
    assert titles(search.run(user, "putin label:ukraine")) == [war.title]
    assert titles(search.run(user, "label:UKRAINE")) == [war.title]
    assert titles(search.run(user, "putin is:favourite")) == [trade.title]
    assert titles(search.run(user, "putin is:unread")) == [trade.title]
    assert titles(search.run(user, "putin is:read")) == [war.title]
    # The state is the searcher's own: bob has starred nothing and read nothing.
    assert search.run(bob, "putin is:favourite").total == 0
    assert search.run(bob, "putin is:unread").total == 2
    found = search.run(user, "putin")
    assert [(f["value"], f["count"]) for f in found.facets["label"]] == [(label.name, 1)]
    missing = search.run(user, "label:nothing")
    assert missing.total == 0
    assert "No label is called “nothing”." in missing.query.hints
    assert search.run(user, "is:sleepy putin").query.hints
    html = signed_in(user).get(reverse("search"), {"q": "putin"}).content.decode()
    assert "★ Favourite" in html
    assert '<span class="chip">Ukraine</span>' in html
