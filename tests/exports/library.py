"""A library with one of everything an export or a backup must carry, built the way the
app builds it: versions and re-anchored annotations (changed, orphaned, reviewed),
private and shared notes, page notes, mentions of entities with aliases, labels, reading
states, a feed with its entries, groups, a share link, a trashed article."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from articles import annotations as annotating
from articles import library as shelf
from articles import sharing, trash, versions
from articles.entities import curation
from articles.ingest import prepare
from articles.models import Annotation, Article, Feed, FeedEntry, Preference
from tests.factories import highlight, make_article, tag

TEXT = (
    "Harbour Strike Enters Second Week\n\n"
    "By Jane Doe\n\n"
    "March 3, 2025\n\n"
    "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port.\n\n"
    "The union said talks with the port authority would resume on Thursday, and that 4,000 "
    "members had voted to continue.\n\n"
    "Related article: https://news.example.org/2025/03/01/ports"
)
# The same story, updated: the talks' day gone, the vote's figure and a day changed.
UPDATED = (
    TEXT.replace("would resume on Thursday, and", "are off, and")
    .replace("4,000", "4,500")
    .replace("day on Monday", "day on Tuesday")
)

TRICKY_NOTE = (
    "---\ntitle: not front matter\n---\n"
    "> a quote inside the note\n\n"
    "```python\nprint('an unclosed fence')\n\n"
)

HTML = (
    "<html><head><title>Zürich – «Größe» &amp; co</title></head><body><article>"
    "<h1>Zürich – «Größe» &amp; co</h1><p>Die Stadt Zürich wächst: 450 000 Einwohner, "
    "sagt das Amt für Statistik. Das ist ein neuer Rekord für die Stadt.</p>"
    "<p>=SUM(A1:A9) is how a spreadsheet would read this sentence, and @home too.</p>"
    "</article></body></html>"
)


@dataclass
class Library:
    strike: Article
    zurich: Article
    made: dict[str, Annotation] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def make_library(user, bob, desk) -> Library:
    strike = versions.save_or_update(prepare(TEXT), user).article
    zurich = make_article(HTML, filename="zurich.html", user=bob)
    made = {
        "green": highlight(strike, user, "container ships waiting", color="green",
                           note=TRICKY_NOTE),
        "private": highlight(strike, user, "Dock workers in Rotterdam", color="blue",
                             note="alice's own: *only me*", audience=None),
        "bob private": highlight(strike, bob, "eighth day", note="SECRET-BOB never exported",
                                 audience=None),
        "bob desk": highlight(strike, bob, "the port authority", note="Desk: call them",
                              audience=desk, color="pink"),
        "changed": highlight(strike, user, "would resume on Thursday", note="date?"),
        "orphan": highlight(strike, user, "4,000 members had voted to continue",
                            color="green"),
        "reviewed": highlight(strike, user, "an eighth day on Monday"),
        "page note": annotating.create_page_note(strike, user, note="Follow up on **Friday**."),
        "formula": highlight(zurich, bob, "=SUM(A1:A9)", note="-1 or +1? @everyone"),
        "unicode": highlight(zurich, user, "Die Stadt Zürich wächst", color="purple",
                             note="«Größe» – 😀"),
    }  # fmt: skip
    port = curation.create_entity("Rotterdam", "place", user, description="A port city")
    curation.add_alias(port, "Port of Rotterdam")
    made["mention"] = tag(strike, user, "Rotterdam", entity=port).mention
    union = curation.create_entity("FNV", "organisation", bob)
    made["page mention"] = annotating.create_page_mention(strike, bob, entity=union, text="FNV")
    annotating.update(made["page note"], note="Follow up on **Friday**, at the port.", by=user)
    sharing.move(made["green"], desk, by=user)

    result = versions.save_or_update(prepare(UPDATED))
    assert result.updated is not None
    assert result.updated.orphaned == 1
    for annotation in made.values():
        annotation.refresh_from_db()
    assert made["changed"].is_changed
    assert made["orphan"].is_orphaned
    annotating.still_stands(made["reviewed"], user)  # changed, and reviewed: it stands
    made["reviewed"].refresh_from_db()

    shelf.add_label(strike, "Ukraine", user)
    shelf.add_label(strike, "Investigation X", bob)
    shelf.add_label(zurich, "Investigation X", bob)
    shelf.set_state(user, strike, "read", on=True)
    shelf.set_state(user, zurich, "favourite", on=True)
    shelf.set_state(bob, zurich, "archived", on=True)
    feed = Feed.objects.create(url="https://news.example.org/feed.xml", title="Example News",
                               added_by=user, etag='"abc"')  # fmt: skip
    FeedEntry.objects.create(feed=feed, guid="urn:strike", article=strike, content_hash="f" * 64)
    link = sharing.create_link(user, strike)
    Preference.objects.update_or_create(user=user, defaults={"theme": "dark", "text_scale": "1.20"})
    profile = user.profile
    profile.display_name = "Alice Martin"
    profile.save()
    gone = make_article("Old Story\n\nA story someone deleted, with nothing on it.", user=user)
    trash.move_to_trash(gone, by=user)
    strike.refresh_from_db()
    return Library(strike, zurich, made, {"feed": feed, "link": link, "port": port, "gone": gone})
