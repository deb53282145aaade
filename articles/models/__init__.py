"""Newsroom's models, one module per concern, all importable from `articles.models`.

- `articles`: Article and its queryset (the library's views of it);
- `annotations`: Annotation, its reviews and note changes, the colour palette and its
  team labels;
- `entities`: Entity, EntityAlias, RejectedSuggestion;
- `sharing`: TeamGroup, Membership, Preference, AudienceChange, ShareLink;
- `saving`: FetchJob (and FetchJobFollower), Feed, FeedEntry, ArticleVersion, SaveToken;
- `library`: LibraryView, Label, ArticleLabel, ArticleState;
- `setup`: SetupCode;
- `limits`: RateCounter, the rate limits every process shares;
- `accounts`: Profile (name, initials, role), Invitation, UserSession, TeamSettings;
- `imports`: ImportJob, PendingImport (what an import gives an article still being fetched);
- `tokens`: ApiToken, a person's personal API tokens;
- `claims`: Claim, Evidence, ClaimEvent (the fact-checking desk);
- `watchlists`: Watch, Notification, WatchSettings (what a person watches, and hears of);
- `sources`: SourceFile, the original file (a PDF) an article was made from; PageCapture,
  each page fetched for an article as the server sent it;
- `images`: ArticleImage, each image of an article's body, kept by Newsroom.

Rules about who may see or change a row are not here: they are `articles.permissions`.
"""

from articles.models.accounts import Invitation, Profile, Role, TeamSettings, UserSession
from articles.models.annotations import (
    Annotation,
    AnnotationQuerySet,
    AnnotationReview,
    Color,
    ColorLabel,
    NoteChange,
)
from articles.models.articles import Article, ArticleQuerySet
from articles.models.claims import Claim, ClaimEvent, Evidence
from articles.models.entities import Entity, EntityAlias, EntityQuerySet, RejectedSuggestion
from articles.models.images import ArticleImage
from articles.models.imports import ImportJob, PendingImport
from articles.models.library import ArticleLabel, ArticleState, Label, LibraryView
from articles.models.limits import RateCounter
from articles.models.saving import (
    ArticleVersion,
    Feed,
    FeedEntry,
    FetchJob,
    FetchJobFollower,
    SaveToken,
)
from articles.models.setup import SetupCode
from articles.models.sharing import AudienceChange, Membership, Preference, ShareLink, TeamGroup
from articles.models.sources import PageCapture, SourceFile
from articles.models.tokens import ApiToken
from articles.models.watchlists import Digest, Notification, Watch, WatchSettings

__all__ = [
    "Annotation",
    "AnnotationQuerySet",
    "AnnotationReview",
    "ApiToken",
    "Article",
    "ArticleImage",
    "ArticleLabel",
    "ArticleQuerySet",
    "ArticleState",
    "ArticleVersion",
    "AudienceChange",
    "Claim",
    "ClaimEvent",
    "Color",
    "ColorLabel",
    "Digest",
    "Entity",
    "EntityAlias",
    "EntityQuerySet",
    "Evidence",
    "Feed",
    "FeedEntry",
    "FetchJob",
    "FetchJobFollower",
    "ImportJob",
    "Invitation",
    "Label",
    "LibraryView",
    "Membership",
    "NoteChange",
    "Notification",
    "PageCapture",
    "PendingImport",
    "Preference",
    "Profile",
    "RateCounter",
    "RejectedSuggestion",
    "Role",
    "SaveToken",
    "SetupCode",
    "ShareLink",
    "SourceFile",
    "TeamGroup",
    "TeamSettings",
    "UserSession",
    "Watch",
    "WatchSettings",
]
