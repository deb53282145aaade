"""Admin: administrators add colleagues here, and can correct article metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count

from articles import annotations as annotating
from articles import ingest, sharing, versions
from articles.annotations import describe
from articles.errors import IngestError
from articles.models import (
    Annotation,
    Article,
    ArticleLabel,
    ArticleVersion,
    AudienceChange,
    ColorLabel,
    Entity,
    EntityAlias,
    Feed,
    FetchJob,
    Label,
    Membership,
    ShareLink,
    TeamGroup,
)
from articles.permissions import visible_annotations

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from articles.models.library import ArticleCount


class ArticleForm(forms.ModelForm):
    """An edited body is sanitised here, so an empty or unusable one is refused on the
    form, with the reason beside the field."""

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_body_html(self) -> str:
        html: str = self.cleaned_data["body_html"]
        if "body_html" in self.changed_data:
            try:
                self.new_text = ingest.body_document(html, title=self.cleaned_data.get("title", ""))
            except IngestError as exc:
                raise forms.ValidationError(str(exc)) from None
        return html


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site_name", "published_at", "added_by", "created_at"]
    list_filter = ["site_name", "language", "kind"]
    search_fields = ["title", "byline", "source_url"]
    date_hierarchy = "created_at"
    form = ArticleForm
    # body_text is derived from body_html on save (sanitised, the old text kept as a
    # version, every annotation re-anchored); it is never edited directly.
    readonly_fields = ["body_text", "content_hash", "word_count", "reading_minutes"]
    raw_id_fields = ["added_by"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # articles come in through ingest, which parses and sanitises them

    def save_model(self, request: Any, obj: Article, form: Any, change: bool) -> None:
        new_text = getattr(form, "new_text", None)
        if not (change and new_text):
            super().save_model(request, obj, form, change)
            return
        # The other fields as edited; the text only through the one writer of it.
        obj.body_html = Article.objects.values_list("body_html", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        try:
            applied = versions.replace_text(obj, new_text)
        except IngestError as exc:
            messages.error(request, f"The text was not replaced: {exc}")
            return
        if applied.reanchored is not None:
            messages.info(
                request,
                "Text replaced; the old one is kept as a version. Annotations: "
                f"{describe(applied.reanchored)}.",
            )


@admin.register(ColorLabel)
class ColorLabelAdmin(admin.ModelAdmin):
    list_display = ["color", "label", "asserts"]
    list_editable = ["label", "asserts"]
    list_display_links = ["color"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "author", "color", "group", "status", "created_at"]
    list_filter = ["status", "group", "color", "motivation"]
    search_fields = ["exact", "note"]
    # Only the note and the colour change here, through the one writer (annotations.update:
    # the HTML re-made, the change logged); the group changes only through its author
    # (sharing.move), which writes the audit log.
    fields = ["article", "author", "motivation", "exact", "note", "color", "group", "status"]
    readonly_fields = ["article", "author", "motivation", "exact", "group", "status"]

    def get_queryset(self, request: Any) -> Any:
        # Administrators are people too: someone's private note is theirs alone, here
        # as everywhere (permissions.visible_annotations).
        return (
            visible_annotations(request.user)
            .select_related("article", "author", "group")
            .order_by("-created_at", "-id")
        )

    def has_add_permission(self, request: Any) -> bool:
        return False  # annotations are made on a passage, in the reader

    def save_model(self, request: Any, obj: Annotation, form: Any, change: bool) -> None:
        stored = Annotation.objects.get(pk=obj.pk)
        note = form.cleaned_data.get("note", stored.note)
        color = form.cleaned_data.get("color", stored.color)
        try:
            annotating.update(
                stored,
                note=note if note != stored.note else None,
                color=color if color != stored.color else None,
                by=request.user,
            )
        except annotating.AnnotationError as exc:
            messages.error(request, f"Not saved: {exc}")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["user", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]


@admin.register(TeamGroup)
class TeamGroupAdmin(admin.ModelAdmin):
    """Administrators create groups and add members; "Everyone" cannot be deleted."""

    list_display = ["name", "is_default", "member_count", "created_at"]
    search_fields = ["name"]
    fields = ["name", "created_at"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj: TeamGroup) -> int:
        return obj.memberships.count()

    def has_delete_permission(self, request: Any, obj: TeamGroup | None = None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    # Deleting a group makes its annotations private: the audit log says so, row by row.
    def delete_model(self, request: Any, obj: TeamGroup) -> None:
        sharing.delete_group(obj, by=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for group in queryset.exclude(is_default=True):
            sharing.delete_group(group, by=request.user)


@admin.register(AudienceChange)
class AudienceChangeAdmin(admin.ModelAdmin):
    """Read-only: who moved which annotation, when, from where to where."""

    list_display = ["changed_at", "changed_by", "annotation_ref", "from_audience", "to_audience"]
    list_filter = ["changed_at"]
    search_fields = ["from_audience", "to_audience", "changed_by__username"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: AudienceChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: AudienceChange | None = None) -> bool:
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "owner",
        "scope",
        "group",
        "audience",
        "expires_at",
        "revoked_at",
        "view_count",
    ]
    list_filter = ["scope", "audience"]
    raw_id_fields = ["article", "owner"]
    readonly_fields = ["token", "view_count", "last_viewed_at"]


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    """Names are also edited on the entity's own page; merging happens there."""

    list_display = ("name", "kind", "wikidata_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "aliases__name")
    inlines = (EntityAliasInline,)
    readonly_fields = ("created_by", "created_at", "updated_at")


# ---------- Saving from the web: what the workers did, for administrators ----------


@admin.register(FetchJob)
class FetchJobAdmin(admin.ModelAdmin):
    list_display = ["url", "purpose", "status", "attempts", "requested_by", "created_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["url", "error"]
    raw_id_fields = ["article", "requested_by", "feed"]
    readonly_fields = ["attempts", "lease_until", "next_attempt_at"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "interval_minutes", "last_polled_at", "last_new_items"]
    search_fields = ["title", "url"]
    raw_id_fields = ["added_by"]
    readonly_fields = ["etag", "last_modified", "last_polled_at", "last_status", "last_error"]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "article", "replaced_at"]
    raw_id_fields = ["article"]
    readonly_fields = ["title", "body_html", "body_text", "replaced_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # versions are kept by a refresh, never made by hand


# ---------- The library: the team's labels ----------


class ArticleLabelInline(admin.TabularInline):
    model = ArticleLabel
    extra = 0
    fields = ["article", "added_by", "added_at"]
    raw_id_fields = ["article"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    """Everyone renames and deletes labels on the labels page too; here with their articles."""

    list_display = ["name", "article_count", "created_by", "created_at"]
    search_fields = ["name"]
    fields = ["name", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ArticleLabelInline]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).annotate(article_count=Count("article_links"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj: WithAnnotations[Label, ArticleCount]) -> int:
        return obj.article_count

    def save_model(self, request: Any, obj: Label, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
