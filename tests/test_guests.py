"""Guests read what their groups read and change nothing the team sees.

The rule is `permissions.guest_may`, applied by `account_middleware` to every view: these
tests walk every URL pattern of the URL conf as a guest, by GET and by POST with plausible
values, and find the team's data unchanged after each request (but for the personal
endpoints the allowlist names); the same walk as a member changes it, so the values reach
the views. Then what a guest sees: every article, the annotations shared with their
groups and nothing else, and no control they could not use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from articles import accounts, library, permissions, sharing, trash
from articles.entities import curation
from articles.models import (
    Annotation,
    Article,
    ArticleState,
    ArticleVersion,
    Feed,
    FetchJob,
    Role,
    SaveToken,
    ShareLink,
    TeamGroup,
)
from tests.factories import STORY, highlight, make_article, make_group, make_user, span, tag

pytestmark = pytest.mark.django_db

READ_ONLY = "Guests can read but not change the team"
DESK_NOTE = "DESK-NOTE-5120"
PRIVATE_NOTE = "PRIVATE-NOTE-8841"
OTHER_DESK_NOTE = "FOREIGN-DESK-3307"
STORY_PAGE = "<html><body><article><h1>Ferries</h1><p>Ferries ran late.</p></article></body></html>"
# A page long enough for the bookmarklet's extraction to find an article in it.
LONG_PAGE = (
    "<html><head><title>Ferry Strike</title></head><body><article><h1>Ferry Strike</h1>"
    + "".join(f"<p>{p}</p>" for p in STORY.split("\n\n")[1:] * 4)
    + "</article></body></html>"
)


def make_guest(username: str, *groups: TeamGroup, **fields):
    guest = make_user(username, **fields)
    for group in groups:
        group.memberships.create(user=guest)
    guest.profile.role = Role.GUEST
    guest.profile.save(update_fields=["role"])
    return guest


@pytest.fixture
def guest(desk):
    """gail, a guest on the Politics desk."""
    return make_guest("gail", desk)


@pytest.fixture
def guest_client(guest):
    client = Client()
    client.force_login(guest)
    return client


# The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_a_guest_may_read_every_page_but_the_forms_of_writes(method):
    assert permissions.guest_may("reader", method)
    assert permissions.guest_may("team", method)  # staff-only: its own view refuses
    assert not permissions.guest_may("share_article", method)
    assert not permissions.guest_may("edit_annotation", method)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_guest_may_write_only_what_is_their_own(method):
    for name in ("article_state", "article_progress", "settings", "settings_profile", "password_change",
                 "two_factor_setup", "login", "logout", "save_settings", "revoke_link"):  # fmt: skip
        assert permissions.guest_may(name, method), name
    for name in ("annotate", "add_label", "library_bulk", "share_article", "remember_audience", "save_page",
                 "a_view_added_tomorrow", "admin:index", ""):  # fmt: skip
        assert not permissions.guest_may(name, method), name


# The walk ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    login_required: bool


def routes() -> list[Route]:
    """Every URL pattern but Django's admin (staff only, and its own)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            else:
                callback = p.callback
                yield Route(
                    prefix + str(p.pattern),
                    namespace + (p.name or ""),
                    getattr(callback, "login_required", True),
                )

    found = [
        r for r in walk(get_resolver().url_patterns, "", "") if not r.route.startswith("admin/")
    ]
    assert len(found) > 60, "the URL conf was not walked"
    return found


_SLOT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_PK_OF = {
    "articles": "article", "annotations": "annotation", "entities": "entity",
    "fetches": "fetch", "feeds": "feed", "labels": "label", "shared-links": "link",
    "trash": "trashed",
}  # fmt: skip
_NAMED = {
    "entity_pk": "entity", "alias_pk": "alias", "label_pk": "label", "version": "version",
    "slug": "slug",
}  # fmt: skip


def path_of(route: Route, ids: dict[str, str]) -> str:
    """The route with the world's ids in its slots; "1" (or "x") where the walk knows no
    object for a slot (the team pages, an invitation): the answer does not matter there."""

    def value(match: re.Match[str]) -> str:
        name = match["name"]
        if name == "pk":
            return ids.get(_PK_OF.get(route.route.split("/", 1)[0], ""), "1")
        if name == "token":
            return ids["token"] if route.route.startswith("s/") else "x"
        return ids.get(_NAMED.get(name, ""), "1" if match["converter"] == "int" else "x")

    return "/" + _SLOT.sub(value, route.route)


# The team's data: every model of the app but each person's own rows and the counters.
PERSONAL = {"ArticleState", "SaveToken", "UserSession", "RateCounter", "SetupCode"}
# Opening a share link counts a view: a read that writes, and no one's data.
NOT_DATA = {"ShareLink": {"view_count", "last_viewed_at"}}


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    rows: dict[str, list[tuple[object, ...]]] = {}
    for model in apps.get_app_config("articles").get_models():
        if model.__name__ in PERSONAL:
            continue
        skip = NOT_DATA.get(model.__name__, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows[model.__name__] = list(model._base_manager.order_by("pk").values_list(*fields))
    rows["User"] = list(
        get_user_model()
        .objects.order_by("pk")
        .values_list("username", "is_active", "is_staff", "is_superuser")
    )
    return rows


@pytest.fixture
def walk_world(settings, desk, user, guest):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 1_000_000
    root = make_user("root", staff=True)
    article = make_article()
    shared = highlight(article, user, "container ships", note=DESK_NOTE, audience=desk)
    highlight(article, user, "eighth day", note=PRIVATE_NOTE, audience=None)
    port = curation.create_entity("Rotterdam", "place", user)
    other = curation.create_entity("Port authority", "organisation", user)
    tag(article, user, "Rotterdam", entity=port, audience=desk)
    alias = curation.add_alias(port, "R'dam")
    assert alias is not None
    label = library.add_label(article, "Harbours", user)
    job = FetchJob.objects.create(
        url="https://news.example.org/gone", status=FetchJob.Status.FAILED, requested_by=user
    )
    feed = Feed.objects.create(url="https://news.example.org/rss", added_by=user)
    text = {name: getattr(article, name) for name in ("title", "body_html", "body_text")}
    version = ArticleVersion.objects.create(article=article, **text)
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    trashed = make_article("Ferries\n\nFerries ran late today.", user=user)
    trash.move_to_trash(trashed, user)
    passage = span(article, "talks")
    ids = {
        "article": str(article.pk), "annotation": str(shared.pk), "entity": str(port.pk),
        "alias": str(alias.pk), "label": str(label.pk), "fetch": str(job.pk),
        "feed": str(feed.pk), "link": str(link.pk), "token": link.token,
        "version": str(version.pk), "slug": article.slug, "trashed": str(trashed.pk),
    }  # fmt: skip
    values = {
        **{k: str(v) for k, v in passage.items()},
        "note": "A note", "color": "green", "name": "Harbour master", "kind": "place",
        "text": "Rotterdam", "audience": str(desk.pk),
        "what": "mine", "expiry": "never", "entity": str(other.pk), "alias": "on",
        "form": "Rotterdam", "description": "The port", "wikidata_id": "Q34370",
        "interval_minutes": "5", "favourite": "1", "url": "https://news.example.org/story",
        "html": LONG_PAGE, "username": "gail", "password": "wrong", "role": "member",
        "display_name": "Gail", "email": "gail@example.org",
    }  # fmt: skip
    return {"ids": ids, "values": values, "root": root, "desk": desk}


# The personal endpoints a guest may write to: their data changes, none of the team's.
def _personal(route: Route) -> bool:
    return permissions.guest_may(route.name, "POST")


def _send(client: Client, method: str, path: str, data: dict[str, str]):
    """One request in a savepoint rolled back after it: the team's data as it left it."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, data)
        else:
            response = client.post(path, urlencode(data), content_type=FORM)
        after = snapshot()
        transaction.set_rollback(True)
    return response, after


FORM = "application/x-www-form-urlencoded"
# The add-article box takes a web address or text, not both; a share link's audience is
# who may open it, not a group.
ONLY = {
    "add_article": {"url": "", "text": "Ferry Talks\n\nThe ferry line resumed today."},
    "share_article": {"audience": "anyone"},
}


def _walk(client: Client, world, token: str):
    values = {**world["values"], "token": token}
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    before = snapshot()
    answers = {}
    for route in routes():
        path = path_of(route, world["ids"])
        for method in ("GET", "POST"):
            # What the last answer set (signing out, a message) goes; the session stays.
            client.cookies.clear()
            client.cookies[settings.SESSION_COOKIE_NAME] = session
            response, after = _send(client, method, path, values | ONLY.get(route.name, {}))
            answers[route.name, method] = (response.status_code, after != before, route)
    return answers


def test_a_guest_changes_none_of_the_teams_data_at_any_address(walk_world, guest):
    token = SaveToken.regenerate(guest).token
    client = Client(raise_request_exception=False)
    client.force_login(guest)
    changed, wrong_status = [], []
    for (name, method), (status, differs, route) in _walk(client, walk_world, token).items():
        if differs and not (method == "POST" and _personal(route)):
            changed.append(f"{method} {route.route} ({name})")
        refused = (method == "POST" and not _personal(route)) or name in permissions.WRITE_FORMS
        # (The health check answers 503 while no worker has beaten.)
        if (route.login_required and refused and status != 403) or (
            status >= 500 and name != "healthz"
        ):
            wrong_status.append(f"{method} {route.route} ({name}): {status}")
    assert changed == []
    assert wrong_status == []


def test_the_same_walk_as_a_member_changes_the_teams_data(walk_world, user):
    """So the guest's walk proves something: its values do reach the views."""
    token = SaveToken.regenerate(user).token
    client = Client(raise_request_exception=False)
    client.force_login(user)
    answers = _walk(client, walk_world, token)
    changed = {name for (name, method), (_, differs, _) in answers.items() if differs}
    assert {
        "annotate", "add_page_note", "tag_entity", "add_label", "rename_label",
        "delete_label", "add_alias", "edit_entity", "share_article", "add_article",
        "remember_audience", "delete_annotation", "edit_annotation",
        "save_page",
    } <= changed  # fmt: skip


# What a guest is told ------------------------------------------------------------------


def test_a_refused_write_says_why_on_a_page_and_to_htmx(guest_client, article):
    url = reverse("annotate", args=[article.pk])
    for headers in ({}, {"HX-Request": "true"}):
        response = guest_client.post(url, span(article, "talks"), headers=headers)
        assert response.status_code == 403
        assert READ_ONLY in response.text
    assert not Annotation.objects.exists()


def test_an_id_that_does_not_exist_is_refused_alike(guest_client, article, user):
    mine = highlight(article, user, "talks", note="n")
    real = guest_client.post(reverse("edit_annotation", args=[mine.pk]), {"note": "x"})
    made_up = guest_client.post(reverse("edit_annotation", args=[mine.pk + 999]), {"note": "x"})
    assert real.status_code == made_up.status_code == 403


def test_a_guests_bookmarklet_saves_nothing(client, guest):
    token = SaveToken.regenerate(guest).token
    before = Article.objects.count()
    response = client.post(
        reverse("save_page"),
        {"token": token, "url": "https://news.example.org/x", "html": STORY_PAGE},
    )
    assert response.status_code == 403
    assert READ_ONLY in response.text
    assert Article.objects.count() == before


def test_a_member_made_a_guest_no_longer_changes_their_own_annotations(article, user, bob):
    note = highlight(article, user, "talks", note="Mine")
    client = Client()
    client.force_login(user)
    accounts.set_role(user, Role.GUEST, by=make_user("root", staff=True))
    # At once, in the session already open.
    assert client.post(reverse("edit_annotation", args=[note.pk]), {"note": "x"}).status_code == 403
    assert client.post(reverse("delete_annotation", args=[note.pk])).status_code == 403
    note.refresh_from_db()
    assert note.note == "Mine"
    accounts.set_role(user, Role.MEMBER, by=get_user_model().objects.get(username="root"))
    assert client.post(reverse("edit_annotation", args=[note.pk]), {"note": "x"}).status_code == 302


def test_a_guest_keeps_their_own_reading_state(guest_client, guest, article):
    response = guest_client.post(
        reverse("article_state", args=[article.pk]),
        {"favourite": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert ArticleState.objects.get(user=guest, article=article).favourite_at is not None
    assert "Add label" not in response.text  # the row comes back without the team's controls


def test_a_guest_withdraws_a_link_they_made_as_a_member(article, desk, bob):
    link = sharing.create_link(bob, article, group=desk, audience="anyone")
    bob.profile.role = Role.GUEST
    bob.profile.save(update_fields=["role"])
    client = Client()
    client.force_login(bob)
    assert client.post(reverse("revoke_link", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


# What a guest reads --------------------------------------------------------------------


@pytest.fixture
def annotated(article, user, bob, desk):
    other = make_group("Business desk", user, bob)
    highlight(article, user, "container ships", note=DESK_NOTE, audience=desk)
    highlight(article, user, "eighth day", note=PRIVATE_NOTE, audience=None)
    highlight(article, bob, "port authority", note=OTHER_DESK_NOTE, audience=other)
    return article


def test_a_guest_reads_the_notes_of_their_groups_and_no_others(guest_client, annotated):
    page = guest_client.get(annotated.get_absolute_url()).text
    assert DESK_NOTE in page
    assert PRIVATE_NOTE not in page
    assert OTHER_DESK_NOTE not in page


@pytest.mark.parametrize("query", ["has:notes", "container or eighth or authority", "by:alice"])
def test_search_finds_for_a_guest_only_what_their_groups_share(guest_client, annotated, query):
    page = guest_client.get(reverse("search"), {"q": query}).text
    assert PRIVATE_NOTE not in page
    assert OTHER_DESK_NOTE not in page
    if query != "by:alice":
        assert DESK_NOTE in page


def test_a_guest_in_no_group_reads_every_article_and_no_annotation(annotated):
    loner = make_guest("lou")
    client = Client()
    client.force_login(loner)
    page = client.get(annotated.get_absolute_url()).text
    assert annotated.title in page
    assert DESK_NOTE not in page
    assert annotated.title in client.get(reverse("library")).text


# What a guest sees ---------------------------------------------------------------------


def test_the_reader_shows_a_guest_no_control_to_change_anything(guest_client, annotated):
    page = guest_client.get(annotated.get_absolute_url()).text
    assert page.count("You are a guest") == 1
    assert 'id="selection-toolbar"' not in page
    assert "data-annotate-url" not in page
    assert f'data-cards-url="{reverse("annotation_cards")}"' in page  # cards still open
    assert reverse("share_article", args=[annotated.pk]) not in page
    assert reverse("add_page_note", args=[annotated.pk]) not in page
    assert reverse("add_label", args=[annotated.pk]) not in page
    assert reverse("reject_suggestion", args=[annotated.pk]) not in page
    assert reverse("article_state", args=[annotated.pk]) in page  # their own favourite
    assert "Select any passage" not in page


def test_the_reader_shows_a_member_every_control(alice_client, annotated):
    page = alice_client.get(annotated.get_absolute_url()).text
    assert "You are a guest" not in page
    assert 'id="selection-toolbar"' in page
    assert reverse("share_article", args=[annotated.pk]) in page
    assert reverse("add_label", args=[annotated.pk]) in page


def test_the_library_shows_a_guest_what_is_shared_and_no_form(guest_client, annotated, user):
    library.add_label(annotated, "Harbours", user)
    page = guest_client.get(reverse("library")).text
    assert page.count("You are a guest") == 1
    assert reverse("add_article") not in page
    assert 'id="library-add"' not in page
    assert "Remove the label" not in page
    assert "Add label" not in page
    assert reverse("trash") not in page
    assert "All labels" in page
    assert DESK_NOTE in page  # "Shared with you"
    assert "Harbours" in page  # the label still filters


def test_the_team_pages_show_a_guest_no_curation_forms(guest_client, annotated, user):
    port = curation.create_entity("Rotterdam", "place", user)
    curation.add_alias(port, "R'dam")
    label = library.add_label(annotated, "Harbours", user)
    Feed.objects.create(url="https://news.example.org/rss", added_by=user)
    entity = guest_client.get(port.get_absolute_url()).text
    assert "R&#x27;dam" in entity
    for url in (
        reverse("add_alias", args=[port.pk]), reverse("edit_entity", args=[port.pk]),
        reverse("merge_entity", args=[port.pk]), reverse("delete_entity", args=[port.pk]),
    ):  # fmt: skip
        assert url not in entity
    labels = guest_client.get(reverse("labels")).text
    assert "Harbours" in labels
    assert reverse("rename_label", args=[label.pk]) not in labels
    assert reverse("delete_label", args=[label.pk]) not in labels
    feeds = guest_client.get(reverse("feeds")).text
    assert "news.example.org/rss" in feeds
    assert "Subscribe" not in feeds
    assert "Check now" not in feeds


def test_a_guest_is_told_the_same_wherever_a_share_link_is_refused(guest_client, article):
    assert ShareLink.objects.count() == 0
    response = guest_client.post(
        reverse("share_article", args=[article.pk]),
        {"what": "mine", "audience": "anyone", "expiry": "never"},
    )
    assert response.status_code == 403
    assert READ_ONLY in response.text
    assert ShareLink.objects.count() == 0


def test_a_member_made_guest_is_offered_no_edit_on_their_own_cards(client):
    root = make_user("root", staff=True)
    dora = make_user("dora")
    article = make_article()
    highlight(article, dora, "container ships", note="My own note")
    client.force_login(dora)
    assert ">Edit</a>" in client.get(article.get_absolute_url()).content.decode()
    accounts.set_role(dora, Role.GUEST, by=root)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "My own note" in page
    assert ">Edit</a>" not in page
    assert ">Delete</button>" not in page
