"""The permission matrix of tests/test_permission_matrix.py, extended to the API: every
operation of the OpenAPI document (`GET /api/v1/openapi.json`), times every kind of caller,
and the two kinds of endpoint outside Ninja (the W3C annotation containers and the
Hypothesis-shaped search) in a table of their own.

The callers all send `Authorization: Bearer nr_...` (but anonymous, who sends nothing):
alice's read token and her write token (she is the owner of what the world holds), bob's
(on "Politics desk" with alice: he sees her shared note, never her private one), carol's
(in no group with alice), root's (an administrator: a private note is private from him
too), gail's (a guest on the desk: she reads what the desk reads, writes nothing; her token
is a write token, so the role refuses, not the scope), dave's (on the desk, made his token,
then was deactivated) and one alice revoked. Every token but alice's read token is a write
token.

Who answers what comes from the rules (`articles.api.auth`, `articles.permissions`):
anonymous, deactivated and revoked are 401 everywhere; a read token or a guest asking for
a write is 403 before the view runs; a hidden object is 404 like one that does not exist
(alice's private note, for everyone but alice), a visible one that is not the caller's to
change is 403 (her shared note, for bob); the owner's write token gets 2xx. No response to
anyone but alice carries her private note (PRIVATE_TEXT) or her private entity's name, and
the desk's note shows only to the desk.

The world is built once for the module, inside a transaction that is rolled back at the
end; each case runs in a savepoint of it (pytest-django's `db`), so a write one case makes
(a deletion, an edit) is gone before the next one. When an operation is added to the API,
`test_every_documented_operation_has_a_row` fails until TABLE has a row for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from articles import accounts, apitokens, claims, library, webannotation
from articles.api.annotation import annotation_etag
from articles.api.articles import article_etag
from articles.entities import curation
from articles.models import Annotation, Article, Claim, Entity, Feed, FetchJob, Role
from tests.factories import highlight, make_article, make_group, make_user, span, tag

if TYPE_CHECKING:
    from collections.abc import Callable

PRIVATE_TEXT = "PRIVATE-LEAD-7731"
PRIVATE_ENTITY = "Kade Vertrouwelijk"  # an entity made for alice's private mention only
GROUP_TEXT = "DESK-NOTE-4410"
BASE = "http://testserver"
OWN_STORY = (
    "Ferry Line Resumes\n\n"
    "The ferry line to the islands resumed on Tuesday after the storm.\n\n"
    "Passengers queued at the quay from early morning."
)

SIGNED_OUT = ("anonymous", "deactivated", "revoked")
SIGNED_IN = ("read", "write", "other", "outsider", "admin", "guest")
CALLERS = (*SIGNED_IN, *SIGNED_OUT)
ALICE = frozenset({"read", "write"})  # alice's own tokens: she sees her private note
DESK = frozenset({"read", "write", "other", "guest"})  # who sees the desk's note
EVERY_SIGNED_IN = frozenset(SIGNED_IN)
# The write tokens of active members (not a guest): who may get as far as the view.
WRITERS = frozenset({"write", "other", "outsider", "admin"})
READING = frozenset({"GET", "HEAD", "OPTIONS"})


# The world ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = _build()
        yield built
        transaction.set_rollback(True)


def _build() -> dict[str, Any]:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    root = make_user("root", staff=True)
    gail, dave = make_user("gail"), make_user("dave")
    accounts.set_role(gail, Role.GUEST, by=root)
    desk = make_group("Politics desk", alice, bob, gail, dave)
    article = make_article()  # added by nobody: only an administrator moves it to the trash
    own = make_article(OWN_STORY, user=alice)  # alice's: she may move it to the trash
    private = highlight(article, alice, "eighth day", note=PRIVATE_TEXT, audience=None)
    shared = highlight(article, alice, "container ships", note=GROUP_TEXT, audience=desk)
    # Entities: a team one mentioned for the desk, and alice's private one (private mention).
    port = curation.create_entity("Rotterdam", "place", alice)
    tag(article, alice, "Rotterdam", entity=port, audience=desk)
    harbour = curation.create_entity("Port of Rotterdam", "place", alice)
    tag(article, alice, "Monday", entity=harbour, audience=desk)
    secret = tag(
        article, alice, "port authority", name=PRIVATE_ENTITY, kind="organisation",
        audience=None,
    ).entity  # fmt: skip
    label = library.add_label(article, "Harbours", alice)
    job = FetchJob.objects.create(
        url="https://news.example.org/gone", status=FetchJob.Status.FAILED, error="404",
        requested_by=alice,
    )  # fmt: skip
    feed = Feed.objects.create(url="https://news.example.org/feed.xml", added_by=alice)
    # Claims: the desk's, with bob's verdict waiting for a second person's sign-off; and
    # alice's own, whose claimant is her private entity and whose evidence is her lead.
    desk_claim = claims.mark(article, alice, **span(article, "Dock workers"), audience=desk)
    claims.set_verdict(desk_claim, bob, "False")
    claims.add_evidence(desk_claim, bob, stance="contradicts", note=GROUP_TEXT)
    private_claim = claims.mark(
        article, alice, **span(article, "stayed off the job"), audience=None, claimant=secret
    )
    claims.add_evidence(private_claim, alice, stance="supports", note=PRIVATE_TEXT)
    raw = {
        "read": apitokens.create(alice, "reader", "read")[1],
        "write": apitokens.create(alice, "writer", "write")[1],
        "other": apitokens.create(bob, "bob", "write")[1],
        "outsider": apitokens.create(carol, "carol", "write")[1],
        "admin": apitokens.create(root, "root", "write")[1],
        "guest": apitokens.create(gail, "gail", "write")[1],
        "deactivated": apitokens.create(dave, "dave", "write")[1],
    }
    revoked, raw["revoked"] = apitokens.create(alice, "old script", "write")
    apitokens.revoke(alice, revoked.pk)
    accounts.deactivate(dave, by=root)
    for obj in (article, own, private, shared, port, harbour, secret, desk_claim, private_claim):
        obj.refresh_from_db()
    return {
        "tokens": raw,
        "users": {"alice": alice, "bob": bob, "carol": carol, "root": root, "gail": gail},
        "desk": desk,
        "article": article,
        "own": own,
        "private": private,
        "shared": shared,
        "port": port,
        "harbour": harbour,
        "secret": secret,
        "label": label,
        "job": job,
        "feed": feed,
        "desk_claim": desk_claim,
        "private_claim": private_claim,
    }


# What each caller is told -------------------------------------------------------------


def reads(seen_by: frozenset[str] = EVERY_SIGNED_IN, status: int = 200) -> dict[str, int]:
    """A read: `status` for whoever may see the object, 404 for the others."""
    return {
        **dict.fromkeys(SIGNED_OUT, 401),
        **{c: status if c in seen_by else 404 for c in SIGNED_IN},
    }


def writes(
    status: int,
    *,
    allowed: frozenset[str] = WRITERS,
    sees: frozenset[str] = EVERY_SIGNED_IN,
    but: dict[str, int] | None = None,
) -> dict[str, int]:
    """A write: `status` for the writers `allowed`, 403 for a writer who sees the object
    but may not change it, 404 for one it is hidden from; a read token and a guest are
    refused (403) before the view runs. `but`: the callers answered otherwise, and why is
    said where the row is."""
    expected = {**dict.fromkeys(SIGNED_OUT, 401), "read": 403, "guest": 403}
    for caller in WRITERS:
        if caller in allowed:
            expected[caller] = status
        else:
            expected[caller] = 403 if caller in sees else 404
    return expected | (but or {})


@dataclass(frozen=True)
class Case:
    """One way to call an operation: its path filled with world objects (`params`: the
    path parameter's name to a key of the world), a body, headers, a query string; what
    each caller is answered; who must see the private and desk notes in the answer (all
    others must not)."""

    name: str
    expect: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)
    body: Callable[[dict[str, Any]], Any] | None = None
    headers: Callable[[dict[str, Any]], dict[str, str]] | None = None
    # A value "@key" is the world object's pk, "@reader" the article's reader URL.
    query: dict[str, str] = field(default_factory=dict)
    private_for: frozenset[str] = frozenset()
    secret_for: frozenset[str] = frozenset()  # who must see alice's private entity
    group_for: frozenset[str] = frozenset()
    content_type: str = "application/json"


def _passage(world: dict[str, Any], phrase: str) -> dict[str, Any]:
    article = world["article"]
    where = span(article, phrase)
    return {
        "type": "SpecificResource",
        "source": BASE + article.get_absolute_url(),
        "selector": [
            {"type": "TextPositionSelector", "start": where["start"], "end": where["end"]},
            {"type": "TextQuoteSelector", "exact": phrase},
        ],
    }


def new_annotation(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "A new note from the API"},
        "target": _passage(world, "talks with the port authority"),
    }


def _claim_in(world: dict[str, Any]) -> dict[str, Any]:
    return {"article": world["article"].pk, **span(world["article"], "The union said")}


def replaced(key: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The annotation `key` as W3C JSON-LD, its note replaced (for PUT)."""

    def body(world: dict[str, Any]) -> dict[str, Any]:
        document = webannotation.annotation_to_jsonld(world[key], BASE)
        document["body"] = {"type": "TextualBody", "value": "Replaced through the API"}
        return document

    return body


def current(key: str) -> Callable[[dict[str, Any]], dict[str, str]]:
    """If-Match with the current ETag of the world's annotation or article `key`."""

    def headers(world: dict[str, Any]) -> dict[str, str]:
        obj = world[key]
        tag_ = annotation_etag(obj) if isinstance(obj, Annotation) else article_etag(obj)
        return {"If-Match": tag_}

    return headers


def _patch(_world: dict[str, Any]) -> dict[str, str]:  # the same for every case
    return {"note": "Changed through the API"}


# The table: every operation of the OpenAPI document, each with its cases ---------------

TABLE: dict[tuple[str, str], list[Case]] = {
    ("GET", "/api/v1/articles"): [
        Case("library", reads()),
        Case("search", reads(), query={"q": "Rotterdam"}),
    ],
    ("POST", "/api/v1/articles"): [
        Case("pasted-text", writes(201), body=lambda _: {"text": OWN_STORY + "\n\nMore."}),
    ],
    ("POST", "/api/v1/articles/file"): [
        Case(
            "text-file",
            writes(201),
            body=lambda _: {
                "file": SimpleUploadedFile("story.txt", (OWN_STORY + "\n\nMore.").encode())
            },
            content_type=MULTIPART_CONTENT,
        ),
    ],
    ("GET", "/api/v1/articles/{pk}"): [Case("article", reads(), params={"pk": "article"})],
    # Nobody added the story: only an administrator moves it to the trash. alice added hers.
    ("DELETE", "/api/v1/articles/{pk}"): [
        Case(
            "added-by-nobody",
            writes(200, allowed=frozenset({"admin"})),
            params={"pk": "article"},
            headers=current("article"),
        ),
        Case(
            "alices-own",
            writes(200, allowed=frozenset({"write", "admin"})),
            params={"pk": "own"},
        ),
    ],
    # A fetch job is its requester's (and followers'); administrators see everyone's.
    ("GET", "/api/v1/jobs/{pk}"): [
        Case("alices-job", reads(ALICE | {"admin"}), params={"pk": "job"}),
    ],
    ("GET", "/api/v1/annotations"): [
        Case("all", reads(), private_for=ALICE, group_for=DESK),
        Case(
            "of-the-article",
            reads(),
            query={"article": "@article"},
            private_for=ALICE,
            group_for=DESK,
        ),
        Case("by-alice", reads(), query={"author": "alice"}, private_for=ALICE, group_for=DESK),
    ],
    ("POST", "/api/v1/annotations"): [
        Case("passage", writes(201), body=new_annotation),
        Case("passage-private", writes(201), body=new_annotation, query={"audience": "private"}),
    ],
    ("GET", "/api/v1/annotations/{pk}"): [
        Case("private", reads(ALICE), params={"pk": "private"}, private_for=ALICE),
        Case("shared", reads(DESK), params={"pk": "shared"}, group_for=DESK),
        # A conditional GET with the right ETag: 304 for alice, still 404 for the others.
        Case(
            "private-not-modified",
            reads(ALICE, status=304),
            params={"pk": "private"},
            headers=lambda w: {"If-None-Match": annotation_etag(w["private"])},
        ),
    ],
    ("PUT", "/api/v1/annotations/{pk}"): [
        Case(
            "private",
            writes(200, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "private"},
            body=replaced("private"),
            headers=current("private"),
        ),
        Case(
            "shared",
            writes(200, allowed=frozenset({"write"}), sees=DESK),
            params={"pk": "shared"},
            body=replaced("shared"),
            headers=current("shared"),
        ),
    ],
    ("PATCH", "/api/v1/annotations/{pk}"): [
        Case(
            "private",
            writes(200, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "private"},
            body=_patch,
            headers=current("private"),
        ),
        Case(
            "shared",
            writes(200, allowed=frozenset({"write"}), sees=DESK),
            params={"pk": "shared"},
            body=_patch,
            headers=current("shared"),
        ),
        # Without If-Match the owner is told 428; nobody else learns the note exists.
        Case(
            "private-without-if-match",
            writes(428, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "private"},
            body=_patch,
        ),
        Case(
            "shared-stale-etag",
            writes(412, allowed=frozenset({"write"}), sees=DESK),
            params={"pk": "shared"},
            body=_patch,
            headers=lambda _: {"If-Match": '"annotation-0-0"'},
        ),
    ],
    # Claims follow the annotation rule: the desk's for the desk, alice's own for her (her
    # private entity as its claimant, her lead as its evidence). Every member who sees a
    # claim works it; signing off is for anyone but the one who gave the verdict (bob).
    ("GET", "/api/v1/claims"): [
        Case("all", reads(), secret_for=ALICE),
        Case("verdicts", reads(), query={"status": "verdict"}),
    ],
    ("POST", "/api/v1/claims"): [
        Case("new", writes(201), body=_claim_in),
        Case(
            "private-claimant",
            writes(201, allowed=frozenset({"write"}), sees=ALICE),
            body=lambda w: {**_claim_in(w), "claimant": w["secret"].pk},
        ),
    ],
    ("GET", "/api/v1/claims/{pk}"): [
        Case("desk", reads(DESK), params={"pk": "desk_claim"}, group_for=DESK),
        Case(
            "private",
            reads(ALICE),
            params={"pk": "private_claim"},
            private_for=ALICE,
            secret_for=ALICE,
        ),
    ],
    ("PATCH", "/api/v1/claims/{pk}"): [
        Case(
            "desk",
            writes(200, allowed=frozenset({"write", "other"}), sees=DESK),
            params={"pk": "desk_claim"},
            body=lambda _: {"assignee": "bob"},
        ),
        Case(
            "private",
            writes(200, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "private_claim"},
            body=lambda _: {"status": "in_progress"},
        ),
    ],
    ("POST", "/api/v1/claims/{pk}/evidence"): [
        Case(
            "desk",
            writes(201, allowed=frozenset({"write", "other"}), sees=DESK),
            params={"pk": "desk_claim"},
            body=lambda _: {"stance": "supports", "url": "https://example.org/report"},
        ),
    ],
    ("POST", "/api/v1/claims/{pk}/sign-off"): [
        # bob gave the verdict: a second person signs it off (403 for him).
        Case(
            "desk",
            writes(200, allowed=frozenset({"write"}), sees=DESK),
            params={"pk": "desk_claim"},
        ),
    ],
    ("GET", "/api/v1/claims/{pk}/claimreview"): [
        Case("desk", reads(DESK), params={"pk": "desk_claim"}),
        # No verdict yet: no ClaimReview, even for alice.
        Case("private", reads(frozenset()), params={"pk": "private_claim"}),
    ],
    ("DELETE", "/api/v1/annotations/{pk}"): [
        Case(
            "private",
            writes(204, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "private"},
            headers=current("private"),
        ),
        Case(
            "shared",
            writes(204, allowed=frozenset({"write"}), sees=DESK),
            params={"pk": "shared"},
        ),
    ],
    # Entities are the team's: every member reads and edits them; merging or deleting one
    # (which moves or removes everyone's mentions) is for its creator (alice) and staff.
    # alice's private entity is hers alone: 404 for everyone else, administrators too.
    ("GET", "/api/v1/entities"): [
        Case("all", reads(), secret_for=ALICE),
        Case("by-prefix", reads(), query={"q": "Kade"}, secret_for=ALICE),
    ],
    ("GET", "/api/v1/entities/{pk}"): [
        Case("team", reads(), params={"pk": "port"}),
        Case("private", reads(ALICE), params={"pk": "secret"}, secret_for=ALICE),
    ],
    ("PATCH", "/api/v1/entities/{pk}"): [
        Case("team", writes(200), params={"pk": "port"}, body=lambda _: {"description": "A port"}),
        Case(
            "private",
            writes(200, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "secret"},
            body=lambda _: {"add_aliases": ["De Kade"]},
        ),
    ],
    ("DELETE", "/api/v1/entities/{pk}"): [
        # root cannot see the desk's mention of it: deleting would remove it unseen (409).
        Case(
            "team",
            writes(204, allowed=frozenset({"write", "admin"}), but={"admin": 409}),
            params={"pk": "port"},
        ),
        Case(
            "private",
            writes(204, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "secret"},
        ),
    ],
    ("GET", "/api/v1/entities/{pk}/mentions"): [
        Case("team", reads(), params={"pk": "port"}),
        Case("private", reads(ALICE), params={"pk": "secret"}),
    ],
    ("POST", "/api/v1/entities/{pk}/merge"): [
        Case(
            "team-into-team",
            writes(200, allowed=frozenset({"write", "admin"})),
            params={"pk": "port"},
            body=lambda w: {"into": w["harbour"].pk},
        ),
        Case(
            "private-into-team",
            writes(200, allowed=frozenset({"write"}), sees=ALICE),
            params={"pk": "secret"},
            body=lambda w: {"into": w["harbour"].pk},
        ),
        # Into alice's private entity: hidden from everyone else (404), even the creator
        # of the entity merged (alice made both; root may merge the team's).
        Case(
            "team-into-private",
            writes(200, allowed=frozenset({"write"}), but={"admin": 404}),
            params={"pk": "port"},
            body=lambda w: {"into": w["secret"].pk},
        ),
    ],
    # Labels are the whole team's: every member renames, deletes, puts on and takes off.
    ("GET", "/api/v1/labels"): [Case("all", reads())],
    ("GET", "/api/v1/labels/{pk}"): [Case("label", reads(), params={"pk": "label"})],
    ("PATCH", "/api/v1/labels/{pk}"): [
        Case("label", writes(200), params={"pk": "label"}, body=lambda _: {"name": "Ports"}),
    ],
    ("DELETE", "/api/v1/labels/{pk}"): [Case("label", writes(204), params={"pk": "label"})],
    ("POST", "/api/v1/articles/{pk}/labels"): [
        Case(
            "new-label", writes(201), params={"pk": "article"}, body=lambda _: {"name": "Ferries"}
        ),
        Case("has-it", writes(200), params={"pk": "article"}, body=lambda _: {"name": "harbours"}),
    ],
    ("DELETE", "/api/v1/articles/{pk}/labels/{label_pk}"): [
        Case("label", writes(204), params={"pk": "article", "label_pk": "label"}),
    ],
    # Feeds are the team's; changing the interval or unsubscribing is for whoever added
    # the feed (alice) and staff. Every member may ask for a poll.
    ("GET", "/api/v1/feeds"): [Case("all", reads())],
    ("POST", "/api/v1/feeds"): [
        Case("new", writes(201), body=lambda _: {"url": "https://news.example.org/other.xml"}),
        Case("followed", writes(200), body=lambda _: {"url": "https://news.example.org/feed.xml"}),
    ],
    ("GET", "/api/v1/feeds/{pk}"): [Case("feed", reads(), params={"pk": "feed"})],
    ("PATCH", "/api/v1/feeds/{pk}"): [
        Case(
            "feed",
            writes(200, allowed=frozenset({"write", "admin"})),
            params={"pk": "feed"},
            body=lambda _: {"interval_minutes": 5},
        ),
    ],
    ("DELETE", "/api/v1/feeds/{pk}"): [
        Case("feed", writes(204, allowed=frozenset({"write", "admin"})), params={"pk": "feed"}),
    ],
    ("POST", "/api/v1/feeds/{pk}/poll"): [Case("feed", writes(202), params={"pk": "feed"})],
    # Search finds what the caller may see: alice's private note for her alone.
    ("GET", "/api/v1/search"): [
        Case("private-words", reads(), query={"q": "eighth"}, private_for=ALICE),
        Case("desk-words", reads(), query={"q": "container"}, group_for=DESK),
        Case("has-notes", reads(), query={"q": "has:notes"}),
        Case("by-alice", reads(), query={"q": "by:alice"}),
        Case("private-entity", reads(), query={"q": "Vertrouwelijk"}, secret_for=ALICE),
    ],
}


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in methods
    }


CASES = [
    pytest.param((method, path), case, caller, id=f"{method} {path} {case.name} {caller}")
    for (method, path), cases in TABLE.items()
    for case in cases
    for caller in CALLERS
]


# Calling -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_client():
    """One test client for the module: the callers hold no session, only their tokens."""
    return Client()


def _credentials(world: dict[str, Any], caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    return {"Authorization": f"Bearer {world['tokens'][caller]}"}


def _fill(path: str, params: dict[str, str], world: dict[str, Any]) -> str:
    for name, key in params.items():
        path = path.replace("{" + name + "}", str(world[key].pk))
    assert "{" not in path, f"unfilled path parameter in {path}"
    return path


def _value(world: dict[str, Any], value: str) -> str:
    if value == "@reader":
        return BASE + world["article"].get_absolute_url()
    return str(world[value[1:]].pk) if value.startswith("@") else value


def call(client: Client, world: dict[str, Any], caller: str, target: tuple[str, str], case: Case):
    """`case` sent by `caller` to `target` (the method and the filled-in path)."""
    method, url = target
    headers = {**_credentials(world, caller), **(case.headers(world) if case.headers else {})}
    query = {k: _value(world, v) for k, v in case.query.items()}
    if query:
        url = f"{url}?{urlencode(query)}"
    if method in READING:
        return client.generic(method, url, headers=headers)
    if case.content_type == MULTIPART_CONTENT:
        form = encode_multipart(BOUNDARY, case.body(world) if case.body else {})
        return client.generic(method, url, form, content_type=MULTIPART_CONTENT, headers=headers)
    data = "" if case.body is None else json.dumps(case.body(world))
    return client.generic(method, url, data, content_type=case.content_type, headers=headers)


def check_answer(response, world: dict[str, Any], case: Case, caller: str, what: str) -> None:
    body = response.content.decode(errors="replace")
    wanted = case.expect[caller]
    assert response.status_code == wanted, f"{what} as {caller}: {body[:400]}"
    if wanted >= 400 and body:
        assert response["Content-Type"].startswith("application/problem+json"), what
    if wanted == 401:
        assert "WWW-Authenticate" in response.headers, what
    shown = wanted < 300
    # Private to alice: never in anyone else's answer; in hers where the case says so.
    if caller not in ALICE:
        assert PRIVATE_TEXT not in body, f"{what} as {caller}: alice's private note leaked"
        assert PRIVATE_ENTITY not in body, f"{what} as {caller}: alice's private entity leaked"
        if shown:  # not even its id (a refusal may name the address the caller asked for)
            article, private = world["article"], world["private"]
            iri = BASE + reverse("container_annotation", args=[article.pk, private.pk])
            assert f'"{iri}"' not in body, f"{what} as {caller}: alice's private note's IRI"
    elif shown and caller in case.private_for:
        assert PRIVATE_TEXT in body, f"{what} as {caller}: alice's own note is missing"
    if shown and caller in case.secret_for:
        assert PRIVATE_ENTITY in body, f"{what} as {caller}: alice's own entity is missing"
    # The desk's note: never outside the desk; to the desk where the case says so.
    if caller not in DESK:
        assert GROUP_TEXT not in body, f"{what} as {caller}: the desk's note leaked"
    elif shown and caller in case.group_for:
        assert GROUP_TEXT in body, f"{what} as {caller}: the desk's note is missing"


def unchanged(world: dict[str, Any]) -> None:
    """Everything a refused write might have touched is as the world made it: alice's
    notes, the two articles, the entities, the label (and that it is on the story), the
    feed, the two claims (their step, assignee, sign-off and evidence)."""
    notes = dict(
        Annotation.objects.filter(pk__in=[world["private"].pk, world["shared"].pk]).values_list(
            "pk", "note"
        )
    )
    assert notes == {world["private"].pk: PRIVATE_TEXT, world["shared"].pk: GROUP_TEXT}
    alive = Article.objects.filter(pk__in=[world["article"].pk, world["own"].pk]).count()
    assert alive == 2
    keys = ("port", "harbour", "secret")
    entities = dict(
        Entity.objects.filter(pk__in=[world[k].pk for k in keys]).values_list("pk", "description")
    )
    assert entities == {world[k].pk: world[k].description for k in keys}
    assert list(world["article"].labels.values_list("name", flat=True)) == ["Harbours"]
    feed = Feed.objects.filter(pk=world["feed"].pk).values_list("interval_minutes", flat=True)
    assert list(feed) == [world["feed"].interval_minutes]
    for key in ("desk_claim", "private_claim"):
        made = world[key]
        now = Claim.objects.get(pk=made.pk)
        assert (now.status, now.assignee_id, now.signed_off_by_id) == (made.status, None, None)
        assert now.evidence.count() == 1
    assert Claim.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "case", "caller"), CASES)
def test_api_permission_matrix(world, api_client, operation, case, caller):
    method, path = operation
    url = _fill(path, case.params, world)
    response = call(api_client, world, caller, (method, url), case)
    check_answer(response, world, case, caller, f"{method} {url} ({case.name})")
    if method not in READING and response.status_code >= 400:
        unchanged(world)  # a refused write changes nothing


# Coverage and the auth layer, from the OpenAPI document itself ------------------------


@pytest.fixture
def documented(db, api_client) -> set[tuple[str, str]]:
    response = api_client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return _operations(response.json())


def test_every_documented_operation_has_a_row(documented):
    """A new endpoint needs its row in TABLE (and its cases); a row for an endpoint that
    is gone is stale."""
    missing = sorted(documented - TABLE.keys())
    assert not missing, f"operations in the OpenAPI document with no row in TABLE: {missing}"
    stale = sorted(TABLE.keys() - documented)
    assert not stale, f"rows in TABLE for operations the OpenAPI document lacks: {stale}"


def test_every_row_answers_every_caller():
    for (method, path), cases in TABLE.items():
        assert cases, f"{method} {path} has no case"
        for case in cases:
            assert set(case.expect) == set(CALLERS), f"{method} {path} {case.name}"


def test_the_auth_layer_holds_for_every_documented_operation(world, api_client, documented):
    """Whatever an operation does, and before it reads its parameters: no or a dead token
    is 401, a read token or a guest asking for a write is 403. Checked for every
    operation the document lists, including any without a row yet."""
    wrong = []
    for method, path in sorted(documented):
        url = path
        while "{" in url:  # any value: the caller is refused before the path is read
            start = url.index("{")
            url = url[:start] + "1" + url[url.index("}", start) + 1 :]
        callers = dict.fromkeys(SIGNED_OUT, 401)
        if method not in READING:
            callers |= {"read": 403, "guest": 403}
        for caller, status in callers.items():
            headers = _credentials(world, caller)
            if method in READING:
                response = api_client.generic(method, url, headers=headers)
            else:
                response = api_client.generic(
                    method, url, "{}", content_type="application/json", headers=headers
                )
            body = response.content.decode(errors="replace")
            if response.status_code != status or PRIVATE_TEXT in body:
                wrong.append(f"{method} {url} as {caller}: {response.status_code}, not {status}")
    assert not wrong, "\n".join(wrong)


def test_the_owner_really_changed_her_note(world, api_client):
    """A 2xx row does what it says: alice's PATCH is stored, with a new ETag."""
    url = f"/api/v1/annotations/{world['private'].pk}"
    headers = {**_credentials(world, "write"), **current("private")(world)}
    response = api_client.patch(
        url, {"note": "Rewritten"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    assert Annotation.objects.get(pk=world["private"].pk).note == "Rewritten"
    assert response["ETag"] != headers["If-Match"]


# The endpoints outside Ninja: the W3C annotation containers and the Hypothesis search ---

PROTOCOL = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def _container(world: dict[str, Any]) -> str:
    return reverse("annotation_container", args=[world["article"].pk])


def _in_container(key: str) -> Callable[[dict[str, Any]], str]:
    def url(world: dict[str, Any]) -> str:
        return reverse("container_annotation", args=[world["article"].pk, world[key].pk])

    return url


@dataclass(frozen=True)
class Plain:
    """A call to an endpoint outside the OpenAPI document."""

    method: str
    name: str
    url: Callable[[dict[str, Any]], str]
    case: Case


PLAIN = [
    # The container itself names its pages; its first page holds what the caller sees.
    Plain("GET", "container", _container, Case("container", reads())),
    Plain("GET", "container-page", _container, Case(
        "container", reads(), private_for=ALICE, group_for=DESK, query={"page": "0"},
    )),
    Plain("GET", "container-iris", _container, Case(
        "container", reads(), query={"page": "0", "iris": "1"},
    )),
    Plain("POST", "container", _container, Case(
        "container", writes(201), body=new_annotation, content_type=PROTOCOL,
    )),
    Plain("GET", "private", _in_container("private"), Case(
        "private", reads(ALICE), private_for=ALICE,
    )),
    Plain("GET", "private-not-modified", _in_container("private"), Case(
        "private", reads(ALICE, status=304),
        headers=lambda w: {"If-None-Match": annotation_etag(w["private"])},
    )),
    Plain("GET", "shared", _in_container("shared"), Case(
        "shared", reads(DESK), group_for=DESK,
    )),
    Plain("PUT", "private", _in_container("private"), Case(
        "private", writes(200, allowed=frozenset({"write"}), sees=ALICE),
        body=replaced("private"), headers=current("private"), content_type=PROTOCOL,
    )),
    Plain("PUT", "shared", _in_container("shared"), Case(
        "shared", writes(200, allowed=frozenset({"write"}), sees=DESK),
        body=replaced("shared"), headers=current("shared"), content_type=PROTOCOL,
    )),
    Plain("PUT", "private-without-if-match", _in_container("private"), Case(
        "private", writes(428, allowed=frozenset({"write"}), sees=ALICE),
        body=replaced("private"), content_type=PROTOCOL,
    )),
    Plain("DELETE", "private", _in_container("private"), Case(
        "private", writes(204, allowed=frozenset({"write"}), sees=ALICE),
        headers=current("private"),
    )),
    Plain("DELETE", "shared", _in_container("shared"), Case(
        "shared", writes(204, allowed=frozenset({"write"}), sees=DESK),
        headers=current("shared"),
    )),
    Plain("GET", "hypothesis-search", lambda _: reverse("hypothesis_search"), Case(
        "search", reads(), private_for=ALICE, group_for=DESK,
    )),
    Plain("GET", "hypothesis-search-by-uri", lambda _: reverse("hypothesis_search"), Case(
        "search", reads(), private_for=ALICE, group_for=DESK,
        query={"uri": "@reader", "limit": "200"},
    )),
    Plain("GET", "hypothesis-search-by-alice", lambda _: reverse("hypothesis_search"), Case(
        "search", reads(), private_for=ALICE, group_for=DESK, query={"user": "alice"},
    )),
    Plain("GET", "hypothesis-search-private", lambda _: reverse("hypothesis_search"), Case(
        "search", reads(), private_for=ALICE, query={"group": "private"},
    )),
    Plain("GET", "hypothesis-search-words", lambda _: reverse("hypothesis_search"), Case(
        "search", reads(), private_for=ALICE, query={"text": "PRIVATE-LEAD-7731"},
    )),
]  # fmt: skip

PLAIN_CASES = [
    pytest.param(plain, caller, id=f"{plain.method} {plain.name} {caller}")
    for plain in PLAIN
    for caller in CALLERS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("plain", "caller"), PLAIN_CASES)
def test_protocol_and_hypothesis_matrix(world, api_client, plain, caller):
    url = plain.url(world)
    response = call(api_client, world, caller, (plain.method, url), plain.case)
    check_answer(response, world, plain.case, caller, f"{plain.method} {url} ({plain.name})")
    if plain.method not in READING and response.status_code >= 400:
        unchanged(world)
