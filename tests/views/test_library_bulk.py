"""The library's bulk bar (articles/views/library.py `bulk_action`): tick several
articles, then label, archive, mark read or delete them (after a confirmation), as a plain
form; a forged selection, action or missing CSRF token changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import accounts, library
from articles.models import Article, ArticleLabel, ArticleState, Role
from tests.factories import make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

BULK = "/library/bulk/"


@pytest.fixture
def stories(user):
    return [
        make_article(f"Story {n}\n\nThe harbour story number {n}.", user=user) for n in range(3)
    ]


def _post(client, stories, action, **extra):
    data = {"action": action, "ids": [str(a.pk) for a in stories], **extra}
    return client.post(BULK, data)


def test_the_url_is_the_bulk_bar_s():
    assert reverse("library_bulk") == BULK


def test_the_library_offers_a_checkbox_per_article_and_the_bulk_bar(alice_client, stories):
    page = alice_client.get(reverse("library")).text
    for article in stories:
        assert f'name="ids" value="{article.pk}" form="bulk-form"' in page
    assert f'id="bulk-form" class="bulk-bar" method="post" action="{BULK}"' in page
    for action in ("label", "read", "archive", "delete"):
        assert f'name="action" value="{action}"' in page
    assert "Select all on this page" in page


def test_archiving_several_archives_them_and_goes_back_where_the_list_was(
    alice_client, stories, user
):
    response = _post(alice_client, stories[:2], "archive", view="unread", sort="title")
    assert response.status_code == 302
    assert response.url == "/?view=unread&sort=title"
    archived = ArticleState.objects.filter(user=user, archived_at__isnull=False)
    assert {s.article_id for s in archived} == {a.pk for a in stories[:2]}
    page = alice_client.get(response.url).text
    assert "Archived 2 articles." in page


def test_marking_several_read(alice_client, stories, user):
    response = _post(alice_client, stories, "read")
    assert response.status_code == 302
    assert ArticleState.objects.filter(user=user, read_at__isnull=False).count() == 3
    assert "Marked 3 articles as read." in alice_client.get(response.url).text


def test_labelling_several(alice_client, stories):
    response = _post(alice_client, stories[1:], "label", label="Ports")
    assert response.status_code == 302
    labelled = ArticleLabel.objects.filter(label__name="Ports")
    assert {link.article_id for link in labelled} == {a.pk for a in stories[1:]}


def test_a_label_name_that_cannot_be_used_changes_nothing(alice_client, stories):
    response = _post(alice_client, stories, "label", label="x" * 51)
    assert response.status_code == 400
    assert "at most 50 characters" in response.text
    assert not ArticleLabel.objects.exists()


def test_delete_asks_first_listing_how_many(alice_client, stories):
    response = _post(alice_client, stories[:2], "delete")
    assert response.status_code == 200
    assert "Delete 2 articles?" in response.text
    assert "Move 2 articles to the trash" in response.text
    for article in stories[:2]:
        assert article.title in response.text
        assert f'name="ids" value="{article.pk}"' in response.text
    assert Article.objects.count() == 3  # nothing gone yet


def test_confirming_moves_them_to_the_trash(alice_client, stories):
    response = _post(alice_client, stories[:2], "delete", confirm="yes")
    assert response.status_code == 302
    assert list(Article.objects.values_list("pk", flat=True)) == [stories[2].pk]
    assert "Moved 2 articles to the trash" in alice_client.get(response.url).text


def test_the_confirmation_leaves_out_articles_of_colleagues(alice_client, stories):
    carol = make_user("carol2")
    theirs = make_article("Carol's Story\n\nA story carol added about ferries.", user=carol)
    response = _post(alice_client, [stories[0], theirs], "delete")
    assert "Delete 1 article?" in response.text
    assert "added by someone else" in response.text
    assert f'name="ids" value="{theirs.pk}"' not in response.text


def test_a_forged_confirmation_with_a_colleague_s_article_deletes_nothing(alice_client, stories):
    theirs = make_article("Carol's Story\n\nA story carol added about ferries.")
    response = _post(alice_client, [stories[0], theirs], "delete", confirm="yes")
    assert response.status_code == 403
    assert "Nothing was changed." in response.text
    assert Article.objects.count() == 4


@pytest.mark.parametrize("action", ["archive", "read", "label", "delete"])
def test_an_id_of_an_article_nobody_can_see_changes_nothing(alice_client, stories, user, action):
    from articles import trash

    trash.move_to_trash(stories[2], user)
    data = {"action": action, "ids": [str(stories[0].pk), str(stories[2].pk)], "label": "X"}
    response = alice_client.post(BULK, {**data, "confirm": "yes"})
    assert response.status_code == 404
    assert "no longer in the library" in response.text
    assert "Nothing was changed." in response.text
    assert not ArticleState.objects.exists()
    assert not ArticleLabel.objects.exists()
    assert Article.objects.count() == 2


@pytest.mark.parametrize("ids", [["abc"], ["1; DROP TABLE"], ["-4"], ["²"]])
def test_a_malformed_id_changes_nothing(alice_client, stories, ids):
    response = alice_client.post(BULK, {"action": "archive", "ids": [str(stories[0].pk), *ids]})
    assert response.status_code == 400
    assert not ArticleState.objects.exists()


@pytest.mark.parametrize("action", ["", "purge", "favourite", "DELETE"])
def test_an_unknown_action_changes_nothing(alice_client, stories, action):
    response = _post(alice_client, stories, action)
    assert response.status_code == 400
    assert "Choose what to do" in response.text
    assert not ArticleState.objects.exists()
    assert Article.objects.count() == 3


def test_nothing_ticked_is_said_and_changes_nothing(alice_client, stories):
    response = alice_client.post(BULK, {"action": "archive"}, follow=True)
    assert "Tick the articles to act on first" in response.text
    assert not ArticleState.objects.exists()


def test_without_the_csrf_token_nothing_changes(user, stories):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = _post(browser, stories, "archive")
    assert response.status_code == 403
    assert not ArticleState.objects.exists()


def test_it_refuses_get(alice_client):
    assert alice_client.get(BULK).status_code == 405


def test_a_guest_gets_no_bulk_bar_and_cannot_post_one(user, stories):
    guest = make_user("gail")
    root = make_user("root", staff=True)
    accounts.set_role(guest, Role.GUEST, by=root)
    client = signed_in(guest)
    assert 'id="bulk-form"' not in client.get(reverse("library")).text
    response = _post(client, stories, "archive")
    assert response.status_code == 403
    assert not ArticleState.objects.exists()


def test_signed_out_it_sends_to_sign_in(client, stories):
    response = _post(client, stories, "archive")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not ArticleState.objects.exists()


def test_bulk_writes_are_one_transaction(alice_client, stories, user, monkeypatch):
    """A failure half way (here: the second statement) leaves nothing written."""
    from django.db.models import QuerySet

    def broken(self, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(QuerySet, "update", broken)
    alice_client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        _post(alice_client, stories, "read")
    monkeypatch.undo()
    assert not ArticleState.objects.exists()


def test_the_sort_menu_keeps_the_view_and_label(alice_client, stories, user):
    label = library.add_label(stories[0], "Ports", user)
    page = alice_client.get(reverse("library"), {"view": "unread", "label": label.pk}).text
    assert 'name="view" value="unread"' in page
    assert f'name="label" value="{label.pk}"' in page
    assert '<option value="title">Title, A–Z</option>' in page
    sorted_page = alice_client.get(reverse("library"), {"sort": "title"}).text
    assert '<option value="title" selected>' in sorted_page
    assert (
        sorted_page.index("Story 0") < sorted_page.index("Story 1") < sorted_page.index("Story 2")
    )
