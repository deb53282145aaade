"""Read / unread, archive and favourite from the library and the reader
(articles/views/labels.py, `set_state`): each person's own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import library
from articles.models import Article, ArticleState, Label
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def article():
    return make_article("Harbour Strike\n\nDock workers stayed off the job for a week.")


def state_of(user, article) -> tuple[bool, bool, bool]:
    row = Article.objects.with_state(user).get(pk=article.pk)
    return row.is_read, row.is_archived, row.is_favourite


def post_state(client, article, data, **kwargs):
    return client.post(reverse("article_state", args=[article.pk]), data, **kwargs)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"read": "1"}, (True, False, False)),
        ({"archived": "1"}, (False, True, False)),
        ({"favourite": "1"}, (False, False, True)),
    ],
)
def test_it_sets_one_state_and_goes_back_to_the_library(
    alice_client, user, article, data, expected
):
    response = post_state(alice_client, article, data)
    assert response.status_code == 302
    assert response.url == "/"
    assert state_of(user, article) == expected


def test_it_clears_a_state(alice_client, user, article):
    library.set_state(user, article, "read", on=True)
    post_state(alice_client, article, {"read": "0"})
    assert state_of(user, article) == (False, False, False)


def test_without_javascript_it_goes_back_to_the_same_filtered_page(alice_client, article):
    label = Label.objects.create(name="Port")
    data = {"favourite": "1", "view": "unread", "label": label.pk, "page": "2"}
    response = post_state(alice_client, article, data)
    assert response.url == f"/?view=unread&label={label.pk}&page=2"


def test_from_the_reader_it_goes_back_to_the_reader(alice_client, user, article):
    response = post_state(alice_client, article, {"read": "1", "from": "reader"})
    assert response.url == article.get_absolute_url()
    assert state_of(user, article)[0] is True


def test_htmx_swaps_only_the_row_with_its_button_pressed(alice_client, article):
    response = post_state(alice_client, article, {"favourite": "1"}, headers=HTMX)
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(
        f'<li id="article-{article.pk}" class="article-item is-unread">'
    )
    assert f'id="fav-{article.pk}"' in text
    assert 'aria-pressed="true"' in text
    assert "<html" not in text
    # And the filter bar, out of band, for the counts.
    assert 'id="library-filters" class="library-filters" hx-swap-oob="true"' in text


def test_archiving_from_all_replaces_the_row_with_an_undo(alice_client, user, article):
    response = post_state(alice_client, article, {"archived": "1"}, headers=HTMX)
    text = response.text
    assert f'<li id="article-{article.pk}" class="article-item is-gone">' in text
    assert "Archived “Harbour Strike”." in text
    # Undo keeps the pressed button's id, so keyboard focus lands on it.
    assert f'id="archive-{article.pk}" class="tool" name="archived" value="0">Undo' in text
    post_state(alice_client, article, {"archived": "0"}, headers=HTMX)
    assert state_of(user, article) == (False, False, False)


def test_archived_articles_leave_all_and_unread_and_wait_under_archived(alice_client, article):
    post_state(alice_client, article, {"archived": "1"})
    assert "Harbour Strike" not in alice_client.get("/").text
    assert "Harbour Strike" not in alice_client.get("/?view=unread").text
    text = alice_client.get("/?view=archived").text
    assert "Harbour Strike" in text
    assert (
        f'id="archive-{article.pk}" class="tool state-button" name="archived" value="0">Unarchive'
        in text
    )


def test_marking_read_in_unread_says_so_and_offers_mark_as_unread(alice_client, article):
    response = post_state(alice_client, article, {"read": "1", "view": "unread"}, headers=HTMX)
    assert "Marked “Harbour Strike” as read." in response.text
    assert (
        f'id="read-{article.pk}" class="tool" name="read" value="0">Mark as unread' in response.text
    )
    assert '<input type="hidden" name="view" value="unread">' in response.text
    assert '<span class="count" data-unread-count>0</span>' in response.text


def test_unstarring_in_favourites_leaves_the_view(alice_client, user, article):
    library.set_state(user, article, "favourite", on=True)
    response = post_state(
        alice_client, article, {"favourite": "0", "view": "favourites"}, headers=HTMX
    )
    assert "Removed “Harbour Strike” from your favourites." in response.text
    assert "No favourites yet" in alice_client.get("/?view=favourites").text


def test_htmx_from_the_reader_swaps_the_shelf(alice_client, user, article):
    response = post_state(alice_client, article, {"read": "1", "from": "reader"}, headers=HTMX)
    assert response.text.lstrip().startswith('<div id="reader-shelf" class="reader-shelf">')
    assert "Mark as unread" in response.text
    assert "article-item" not in response.text


def test_the_reader_shows_the_controls_with_my_state(alice_client, user, article):
    library.set_state(user, article, "favourite", on=True)
    library.set_state(user, article, "archived", on=True)
    text = alice_client.get(article.get_absolute_url()).text
    assert 'id="reader-shelf"' in text
    assert 'aria-pressed="true"' in text
    assert ">Unarchive</button>" in text
    assert ">Mark as read</button>" in text


def test_opening_an_article_does_not_mark_it_read(alice_client, user, article):
    alice_client.get(article.get_absolute_url())
    assert state_of(user, article) == (False, False, False)
    assert ArticleState.objects.count() == 0


def test_my_state_never_touches_a_colleagues(alice_client, user, bob, article):
    library.set_state(bob, article, "favourite", on=True)
    for data in ({"read": "1"}, {"archived": "1"}, {"favourite": "0"}):
        post_state(alice_client, article, data)
    assert state_of(user, article) == (True, True, False)
    assert state_of(bob, article) == (False, False, True)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"read": "yes"},
        {"read": "1", "favourite": "1"},
        {"pinned": "1"},
        {"read": ""},
    ],
)
def test_a_malformed_form_is_refused_and_changes_nothing(alice_client, user, article, data):
    response = post_state(alice_client, article, data)
    assert response.status_code == 400
    assert "Say which state to change" in response.text
    assert ArticleState.objects.count() == 0


def test_an_unknown_article_is_a_404(alice_client):
    response = alice_client.post(reverse("article_state", args=[424242]), {"read": "1"})
    assert response.status_code == 404
    assert ArticleState.objects.count() == 0


def test_it_is_post_only(alice_client, article):
    response = alice_client.get(reverse("article_state", args=[article.pk]), {"read": "1"})
    assert response.status_code == 405
    assert ArticleState.objects.count() == 0


def test_a_form_without_csrf_token_is_refused(user, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert post_state(client, article, {"favourite": "1"}).status_code == 403
    assert ArticleState.objects.count() == 0


def test_anonymous_visitors_are_sent_to_sign_in(client, user, article):
    response = post_state(client, article, {"favourite": "1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert ArticleState.objects.count() == 0


def test_a_title_of_state_is_not_mistaken_for_the_state_url(alice_client):
    article = make_article("State\n\nA story called State, about the state of things.")
    assert article.slug == "state-article"
    assert alice_client.get(article.get_absolute_url()).status_code == 200
