"""`make screenshots`: the main pages at desktop and phone size, light and dark, saved to
var/screenshots/ (ignored by git) for a person to look at before a change lands.

Not part of the normal run (the `screenshots` marker is deselected by default); each
shot still checks the page loaded without a console error, so a broken page does not
slip through as a pretty picture of an error page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from articles import accounts, ingest, library, sharing, trash, versions, watchlists
from articles import annotations as annotating
from articles.models import ColorLabel, Feed, ShareLink
from tests.factories import claim, highlight, make_article, make_group, make_sample, tag

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.screenshots]

OUT = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")


@pytest.fixture
def world(user, bob, client):
    sample = make_sample(user=user)
    for i in range(26):  # enough for a second page of the library
        make_article(f"Harbour bulletin {i}\n\nThe harbour opened at dawn on day {i}.")
    desk = make_group("Fact-check", user, bob)
    highlight(
        sample,
        user,
        "victory plan",
        color="green",
        note="**Check** with the [Reuters wire](https://www.reuters.com/)",
    )
    highlight(
        sample,
        bob,
        "North Korean troops",
        color="yellow",
        note="Numbers differ: 10k or 12k?",
        audience=desk,
    )
    highlight(sample, user, "Kim Jong Un", color="pink", audience=None)
    annotating.create_page_note(sample, user, note="Follow up with the ministry on `Monday`.")
    tag(sample, user, "Putin", name="Vladimir Putin", kind="person")
    tag(sample, user, "Zelensky", name="Volodymyr Zelensky", kind="person")
    library.add_label(sample, "Ukraine", user)
    library.set_state(user, sample, "favourite", on=True)
    # The desk (issue 22): a claim on the sample, and a watch that brought an article.
    checked = claim(sample, user, "10,000 North Korean soldiers", audience=desk)
    putin = sample.annotations.get(exact="Putin").entity
    watchlists.watch_entity(user, putin)
    watchlists.watch_search(user, "grain corridor", name="Grain")
    make_article("Kremlin answers on grain\n\nVladimir Putin spoke about the grain corridor.")
    link = sharing.create_link(user, sample, audience=ShareLink.Audience.ANYONE)
    feed = Feed.objects.create(
        url="https://harbour.example/feed.xml", title="Harbour News", added_by=user
    )
    changed = _changed_story(user)
    gone = make_article("Harbour fees rise\n\nThe port raised its fees again.", user=user)
    highlight(gone, bob, "raised its fees", note="Ask the board")
    trash.move_to_trash(gone, user)
    # alice runs the team too, so the team pages are shot with the rest.
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    sharing.create_group("Investigations")
    _pending, invitation_token = accounts.invite(by=user, email="dora@example.org", groups=[desk])
    client.force_login(user)
    return {
        "desk": desk,
        "invitation": invitation_token,
        "changed": changed,
        "article": sample,
        "link": link,
        "feed": feed,
        "claim": checked,
        "note": sample.annotations.filter(start__isnull=False, entity__isnull=True).first(),
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def _changed_story(user):
    """A story edited after it was annotated: a verified claim on changed words, an
    orphan, one that stays (the reader's "Needs review")."""
    ColorLabel.objects.update_or_create(
        color="green", defaults={"label": "Verified claim", "asserts": True}
    )
    paragraphs = [
        "The harbour reopened on Monday after a week of repairs to the northern quay.",
        "Fishing boats returned at dawn, and the market opened an hour later than usual.",
        "The mayor said the closure had cost the town about two million euros.",
        "Traders welcomed the news but asked for compensation for the lost week.",
    ]
    story = make_article("Harbour reopens after repairs\n\n" + "\n\n".join(paragraphs))
    highlight(story, user, "cost the town about two million euros", color="green",
              note="Checked with the council's budget office.")  # fmt: skip
    highlight(story, user, "returned at dawn", note="Which boats?")
    highlight(story, user, "asked for compensation", color="blue")
    edited = [paragraphs[0], paragraphs[2].replace("two million", "2.5 million"), paragraphs[3]]
    html = "".join(f"<p>{p}</p>" for p in edited)
    versions.replace_text(story, ingest.body_document(html, title=story.title))
    story.refresh_from_db()
    return story


def _pages(world) -> dict[str, tuple[str, bool]]:
    """name: (path, signed in)."""
    article = world["article"]
    entity = article.annotations.filter(entity__isnull=False).first().entity
    return {
        "library": ("/", True),
        "reader": (article.get_absolute_url(), True),
        "entity": (entity.get_absolute_url(), True),
        "entities": ("/entities/", True),
        "search": ("/search/?q=putin", True),
        "labels": ("/labels/", True),
        "feeds": ("/feeds/", True),
        "settings": ("/settings/", True),
        "shared-links": ("/shared-links/", True),
        "versions": (f"/articles/{article.pk}/versions/", True),
        "review-reader": (world["changed"].get_absolute_url(), True),
        "review-versions": (f"/articles/{world['changed'].pk}/versions/", True),
        "review-version": (_as_it_was(world["changed"]), True),
        "review-library": ("/?view=review", True),
        "trash": ("/trash/", True),
        "library-page-2": ("/?page=2", True),
        "delete-article": (f"/articles/{article.pk}/delete/", True),
        "delete-annotation": (f"/annotations/{world['note'].pk}/delete/", True),
        "delete-label": (f"/labels/{article.labels.get().pk}/delete/", True),
        "delete-feed": (f"/feeds/{world['feed'].pk}/delete/", True),
        "delete-entity": (f"{entity.get_absolute_url()}delete/", True),
        "revoke-link": (f"/shared-links/{world['link'].pk}/revoke/", True),
        "share-page": (world["link"].get_absolute_url(), False),
        "sign-in": ("/login/", False),
        # Accounts (issue 16)
        "password-reset": ("/password-reset/", False),
        "accept-invitation": (f"/invite/{world['invitation']}/", False),
        "two-factor": ("/settings/two-factor/", True),
        "password-change": ("/settings/password/", True),
        "team": ("/team/", True),
        "team-invitations": ("/team/invitations/", True),
        "team-groups": ("/team/groups/", True),
        "team-group": (f"/team/groups/{world['desk'].pk}/", True),
        "team-settings": ("/team/settings/", True),
        # Moving in and out (issue 19)
        "import": ("/import/", True),
        "export": ("/export/", True),
        # The fact-checking desk and watchlists (issue 22)
        "claims": ("/claims/", True),
        "claim": (world["claim"].get_absolute_url(), True),
        "claims-policy": ("/team/settings/fact-checking/", True),
        "notifications": ("/notifications/", True),
    }


def _as_it_was(story) -> str:
    orphan = story.annotations.get(status="orphaned")
    return f"/articles/{story.pk}/versions/{orphan.written_on_id}/?a={orphan.pk}#annotation-{orphan.pk}"


def visit_pages(browser, live_server, world, *, size, scheme):
    """Each main page, loaded at `size` in `scheme`, signed in or not as it needs: yields
    (name, page, errors) once the page is still (the network idle); `errors` collects the
    page's script errors, for the caller to read and clear."""
    width, height = size
    for signed_in in (True, False):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        if signed_in:
            context.add_cookies([{
                "name": settings.SESSION_COOKIE_NAME, "value": world["session"],
                "url": live_server.url,
            }])  # fmt: skip
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            for name, (path, needs_session) in _pages(world).items():
                if needs_session == signed_in:
                    page.goto(live_server.url + path)
                    page.wait_for_load_state("networkidle")
                    yield name, page, errors
        finally:
            context.close()


def test_take_screenshots(browser, live_server, world):
    OUT.mkdir(parents=True, exist_ok=True)
    broken = []
    for size, dimensions in SIZES.items():
        for scheme in SCHEMES:
            pages = visit_pages(browser, live_server, world, size=dimensions, scheme=scheme)
            for name, page, errors in pages:
                page.screenshot(path=OUT / f"{name}-{size}-{scheme}.png", full_page=True)
                if errors:
                    broken.append((name, size, scheme, list(errors)))
                    errors.clear()
    assert broken == []
