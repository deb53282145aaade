"""Search (articles.search) facets: each counts the results its qualifier leads to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from articles import annotations as annotating
from articles import search
from articles.entities import curation
from tests.factories import highlight, signed_in
from tests.searching import article_row, titles

pytestmark = pytest.mark.django_db


def test_facets_count_the_matches_and_add_their_qualifier(user, carol, war, trade):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    highlight(war, carol, "North Korean troops", color="green")
    found = search.run(user, "putin")
    sites = {f["value"]: f["count"] for f in found.facets["site"]}
    assert sites == {"themoscowtimes.com": 1, "news.example.org": 1}
    assert [(f["value"], f["count"]) for f in found.facets["entity"]] == [("Vladimir Putin", 1)]
    site = next(f for f in found.facets["site"] if f["value"] == "news.example.org")
    assert site["q"] == "putin site:news.example.org"
    assert titles(search.run(user, site["q"])) == [trade.title]
    years = {f["value"]: f["q"] for f in found.facets["year"]}
    assert titles(search.run(user, years["2023"])) == [trade.title]
    troops = search.run(user, "troops")
    assert [(f["value"], f["count"]) for f in troops.facets["by"]] == [("Carol", 1)]
    assert [(f["value"], f["count"]) for f in troops.facets["color"]] == [("green", 1)]


def test_every_facet_count_is_the_number_of_results_it_leads_to(user, carol, war, trade):
    from articles import library

    library.add_label(war, "Ukraine", user)
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    highlight(war, carol, "victory plan", note="Putin's plan, says the desk", color="green")
    annotating.create_page_note(war, user, note="Putin again")
    found = search.run(user, "putin")
    assert found.total == 5  # two articles, a highlight, a page note, the entity
    for key in ("site", "entity", "label", "by", "color", "year"):
        assert found.facets[key], key
        for facet in found.facets[key]:
            assert search.run(user, facet["q"]).total == facet["count"], facet["q"]


def test_facets_for_names_with_quotes_or_sharp_s_find_what_they_count(user, war):
    from articles import library

    library.add_label(war, "Großbritannien", user)
    library.add_label(war, 'Operation "Dawn"', user)
    rock = curation.create_entity('Dwayne "The Rock" Johnson', "person", user)
    highlight(war, user, "Zelensky", entity=rock)
    found = search.run(user, "troops")
    facets = [*found.facets["label"], *found.facets["entity"]]
    assert len(facets) == 3
    for facet in facets:
        narrowed = search.run(user, facet["q"])
        assert titles(narrowed) == [war.title], facet["q"]
        assert narrowed.query.hints == [], facet["q"]
        again = narrowed.facets[narrowed.query.qualifiers[0].key]
        assert next(f for f in again if f["value"] == facet["value"])["active"], facet["q"]


def test_an_article_dated_in_the_last_possible_year_does_not_break_the_page(user):
    article_row(
        "Far future", "Troops of robots.", published_at=dt.datetime(9999, 6, 1, tzinfo=dt.UTC)
    )
    response = signed_in(user).get(reverse("search"), {"q": "troops"})
    assert response.status_code == 200
    assert "Far future" in response.content.decode()
