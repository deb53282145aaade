"""Test data, made the way the app makes it: people, groups, articles, annotations.

Every factory goes through the same functions the views call (ingest, annotations,
tagging, sharing), so a test's world obeys the app's invariants. Names are plain:
`make_user`, `make_group`, `make_article`, `make_sample`, `span`, `highlight`, `claim`, `tag`,
and `signed_in` for a second browser session. The fixtures built on them (`user`, `bob`,
`desk`, `article`, `sample`, ...) are in tests/conftest.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from articles import annotations as annotating
from articles import sharing
from articles.entities import tagging
from articles.ingest import ingest
from articles.models import Membership, TeamGroup

STORY = (
    "Harbour Strike Enters Second Week\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port.\n\n"
    "The union said talks with the port authority would resume on Thursday."
)


def make_user(username: str, *, password: str | None = None, staff: bool = False, **fields: Any):
    """A member of the team (and so of "Everyone"); an administrator with `staff`."""
    users = get_user_model().objects
    email = fields.pop("email", f"{username}@example.org")
    if staff:
        return users.create_superuser(username, email, password, **fields)
    return users.create_user(username, email, password, **fields)


def make_group(name: str, *members) -> TeamGroup:
    group = TeamGroup.objects.create(name=name)
    for member in members:
        Membership.objects.create(group=group, user=member)
    return group


def make_article(text: str = STORY, **kwargs: Any):
    """An article ingested from `text` (plain text or HTML), as an upload would be."""
    return ingest(text, **kwargs).article


def make_sample(**kwargs: Any):
    """The acceptance sample (../shared/samples/north-korean-troops.txt), ingested as an
    upload of that file; the test skips where ../shared is absent."""
    from tests.conftest import shared_file

    path = shared_file("samples", "north-korean-troops.txt")
    return ingest(path.read_bytes(), filename=path.name, **kwargs).article


def signed_in(user) -> Client:
    """A browser of its own, signed in as `user` (beside the `client` fixture's)."""
    client = Client()
    client.force_login(user)
    return client


def span(article, phrase: str, nth: int = 0) -> dict[str, Any]:
    """The offsets and quote of the `nth` occurrence of `phrase` in the article's text."""
    start = -1
    for _ in range(nth + 1):
        start = article.body_text.index(phrase, start + 1)
    return {"start": start, "end": start + len(phrase), "quote": phrase}


def highlight(article, author, phrase: str, *, nth: int = 0, **fields: Any):
    """A highlight (or, with `note=`, a note) on `phrase`; shared with Everyone unless
    `audience=` says otherwise (None for "Only me", or a group)."""
    fields.setdefault("audience", sharing.EVERYONE)
    return annotating.create(article, author, **span(article, phrase, nth), **fields)


def claim(article, author, phrase: str, *, nth: int = 0, **fields: Any):
    """A claim on `phrase`, To check, as the toolbar's Claim makes it; shared with
    Everyone unless `audience=` says otherwise."""
    from articles import claims

    fields.setdefault("audience", sharing.EVERYONE)
    return claims.mark(article, author, **span(article, phrase, nth), **fields)


def tag(article, author, phrase: str, *, nth: int = 0, **fields: Any):
    """A mention on `phrase`, as the tag form makes it: of `entity=`, or of a new entity
    `name=` of `kind=`; shared with Everyone unless `audience=` says otherwise."""
    return tagging.tag(article, author, **span(article, phrase, nth), **fields)


class _FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea = ""
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "checkbox", "radio"}:
            self.data[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and "selected" in a and self._select:
            self.data[self._select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = ""


def form_fields(html: str) -> dict[str, str]:
    """The fields of the page's forms with their current values, as a browser posts them
    (text inputs, textareas, selected options)."""
    parser = _FormFields()
    parser.feed(html)
    return parser.data
