"""Groups, choosing and changing where an annotation goes, share links, the activity feed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import annotations as annotating
from articles import sharing
from articles.ingest import ingest
from articles.models import (
    Annotation,
    AudienceChange,
    Membership,
    Preference,
    ShareLink,
    TeamGroup,
)

pytestmark = pytest.mark.django_db

STORY = (
    "Harbour Strike Enters Second Week\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port.\n\n"
    "The union said talks with the port authority would resume on Thursday."
)


def _span(article, phrase):
    start = article.body_text.index(phrase)
    return {"start": start, "end": start + len(phrase), "quote": phrase}


@pytest.fixture
def article():
    return ingest(STORY).article


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org")


@pytest.fixture
def desk(user, bob):
    group = TeamGroup.objects.create(name="Politics desk")
    Membership.objects.create(group=group, user=user)
    Membership.objects.create(group=group, user=bob)
    return group


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# Groups ------------------------------------------------------------------------------


def test_a_new_account_joins_everyone(django_user_model):
    dana = django_user_model.objects.create_user("dana")
    assert [g.name for g in sharing.groups_of(dana)] == ["Everyone"]


def test_signing_in_restores_a_missing_everyone_membership(client, user):
    Membership.objects.filter(user=user).delete()
    client.force_login(user)
    assert list(sharing.groups_of(user)) == [sharing.default_group()]


def test_the_default_group_is_recreated_when_missing(user):
    TeamGroup.objects.all().delete()
    assert sharing.default_group().name == "Everyone"
    assert TeamGroup.objects.filter(is_default=True).count() == 1


def test_the_admin_creates_a_group_with_members_and_cannot_delete_everyone(admin_client, user):
    response = admin_client.post(
        reverse("admin:articles_teamgroup_add"),
        {
            "name": "Fact-check",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(user.pk),
        },
    )
    assert response.status_code == 302
    assert [g.name for g in sharing.groups_of(user)] == ["Everyone", "Fact-check"]
    everyone = sharing.default_group()
    delete = admin_client.get(reverse("admin:articles_teamgroup_delete", args=[everyone.pk]))
    assert delete.status_code == 403


# Where an annotation goes ---------------------------------------------------------------


def test_the_toolbar_offers_only_me_and_the_persons_groups(article, user, desk):
    page = _signed_in(user).get(article.get_absolute_url()).text
    toolbar = page[page.index('id="selection-toolbar"') :]
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', toolbar)
    assert [label for _, label in options][:3] == [
        "Only me",
        "Shared with Everyone",
        "Shared with Politics desk",
    ]


def test_choosing_a_group_shares_there_and_is_remembered_as_the_default(article, user, desk):
    client = _signed_in(user)
    client.post(
        reverse("annotate", args=[article.pk]),
        {**_span(article, "eighth day"), "audience": str(desk.pk)},
    )
    assert Annotation.objects.get().group == desk
    assert Preference.objects.get(user=user).default_group == desk
    client.post(reverse("annotate", args=[article.pk]), _span(article, "container ships"))
    assert Annotation.objects.get(exact="container ships").group == desk
    page = client.get(article.get_absolute_url()).text
    assert re.search(rf'<option value="{desk.pk}" selected>Shared with Politics desk', page)


def test_only_me_is_remembered_server_side_from_the_menu(article, user):
    client = _signed_in(user)
    assert client.post(reverse("remember_audience"), {"audience": "private"}).status_code == 204
    client.post(reverse("annotate", args=[article.pk]), _span(article, "eighth day"))
    assert Annotation.objects.get().group is None


def test_sharing_with_a_group_one_is_not_in_is_refused_and_saves_nothing(article, user, bob):
    other = TeamGroup.objects.create(name="Sports")
    Membership.objects.create(group=other, user=bob)
    response = _signed_in(user).post(
        reverse("annotate", args=[article.pk]),
        {**_span(article, "eighth day"), "audience": str(other.pk)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "group you belong to" in response.text
    assert not Annotation.objects.exists()
    assert not Preference.objects.exists()


def test_moving_an_annotation_is_logged_with_who_when_from_and_to(article, user, desk):
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    client = _signed_in(user)
    client.post(reverse("edit_annotation", args=[annotation.pk]), {"audience": str(desk.pk)})
    client.post(reverse("edit_annotation", args=[annotation.pk]), {"audience": "private"})
    annotation.refresh_from_db()
    assert annotation.group is None
    log = list(AudienceChange.objects.order_by("changed_at", "id"))
    assert [(e.from_audience, e.to_audience) for e in log] == [
        ("Everyone", "Politics desk"),
        ("Politics desk", "Only me"),
    ]
    assert all(e.changed_by == user and e.annotation_ref == annotation.pk for e in log)
    assert log[0].changed_at <= log[1].changed_at <= timezone.now()


def test_editing_only_the_note_logs_no_move(article, user):
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    _signed_in(user).post(
        reverse("edit_annotation", args=[annotation.pk]),
        {"note": "new", "audience": str(annotation.group_id)},
    )
    assert not AudienceChange.objects.exists()


def test_the_audit_log_is_read_only_in_the_admin(admin_client, article, user, desk):
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    annotating.update(annotation, audience=desk, by=user)
    page = admin_client.get(reverse("admin:articles_audiencechange_changelist"))
    assert "Politics desk" in page.text
    assert admin_client.get(reverse("admin:articles_audiencechange_add")).status_code == 403


def test_colleagues_annotations_show_with_author_initials_and_group(article, user, bob, desk):
    bob.first_name, bob.last_name = "Bob", "Marley"
    bob.save()
    annotating.create(article, bob, **_span(article, "eighth day"), note="desk", audience=desk)
    page = _signed_in(user).get(article.get_absolute_url()).text
    assert '<span class="initials">BM</span>' in page
    assert "Bob Marley" in page
    assert '<span class="badge badge-group">Politics desk</span>' in page


def test_the_panel_filters_by_author_and_group(article, user, bob, desk):
    annotating.create(article, user, **_span(article, "eighth day"), note="alice-everyone")
    annotating.create(article, bob, **_span(article, "Rotterdam"), note="bob-desk", audience=desk)
    annotating.create(
        article, user, **_span(article, "port authority"), note="alice-mine", audience=None
    )
    client = _signed_in(user)
    url = article.get_absolute_url()
    by_bob = client.get(
        url, {"author": bob.pk}, headers={"HX-Request": "true", "HX-Target": "annotation-panel"}
    )
    assert "bob-desk" in by_bob.text
    assert "alice-everyone" not in by_bob.text
    in_desk = client.get(url, {"group": desk.pk}).text
    panel = in_desk[in_desk.index('id="annotation-panel"') :]
    assert "bob-desk" in panel
    assert "alice-everyone" not in panel
    mine = client.get(url, {"group": "private"}).text
    panel = mine[mine.index('id="annotation-panel"') :]
    assert "alice-mine" in panel
    assert "bob-desk" not in panel
    nothing = client.get(url, {"group": desk.pk, "color": "pink"}).text
    assert "No annotations match these filters" in nothing


# The activity feed -------------------------------------------------------------------


def test_the_home_page_lists_colleagues_shared_annotations_newest_first(article, user, bob, desk):
    older = annotating.create(article, bob, **_span(article, "eighth day"), note="first")
    Annotation.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    annotating.create(article, bob, **_span(article, "Rotterdam"), note="second", audience=desk)
    annotating.create(article, bob, **_span(article, "port"), note="bob-private", audience=None)
    annotating.create(article, user, **_span(article, "Monday"), note="my-own")
    page = _signed_in(user).get(reverse("library")).text
    feed = page[page.index('id="activity-heading"') :]
    assert feed.index("second") < feed.index("first")
    assert "bob-private" not in feed
    assert "my-own" not in feed
    assert article.title in feed


def test_the_activity_feed_has_an_empty_state(user):
    page = _signed_in(user).get(reverse("library")).text
    assert "Nothing shared yet" in page


# Share links ---------------------------------------------------------------------------


def _make_link(client, article, **choices):
    data = {"what": "mine", "audience": "anyone", "expiry": "never", **choices}
    response = client.post(reverse("share_article", args=[article.pk]), data)
    assert response.status_code == 302, response.content
    return ShareLink.objects.latest("created_at")


def test_the_share_form_makes_a_link_with_the_chosen_settings(article, user, desk):
    client = _signed_in(user)
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


def test_tokens_are_long_random_and_unique(article, user):
    tokens = {sharing.create_link(user, article).token for _ in range(50)}
    assert len(tokens) == 50
    # token_urlsafe(24): 32 characters of base64, 192 bits.
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)


def test_a_bad_share_form_is_refused_with_a_reason_and_saves_nothing(article, user):
    other = TeamGroup.objects.create(name="Sports")
    response = _signed_in(user).post(
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
    annotating.create(article, user, **_span(article, "eighth day"), note="shared-note")
    annotating.create(
        article, user, **_span(article, "Rotterdam"), note="private-note", audience=None
    )
    annotating.create(article, bob, **_span(article, "port authority"), note="bobs-note")
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
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    link = sharing.create_link(user, article, audience="anyone")
    html = client.get(link.get_absolute_url(), {"a": annotation.pk}).text
    assert '<meta property="og:description" content="“eighth day”">' in html


def test_a_group_link_shows_everything_shared_with_that_group(client, article, user, bob, desk):
    annotating.create(article, bob, **_span(article, "eighth day"), note="bob-desk", audience=desk)
    annotating.create(article, user, **_span(article, "Rotterdam"), note="alice-everyone")
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    html = client.get(link.get_absolute_url()).text
    assert "bob-desk" in html
    assert "alice-everyone" not in html


def test_a_group_link_stops_when_its_owner_leaves_the_group(client, article, user, desk):
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    Membership.objects.filter(group=desk, user=user).delete()
    assert client.get(link.get_absolute_url()).status_code == 410


def test_a_colleagues_only_link_asks_strangers_to_sign_in(client, article, user, bob):
    link = sharing.create_link(user, article, audience="colleagues")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _signed_in(bob).get(link.get_absolute_url()).status_code == 200


def test_views_are_counted_and_listed(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    for _ in range(3):
        client.get(link.get_absolute_url())
    client.get(reverse("share_cards", args=[link.token]), {"ids": "1"})  # popovers do not count
    link.refresh_from_db()
    assert link.view_count == 3
    assert "3 views" in _signed_in(user).get(reverse("shared_links")).text


def test_revoking_asks_first_then_the_link_is_gone(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    owner = _signed_in(user)
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
    annotating.create(article, user, **_span(article, "eighth day"), note="secret-ish")
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
        with django_assert_num_queries(1):
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
    blocked = client.get(link.get_absolute_url())
    assert blocked.status_code == 429
    assert article.title not in blocked.text
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.get(link.get_absolute_url()).status_code == 200


def test_opening_a_valid_link_often_is_never_limited(client, article, user, settings):
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 5
    link = sharing.create_link(user, article, audience="anyone")
    cards = reverse("share_cards", args=[link.token])
    statuses = {client.get(link.get_absolute_url()).status_code for _ in range(8)}
    statuses |= {client.get(cards, {"ids": "1"}).status_code for _ in range(8)}
    assert statuses == {200}


def test_the_reader_offers_a_share_link_for_annotations_a_link_shows(article, user):
    mine = annotating.create(article, user, **_span(article, "eighth day"))
    private = annotating.create(article, user, **_span(article, "Rotterdam"), audience=None)
    link = sharing.create_link(user, article)
    page = _signed_in(user).get(article.get_absolute_url()).text
    assert f'href="{link.get_absolute_url()}?a={mine.pk}#annotation-{mine.pk}"' in page
    assert f"?a={private.pk}#annotation-{private.pk}" not in page


def test_a_deleted_article_takes_its_links_with_it(client, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    article.delete()
    assert client.get(link.get_absolute_url()).status_code == 410
