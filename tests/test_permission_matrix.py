"""Every view and htmx endpoint, times every kind of visitor: the status, and no private text.

The world: alice wrote a private note and a note shared with "Politics desk" (alice and
bob); carol is in no group but Everyone; root is an administrator outside the desk. gail is
a guest on the desk: she reads what the desk reads and changes nothing but her own reading
state. dave was on the desk, signed in and made a share link, then was deactivated: his
browser still sends its session cookie, and meets the sign-in page like anyone signed
out. A share link for "everything shared with Politics desk" (anyone may open it) exists
valid, expired and revoked. Each case runs in a fresh database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import accounts, claims, library, sharing, watchlists
from articles.entities import curation
from articles.models import (
    Annotation,
    Article,
    ArticleState,
    ArticleVersion,
    Claim,
    Evidence,
    Feed,
    FetchJob,
    Label,
    Notification,
    Role,
    SaveToken,
    TeamSettings,
    Watch,
    WatchSettings,
)
from tests.factories import claim, highlight, make_article, make_group, make_user, span, tag

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "PRIVATE-LEAD-7731"
GROUP_TEXT = "DESK-NOTE-4410"
STORY_PAGE = "<html><body><article><h1>Ferries</h1><p>Ferries ran late.</p></article></body></html>"

ACTORS = [
    "anonymous", "author", "member", "non-member", "admin", "guest", "deactivated", "link",
    "expired", "revoked",
]  # fmt: skip
LOGIN = "login"  # a redirect to the sign-in page
# What a guest is told when they ask to change something (apostrophes are escaped).
READ_ONLY = "Guests can read but not change the team"


@pytest.fixture
def world(db):
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    root = make_user("root", staff=True)
    gail, dave = make_user("gail"), make_user("dave")
    accounts.set_role(gail, Role.GUEST, by=root)
    desk = make_group("Politics desk", alice, bob, gail, dave)
    article = make_article()
    private = highlight(article, alice, "eighth day", note=PRIVATE_TEXT, audience=None)
    shared = highlight(article, alice, "container ships", note=GROUP_TEXT, audience=desk)
    valid = sharing.create_link(alice, article, group=desk, audience="anyone")
    expired = sharing.create_link(
        alice, article, group=desk, audience="anyone", expiry="1",
        now=timezone.now() - dt.timedelta(days=2),
    )  # fmt: skip
    revoked = sharing.create_link(alice, article, group=desk, audience="anyone")
    sharing.revoke(revoked)
    # dave shares the desk's notes, signs in, and is deactivated with his browser open.
    daves = sharing.create_link(dave, article, group=desk, audience="anyone")
    stale = Client()
    stale.force_login(dave)
    accounts.deactivate(dave, by=root)
    # Entities: alice's, mentioned once privately and once for the desk.
    port = curation.create_entity("Rotterdam", "place", alice)
    other = curation.create_entity("Port of Rotterdam", "place", alice)
    tag(article, alice, "Rotterdam", entity=port, audience=None)
    tag(article, alice, "Monday", entity=other, audience=desk)
    curation.add_alias(port, "R'dam")
    # The library: a team label on the article.
    label = library.add_label(article, "Harbours", alice)
    # Saving from the web: alice's failed fetch, and a feed she subscribed to.
    job = FetchJob.objects.create(
        url="https://news.example.org/gone", status=FetchJob.Status.FAILED, error="404",
        requested_by=alice,
    )  # fmt: skip
    feed = Feed.objects.create(url="https://news.example.org/feed.xml", added_by=alice)
    # The text changed under the desk note (as a refresh would leave it): it needs review.
    version = ArticleVersion.objects.create(
        article=article, title=article.title, body_html=article.body_html,
        body_text=article.body_text,
    )  # fmt: skip
    Annotation.objects.filter(pk=shared.pk).update(
        status=Annotation.Status.CHANGED, written_on=version
    )
    shared.refresh_from_db()
    # The fact-checking desk: a claim for the desk, and one with alice's verdict to sign off.
    checked = claim(article, alice, "Dock workers", audience=desk)
    judged = claim(article, alice, "stayed off the job", audience=desk)
    claims.set_verdict(judged, alice, "Mostly true")
    # Watchlists: alice watches the label, and bob's putting it on told her of the article.
    watch = watchlists.watch_label(alice, label)
    watchlists.labels_put([(article.pk, label.pk)], by=bob)
    notification = Notification.objects.get(user=alice)
    return {
        "claim": checked,
        "judged": judged,
        "users": {
            "author": alice,
            "member": bob,
            "non-member": carol,
            "admin": root,
            "guest": gail,
        },
        "stale_session": stale.cookies[settings.SESSION_COOKIE_NAME].value,
        "tokens": {
            "link": valid.token,
            "expired": expired.token,
            "revoked": revoked.token,
            # Everyone else holds a token too: signed-in people the valid one, a guesser
            # a made-up one.
            "anonymous": sharing.new_token(),
            **dict.fromkeys(["author", "member", "non-member", "admin", "guest"], valid.token),
            # dave's own link, which stopped opening when he was deactivated.
            "deactivated": daves.token,
        },
        "article": article,
        "private": private,
        "shared": shared,
        "link": valid,
        "desk": desk,
        "port": port,
        "other": other,
        "label": label,
        "job": job,
        "feed": feed,
        "version": version,
        "watch": watch,
        "notification": notification,
    }


def _client(world, actor):
    client = Client()
    if actor in world["users"]:
        client.force_login(world["users"][actor])
    elif actor == "deactivated":
        client.cookies[settings.SESSION_COOKIE_NAME] = world["stale_session"]
    return client


def _request(world, actor, endpoint):
    client = _client(world, actor)
    article, private, shared = world["article"], world["private"], world["shared"]
    token = world["tokens"][actor]
    ids = {"ids": f"{private.pk} {shared.pk}"}
    panel = {"HX-Request": "true", "HX-Target": "annotation-panel"}
    requests = {
        "reader": lambda: client.get(article.get_absolute_url()),
        "panel": lambda: client.get(article.get_absolute_url(), headers=panel),
        "cards": lambda: client.get(reverse("annotation_cards"), ids),
        "edit-form": lambda: client.get(reverse("edit_annotation", args=[shared.pk])),
        "edit-private": lambda: client.post(
            reverse("edit_annotation", args=[private.pk]), {"note": "HACKED"}
        ),
        "move-shared": lambda: client.post(
            reverse("edit_annotation", args=[shared.pk]), {"audience": "private"}
        ),
        "delete-shared": lambda: client.post(reverse("delete_annotation", args=[shared.pk])),
        "still-stands": lambda: client.post(reverse("review_still_stands", args=[shared.pk])),
        "move-to": lambda: client.post(
            reverse("review_move", args=[shared.pk]), span(article, "Rotterdam")
        ),
        "detach": lambda: client.post(reverse("review_detach", args=[shared.pk])),
        "version-read": lambda: client.get(
            reverse("article_version", args=[article.pk, world["version"].pk]), {"a": shared.pk}
        ),
        "jsonld-shared": lambda: client.get(reverse("annotation_jsonld", args=[shared.pk])),
        "jsonld-private": lambda: client.get(reverse("annotation_jsonld", args=[private.pk])),
        "jsonld-article": lambda: client.get(
            reverse("article_annotations_jsonld", args=[article.pk])
        ),
        "annotate": lambda: client.post(
            reverse("annotate", args=[article.pk]),
            {**span(article, "Rotterdam"), "audience": "private"},
        ),
        "page-note": lambda: client.post(
            reverse("add_page_note", args=[article.pk]), {"note": "n", "audience": "private"}
        ),
        "remember": lambda: client.post(reverse("remember_audience"), {"audience": "private"}),
        "share-form": lambda: client.get(reverse("share_article", args=[article.pk])),
        "share-create": lambda: client.post(
            reverse("share_article", args=[article.pk]),
            {"what": str(world["desk"].pk), "audience": "anyone", "expiry": "never"},
        ),
        "library": lambda: client.get(reverse("library")),
        "shared-links": lambda: client.get(reverse("shared_links")),
        "revoke": lambda: client.post(reverse("revoke_link", args=[world["link"].pk])),
        "share-page": lambda: client.get(reverse("share_link", args=[token])),
        "share-cards": lambda: client.get(reverse("share_cards", args=[token]), ids),
        "versions": lambda: client.get(reverse("article_versions", args=[article.pk])),
        "fetches": lambda: client.get(reverse("fetch_jobs")),
        "feeds": lambda: client.get(reverse("feeds")),
        "save-settings": lambda: client.get(reverse("settings")),
        "entities": lambda: client.get(reverse("entities")),
        "search-notes": lambda: client.get(reverse("search"), {"q": "has:notes"}),
        "search-words": lambda: client.get(reverse("search"), {"q": "eighth or container"}),
        "search-facets": lambda: client.get(reverse("search"), {"q": "by:alice"}),
        "entity-page": lambda: client.get(world["port"].get_absolute_url()),
        "entity-lookup": lambda: client.get(reverse("entity_lookup"), {"q": "rot"}),
        "tag": lambda: client.post(
            reverse("tag_entity", args=[article.pk]),
            {
                **span(article, "port authority"),
                "name": "Port authority",
                "kind": "organisation",
                "audience": "private",
            },
        ),
        "tag-all": lambda: client.post(
            reverse("tag_all", args=[article.pk, world["port"].pk]), {"audience": "private"}
        ),
        "accept": lambda: client.post(
            reverse("accept_suggestion", args=[article.pk]),
            {"text": "Rotterdam", "audience": "private"},
        ),
        "reject": lambda: client.post(
            reverse("reject_suggestion", args=[article.pk]), {"text": "Rotterdam"}
        ),
        "entity-edit": lambda: client.post(
            reverse("edit_entity", args=[world["port"].pk]),
            {"name": "Rotterdam", "kind": "place", "description": "A port", "wikidata_id": ""},
        ),
        "alias-add": lambda: client.post(
            reverse("add_alias", args=[world["port"].pk]), {"name": "R'dam"}
        ),
        "merge": lambda: client.post(
            reverse("merge_entity", args=[world["other"].pk]), {"entity": world["port"].pk}
        ),
        "entity-delete": lambda: client.post(reverse("delete_entity", args=[world["other"].pk])),
        "reading-state": lambda: client.post(
            reverse("article_state", args=[article.pk]), {"favourite": "1"}
        ),
        "reading-place": lambda: client.post(
            reverse("article_progress", args=[article.pk]), {"progress": "0.5", "position": "3"}
        ),
        "bulk-read": lambda: client.post(
            reverse("library_bulk"), {"action": "read", "ids": [str(article.pk)]}
        ),
        "bulk-delete-form": lambda: client.post(
            reverse("library_bulk"), {"action": "delete", "ids": [str(article.pk)]}
        ),
        "label-add": lambda: client.post(reverse("add_label", args=[article.pk]), {"name": "Port"}),
        "label-remove": lambda: client.post(
            reverse("remove_label", args=[article.pk, world["label"].pk])
        ),
        "labels": lambda: client.get(reverse("labels")),
        "label-rename": lambda: client.post(
            reverse("rename_label", args=[world["label"].pk]), {"name": "Ports"}
        ),
        "label-delete-form": lambda: client.get(reverse("delete_label", args=[world["label"].pk])),
        "label-delete": lambda: client.post(reverse("delete_label", args=[world["label"].pk])),
        "alias-remove": lambda: client.post(
            reverse("remove_alias", args=[world["port"].pk, world["port"].aliases.get().pk])
        ),
        "add-article": lambda: client.post(
            reverse("add_article"), {"text": "Ferry Talks\n\nThe ferry line resumed today."}
        ),
        "delete-article": lambda: client.post(reverse("delete_article", args=[article.pk])),
        "refresh": lambda: client.post(reverse("refresh_article", args=[article.pk])),
        "retry-job": lambda: client.post(reverse("retry_fetch", args=[world["job"].pk])),
        "dismiss-job": lambda: client.post(reverse("dismiss_fetch", args=[world["job"].pk])),
        "feed-poll": lambda: client.post(reverse("poll_feed", args=[world["feed"].pk])),
        "feed-interval": lambda: client.post(
            reverse("feed_interval", args=[world["feed"].pk]), {"interval_minutes": "5"}
        ),
        "feed-delete": lambda: client.post(reverse("delete_feed", args=[world["feed"].pk])),
        "settings-save": lambda: client.post(reverse("save_settings")),
        "claims-board": lambda: client.get(reverse("claims")),
        "claim-page": lambda: client.get(world["claim"].get_absolute_url()),
        "claim-status": lambda: client.post(
            reverse("claim_status", args=[world["claim"].pk]), {"to": "in_progress"}
        ),
        "claim-evidence": lambda: client.post(
            reverse("claim_evidence", args=[world["claim"].pk]),
            {"stance": "supports", "note": "The union's statement"},
        ),
        "claim-verdict": lambda: client.post(
            reverse("claim_verdict", args=[world["claim"].pk]), {"verdict": "True"}
        ),
        "claim-sign-off": lambda: client.post(reverse("claim_sign_off", args=[world["judged"].pk])),
        "claims-policy": lambda: client.post(
            reverse("team_claims_policy"), {"verdict_scale": "Yes = 1\nNo = 0"}
        ),
        "notifications": lambda: client.get(reverse("notifications")),
        "notification-open": lambda: client.get(
            reverse("notification_open", args=[world["notification"].pk])
        ),
        "notification-read": lambda: client.post(
            reverse("notifications_read"), {"id": world["notification"].pk}
        ),
        "notification-email": lambda: client.post(
            reverse("notification_email"), {"digest": "daily"}
        ),
        "unwatch": lambda: client.post(reverse("unwatch", args=[world["watch"].pk])),
        "watch-search": lambda: client.post(reverse("watch_search"), {"q": "ferries"}),
        "watch-entity": lambda: client.post(reverse("watch_entity", args=[world["port"].pk])),
        "watch-label": lambda: client.post(reverse("watch_label", args=[world["label"].pk])),
        # The bookmarklet's endpoint trusts its token, never the session cookie.
        "save-page": lambda: client.post(
            reverse("save_page"),
            {"token": "not-a-token", "url": "https://news.example.org/x", "html": STORY_PAGE},
        ),
    }
    return requests[endpoint]()


# endpoint: {actor: (status, shows the group note)}; actors left out answer LOGIN.
_SIGNED_IN = ["author", "member", "non-member", "admin"]
_LINKS = {"anonymous": (410, False), "link": (200, True), "expired": (410, False),
          "revoked": (410, False), "deactivated": (410, False),
          **dict.fromkeys(_SIGNED_IN, (200, True))}  # fmt: skip
MATRIX: dict[str, dict[str, tuple[int | str, bool]]] = {
    "reader": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "panel": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "cards": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "edit-form": {"author": (200, True), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    "edit-private": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "move-shared": {"author": (302, False), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    "delete-shared": {"author": (302, False), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    # Reviewing an annotation whose text changed is changing it: for its author only.
    "still-stands": {"author": (302, False), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    "move-to": {"author": (302, False), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    "detach": {"author": (302, False), "member": (403, False), "non-member": (404, False), "admin": (404, False)},
    "version-read": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "jsonld-shared": {"author": (200, True), "member": (200, True), "non-member": (404, False), "admin": (404, False)},
    "jsonld-private": {"author": (200, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "jsonld-article": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "annotate": dict.fromkeys(_SIGNED_IN, (302, False)),
    "page-note": dict.fromkeys(_SIGNED_IN, (302, False)),
    "remember": dict.fromkeys(_SIGNED_IN, (204, False)),
    "share-form": dict.fromkeys(_SIGNED_IN, (200, False)),
    "share-create": {"author": (302, False), "member": (302, False), "non-member": (400, False), "admin": (400, False)},
    "library": {"author": (200, False), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "shared-links": {"author": (200, False), "member": (200, False), "non-member": (200, False), "admin": (200, False)},
    "revoke": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "share-page": _LINKS,
    "share-cards": _LINKS,
    # Entities are the team's: every member reads and curates them; merging or deleting
    # (which moves everyone's mentions) is for the creator and administrators.
    "versions": dict.fromkeys(_SIGNED_IN, (200, False)),
    "fetches": dict.fromkeys(_SIGNED_IN, (200, False)),
    "feeds": dict.fromkeys(_SIGNED_IN, (200, False)),
    "save-settings": dict.fromkeys(_SIGNED_IN, (200, False)),
    "entities": dict.fromkeys(_SIGNED_IN, (200, False)),
    # Search finds only what the searcher may see: the desk note for the desk.
    "search-notes": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "search-words": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "search-facets": {"author": (200, True), "member": (200, True), "non-member": (200, False), "admin": (200, False)},
    "entity-page": dict.fromkeys(_SIGNED_IN, (200, False)),
    "entity-lookup": dict.fromkeys(_SIGNED_IN, (200, False)),
    "tag": dict.fromkeys(_SIGNED_IN, (302, False)),
    "tag-all": dict.fromkeys(_SIGNED_IN, (302, False)),
    # alice's private mention already covers "Rotterdam" for her alone; others are offered it.
    "accept": {"author": (400, False), "member": (302, False), "non-member": (302, False), "admin": (302, False)},
    "reject": dict.fromkeys(_SIGNED_IN, (302, False)),
    "entity-edit": dict.fromkeys(_SIGNED_IN, (302, False)),
    "alias-add": dict.fromkeys(_SIGNED_IN, (302, False)),
    "merge": {"author": (302, False), "member": (403, False), "non-member": (403, False), "admin": (302, False)},
    # The admin cannot see alice's desk mention of it, so deleting is refused (merging is not).
    "entity-delete": {"author": (302, False), "member": (403, False), "non-member": (403, False), "admin": (409, False)},
    # The library: reading state is each person's own, labels are the whole team's.
    "reading-state": dict.fromkeys(_SIGNED_IN, (302, False)),
    "reading-place": dict.fromkeys(_SIGNED_IN, (204, False)),
    "bulk-read": dict.fromkeys(_SIGNED_IN, (302, False)),
    # Asking is for everyone; the page says only an administrator may (nobody added it).
    "bulk-delete-form": dict.fromkeys(_SIGNED_IN, (200, False)),
    "label-add": dict.fromkeys(_SIGNED_IN, (302, False)),
    "label-remove": dict.fromkeys(_SIGNED_IN, (302, False)),
    "labels": dict.fromkeys(_SIGNED_IN, (200, False)),
    "label-rename": dict.fromkeys(_SIGNED_IN, (302, False)),
    "label-delete-form": dict.fromkeys(_SIGNED_IN, (200, False)),
    "label-delete": dict.fromkeys(_SIGNED_IN, (302, False)),
    "alias-remove": dict.fromkeys(_SIGNED_IN, (302, False)),
    "add-article": dict.fromkeys(_SIGNED_IN, (302, False)),
    # Nobody added the article (it came from a file): only an administrator deletes it.
    "delete-article": {"author": (403, False), "member": (403, False), "non-member": (403, False), "admin": (302, False)},
    "refresh": dict.fromkeys(_SIGNED_IN, (302, False)),
    # A fetch job is its requester's; administrators see everyone's.
    "retry-job": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (302, False)},
    "dismiss-job": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (302, False)},
    # Feeds are the team's; changing one is for whoever added it, and administrators.
    "feed-poll": dict.fromkeys(_SIGNED_IN, (302, False)),
    "feed-interval": {"author": (302, False), "member": (403, False), "non-member": (403, False), "admin": (302, False)},
    "feed-delete": {"author": (302, False), "member": (403, False), "non-member": (403, False), "admin": (302, False)},
    "settings-save": dict.fromkeys(_SIGNED_IN, (302, False)),
    "save-page": dict.fromkeys(ACTORS, (403, False)),
    # Claims follow their annotation: the desk sees and works the desk's claim, anyone
    # else gets 404; a verdict is signed off by anyone but whoever gave it; the scale and
    # the two-person rule are for administrators.
    "claims-board": dict.fromkeys(_SIGNED_IN, (200, False)),
    "claim-page": {"author": (200, False), "member": (200, False), "non-member": (404, False), "admin": (404, False)},
    "claim-status": {"author": (302, False), "member": (302, False), "non-member": (404, False), "admin": (404, False)},
    "claim-evidence": {"author": (302, False), "member": (302, False), "non-member": (404, False), "admin": (404, False)},
    "claim-verdict": {"author": (302, False), "member": (302, False), "non-member": (404, False), "admin": (404, False)},
    "claim-sign-off": {"author": (400, False), "member": (302, False), "non-member": (404, False), "admin": (404, False)},
    "claims-policy": {"author": (403, False), "member": (403, False), "non-member": (403, False), "admin": (302, False)},
    # Watchlists are each person's own: everyone watches and chooses their e-mail; alice's
    # watch and notification are hers alone, 404 to anyone else.
    "notifications": dict.fromkeys(_SIGNED_IN, (200, False)),
    "notification-open": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "notification-read": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "notification-email": dict.fromkeys(_SIGNED_IN, (302, False)),
    "unwatch": {"author": (302, False), "member": (404, False), "non-member": (404, False), "admin": (404, False)},
    "watch-search": dict.fromkeys(_SIGNED_IN, (302, False)),
    "watch-entity": dict.fromkeys(_SIGNED_IN, (302, False)),
    "watch-label": dict.fromkeys(_SIGNED_IN, (302, False)),
}  # fmt: skip
# A guest on the desk reads what the desk reads; every write answers 403 (READ_ONLY) but their
# own reading state and bookmarklet. Revoking is allowed them, and finds no link of theirs.
_REFUSED = (403, False)
GUEST: dict[str, tuple[int | str, bool]] = {
    "reader": (200, True), "panel": (200, True), "cards": (200, True),
    "edit-form": _REFUSED, "edit-private": _REFUSED, "move-shared": _REFUSED,
    "delete-shared": _REFUSED, "still-stands": _REFUSED, "move-to": _REFUSED,
    "detach": _REFUSED, "version-read": (200, True), "jsonld-shared": (200, True),
    "jsonld-private": (404, False), "jsonld-article": (200, True), "annotate": _REFUSED,
    "page-note": _REFUSED, "remember": _REFUSED, "share-form": _REFUSED,
    "share-create": _REFUSED, "library": (200, True), "shared-links": (200, False),
    "revoke": (404, False), "share-page": (200, True), "share-cards": (200, True),
    "versions": (200, False), "fetches": (200, False), "feeds": (200, False),
    "save-settings": (200, False), "entities": (200, False), "search-notes": (200, True),
    "search-words": (200, True), "search-facets": (200, True), "entity-page": (200, False),
    "entity-lookup": (200, False), "tag": _REFUSED, "tag-all": _REFUSED, "accept": _REFUSED,
    "reject": _REFUSED, "entity-edit": _REFUSED, "alias-add": _REFUSED, "merge": _REFUSED,
    "entity-delete": _REFUSED, "reading-state": (302, False), "reading-place": (204, False),
    # Bulk actions are the members': labelling and deleting are the team's, not a guest's.
    "bulk-read": _REFUSED, "bulk-delete-form": _REFUSED, "label-add": _REFUSED,
    "label-remove": _REFUSED, "labels": (200, False), "label-rename": _REFUSED,
    "label-delete-form": _REFUSED, "label-delete": _REFUSED, "alias-remove": _REFUSED,
    "add-article": _REFUSED, "delete-article": _REFUSED, "refresh": _REFUSED,
    "retry-job": _REFUSED, "dismiss-job": _REFUSED, "feed-poll": _REFUSED,
    "feed-interval": _REFUSED, "feed-delete": _REFUSED, "settings-save": (302, False),
    "save-page": _REFUSED, "claims-board": (200, False), "claim-page": (200, False),
    "claim-status": _REFUSED, "claim-evidence": _REFUSED, "claim-verdict": _REFUSED,
    "claim-sign-off": _REFUSED, "claims-policy": _REFUSED,
    # A guest's watchlist is their own, like their reading state; alice's is not theirs.
    "notifications": (200, False), "notification-open": (404, False),
    "notification-read": (404, False), "notification-email": (302, False),
    "unwatch": (404, False), "watch-search": (302, False), "watch-entity": (302, False),
    "watch-label": (302, False),
}  # fmt: skip
# Where the author legitimately sees their own private note.
AUTHOR_SEES_PRIVATE = {
    "reader", "panel", "cards", "jsonld-private", "jsonld-article",
    "search-notes", "search-words", "search-facets",
}  # fmt: skip

CASES = [(endpoint, actor) for endpoint in MATRIX for actor in ACTORS]


def expected(endpoint: str, actor: str) -> tuple[int | str, bool]:
    """The status and whether the desk note shows; a deactivated person is signed out."""
    if actor == "guest":
        return GUEST[endpoint]
    return MATRIX[endpoint].get(actor, (LOGIN, False))


def test_the_guest_column_covers_every_endpoint():
    assert GUEST.keys() == MATRIX.keys()


@pytest.mark.parametrize(("endpoint", "actor"), CASES)
def test_permission_matrix(world, endpoint, actor):
    status, shows_group = expected(endpoint, actor)
    response = _request(world, actor, endpoint)
    body = response.content.decode()
    if status == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == status
        if status == 302:
            assert not response.url.startswith(reverse("login"))
    if actor == "guest" and status == 403 and endpoint != "save-page":  # the token decides there
        assert READ_ONLY in body
    assert (GROUP_TEXT in body) is shows_group
    if actor == "author" and endpoint in AUTHOR_SEES_PRIVATE:
        assert PRIVATE_TEXT in body
    else:
        assert PRIVATE_TEXT not in body
    # Her own settings page, and her notifications page (where her e-mail goes).
    if not (actor == "author" and endpoint in {"save-settings", "notifications"}):
        assert "alice@example.org" not in body


# An administrator deleting the article deletes its annotations with it, as it should.
@pytest.mark.parametrize(
    ("endpoint", "actor"),
    [c for c in CASES if c[1] != "author" and c != ("delete-article", "admin")],
)
def test_nobody_but_the_author_changes_an_annotation(world, endpoint, actor):
    _request(world, actor, endpoint)
    private = Annotation.objects.get(pk=world["private"].pk)
    shared = Annotation.objects.get(pk=world["shared"].pk)
    assert private.note == PRIVATE_TEXT
    assert shared.group.name == "Politics desk"
    assert (shared.status, shared.start, shared.written_on_id) == (
        Annotation.Status.CHANGED,
        world["shared"].start,
        world["version"].pk,
    )
    assert not shared.reviews.exists()
    world["link"].refresh_from_db()
    assert world["link"].revoked_at is None


def test_the_author_changes_and_moves_their_own(world):
    assert _request(world, "author", "edit-private").status_code == 302
    assert Annotation.objects.get(pk=world["private"].pk).note == "HACKED"
    _request(world, "author", "move-shared")
    assert Annotation.objects.get(pk=world["shared"].pk).group is None


LIBRARY_WRITES = [
    "reading-state", "reading-place", "bulk-read", "label-add", "label-remove",
    "label-rename", "label-delete",
]  # fmt: skip


@pytest.mark.parametrize("endpoint", LIBRARY_WRITES)
@pytest.mark.parametrize("actor", ["anonymous", "deactivated", "link", "expired", "revoked"])
def test_visitors_who_are_not_signed_in_change_nothing_in_the_library(world, endpoint, actor):
    _request(world, actor, endpoint)
    assert ArticleState.objects.count() == 0
    assert list(Label.objects.values_list("name", flat=True)) == ["Harbours"]
    assert list(world["article"].labels.values_list("name", flat=True)) == ["Harbours"]


@pytest.mark.parametrize("endpoint", LIBRARY_WRITES[2:])
def test_a_guest_changes_no_label(world, endpoint):
    _request(world, "guest", endpoint)
    assert list(Label.objects.values_list("name", flat=True)) == ["Harbours"]
    assert list(world["article"].labels.values_list("name", flat=True)) == ["Harbours"]


def test_reading_state_written_by_one_person_is_theirs_alone(world):
    for actor in ("member", "admin", "guest"):
        _request(world, actor, "reading-state")
    owners = set(ArticleState.objects.values_list("user__username", flat=True))
    assert owners == {"bob", "root", "gail"}


def test_a_place_in_an_article_written_by_one_person_is_theirs_alone(world):
    for actor in ("member", "admin", "guest"):
        _request(world, actor, "reading-place")
    places = set(ArticleState.objects.values_list("user__username", "progress"))
    assert places == {("bob", 0.5), ("root", 0.5), ("gail", 0.5)}


REFUSED_WRITES = {
    "retry-job": ["member", "non-member"],
    "dismiss-job": ["member", "non-member"],
    "feed-interval": ["member", "non-member"],
    "feed-delete": ["member", "non-member"],
    "delete-article": ["author", "member", "non-member"],
}


@pytest.mark.parametrize(
    ("endpoint", "actor"),
    [
        (e, a)
        for e, actors in REFUSED_WRITES.items()
        for a in [*actors, "anonymous", "link", "guest", "deactivated"]
    ],
)
def test_a_refused_write_changes_nothing(world, endpoint, actor):
    _request(world, actor, endpoint)
    job = FetchJob.objects.get(pk=world["job"].pk)
    assert (job.status, job.dismissed) == (FetchJob.Status.FAILED, False)
    feed = Feed.objects.get(pk=world["feed"].pk)
    assert feed.interval_minutes == world["feed"].interval_minutes
    assert Article.objects.filter(pk=world["article"].pk).exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_the_save_endpoint_saves_nothing_without_a_valid_token(world, actor):
    before = Article.objects.count()
    assert _request(world, actor, "save-page").status_code == 403
    assert Article.objects.count() == before


CLAIM_WRITES = ["claim-status", "claim-evidence", "claim-verdict", "claim-sign-off"]


@pytest.mark.parametrize("endpoint", [*CLAIM_WRITES, "claims-policy"])
@pytest.mark.parametrize("actor", ["non-member", "guest", "anonymous", "link", "deactivated"])
def test_nobody_outside_the_desk_works_its_claims(world, endpoint, actor):
    _request(world, actor, endpoint)
    checked = Claim.objects.get(pk=world["claim"].pk)
    judged = Claim.objects.get(pk=world["judged"].pk)
    assert (checked.status, checked.verdict) == (Claim.Status.TO_CHECK, "")
    assert judged.signed_off_by is None
    assert not Evidence.objects.exists()
    assert TeamSettings.current().verdict_scale[0] == ["True", 5]


WATCHLIST_WRITES = ["notification-open", "notification-read", "unwatch"]


@pytest.mark.parametrize("endpoint", WATCHLIST_WRITES)
@pytest.mark.parametrize(
    "actor", ["member", "non-member", "admin", "guest", "anonymous", "link", "deactivated"]
)
def test_nobody_but_its_owner_reads_or_unwatches_a_watchlist(world, endpoint, actor):
    _request(world, actor, endpoint)
    assert Watch.objects.filter(pk=world["watch"].pk).exists()
    assert Notification.objects.get(pk=world["notification"].pk).read_at is None


@pytest.mark.parametrize("endpoint", ["notification-email", "watch-search", "watch-entity"])
def test_a_watch_or_an_email_choice_is_the_requesters_alone(world, endpoint):
    for actor in ("member", "guest", "anonymous", "deactivated"):
        _request(world, actor, endpoint)
    owners = set(Watch.objects.values_list("user__username", flat=True))
    owners |= set(WatchSettings.objects.values_list("user__username", flat=True))
    assert owners == {"alice", "bob", "gail"}


def test_saving_the_settings_gives_only_the_requester_a_new_bookmarklet(world):
    alice, bob = world["users"]["author"], world["users"]["member"]
    theirs = SaveToken.regenerate(alice).token
    _request(world, "member", "settings-save")
    assert SaveToken.objects.get(user=alice).token == theirs
    assert SaveToken.objects.filter(user=bob).exists()
