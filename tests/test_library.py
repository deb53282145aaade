"""The library's model layer: labels, each person's reading state, and the queryset API
(`with_state`, `in_view`, `labelled`, `with_labels`) the library and search pages share."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from articles import library
from articles.library import Filters, LabelError
from articles.models import Article, ArticleLabel, ArticleState, Label, LibraryView
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def story(n: int) -> Article:
    return make_article(f"Story number {n}\n\nBody of story {n} about harbour number {n}.")


@pytest.fixture
def three():
    return [story(i) for i in range(3)]


def titles(queryset) -> set[str]:
    return {a.title for a in queryset}


# ---------- label names ----------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ukraine", "Ukraine"),
        ("  Ukraine  ", "Ukraine"),
        ("Investigation\t\n  X", "Investigation X"),
    ],
)
def test_label_names_are_trimmed_and_their_whitespace_collapsed(raw, name):
    assert library.clean_label_name(raw) == name


@pytest.mark.parametrize(
    ("raw", "error"),
    [("", "Give the label a name"), ("  \n ", "Give the label a name"), ("x" * 51, "at most 50")],
)
def test_empty_and_too_long_label_names_are_refused(raw, error):
    with pytest.raises(LabelError, match=error):
        library.clean_label_name(raw)


@given(st.text(max_size=80))
def test_a_clean_label_name_is_stable_trimmed_and_short(raw):
    try:
        name = library.clean_label_name(raw)
    except LabelError:
        return
    assert 1 <= len(name) <= 50
    assert name == name.strip()
    assert library.clean_label_name(name) == name


# ---------- adding, removing, renaming ----------


def test_adding_a_label_creates_it_once_and_reuses_it_ignoring_case(three, user, bob):
    first = library.add_label(three[0], "Ukraine", user)
    again = library.add_label(three[1], "  ukraine ", bob)
    assert again == first
    assert Label.objects.count() == 1
    assert Label.objects.get().name == "Ukraine"  # the first spelling stays
    assert set(first.articles.all()) == {three[0], three[1]}
    link = ArticleLabel.objects.get(article=three[1])
    assert link.added_by == bob


def test_adding_a_label_the_article_has_changes_nothing(three, user):
    library.add_label(three[0], "Ukraine", user)
    library.add_label(three[0], "UKRAINE", user)
    assert ArticleLabel.objects.count() == 1


def test_the_database_refuses_two_labels_differing_only_in_case(user):
    Label.objects.create(name="Ukraine")
    with pytest.raises(IntegrityError):
        Label.objects.create(name="UKRAINE")


def test_removing_a_label_keeps_it_for_the_other_articles(three, user):
    label = library.add_label(three[0], "Ukraine", user)
    library.add_label(three[1], "Ukraine", user)
    assert library.remove_label(three[0], label) is True
    assert library.remove_label(three[0], label) is False
    assert list(label.articles.all()) == [three[1]]


def test_renaming_a_label_renames_it_on_every_article(three, user):
    label = library.add_label(three[0], "Ukraine", user)
    library.add_label(three[1], "Ukraine", user)
    library.rename_label(label, "Ukraine war")
    assert [a.labels.get().name for a in three[:2]] == ["Ukraine war", "Ukraine war"]


def test_renaming_may_change_only_the_case(three, user):
    label = library.add_label(three[0], "ukraine", user)
    library.rename_label(label, "Ukraine")
    assert Label.objects.get().name == "Ukraine"


def test_renaming_onto_another_labels_name_is_refused_and_changes_nothing(three, user):
    ukraine = library.add_label(three[0], "Ukraine", user)
    war = library.add_label(three[1], "War", user)
    with pytest.raises(LabelError, match="already a label called “Ukraine”"):
        library.rename_label(war, "ukraine")
    assert sorted(Label.objects.values_list("name", flat=True)) == ["Ukraine", "War"]
    assert list(ukraine.articles.all()) == [three[0]]


def test_deleting_a_label_takes_it_off_every_article_and_keeps_the_articles(three, user):
    label = library.add_label(three[0], "Ukraine", user)
    library.add_label(three[1], "Ukraine", user)
    label.delete()
    assert ArticleLabel.objects.count() == 0
    assert Article.objects.count() == 3


# ---------- reading state ----------


def test_no_state_row_reads_as_unread_not_archived_not_favourite(three, user):
    rows = Article.objects.with_state(user)
    assert {(a.is_read, a.is_archived, a.is_favourite) for a in rows} == {(False, False, False)}
    assert ArticleState.objects.count() == 0


def test_state_is_created_lazily_and_annotated_for_its_owner_only(three, user, bob):
    library.set_state(user, three[0], "read", on=True)
    library.set_state(user, three[0], "favourite", on=True)
    library.set_state(user, three[1], "archived", on=True)
    assert ArticleState.objects.count() == 2
    mine = {
        a.pk: (a.is_read, a.is_archived, a.is_favourite) for a in Article.objects.with_state(user)
    }
    assert mine == {
        three[0].pk: (True, False, True),
        three[1].pk: (False, True, False),
        three[2].pk: (False, False, False),
    }
    bobs = {(a.is_read, a.is_archived, a.is_favourite) for a in Article.objects.with_state(bob)}
    assert bobs == {(False, False, False)}


def test_with_state_never_repeats_an_article(three, user, bob):
    for person in (user, bob):
        library.set_state(person, three[0], "read", on=True)
    assert Article.objects.with_state(user).count() == 3
    assert len(list(Article.objects.with_state(user))) == 3


def test_setting_a_state_twice_keeps_its_first_time_and_clearing_it_works(three, user):
    first = library.set_state(user, three[0], "read", on=True).read_at
    assert library.set_state(user, three[0], "read", on=True).read_at == first
    assert library.set_state(user, three[0], "read", on=False).read_at is None


def test_signed_out_with_state_is_all_false(three):
    from django.contrib.auth.models import AnonymousUser

    rows = Article.objects.with_state(AnonymousUser())
    assert {(a.is_read, a.is_archived, a.is_favourite) for a in rows} == {(False, False, False)}


# ---------- views ----------


def test_each_view_shows_what_its_name_says(three, user, bob):
    a, b, c = three
    library.set_state(user, a, "read", on=True)
    library.set_state(user, b, "archived", on=True)
    library.set_state(user, b, "favourite", on=True)
    library.set_state(bob, c, "archived", on=True)  # bob's archive is not alice's

    def view(name):
        return titles(Article.objects.in_view(user, name))

    assert view(LibraryView.ALL) == {a.title, c.title}
    assert view(LibraryView.UNREAD) == {c.title}
    assert view(LibraryView.FAVOURITES) == {b.title}  # favourites include archived ones
    assert view(LibraryView.ARCHIVED) == {b.title}
    assert titles(Article.objects.in_view(bob, LibraryView.ALL)) == {a.title, b.title}


def test_an_unknown_view_is_an_error(user):
    with pytest.raises(ValueError, match="no library view"):
        Article.objects.in_view(user, "starred")


def test_labelled_composes_with_views_state_and_other_labels(three, user):
    a, b, _ = three
    for article in (a, b):
        library.add_label(article, "Ukraine", user)
    war = library.add_label(a, "War", user)
    ukraine = Label.objects.get(name="Ukraine")
    library.set_state(user, b, "read", on=True)
    assert titles(Article.objects.labelled(ukraine)) == {a.title, b.title}
    assert titles(Article.objects.labelled(ukraine).labelled(war)) == {a.title}
    found = Article.objects.labelled(ukraine.pk).in_view(user, "unread").with_state(user)
    assert [(x.title, x.is_read) for x in found] == [(a.title, False)]


def test_with_labels_prefetches_every_articles_labels_in_one_query(
    three, user, django_assert_num_queries
):
    for article in three:
        library.add_label(article, "zebra", user)
        library.add_label(article, "Alpha", user)
    with django_assert_num_queries(2):
        names = [[label.name for label in a.labels.all()] for a in Article.objects.with_labels()]
    assert names == [["Alpha", "zebra"]] * 3


def test_load_state_gives_one_article_its_state_and_labels(three, user):
    library.set_state(user, three[0], "favourite", on=True)
    library.add_label(three[0], "Ukraine", user)
    article = library.load_state(Article.objects.get(pk=three[0].pk), user)
    assert (article.is_read, article.is_archived, article.is_favourite) == (False, False, True)
    assert [label.name for label in article.labels.all()] == ["Ukraine"]


# ---------- filters from the query string ----------


def test_filters_parse_and_rebuild_the_query_string(three, user):
    label = library.add_label(three[0], "Ukraine", user)
    filters = Filters.parse(QueryDict(f"view=unread&label={label.pk}&page=2"))
    assert (filters.view, filters.label, filters.page) == ("unread", label, 2)
    assert filters.query() == f"view=unread&label={label.pk}&page=2"
    assert filters.query(view="all", page=None) == f"label={label.pk}"
    assert filters.url(label=None, page=1) == "/?view=unread"


@pytest.mark.parametrize("query", ["view=nonsense", "view=", "", "page=abc", "page=99999999999999"])
def test_malformed_filters_read_as_the_plain_library(query):
    filters = Filters.parse(QueryDict(query))
    assert (filters.view, filters.label, filters.label_missing, filters.page) == (
        "all",
        None,
        False,
        None,
    )


@pytest.mark.parametrize("raw", ["999999", "ukraine", "1; DROP TABLE"])
def test_an_unknown_label_filter_shows_nothing_and_says_so(three, user, raw):
    filters = Filters.parse({"label": raw})
    assert filters.label_missing
    assert list(filters.articles(user)) == []
    assert filters.unread_count(user) == 0


# ---------- the order of the list ----------


def _dated(title: str, *, minutes: int, published: str | None, added_days_ago: int) -> Article:
    import datetime as dt

    from django.utils import timezone

    article = make_article(f"{title}\n\nThe text of {title.lower()} about a harbour.")
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        reading_minutes=minutes,
        published_at=dt.datetime.fromisoformat(published).replace(tzinfo=dt.UTC)
        if published
        else None,
        created_at=now - dt.timedelta(days=added_days_ago),
    )
    return article


@pytest.fixture
def shelf_of_four():
    _dated("Bravo", minutes=9, published="2025-01-05", added_days_ago=3)
    _dated("alpha", minutes=2, published=None, added_days_ago=1)
    _dated("Delta", minutes=2, published="2025-06-01", added_days_ago=4)
    _dated("Charlie", minutes=5, published="2024-12-31", added_days_ago=2)


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["alpha", "Charlie", "Bravo", "Delta"]),  # newest added, the default
        ("added", ["alpha", "Charlie", "Bravo", "Delta"]),
        # newest published; never published last
        ("published", ["Delta", "Bravo", "Charlie", "alpha"]),
        ("title", ["alpha", "Bravo", "Charlie", "Delta"]),  # ignoring case
        ("reading", ["alpha", "Delta", "Charlie", "Bravo"]),  # shortest; a tie newest added
        ("nonsense", ["alpha", "Charlie", "Bravo", "Delta"]),
    ],
)
def test_the_library_sorts_by_added_published_title_or_reading_time(
    shelf_of_four, user, sort, order
):
    filters = Filters.parse(QueryDict(f"sort={sort}"))
    assert [a.title for a in filters.articles(user)] == order


def test_the_sort_rides_along_in_every_link_and_the_default_is_left_out(user):
    filters = Filters.parse(QueryDict("view=unread&sort=title"))
    assert filters.sort == "title"
    assert filters.query() == "view=unread&sort=title"
    assert filters.url(view="all", page=2) == "/?sort=title&page=2"
    assert Filters.parse(QueryDict("sort=added")).query() == ""
    bar = library.filter_bar(user, filters)
    assert [s["value"] for s in bar["sorts"] if s["current"]] == ["title"]
    assert "sort=title" in bar["view_links"][0]["url"]


# ---------- the excerpt ----------


def test_each_article_brings_its_excerpt_without_its_body(user, django_assert_num_queries):
    long = "Word " * 400
    make_article(f"Long Read\n\n{long}")
    found = Filters().articles(user)
    with django_assert_num_queries(2):  # the page and its labels; no body is loaded
        article = next(iter(found))
        assert "body_text" in article.get_deferred_fields()
    assert article.excerpt.startswith("Word Word")
    assert len(article.excerpt) == library.EXCERPT_CHARS


def test_the_excerpt_is_the_standfirst_when_there_is_one(three, user):
    with_standfirst, without = three[0], three[1]
    Article.objects.filter(pk=with_standfirst.pk).update(summary="Dockers and owners agree.")
    rows = {a.pk: a for a in Filters().articles(user)}
    assert rows[with_standfirst.pk].excerpt == "Dockers and owners agree."
    assert rows[without.pk].excerpt == without.body_text[: library.EXCERPT_CHARS]


# ---------- each person's place in an article ----------


def test_progress_is_clamped_and_kept_per_person(three, user, bob):
    article = three[0]
    length = len(article.body_text)
    library.save_progress(user, article, progress=1.7, position=10**9)
    library.save_progress(bob, article, progress=-0.5, position=3)
    library.save_progress(make_user("carol3"), article, progress=float("nan"), position=-4)
    mine = ArticleState.objects.get(user=user, article=article)
    theirs = ArticleState.objects.get(user=bob, article=article)
    assert (mine.progress, mine.position) == (1.0, length)
    assert (theirs.progress, theirs.position) == (0.0, 3)
    nonsense = ArticleState.objects.get(user__username="carol3")
    assert (nonsense.progress, nonsense.position) == (0.0, 0)
    assert mine.position_at is not None
    # Saving a place changes nothing else of the person's state.
    assert (mine.read_at, mine.archived_at, mine.favourite_at) == (None, None, None)


def test_the_list_and_the_shelf_carry_the_persons_own_place(three, user, bob):
    article = three[1]
    library.save_progress(bob, article, progress=0.9, position=20)
    library.save_progress(user, article, progress=0.4, position=12)
    rows = {a.pk: a for a in Filters().articles(user)}
    assert (rows[article.pk].reading_progress, rows[article.pk].reading_position) == (0.4, 12)
    assert rows[three[0].pk].reading_progress is None
    shelved = library.load_state(Article.objects.get(pk=article.pk), bob)
    assert (shelved.reading_progress, shelved.reading_position) == (0.9, 20)


def test_the_database_refuses_a_progress_outside_zero_to_one(three, user):
    with pytest.raises(IntegrityError):
        ArticleState.objects.create(user=user, article=three[0], progress=1.5)
