"""Articles and the one-time setup code.

Invariants:
- `body_html` is the output of `sanitize.clean_article_html` and is the only article field
  a template marks safe.
- `body_text == sanitize.text_content(body_html)`: it equals, character for character,
  the browser's `textContent` of `#article-body`, and it is the coordinate space of every
  annotation selector. Nothing may change one without recomputing the other.
- `source_url` is canonical and unique when present; `content_hash` is unique. Together
  they make ingest idempotent.
- Labels are the team's; ArticleState (read, archived, favourite) is one person's and is
  only ever read through `with_state(user)` / `in_view(user, ...)` for that person.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

WORDS_PER_MINUTE = 230
# Scripts written without spaces are counted per character; ~500 characters a minute.
CJK_CHARS_PER_MINUTE = 500
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words as a reader counts them: CJK characters count one each."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def reading_minutes(text: str) -> int:
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    minutes = words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE
    return max(1, round(minutes))


def content_hash(body_text: str) -> str:
    """Same story, same hash: case and spacing differences do not make a new article."""
    normal = " ".join(body_text.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


class LibraryView(models.TextChoices):
    """The library's views of one person's reading (see ArticleQuerySet.in_view)."""

    ALL = "all", "All"
    UNREAD = "unread", "Unread"
    FAVOURITES = "favourites", "Favourites"
    ARCHIVED = "archived", "Archived"


class ArticleQuerySet(models.QuerySet["Article"]):
    def for_library(self) -> ArticleQuerySet:
        # The library never shows bodies; leave the large columns in the database.
        return self.defer("body_html", "body_text").order_by("-created_at", "-id")

    def with_state(self, user: AbstractBaseUser) -> ArticleQuerySet:
        """Annotate `is_read`, `is_archived` and `is_favourite` (booleans) for `user`.

        One LEFT JOIN on that person's ArticleState row (unique per user and article, so
        rows are never repeated); no row reads as unread, not archived, not a favourite.
        Signed out, all three are False.
        """
        if not user.is_authenticated:
            false = models.Value(False)  # noqa: FBT003 - a SQL literal, not a flag
            return self.annotate(is_read=false, is_archived=false, is_favourite=false)
        mine = models.FilteredRelation("states", condition=models.Q(states__user_id=user.pk))

        def has(field: str) -> models.ExpressionWrapper:
            q = models.Q(**{f"viewer_state__{field}__isnull": False})
            return models.ExpressionWrapper(q, output_field=models.BooleanField())

        return self.alias(viewer_state=mine).annotate(
            is_read=has("read_at"), is_archived=has("archived_at"), is_favourite=has("favourite_at")
        )

    def in_view(self, user: AbstractBaseUser, view: str) -> ArticleQuerySet:
        """The articles in one of `user`'s library views (a LibraryView value):

        - all: everything but the articles they archived;
        - unread: not marked read and not archived (archiving is putting away);
        - favourites: their starred articles, archived or not;
        - archived: the articles they archived.

        Filters by EXISTS on the person's state rows, so it composes with `with_state`,
        `labelled` and any other filter in any order. Raises ValueError for another view.
        """
        mine = ArticleState.objects.filter(user_id=user.pk, article=models.OuterRef("pk"))
        archived = models.Exists(mine.filter(archived_at__isnull=False))
        match view:
            case LibraryView.ALL:
                return self.filter(~archived)
            case LibraryView.UNREAD:
                return self.filter(~archived, ~models.Exists(mine.filter(read_at__isnull=False)))
            case LibraryView.FAVOURITES:
                return self.filter(models.Exists(mine.filter(favourite_at__isnull=False)))
            case LibraryView.ARCHIVED:
                return self.filter(archived)
        raise ValueError(f"There is no library view {view!r}.")

    def labelled(self, label: Label | int) -> ArticleQuerySet:
        """Articles carrying `label` (a Label or its id). Chain it for several labels."""
        links = ArticleLabel.objects.filter(article=models.OuterRef("pk"), label=label)
        return self.filter(models.Exists(links))

    def with_labels(self) -> ArticleQuerySet:
        """Prefetch each article's labels in name order: one query for the whole page."""
        return self.prefetch_related(
            models.Prefetch("labels", queryset=Label.objects.order_by(Lower("name"), "id"))
        )


class Article(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "Web page"

    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=300, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    # The standfirst under a web page's headline, shown above the body (not annotatable).
    summary = models.TextField(blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    body_html = models.TextField()
    body_text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveSmallIntegerField(default=1)
    # [{"title": ..., "url": ...}], http(s) URLs only: they are rendered as links.
    related_links = models.JSONField(default=list, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_added",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When a refresh last replaced the text (an ArticleVersion keeps the old one).
    text_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~models.Q(source_url=""),
                name="article_source_url_unique_when_present",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader", kwargs={"pk": self.pk, "slug": self.slug})

    # Sub-pages of an article share the /articles/<id>/<segment>/ shape with the slug.
    RESERVED_SLUGS = frozenset({
        "delete", "annotations", "notes", "share", "mentions", "suggestions", "versions",
        "refresh", "state", "labels",
    })  # fmt: skip

    @property
    def slug(self) -> str:
        slug = slugify(self.title, allow_unicode=True)[:80] or "article"
        return f"{slug}-article" if slug in self.RESERVED_SLUGS else slug

    @property
    def paragraph_count(self) -> int:
        """Blocks of the body: the sanitiser separates top-level blocks with a blank line."""
        return sum(1 for block in self.body_text.split("\n\n") if block.strip())

    def can_delete(self, user: AbstractBaseUser) -> bool:
        return bool(user.is_staff or (self.added_by_id and self.added_by_id == user.pk))


class SetupCode(models.Model):
    """The one-time code that lets the first visitor create the administrator account.

    Only a hash is stored; the code itself is printed once on the server's console, so a
    stranger who finds a freshly exposed server cannot claim it.
    """

    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

    def __str__(self) -> str:
        return f"setup code from {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _hash(code: str) -> str:
        normal = "".join(ch for ch in code.upper() if ch.isalnum())
        return hashlib.sha256(normal.encode()).hexdigest()

    @classmethod
    def issue(cls) -> str:
        """Replace any earlier code with a new one and return it (60 bits of entropy)."""
        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(12))
        cls.objects.all().delete()
        cls.objects.create(code_hash=cls._hash(raw))
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    @classmethod
    def verify(cls, code: str) -> bool:
        wanted = cls._hash(code)
        return any(
            secrets.compare_digest(wanted, stored)
            for stored in cls.objects.values_list("code_hash", flat=True)
        )


class Color(models.TextChoices):
    """The team's highlight palette; labels are set per team in ColorLabel."""

    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    PINK = "pink", "Pink"
    PURPLE = "purple", "Purple"


class ColorLabel(models.Model):
    """What a colour means for this team (green = "Verified claim"), shown as a legend."""

    color = models.CharField(max_length=16, choices=Color.choices, unique=True)
    label = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = "colour label"

    def __str__(self) -> str:
        return (
            f"{self.get_color_display()}: {self.label}" if self.label else self.get_color_display()
        )

    @classmethod
    def legend(cls) -> list[tuple[str, str, str]]:
        """(color, name, label) for every colour of the palette, in palette order."""
        labels = dict(cls.objects.values_list("color", "label"))
        return [(value, name, labels.get(value, "")) for value, name in Color.choices]


class AnnotationQuerySet(models.QuerySet["Annotation"]):
    def visible_to(
        self, user: AbstractBaseUser, *, link: ShareLink | None = None
    ) -> AnnotationQuerySet:
        """The one visibility rule (permissions.py applies it for every view).

        A signed-in user sees their own annotations and those shared to a group they belong
        to. A share link shows the shared (never private) annotations of its article that it
        was made for: its owner's, or those of its group; nothing else, whoever holds it.
        """
        if link is not None:
            shared = self.filter(article_id=link.article_id, group__isnull=False)
            if link.scope == ShareLink.Scope.GROUP:
                return shared.filter(group_id=link.group_id)
            return shared.filter(author_id=link.owner_id)
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(author=user)
            | models.Q(group_id__in=Membership.objects.filter(user=user).values("group_id"))
        )

    def in_text_order(self) -> AnnotationQuerySet:
        return self.order_by(models.F("start").asc(nulls_first=True), "end", "created_at", "id")


class Annotation(models.Model):
    """A highlight, a note on a passage, or a page note, on one article.

    Selectors follow the W3C Web Annotation model on `article.body_text`: a
    TextPositionSelector (`start`, `end`) and a TextQuoteSelector (`exact`, `prefix`,
    `suffix`), derived by the server from the offsets (see anchoring.select). A page note
    has no selector. `note_html` is made from `note` on write and is the only annotation
    field a template marks safe.
    """

    class Motivation(models.TextChoices):
        HIGHLIGHTING = "highlighting", "Highlight"
        COMMENTING = "commenting", "Note"
        IDENTIFYING = "identifying", "Entity mention"

    class Visibility(models.TextChoices):
        # Derived from `group` (None is private); kept for callers that speak of visibility.
        SHARED = "shared", "Shared with a group"
        PRIVATE = "private", "Only me"

    class Status(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        ORPHANED = "orphaned", "Orphaned"

    NOTE_MAX_CHARS = 20_000

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    motivation = models.CharField(
        max_length=16, choices=Motivation.choices, default=Motivation.HIGHLIGHTING
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    color = models.CharField(max_length=16, choices=Color.choices, default=Color.YELLOW)
    note = models.TextField(blank=True)
    note_html = models.TextField(blank=True, editable=False)
    # Who else sees it: the members of this group; None means only the author.
    group = models.ForeignKey(
        "TeamGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # a deleted group's annotations fall back to private
        related_name="annotations",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ANCHORED)
    # Set exactly when motivation is "identifying": the entity this passage mentions.
    entity = models.ForeignKey(
        "Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "id"]
        indexes = [models.Index(fields=["article", "start"], name="annotation_article_start")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(start__isnull=True, end__isnull=True)
                    | models.Q(start__isnull=False, end__isnull=False, end__gt=models.F("start"))
                ),
                name="annotation_selector_is_a_range_or_absent",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(motivation="identifying", entity__isnull=False)
                    | (~models.Q(motivation="identifying") & models.Q(entity__isnull=True))
                ),
                name="annotation_mention_has_an_entity",
            ),
        ]

    def __str__(self) -> str:
        return self.exact[:60] or self.note[:60] or f"annotation {self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#annotation-{self.pk}"

    @property
    def is_page_note(self) -> bool:
        return self.start is None and self.entity_id is None

    @property
    def is_mention(self) -> bool:
        return self.entity_id is not None

    @property
    def visibility(self) -> str:
        return self.Visibility.PRIVATE if self.group_id is None else self.Visibility.SHARED

    @property
    def is_orphaned(self) -> bool:
        return self.status == self.Status.ORPHANED

    def can_change(self, user: AbstractBaseUser) -> bool:
        return user.is_authenticated and self.author_id == user.pk


# Sharing: groups, per-person preferences, share links and the audit log of moves.
# Behaviour lives in articles/sharing.py; the permission rule in visible_to above.


class TeamGroup(models.Model):
    """A group of colleagues annotations are shared with ("Politics desk", "Fact-check").

    Exactly one group is the default, "Everyone": every user is made a member when the
    account is created (and again at sign-in, should a membership ever be missing).
    """

    name = models.CharField(max_length=80, unique=True)
    is_default = models.BooleanField(default=False, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="team_groups", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    DEFAULT_NAME = "Everyone"

    class Meta:
        verbose_name = "group"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="teamgroup_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(TeamGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class Preference(models.Model):
    """What a person last chose in the reader. No row: share with Everyone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    # None means "Only me" (a deleted group therefore falls back to private, never wider).
    default_group = models.ForeignKey(
        TeamGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"preferences of {self.user}"


class AudienceChange(models.Model):
    """The audit log: an annotation moved to another group or made private (or back)."""

    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.SET_NULL, related_name="audience_changes"
    )
    annotation_ref = models.PositiveBigIntegerField(
        help_text="The annotation's id, kept after deletion."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Names as they were, so the log still reads right after a group is renamed or deleted.
    from_audience = models.CharField(max_length=80)
    to_audience = models.CharField(max_length=80)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"annotation {self.annotation_ref}: {self.from_audience} → {self.to_audience}"


class ShareLink(models.Model):
    """/s/<token>/: one article with a chosen set of shared annotations, read-only.

    The token is 192 random bits from `secrets`, so it cannot be guessed; a revoked or
    expired link answers exactly like a token that never existed.
    """

    class Scope(models.TextChoices):
        MINE = "mine", "My annotations"
        GROUP = "group", "Everything shared with a group"

    class Audience(models.TextChoices):
        COLLEAGUES = "colleagues", "Signed-in colleagues only"
        ANYONE = "anyone", "Anyone with the link (read-only)"

    token = models.CharField(max_length=64, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.MINE)
    group = models.ForeignKey(
        TeamGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    audience = models.CharField(
        max_length=12, choices=Audience.choices, default=Audience.COLLEAGUES
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="mine", group__isnull=True)
                    | models.Q(scope="group", group__isnull=False)
                ),
                name="sharelink_group_iff_group_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"share link to {self.article}"

    def get_absolute_url(self) -> str:
        return reverse("share_link", kwargs={"token": self.token})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def description(self) -> str:
        if self.scope == self.Scope.GROUP and self.group is not None:
            return f"Everything shared with {self.group.name}"
        return "My annotations"


class EntityQuerySet(models.QuerySet["Entity"]):
    def visible_to(self, user: AbstractBaseUser) -> EntityQuerySet:
        """The team's entities and the user's own private ones."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(private_to__isnull=True) | models.Q(private_to=user))

    def matching(self, query: str) -> EntityQuerySet:
        """Entities whose name or an alias contains `query`, ignoring case."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            models.Q(name__icontains=query)
            | models.Exists(
                EntityAlias.objects.filter(entity=models.OuterRef("pk"), name__icontains=query)
            )
        )

    def with_mention_counts(self, user: AbstractBaseUser) -> EntityQuerySet:
        """Annotate `mention_count`: the mentions this user may see, so a private
        mention of someone else is never counted."""
        visible = Annotation.objects.visible_to(user).filter(entity=models.OuterRef("pk"))
        return self.annotate(
            mention_count=models.Subquery(
                visible.order_by().values("entity").annotate(n=models.Count("pk")).values("n"),
                output_field=models.IntegerField(),
            )
        )


class Entity(models.Model):
    """A person, organisation, place, event or other thing the team tags in articles.

    Entities are shared by the whole team (the gazetteer), except one made from a private
    mention, which stays its creator's (`private_to`) until a mention of it is shared.
    Mentions are annotations with motivation "identifying", visible by their own rule.
    `name` and `description` are plain text, escaped wherever they are shown.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        PLACE = "place", "Place"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    NAME_MAX_CHARS = 200
    DESCRIPTION_MAX_CHARS = 2000

    name = models.CharField(max_length=NAME_MAX_CHARS)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_CHARS)
    wikidata_id = models.CharField(
        "Wikidata identifier",
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^Q[1-9][0-9]*$",
                "A Wikidata identifier is Q followed by digits, such as Q42.",
            )
        ],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set while the entity exists only through its creator's private mentions: nobody else
    # sees it, its name or its aliases. Its first shared mention gives it to the team.
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped whenever the entity or its aliases change: the gazetteer's cache key.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "kind",
                "private_to",
                nulls_distinct=False,
                name="entity_name_kind_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("entity", kwargs={"pk": self.pk})

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""

    def can_merge(self, user: AbstractBaseUser) -> bool:
        """Merging or deleting moves everyone's mentions: for its creator and staff."""
        if self.private_to_id is not None:
            return self.private_to_id == user.pk
        return user.is_authenticated and (user.is_staff or self.created_by_id == user.pk)


class EntityAlias(models.Model):
    """Another name an entity goes by ("Putin" for "Vladimir Putin")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=Entity.NAME_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "entity aliases"
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint("entity", Lower("name"), name="entity_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RejectedSuggestion(models.Model):
    """A suggested mention the team declined in one article: not offered there again.

    Keyed by the surface text, lower-cased, so every occurrence of it is declined.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="rejected_suggestions"
    )
    text = models.CharField(max_length=Entity.NAME_MAX_CHARS)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("article", "text", name="rejected_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return self.text


# ---------- Saving from the web (issue 6): jobs, feeds, versions, save tokens ----------


class FetchJob(models.Model):
    """One request to fetch a page: a new article (SAVE) or a new text for one (REFRESH).

    The background task only moves a job forward; the job row is what the library shows
    ("Fetching…", the article, or the reason it failed with a Retry button). A job left
    FETCHING past its lease belonged to a worker that died and is handed out again.
    """

    class Purpose(models.TextChoices):
        SAVE = "save", "Save"
        REFRESH = "refresh", "Refresh"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        FETCHING = "fetching", "Fetching"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    url = models.URLField(max_length=2000)
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.SAVE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fetch_jobs",
    )
    # Summary-only feed items are fetched in full through a job too.
    feed = models.ForeignKey(
        "Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_jobs"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    dismissed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "lease_until"], name="fetchjob_status_lease")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.url} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.FETCHING}


class Feed(models.Model):
    """An RSS or Atom feed polled on a schedule; its state is what the feeds page shows."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    interval_minutes = models.PositiveIntegerField(default=30)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    last_new_items = models.PositiveIntegerField(default=0)
    total_items = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url


class FeedEntry(models.Model):
    """An item already seen in a feed, so each is ingested once."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feedentry_once_per_feed")
        ]

    def __str__(self) -> str:
        return self.guid


class ArticleVersion(models.Model):
    """An earlier text of an article, kept when a refresh found the story changed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=500)
    body_html = models.TextField()
    body_text = models.TextField()
    # When this text stopped being the current one.
    replaced_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (until {self.replaced_at:%Y-%m-%d %H:%M})"


class SaveToken(models.Model):
    """The secret in a person's bookmarklet: it authenticates "Save page" POSTs from other
    sites, where the session cookie is not sent. Regenerating it retires the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="save_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"save token of {self.user}"

    @classmethod
    def regenerate(cls, user: AbstractBaseUser) -> SaveToken:
        token, _ = cls.objects.update_or_create(
            user=user, defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()}
        )
        return token


# ---------- The library (issue 7): the team's labels, each person's reading state ----------


class Label(models.Model):
    """A team-wide label on articles ("Ukraine", "Investigation X").

    Labels describe the article, so everyone sees, adds, removes, renames and deletes
    them. Names are plain text (escaped wherever shown), 1-50 characters with whitespace
    collapsed, and unique ignoring case: adding "ukraine" reuses "Ukraine".
    """

    NAME_MAX_CHARS = 50

    name = models.CharField(max_length=NAME_MAX_CHARS)
    articles = models.ManyToManyField(
        Article, through="ArticleLabel", related_name="labels", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="label_name_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The library filtered by this label."""
        return f"{reverse('library')}?label={self.pk}"

    def clean(self) -> None:
        # The admin's forms get the same spelling rule as library.clean_label_name.
        self.name = " ".join(self.name.split())


class ArticleLabel(models.Model):
    """One label on one article, and who put it there."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="label_links")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="article_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "label"], name="article_label_once"),
        ]
        indexes = [models.Index(fields=["label", "article"], name="articlelabel_label_article")]

    def __str__(self) -> str:
        return f"{self.label} on {self.article_id}"


class ArticleState(models.Model):
    """One person's reading of one article: read, archived, favourite (each a time or None).

    Created the first time the person changes one of them; no row means unread, not
    archived, not a favourite. Nobody but its owner ever sees it.
    """

    FIELDS = ("read_at", "archived_at", "favourite_at")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_states"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="states")
    read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    favourite_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="article_state_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on article {self.article_id}"
