"""The reader's reports of each person's place (articles/views/library.py
`save_progress`), and where the library and the reader show it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import library, trash
from articles.models import ArticleState
from tests.factories import make_article, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    paragraphs = "\n\n".join(f"Paragraph {n} of the long harbour story." for n in range(40))
    return make_article(f"Long Harbour Story\n\n{paragraphs}")


def _report(client, article, **data):
    return client.post(reverse("article_progress", args=[article.pk]), data)


def test_it_remembers_the_persons_place(alice_client, story, user):
    response = _report(alice_client, story, progress="0.4375", position="120")
    assert response.status_code == 204
    row = ArticleState.objects.get(user=user, article=story)
    assert (row.progress, row.position) == (0.4375, 120)
    assert row.position_at is not None


@pytest.mark.parametrize(
    ("sent", "saved"),
    [(("1", "0"), (1.0, 0)), (("42.5", "5"), (1.0, 5)), ((".5", "99999999"), (0.5, "end"))],
)
def test_it_clamps_what_it_is_sent(alice_client, story, user, sent, saved):
    progress, position = sent
    assert _report(alice_client, story, progress=progress, position=position).status_code == 204
    row = ArticleState.objects.get(user=user, article=story)
    end = len(story.body_text)
    assert (row.progress, row.position) == (saved[0], end if saved[1] == "end" else saved[1])


@pytest.mark.parametrize(
    ("progress", "position"),
    [
        ("", "1"), ("0.5", ""), ("NaN", "1"), ("inf", "1"), ("-0.1", "1"), ("1e-3", "1"),
        ("0.5", "-1"), ("0.5", "1.5"), ("0.5", "²"), ("½", "1"), ("0x1", "1"),
    ],
)  # fmt: skip
def test_it_refuses_what_is_not_a_place(alice_client, story, progress, position):
    response = _report(alice_client, story, progress=progress, position=position)
    assert response.status_code == 400
    assert not ArticleState.objects.exists()


def test_it_writes_only_the_persons_own_state(alice_client, story, user, bob):
    library.save_progress(bob, story, progress=0.9, position=300)
    _report(alice_client, story, progress="0.1", position="10")
    theirs = ArticleState.objects.get(user=bob, article=story)
    assert (theirs.progress, theirs.position) == (0.9, 300)


def test_an_article_the_person_cannot_see_is_a_404(alice_client, story, user):
    trash.move_to_trash(story, user)
    assert _report(alice_client, story, progress="0.5", position="1").status_code == 404
    assert (
        _report(alice_client, story.__class__(pk=999999), progress="0.5", position="1").status_code
        == 404
    )
    assert not ArticleState.objects.exists()


def test_it_refuses_get(alice_client, story):
    assert alice_client.get(reverse("article_progress", args=[story.pk])).status_code == 405


def test_signed_out_it_sends_to_sign_in(client, story):
    response = _report(client, story, progress="0.5", position="1")
    assert response.status_code == 302
    assert not ArticleState.objects.exists()


def test_without_the_csrf_token_nothing_is_saved(user, story):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert _report(browser, story, progress="0.5", position="1").status_code == 403
    assert not ArticleState.objects.exists()


def test_a_guest_keeps_their_own_place(story):
    from articles import accounts
    from articles.models import Role
    from tests.factories import make_user

    guest, root = make_user("gail"), make_user("root", staff=True)
    accounts.set_role(guest, Role.GUEST, by=root)
    assert _report(signed_in(guest), story, progress="0.3", position="40").status_code == 204
    assert ArticleState.objects.get(user=guest).progress == 0.3


def test_the_library_shows_the_bar_and_continue_reading(alice_client, story, user, bob):
    untouched = make_article("Short Note\n\nA short note about ferries.")
    library.save_progress(user, story, progress=0.456, position=120)
    library.save_progress(bob, untouched, progress=0.8, position=10)
    page = alice_client.get(reverse("library")).text
    assert 'class="read-progress" max="100" value="46"' in page
    assert "46% read" in page
    assert f'href="{story.get_absolute_url()}#continue"' in page
    # bob's place is his: alice sees no bar on the article only he read.
    assert page.count('class="read-progress"') == 1


def test_an_article_read_to_the_end_has_a_full_bar_and_no_continue(alice_client, story, user):
    library.save_progress(user, story, progress=1.0, position=900)
    page = alice_client.get(reverse("library")).text
    assert "100% read" in page
    assert "#continue" not in page


def test_the_reader_knows_the_saved_place(alice_client, story, user):
    page = alice_client.get(story.get_absolute_url()).text
    assert f'data-progress-url="{reverse("article_progress", args=[story.pk])}"' in page
    assert "data-position=" not in page
    library.save_progress(user, story, progress=0.5, position=321)
    assert 'data-position="321"' in alice_client.get(story.get_absolute_url()).text
