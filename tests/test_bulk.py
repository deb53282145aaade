"""Acting on several articles at once (articles/bulk.py): the selection is checked whole
before anything is written, and each action writes only what one row's control would."""

from __future__ import annotations

import pytest

from articles import bulk, library
from articles.models import Article, ArticleLabel, ArticleState, Label
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(user):
    return [
        make_article(f"Story {n}\n\nThe harbour story number {n}.", user=user) for n in range(3)
    ]


def test_a_selection_names_live_articles_only(stories):
    ids = [str(a.pk) for a in stories[:2]]
    assert {a.pk for a in bulk.selected(ids)} == {a.pk for a in stories[:2]}
    assert bulk.selected([]) == []
    assert len(bulk.selected([ids[0], ids[0]])) == 1


@pytest.mark.parametrize("bad", ["", "x", "-1", "²", "1.5", "0"])
def test_a_malformed_id_refuses_the_whole_selection(stories, bad):
    with pytest.raises(bulk.BulkError) as refused:
        bulk.selected([str(stories[0].pk), bad])
    assert refused.value.status == 400


def test_an_unknown_or_trashed_article_refuses_the_whole_selection(stories, user):
    from articles import trash

    trash.move_to_trash(stories[2], user)
    for missing in (str(stories[2].pk), "999999"):
        with pytest.raises(bulk.BulkError) as refused:
            bulk.selected([str(stories[0].pk), missing])
        assert refused.value.status == 404
        assert "no longer in the library" in str(refused.value)


def test_a_selection_too_long_for_the_form_is_refused(stories):
    with pytest.raises(bulk.BulkError):
        bulk.selected([str(stories[0].pk)] * (bulk.MAX_SELECTED + 1))


def test_marking_read_writes_the_persons_own_rows_and_keeps_first_times(stories, user, bob):
    first = library.set_state(user, stories[0], "read", on=True).read_at
    library.set_state(user, stories[1], "favourite", on=True)
    done = bulk.mark(user, stories, "read")
    assert done.message == "Marked 3 articles as read."
    rows = ArticleState.objects.filter(user=user)
    assert rows.count() == 3
    assert all(row.read_at for row in rows)
    assert rows.get(article=stories[0]).read_at == first
    assert rows.get(article=stories[1]).favourite_at is not None
    assert not ArticleState.objects.filter(user=bob).exists()


def test_archiving_takes_them_out_of_the_persons_library_only(stories, user, bob):
    assert bulk.mark(user, stories[:2], "archived").message == "Archived 2 articles."
    assert [a.pk for a in Article.objects.in_view(user, "all")] == [stories[2].pk]
    assert Article.objects.in_view(bob, "all").count() == 3


def test_labelling_creates_the_label_once_and_skips_articles_that_carry_it(stories, user):
    library.add_label(stories[0], "Ports", user)
    done = bulk.label(user, stories, " ports ")
    assert done.message == "Labelled 3 articles “Ports”."
    assert Label.objects.count() == 1
    assert ArticleLabel.objects.filter(label__name="Ports").count() == 3


def test_a_bad_label_name_labels_nothing(stories, user):
    with pytest.raises(library.LabelError):
        bulk.label(user, stories, "   ")
    assert not ArticleLabel.objects.exists()


def test_deleting_moves_them_all_to_the_trash(stories, user):
    done = bulk.delete(user, stories[:2])
    assert done.count == 2
    assert "Moved 2 articles to the trash" in done.message
    assert list(Article.objects.values_list("pk", flat=True)) == [stories[2].pk]
    assert Article.with_trash.filter(deleted_by=user).count() == 2


def test_deleting_refuses_all_if_one_is_not_the_persons_to_delete(stories, user):
    carol = make_user("carol2")
    theirs = make_article("Carol's Story\n\nA story carol added about ferries.", user=carol)
    with pytest.raises(bulk.BulkError) as refused:
        bulk.delete(user, [*stories, theirs])
    assert refused.value.status == 403
    assert Article.objects.count() == 4
    mine, others = bulk.deletable(user, [*stories, theirs])
    assert (len(mine), others) == (3, [theirs])
