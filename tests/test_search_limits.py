"""Search (articles.search) limits: pages of results, the cap on what is listed, the
newest matches ranked first, and the cap on the terms of one search."""

from __future__ import annotations

import datetime as dt
import operator

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from articles.search.plan import _prefix_query
from tests.factories import signed_in
from tests.searching import article_row

pytestmark = pytest.mark.django_db


def test_pagination(user):
    for i in range(45):
        article_row(f"Dispatch {i:02d}", f"Report number {i} about the harbour strike.")
    first = search.run(user, "harbour")
    assert (first.total, len(first.results), first.has_next, first.pages) == (45, 20, True, 3)
    third = search.run(user, "harbour", page=3)
    assert (len(third.results), third.has_next) == (5, False)
    seen = {r.obj.pk for p in (1, 2, 3) for r in search.run(user, "harbour", page=p).results}
    assert len(seen) == 45
    html = signed_in(user).get(reverse("search"), {"q": "harbour", "page": 2}).content.decode()
    assert "?q=harbour&amp;page=3" in html
    assert "?q=harbour&amp;page=1" in html


def test_a_common_word_lists_its_newest_matches_with_the_full_count(user, monkeypatch):
    monkeypatch.setattr(search.limits, "HIT_CAP", 3)
    monkeypatch.setattr(search.limits, "RANK_LIMIT", 2)
    now = timezone.now()
    made = [
        article_row(
            f"Report {i}", f"The harbour strike, day {i}.", published_at=now - dt.timedelta(days=i)
        )
        for i in range(5)
    ]
    found = search.run(user, "harbour")
    assert found.total == 5  # counted exactly
    assert found.listed == 3
    assert [r.obj.pk for r in found.results] == [a.pk for a in made[:3]]  # the newest
    assert any("the newest 3 are listed" in h for h in found.query.hints)
    assert found.pages == 1


def test_ranking_covers_the_newest_matches_and_older_ones_follow(user, monkeypatch):
    monkeypatch.setattr(search.limits, "RANK_LIMIT", 2)
    now = timezone.now()
    older_title = article_row(
        "Harbour harbour harbour", "Nothing else.", published_at=now - dt.timedelta(days=30)
    )
    newer = [
        article_row(
            f"Note {i}", f"A word on the harbour {i}.", published_at=now - dt.timedelta(days=i)
        )
        for i in range(3)
    ]
    order = [r.obj.pk for r in search.run(user, "harbour").results]
    # The two newest are ranked; the rest follow newest first, whatever their rank.
    assert order[2:] == [newer[2].pk, older_title.pk]


def test_a_filter_matching_more_than_the_cap_says_more_than(user, alice_client, monkeypatch):
    monkeypatch.setattr(search.limits, "HIT_CAP", 3)
    for i in range(5):
        article_row(f"Story {i}", "Text.", source_url=f"https://example.com/{i}")
    found = search.run(user, "site:example.com")
    assert found.more
    assert len(found.results) == 3
    html = alice_client.get(reverse("search"), {"q": "site:example.com"}).content.decode()
    assert "More than 3 results" in html


def test_a_search_of_hyphens_answers_instead_of_failing(user, article):
    # 33 negations in a row overflowed PostgreSQL's tsquery stack: a 500.
    for raw in ("-" * 33, "- " * 40, "-!" * 40, "strike " + "-" * 100):
        found = search.run(user, raw)
        assert found.query.text in {"", "strike"}
    response = signed_in(user).get(reverse("search"), {"q": "-" * 33})
    assert response.status_code == 200


def test_only_the_first_words_are_searched_and_the_page_says_so(user, article):
    raw = " ".join(["strike"] * 30 + ["-harbour"])
    found = search.run(user, raw)
    assert found.query.text == " ".join(["strike"] * search.limits.MAX_TERMS)
    assert f"Only the first {search.limits.MAX_TERMS} words" in " ".join(found.query.hints)
    assert found.total >= 1


def test_an_excluded_phrase_stays_one_phrase(user):
    query = search.parse('troops -"north korea" anti-war --victory')
    assert query.text == 'troops -"north korea" anti-war -victory'


_PIECES = st.sampled_from(
    ["-", " ", '"', "!", "(", ")", "&", "|", ":", "*", "<", ">", "<->", "'", "\\", "a", "é",
     "²", "_", "or", "the", "by:", "x:", "-a", "ab-", "0"]
)  # fmt: skip
# Runs of negations, what overflowed PostgreSQL's stack, and anything else around them.
_RUNS = st.builds(
    operator.mul, st.sampled_from(["-", "- ", "-!", '-"', "!-", "-_"]), st.integers(1, 40)
)
_SYNTAX = st.one_of(_PIECES, _RUNS)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_SYNTAX, max_size=150).map("".join))
def test_any_search_builds_queries_postgresql_accepts(db, raw):
    query = search.parse(raw)
    with connection.cursor() as cursor:
        for config in ("english", "russian", "simple"):
            cursor.execute(
                "SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [config, query.text]
            )
            (tsquery,) = cursor.fetchone()
            cursor.execute("SELECT to_tsvector('simple', 'a b') @@ %s::tsquery", [tsquery])
        if terms := query.prefix_terms():
            cursor.execute("SELECT to_tsquery('simple', %s)", [_prefix_query(terms)])
