"""Search (articles.search): which words match which articles, in which language, and the
index that follows every change to an article."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from articles import search
from articles.models import Article
from tests.factories import highlight
from tests.searching import article_row, titles

pytestmark = pytest.mark.django_db


def test_words_match_any_inflection_and_title_outranks_body(user):
    body_only = article_row("Weather report", "A single troop of scouts crossed the river.")
    in_title = article_row("Troops return home", "The soldiers came back on Friday.")
    found = search.run(user, "troops")
    assert titles(found) == [in_title.title, body_only.title]
    assert found.counts["article"] == 2
    assert search.run(user, "troop").total == 2


def test_phrase_and_exclusion(user, war, trade):
    assert titles(search.run(user, '"victory plan"')) == [war.title]
    assert set(titles(search.run(user, "victory plan"))) == {war.title, trade.title}
    assert titles(search.run(user, "putin -pyongyang")) == [war.title]
    assert titles(search.run(user, "rotterdam or kursk")) != []
    assert search.run(user, "rotterdam or kursk").counts["article"] == 2


def test_byline_and_site_are_searched(user):
    article = article_row("Untitled", "Nothing here.", byline="By Anna Petrova", site_name="Meduza")
    assert titles(search.run(user, "petrova")) == [article.title]
    assert titles(search.run(user, "meduza")) == [article.title]


def test_russian_and_greek_articles_are_found_in_their_language(user):
    ru = article_row(
        "Новости", "Войска собрались у границы. В Москве прошло совещание.", language="ru"
    )
    el = article_row(
        "Ειδήσεις", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", language="el"
    )
    # The Russian stemmer: "Москва" finds "Москве", "войско" finds "Войска".
    assert titles(search.run(user, "Москва")) == [ru.title]
    assert titles(search.run(user, "войска")) == [ru.title]
    assert titles(search.run(user, "ΟΙΚΟΝΟΜΙΑ")) == [el.title]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, search_config::text FROM articles_articlesearch "
            "WHERE article_id IN (%s, %s)",
            [ru.pk, el.pk],
        )
        assert dict(cursor.fetchall()) == {ru.pk: "russian", el.pk: "greek"}


def test_language_postgres_does_not_know_uses_simple(user):
    article = article_row("Habari", "Wanajeshi walikusanyika mpakani.", language="sw")
    assert titles(search.run(user, "wanajeshi")) == [article.title]
    assert search.run(user, "wanajesh").total == 0  # no stemming: whole words


def test_only_common_words_get_a_hint(user, war):
    for q in ("the and of", "the site:themoscowtimes.com", "of label:nothing"):
        found = search.run(user, q)
        assert found.total == 0
        assert any("common words" in h for h in found.query.hints), q


def test_an_overlong_body_is_indexed_from_its_start(user):
    rng = random.Random(7)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) for _ in range(90_000)
    ]
    article = article_row("Long", "needle " + " ".join(words))
    assert titles(search.run(user, "needle")) == [article.title]


def test_annotations_follow_their_articles_language(user):
    article = article_row("Новости", "Войска собрались у границы.", language="ru")
    highlight(article, user, "Войска собрались")
    assert search.run(user, "войско").counts["highlight"] == 1
    article.language = "en"
    article.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_config::text FROM articles_annotation WHERE article_id = %s",
            [article.pk],
        )
        assert cursor.fetchone()[0] == "english"


def test_the_index_follows_every_change_to_an_article(user):
    article = article_row("Harbour news", "The strike ended on Friday.")
    assert search.run(user, "strike").total == 1
    article.body_text = "The lockout began on Monday."
    article.save()
    assert search.run(user, "strike").total == 0
    assert search.run(user, "lockout").total == 1
    Article.objects.filter(pk=article.pk).update(title="Port closed")
    assert titles(search.run(user, "port")) == ["Port closed"]
    article.delete()
    assert search.run(user, "lockout").total == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_articlesearch")
        assert cursor.fetchone() == (0,)


def test_saving_an_article_unchanged_does_not_remake_its_vector(user):
    article = article_row("Harbour news", "The strike ended on Friday.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text FROM articles_articlesearch WHERE article_id = %s", [article.pk]
        )
        before = cursor.fetchone()
        article.save()  # Django writes every column; none the index reads has changed
        cursor.execute(
            "SELECT ctid::text FROM articles_articlesearch WHERE article_id = %s", [article.pk]
        )
        assert cursor.fetchone() == before
