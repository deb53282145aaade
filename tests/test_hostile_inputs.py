"""No input reaches a 500: the cases the fault run found, by name, then a walk of every URL
pattern, by each method, with hostile values in each parameter.

The walk discovers the patterns from the URL conf (the admin's included), fills their
converters with the ids of a small world (an article, annotations, entities, an alias, a
label, a feed, a fetch job, a share link, a version, a trashed article), and sends, as a
visitor, a member and an administrator, by GET and by POST:
- a baseline of plausible values, recording which parameters the view reads;
- every parameter at once with each kind of hostile value: NUL, other scripts' digits
  (², ٣), signs and spaces, huge numbers, fractions, empty, long text, control characters,
  search syntax, repeated keys (only NUL and a mixture where the view reads nothing, as
  behind the sign-in redirect: then the middleware is all that runs);
- digits, signs, huge numbers, long text, search syntax and repeated keys in one
  parameter at a time, the others plausible, for the parameters the view read (the app's
  views, as the member, who made everything and so passes every check the administrator
  does; the admin's forms clean each field whatever the others hold, so all at once does
  for them);
- bytes that are not UTF-8, and a lone surrogate (through a declared UTF-7 charset), in
  the query string and the body, urlencoded and multipart; a 10 MB body;
- hostile values in the path's text slots (`/s/<token>/`) and huge ids in its numbers.
Every request runs in a savepoint rolled back after it, so the world stays as built. No
answer may be a 5xx, and nothing may be logged at ERROR (a 4xx is logged at WARNING).
About 14,000 requests, under a minute.
"""

from __future__ import annotations

import itertools
import logging
import re
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from unittest import mock
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signals
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timezone import now

from articles import (
    accounts,
    apitokens,
    captures,
    claims,
    images,
    jobs,
    library,
    sharing,
    trash,
    watchlists,
)
from articles.entities import curation
from articles.ingest import Fetched
from articles.models import (
    Annotation,
    Article,
    ArticleVersion,
    Feed,
    FetchJob,
    Notification,
    SaveToken,
)
from tests.factories import claim, highlight, make_article, make_group, make_user, span, tag

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.http import HttpResponse

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "member", "admin")

# What the views read (grep request.GET / request.POST in articles/views, and the forms'
# fields), and what people commonly tamper with; each with a plausible value, filled in
# from the world where it names an object.
PARAMETERS = (
    "page", "label", "view", "audience", "ids", "q", "start", "end", "quote", "note",
    "color", "name", "token", "url", "html", "text", "v", "a", "entity", "kind", "alias",
    "form", "author", "group", "new", "from", "description", "wikidata_id", "visibility",
    "interval_minutes", "expiry", "what", "read", "archived", "favourite", "username",
    "password", "next", "setup_code", "email", "password1", "password2", "o", "p", "e",
    # The fact-checking desk (articles/views/claims/).
    "to", "assignee", "claimant", "verdict", "summary", "stance", "annotation", "earlier",
    "unlink", "find", "status", "verdict_scale", "organisation", "organisation_url",
    "two_person_rule",
    # Watchlists (articles/views/watchlists.py).
    "id", "unwatch", "digest",
)  # fmt: skip

# Hostile values by kind; in a request each parameter takes one of its kind's variants.
HOSTILE: dict[str, list[str]] = {
    "nul": ["a\x00b", "\x00"],
    "unicode digits": ["²", "٣", "３", "߃"],  # "²".isdigit(), but int() refuses it
    "signs and spaces": ["-1", "+7", " 7 ", "1_000", "-0"],
    "huge": ["9" * 40, "9223372036854775808", "2147483648"],
    "fractions": ["1.5", "1e3", "NaN", "inf"],
    "empty": [""],
    "long": ["x" * 5000],
    "control": ["a\x01\x1b\x7fb", "\ufeff", "\u202e", "\ufffd"],
    # Search syntax: chains of negations overflowed PostgreSQL's tsquery stack.
    "operators": ["-" * 40, "- " * 40, "-!" * 40, '"-' * 40, "or " * 100, "!(&|:*<->\\'" * 20],
}
ARRAY = ["1", "²", "-1"]  # a repeated key: get() sees the last, getlist() them all
# In one parameter at a time, the others plausible: what a number parser must refuse,
# text too long for its column, and search syntax.
# (Fractions fail as "²" does, so all at once is enough for them.)
ONE_AT_A_TIME = ("unicode digits", "signs and spaces", "huge", "long", "operators", "array")

RAW_QUERY = b"q=\xff\xfe&page=%FF&name=%ED%A0%80&label=\xc0\xaf&note=%C3"
UTF7_SURROGATE = "%2B2AA-"  # "+2AA-" read as UTF-7 is a lone surrogate, U+D800
TEN_MB = b"note=n&text=" + b"x" * (10 * 1024 * 1024)

# Values for the path's text slots (`<str:token>`, `<path:object_id>`, `<str:slug>`), and
# for its numbers.
HOSTILE_SLOTS = ("a\x00b", "²", "\udcff", "x" * 3000, "%")
HOSTILE_IDS = ("9" * 30, "0")
# Django's admin reports tampering with its parameters (a `_to_field` or a lookup it does
# not offer) to django.security at ERROR, on purpose: a staff member probing the admin is
# worth a line in the log.
SECURITY_EVENTS = {
    "django.security.DisallowedModelAdminToField",
    "django.security.DisallowedModelAdminLookup",
}
# The health check answers 503 while no worker has beaten, whatever it is sent.
EXPECTED = {("/healthz", 503)}


# The 500s the fault run found, each by name --------------------------------------------


@pytest.mark.parametrize("page", ["²", "٣", "-1", "1.5", " 2", "9" * 40])
def test_a_page_number_in_other_digits_shows_the_first_page(alice_client, article, page):
    response = alice_client.get(reverse("library"), {"page": page})
    assert response.status_code == 200
    assert article.title in response.text


def test_a_label_in_other_digits_is_a_label_that_does_not_exist(alice_client, article, user):
    label = library.add_label(article, "Harbours", user)
    assert library.Filters.parse({"label": "²"}).label_missing
    assert library.Filters.parse({"label": str(label.pk)}).label == label
    response = alice_client.get(reverse("library"), {"label": "²"})
    assert response.status_code == 200
    assert article.title not in response.text


def test_an_audience_in_other_digits_is_no_group_of_yours(alice_client, article, user):
    tagged = tag(article, user, "Rotterdam", name="Rotterdam", kind="place")
    note = highlight(article, user, "talks", note="Mine")
    passage = span(article, "container ships")
    asked = {
        reverse("annotate", args=[article.pk]): passage,
        reverse("add_page_note", args=[article.pk]): {"note": "A page note"},
        reverse("edit_annotation", args=[note.pk]): {"note": "Changed"},
        reverse("tag_entity", args=[article.pk]): {**passage, "name": "Ships", "kind": "thing"},
        reverse("tag_all", args=[article.pk, tagged.entity.pk]): {"form": "Rotterdam"},
        reverse("accept_suggestion", args=[article.pk]): {"text": "Monday", "kind": "event"},
        reverse("remember_audience"): {},
    }
    for url, data in asked.items():
        for audience in ("²", "٣", "-1", "9" * 40):
            response = alice_client.post(url, {**data, "audience": audience})
            assert response.status_code == 400, (url, audience)
            assert "only with a group you belong to" in response.text, url
    note.refresh_from_db()
    assert note.note == "Mine"


def test_share_cards_leave_out_ids_in_other_digits(client, article, user):
    shown = highlight(article, user, "talks", note="For everyone")
    link = sharing.create_link(user, article, audience="anyone")
    url = reverse("share_cards", args=[link.token])
    assert client.get(url, {"ids": "²"}).status_code == 200
    response = client.get(url, {"ids": f"² {shown.pk} ٣"})
    assert "For everyone" in response.text


def test_a_version_in_other_digits_shows_the_newest(alice_client, article):
    ArticleVersion.objects.create(
        article=article, title=article.title, body_html=article.body_html,
        body_text=article.body_text,
    )  # fmt: skip
    response = alice_client.get(reverse("article_versions", args=[article.pk]), {"v": "²"})
    assert response.status_code == 200


# The walk ------------------------------------------------------------------------------


@dataclass
class World:
    ids: dict[str, str]
    base: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(settings):
    # The walk looks up the share link hundreds of times: the limiter is tested elsewhere.
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 1_000_000
    # Sign-in and password forms hash what they are sent: cheaply, hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    alice, root = make_user("alice"), make_user("root", staff=True)
    bob = make_user("bob")
    desk = make_group("Politics desk", alice, bob)
    article = make_article()
    shared = highlight(article, alice, "container ships", note="For the desk", audience=desk)
    private = highlight(article, alice, "eighth day", note="Mine", audience=None)
    port = curation.create_entity("Rotterdam", "place", alice)
    other = curation.create_entity("Port authority", "organisation", alice)
    tag(article, alice, "Rotterdam", entity=port, audience=desk)
    alias = curation.add_alias(port, "R'dam")
    assert alias is not None
    label = library.add_label(article, "Harbours", alice)
    # A refresh of the article that failed, retried: a job, and a task row for the admin.
    job = FetchJob.objects.create(
        url="https://news.example.org/harbour", purpose=FetchJob.Purpose.REFRESH,
        article=article, status=FetchJob.Status.FAILED, requested_by=alice,
    )  # fmt: skip
    jobs.retry(job)
    feed = Feed.objects.create(url="https://news.example.org/rss", added_by=alice)
    text = {name: getattr(article, name) for name in ("title", "body_html", "body_text")}
    version = ArticleVersion.objects.create(article=article, **text)
    Annotation.objects.filter(pk=shared.pk).update(
        status=Annotation.Status.CHANGED, written_on=version
    )
    link = sharing.create_link(alice, article, group=desk, audience="anyone")
    save_token = SaveToken.regenerate(alice).token
    trashed = trash.move_to_trash(make_article("Ferries\n\nFerries ran late today."), alice)
    passage = span(article, "talks")
    invitation, _ = accounts.invite(by=root, email="dora@example.org", groups=[desk])
    api_token, _ = apitokens.create(alice, "script", "write")
    checked = claim(article, alice, "Dock workers", audience=desk)
    evidence = claims.add_evidence(checked, alice, stance="supports", note="The union says so")
    watch = watchlists.watch_entity(alice, port)
    watchlists.watch_search(alice, "ferries")
    make_article("Rotterdam Ferries\n\nThe Rotterdam ferries ran on time.")  # notifies alice
    kept = captures.keep(
        article, Fetched(b"<p>As fetched</p>", "https://e.org/", "text/html", now())
    )
    assert kept is not None
    ids = {
        "capture": str(kept.pk),
        "watch": str(watch.pk),
        "notification": str(Notification.objects.get(user=alice, watch=watch).pk),
        "claim": str(checked.pk),
        "evidence": str(evidence.pk),
        "api_token": str(api_token.pk),
        "article": str(article.pk),
        "annotation": str(shared.pk),
        "entity": str(port.pk),
        "other_entity": str(other.pk),
        "alias": str(alias.pk),
        "label": str(label.pk),
        "fetch": str(job.pk),
        "feed": str(feed.pk),
        "link": str(link.pk),
        "token": link.token,
        "version": str(version.pk),
        "slug": article.slug,
        "trashed": str(trashed.pk),
        "person": str(bob.pk),
        "group": str(desk.pk),
        "invitation": str(invitation.pk),
        "uid": urlsafe_base64_encode(force_bytes(alice.pk)),
        # An image address Newsroom signed, for a file no article keeps: a 404.
        "image_filename": f"{'0' * 64}.png",
        "image_signature": images.url_for(f"{'0' * 64}.png").split("/")[2],
    }
    base = dict.fromkeys(PARAMETERS, "1")
    base.update(
        label=ids["label"], view="unread", audience=str(desk.pk), q="strike harbour",
        ids=f"{shared.pk} {private.pk}", start=str(passage["start"]), end=str(passage["end"]),
        quote=passage["quote"], note="A note", color="green", name="Harbour master",
        token=save_token, url="http://127.0.0.1/story",
        html="<html><body><article><h1>Ferries</h1><p>Ferries ran late.</p></article></body></html>",
        text="Rotterdam", v=ids["version"], a=ids["annotation"], entity=ids["other_entity"],
        kind="place", alias="on", form="Rotterdam", author=str(alice.pk), group=str(desk.pk),
        description="The port", wikidata_id="Q34370", visibility="shared",
        interval_minutes="60", expiry="7", what="mine", username="alice", password="wrong",
        next="/", email="alice@example.org", setup_code="000000",
        password1="a long passphrase 7", password2="a long passphrase 7",
        to="in_progress", assignee=str(bob.pk), claimant=ids["entity"], verdict="False",
        summary="Counted twice.", stance="supports", annotation=ids["annotation"],
        earlier=ids["claim"], verdict_scale="True = 1\nFalse = 0", organisation="Desk",
        organisation_url="https://desk.example.org", two_person_rule="on",
        id=ids["notification"], unwatch="1", digest="daily",
    )  # fmt: skip
    base["from"] = "reader"
    # Sessions in signed cookies: a request costs no query to find its session.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    walk = World(ids=ids, base=base)
    for actor, user in (("member", alice), ("admin", root)):
        client = Client()
        client.force_login(user)
        walk.cookies[actor] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return walk


# The URL conf ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    route: str  # as written in the URL conf, prefixes joined
    pattern: URLPattern

    @property
    def admin(self) -> bool:
        return self.route.startswith("admin/")


def endpoints() -> list[Endpoint]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[Endpoint]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield Endpoint(prefix + str(p.pattern), p)

    found = list(walk(get_resolver().url_patterns, ""))
    assert len(found) > 40, "the URL conf was not walked"
    return found


_SLOT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<group>\w+)>[^)]*\)")
# Which object an id in a route names, from the route's first segment.
_PK_OF = {
    "articles": "article", "annotations": "annotation", "entities": "entity",
    "fetches": "fetch", "feeds": "feed", "labels": "label", "shared-links": "link",
    "trash": "trashed", "team/people": "person", "team/invitations": "invitation",
    "team/groups": "group", "jobs": "fetch", "settings/tokens": "api_token",
    "claims": "claim", "notifications": "notification", "watches": "watch",
}  # fmt: skip
_NAMED_SLOTS = {
    "entity_pk": "entity", "alias_pk": "alias", "label_pk": "label", "version": "version",
    "slug": "slug", "token": "token", "user_pk": "person", "uidb64": "uid",
    "article_pk": "article", "evidence_pk": "evidence", "capture_pk": "capture",
    "signature": "image_signature", "filename": "image_filename",
}  # fmt: skip


def slot_value(world: World, route: str, name: str) -> str:
    """A real value for a slot of a route: the id of the object its place names."""
    if route.startswith("admin/"):
        return _admin_slot(world, route, name)
    route = route.removeprefix("api/v1/")  # the API's routes name their objects alike
    if name == "kind":  # api/v1/problems/<kind>
        return "not-found"
    if name == "pk":
        place = route.split("/", 2)
        return world.ids[_PK_OF.get(place[0]) or _PK_OF["/".join(place[:2])]]
    return world.ids[_NAMED_SLOTS[name]]


def _admin_slot(world: World, route: str, name: str) -> str:
    _admin, app_label, model_name = [*route.split("/"), "", ""][:3]
    if name == "id":  # admin/auth/user/<id>/password/
        return str(get_user_model().objects.order_by("pk").values_list("pk", flat=True)[0])
    if name == "content_type_id":  # admin/r/<int:content_type_id>/<path:object_id>/
        return str(ContentType.objects.get_for_model(Article).pk)
    if name == "object_id" and app_label != "r":  # admin/<app>/<model>/<path:object_id>/
        model = apps.get_model(app_label, model_name)
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return str(first if first is not None else 1)
    return {"object_id": world.ids["article"], "app_label": "articles", "url": "nowhere/"}[name]


def paths(world: World, endpoint: Endpoint) -> tuple[str, list[str]]:
    """The endpoint's path with real ids, and variants with hostile values in its slots."""
    route = endpoint.route.removeprefix("^").removesuffix("$").replace("^", "")
    slots = list(_SLOT.finditer(route))

    def build(values: dict[int, str]) -> str:
        out, last = [], 0
        for i, m in enumerate(slots):
            name = m["name"] or m["group"]
            value = values.get(i, slot_value(world, endpoint.route, name))
            out += [route[last : m.start()], quote(value, safe="/", errors="surrogateescape")]
            last = m.end()
        return "/" + "".join(out) + route[last:]

    variants = []
    for i, m in enumerate(slots):
        converter = m["converter"] or "str"
        hostile = HOSTILE_IDS if converter == "int" else HOSTILE_SLOTS
        # A path may carry any character; the encodings of the text slots are sent raw.
        variants += [build({i: value}) for value in hostile]
    if not isinstance(endpoint.pattern.pattern, RoutePattern):
        variants = variants[:2]
    return build({}), variants


# Requests ------------------------------------------------------------------------------


@dataclass
class Case:
    method: str
    path: str
    what: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    content_type: str = ""
    query: bytes | None = None
    htmx: bool = False


@dataclass
class Walk:
    world: World
    actor: str
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    client: Client = field(default_factory=lambda: Client(raise_request_exception=False))

    def send(self, case: Case) -> HttpResponse:
        client = self.client
        client.cookies.clear()  # what the last answer set (a sign-out, a message)
        if self.actor in self.world.cookies:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.world.cookies[self.actor]
        extra = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
        query = urlencode(case.params).encode() if case.query is None else case.query
        extra["QUERY_STRING"] = query.decode("latin-1")
        body, content_type = case.body, case.content_type
        if body is None and case.method == "POST":
            if content_type == MULTIPART_CONTENT:
                values: dict[str, list[str]] = {}
                for k, v in case.params:
                    values.setdefault(k, []).append(v)
                body = encode_multipart(BOUNDARY, values)
            else:
                body, content_type = urlencode(case.params).encode(), FORM
        if not body and content_type:
            extra["CONTENT_TYPE"] = content_type  # the client sends none without a body
        self.exceptions.clear()
        self.sent += 1
        with transaction.atomic():
            response = client.generic(
                case.method, case.path, body or b"", content_type=content_type, **extra
            )
            if response.streaming:  # a download: reading it to the end closes its file
                b"".join(response.streaming_content)  # type: ignore[arg-type]
            transaction.set_rollback(True)
        if response.status_code >= 500 and (case.path, response.status_code) not in EXPECTED:
            cause = self.exceptions[-1] if self.exceptions else ""
            self.failures.append(
                f"{response.status_code} {case.method} {case.path[:120]!r} [{case.what}] {cause}"
            )
        return response


FORM = "application/x-www-form-urlencoded"


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The keys looked up in a request's QueryDict (request.GET, request.POST) meanwhile."""
    seen: set[str] = set()

    def recorder(name: str):
        original = getattr(QueryDict, name)

        def method(self, key, *args, **kwargs):
            if isinstance(key, str) and not self._mutable:  # not while it is being built
                seen.add(key)
            return original(self, key, *args, **kwargs)

        return method

    with ExitStack() as stack:
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            stack.enter_context(mock.patch.object(QueryDict, name, recorder(name)))
        yield seen


def every_parameter(what: str, names: list[str]) -> list[tuple[str, str]]:
    """Each parameter with one of the hostile variants of `what` (or the array)."""
    if what == "array":
        return [(name, value) for name in names for value in ARRAY]
    variants = HOSTILE[what]
    return [(name, variants[i % len(variants)]) for i, name in enumerate(names)]


def mixed(names: list[str]) -> list[tuple[str, str]]:
    """Each parameter with a hostile value of another kind."""
    variants = [v for kind, values in HOSTILE.items() if kind != "nul" for v in values]
    return [(name, variants[i % len(variants)]) for i, name in enumerate(names)]


RAW_PART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\n'.encode()
    + b"\xff\xfe\xed\xa0\x80\r\n"
    + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'.encode()
    + UTF7_SURROGATE.replace("%2B", "+").encode()
    + f"\r\n--{BOUNDARY}--\r\n".encode()
)


def cases(walk: Walk, endpoint: Endpoint) -> Iterator[Case]:
    """The requests for one endpoint; which depend on the parameters its view read when
    sent plausible ones (none, when a redirect to sign in answered)."""
    world = walk.world
    path, hostile_paths = paths(world, endpoint)
    base = list(world.base.items())
    answered = {}
    for method in ("GET", "POST"):
        with recording_reads() as read:
            answered[method] = walk.send(Case(method, path, "baseline", base)).status_code
        # Parameters the view reads, in the baseline or not (the admin's model fields).
        names = sorted(set(PARAMETERS) | read)
        form = MULTIPART_CONTENT if method == "POST" else ""
        yield Case(method, path, "all=nul", every_parameter("nul", names))
        yield Case(method, path, "all=mixed", mixed(names), content_type=form, htmx=True)
        if not read:
            continue  # nothing reads them: the middleware's checks are all that runs
        for n, what in enumerate([*HOSTILE, "array"]):
            # Alternate the form encodings and htmx, to reach both branches of the views.
            yield Case(
                method, path, f"all={what}", every_parameter(what, names),
                content_type=form * (n % 2), htmx=n % 3 == 0,
            )  # fmt: skip
        # The admin's forms clean every field whatever the others hold: all at once will do.
        # The member made everything in the world, so passes every check an administrator
        # does: the administrator's walk leaves this to hers.
        singly = [] if endpoint.admin or walk.actor == "admin" else sorted(read)
        for i, (name, what) in enumerate(itertools.product(singly, ONE_AT_A_TIME)):
            params = [(k, v) for k, v in base if k != name]
            if what == "array":
                params += [(name, v) for v in ARRAY]
            else:
                params.append((name, HOSTILE[what][i % len(HOSTILE[what])]))
            yield Case(method, path, f"{name}={what}", params, htmx=what == "array")
    yield Case("GET", path, "raw query", query=RAW_QUERY)
    yield Case(
        "GET", path, "utf-7 query", query=f"q={UTF7_SURROGATE}&name={UTF7_SURROGATE}".encode(),
        content_type="text/plain; charset=utf-7",
    )  # fmt: skip
    yield Case("POST", path, "raw body", body=RAW_QUERY, content_type=FORM)
    yield Case("POST", path, "raw multipart", body=RAW_PART, content_type=MULTIPART_CONTENT)
    yield Case(
        "POST", path, "utf-7 multipart", body=RAW_PART,
        content_type=f"{MULTIPART_CONTENT}; charset=utf-7",
    )  # fmt: skip
    yield Case("POST", path, "10 MB", body=TEN_MB, content_type=FORM)
    # The path's own slots, by a method the view answers (not 405).
    method = "GET" if answered["GET"] != 405 else "POST"
    for hostile_path in hostile_paths:
        yield Case(method, hostile_path, "path", base)


def test_the_walk_reaches_every_kind_of_endpoint():
    routes = {e.route for e in endpoints()}
    assert {"s/<str:token>/", "save/", "articles/<int:pk>/annotations/", "search/"} <= routes
    assert any(r.startswith("admin/articles/annotation/") for r in routes)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_input_reaches_a_server_error(world, actor, caplog):
    walk = Walk(world, actor)

    def record(sender, request, **kwargs):
        walk.exceptions.append(repr(sys.exc_info()[1])[:300])

    signals.got_request_exception.connect(record)
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING):
            for endpoint in endpoints():
                for case in cases(walk, endpoint):
                    walk.send(case)
    finally:
        signals.got_request_exception.disconnect(record)
    errors = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name not in SECURITY_EVENTS
    ]
    summary = f"{walk.sent} requests in {time.monotonic() - started:.1f}s as {actor}"
    assert not walk.failures, summary + "\n" + "\n".join(walk.failures[:80])
    assert not errors, summary + "\n" + "\n".join(errors[:40])
