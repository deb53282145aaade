"""Share links (articles/views/sharing.py): the Share form, "Shared links", the shared page
a stranger sees, revoking, tokens that answer alike and their rate limit; and the
remembered "Only me"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import sharing
from articles.models import Annotation, Membership, ShareLink
from tests.factories import highlight, make_group, signed_in, span

pytestmark = pytest.mark.django_db


def test_only_me_is_remembered_server_side_from_the_menu(article, user):
    client = signed_in(user)
    assert client.post(reverse("remember_audience"), {"audience": "private"}).status_code == 204
    client.post(reverse("annotate", args=[article.pk]), span(article, "eighth day"))
    assert Annotation.objects.get().group is None


# Share links ---------------------------------------------------------------------------


def _make_link(client, article, **choices):
    data = {"what": "mine", "audience": "anyone", "expiry": "never", **choices}
    response = client.post(reverse("share_article", args=[article.pk]), data)
    assert response.status_code == 302, response.content
    return ShareLink.objects.latest("created_at")


def test_the_share_form_makes_a_link_with_the_chosen_settings(article, user, desk):
    client = signed_in(user)
    form = client.get(reverse("share_article", args=[article.pk])).text
    assert "Everything shared with Politics desk" in form
    link = _make_link(client, article, what=str(desk.pk), audience="colleagues", expiry="7")
    assert link.scope == "group"
    assert link.group == desk
    assert link.audience == "colleagues"
    assert dt.timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= dt.timedelta(days=7)
    listing = client.get(reverse("shared_links")).text
    assert link.get_absolute_url() in listing
    assert "Everything shared with Politics desk" in listing


def test_a_bad_share_form_is_refused_with_a_reason_and_saves_nothing(article, user):
    other = make_group("Sports")
    response = signed_in(user).post(
        reverse("share_article", args=[article.pk]),
        {"what": str(other.pk), "audience": "anyone", "expiry": "365"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not ShareLink.objects.exists()


def test_a_forged_share_form_or_revocation_is_refused(article, user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    data = {"what": "mine", "audience": "anyone", "expiry": "never"}
    assert client.post(reverse("share_article", args=[article.pk]), data).status_code == 403
    link = sharing.create_link(user, article)
    assert client.post(reverse("revoke_link", args=[link.pk])).status_code == 403
    link.refresh_from_db()
    assert link.is_active
    assert ShareLink.objects.count() == 1


def test_the_shared_page_shows_the_owners_shared_annotations_read_only(client, article, user, bob):
    highlight(article, user, "eighth day", note="shared-note")
    highlight(article, user, "Rotterdam", note="private-note", audience=None)
    highlight(article, bob, "port authority", note="bobs-note")
    link = sharing.create_link(user, article, audience="anyone")
    response = client.get(link.get_absolute_url())
    html = response.text
    assert response.status_code == 200
    assert "shared-note" in html
    assert "private-note" not in html
    assert "bobs-note" not in html  # the link shows "my annotations": alice's
    assert "@example.org" not in html
    assert "Edit" not in html
    assert "Delete" not in html
    assert 'id="selection-toolbar"' not in html
    assert "<form" not in html
    assert '<meta name="robots" content="noindex' in html
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert f'<meta property="og:title" content="{article.title}">' in html
    assert '<meta property="og:site_name" content="Newsroom">' in html


def test_a_link_to_one_annotation_quotes_its_passage_for_previews(client, article, user):
    annotation = highlight(article, user, "eighth day")
    link = sharing.create_link(user, article, audience="anyone")
    html = client.get(link.get_absolute_url(), {"a": annotation.pk}).text
    assert '<meta property="og:description" content="“eighth day”">' in html


def test_a_group_link_shows_everything_shared_with_that_group(client, article, user, bob, desk):
    highlight(article, bob, "eighth day", note="bob-desk", audience=desk)
    highlight(article, user, "Rotterdam", note="alice-everyone")
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    html = client.get(link.get_absolute_url()).text
    assert "bob-desk" in html
    assert "alice-everyone" not in html


def _banner(html: str) -> str:
    banner = re.search(r'<p class="shared-banner">(.*?)</p>', html, re.DOTALL)
    assert banner, html
    return " ".join(re.sub(r"<[^>]+>", "", banner[1]).split())


def test_the_shared_page_says_whose_annotations_it_shows_in_the_readers_words(
    client, article, user, bob, desk
):
    user.first_name, user.last_name = "Alice", "Martin"
    user.save()
    mine = sharing.create_link(user, article, audience="anyone")
    desks = sharing.create_link(user, article, group=desk, audience="anyone")
    assert _banner(client.get(mine.get_absolute_url()).text) == (
        "Alice Martin’s annotations, shared read-only"
    )
    assert _banner(client.get(desks.get_absolute_url()).text) == (
        "Annotations shared with Politics desk, in a read-only link from Alice Martin"
    )
    assert _banner(signed_in(bob).get(mine.get_absolute_url()).text) == (
        "Alice Martin’s annotations, shared read-only"
    )
    # The owner, checking what the link shows, reads it as theirs.
    owner = signed_in(user)
    assert _banner(owner.get(mine.get_absolute_url()).text) == (
        "Your annotations, as people with your link see them"
    )
    assert _banner(owner.get(desks.get_absolute_url()).text) == (
        "Annotations shared with Politics desk, as people with your link see them"
    )


def test_a_group_link_stops_when_its_owner_leaves_the_group(client, article, user, desk):
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    Membership.objects.filter(group=desk, user=user).delete()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_a_colleagues_only_link_asks_strangers_to_sign_in(client, article, user, bob):
    link = sharing.create_link(user, article, audience="colleagues")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert signed_in(bob).get(link.get_absolute_url()).status_code == 200


def test_views_are_counted_and_listed(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    for _ in range(3):
        client.get(link.get_absolute_url())
    client.get(reverse("share_cards", args=[link.token]), {"ids": "1"})  # popovers do not count
    link.refresh_from_db()
    assert link.view_count == 3
    assert "3 views" in signed_in(user).get(reverse("shared_links")).text


def test_revoking_asks_first_then_the_link_is_gone(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    owner = signed_in(user)
    confirm = owner.get(reverse("revoke_link", args=[link.pk]))
    assert "Revoke this link?" in confirm.text
    assert client.get(link.get_absolute_url()).status_code == 200
    owner.post(reverse("revoke_link", args=[link.pk]))
    gone = client.get(link.get_absolute_url())
    assert gone.status_code == 410
    assert "This link is no longer available" in gone.text
    assert article.title not in gone.text
    assert "Revoked" in owner.get(reverse("shared_links")).text


def test_wrong_expired_and_revoked_tokens_answer_alike(
    client, article, user, django_assert_num_queries
):
    highlight(article, user, "eighth day", note="secret-ish")
    expired = sharing.create_link(
        user,
        article,
        audience="anyone",
        expiry="1",
        now=timezone.now() - dt.timedelta(days=1, seconds=1),
    )
    revoked = sharing.create_link(user, article, audience="anyone")
    sharing.revoke(revoked)
    answers = []
    for token in [sharing.new_token(), expired.token, revoked.token, "x"]:
        # The lookup, and counting the failure (in the counters every process shares).
        with django_assert_num_queries(2):
            response = client.get(reverse("share_link", args=[token]))
        # The page's CSRF token is masked afresh on every response; nothing else may differ.
        body = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", response.content)
        answers.append((response.status_code, body))
    assert len(set(answers)) == 1
    status, body = answers[0]
    assert status == 410
    assert b"eighth day" not in body
    assert article.title.encode() not in body


def test_token_lookups_are_rate_limited_per_address(client, article, user, settings):
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 5
    link = sharing.create_link(user, article, audience="anyone")
    statuses = [
        client.get(reverse("share_link", args=[sharing.new_token()])).status_code for _ in range(5)
    ]
    assert statuses == [410] * 5
    blocked = client.get(reverse("share_link", args=[sharing.new_token()]))
    assert blocked.status_code == 429
    assert article.title not in blocked.text
    # A valid link is never refused, not even from the guesser's address (a colleague
    # behind the same office proxy must not be locked out by someone else's guessing).
    assert client.get(link.get_absolute_url()).status_code == 200
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(reverse("share_link", args=[sharing.new_token()])).status_code == 410


def test_opening_a_valid_link_often_is_never_limited(client, article, user, settings):
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 5
    link = sharing.create_link(user, article, audience="anyone")
    cards = reverse("share_cards", args=[link.token])
    statuses = {client.get(link.get_absolute_url()).status_code for _ in range(8)}
    statuses |= {client.get(cards, {"ids": "1"}).status_code for _ in range(8)}
    assert statuses == {200}


def test_a_deleted_article_takes_its_links_with_it(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    article.delete()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_the_share_form_warns_when_my_annotations_include_a_restricted_groups(
    alice_client, article, user, desk
):
    highlight(article, user, "eighth day", note="desk only", audience=desk)
    highlight(article, user, "container ships", note="everyone")
    page = alice_client.get(reverse("share_article", args=[article.pk])).text
    assert "includes" in page
    assert "1 shared only with Politics desk" in page
    assert "whoever can open it" in page


def test_the_share_form_has_no_warning_when_all_is_shared_with_everyone(
    alice_client, article, user
):
    highlight(article, user, "container ships", note="everyone")
    assert (
        "shared only with" not in alice_client.get(reverse("share_article", args=[article.pk])).text
    )
