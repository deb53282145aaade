"""Admin: administrators add colleagues here, and can correct article metadata."""

from typing import Any

from django.contrib import admin, messages

from articles import annotations
from articles.models import Annotation, Article, ArticleVersion, ColorLabel, Feed, FetchJob


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site_name", "published_at", "added_by", "created_at"]
    list_filter = ["site_name", "language", "kind"]
    search_fields = ["title", "byline", "source_url"]
    date_hierarchy = "created_at"
    # body_text is derived from body_html on save (sanitised, then re-anchoring every
    # annotation); it is never edited directly.
    readonly_fields = ["body_text", "content_hash", "word_count", "reading_minutes"]
    raw_id_fields = ["added_by"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # articles come in through ingest, which parses and sanitises them

    def save_model(self, request: Any, obj: Article, form: Any, change: bool) -> None:
        new_html = obj.body_html
        if change and "body_html" in form.changed_data:
            obj.body_html = Article.objects.get(pk=obj.pk).body_html
            super().save_model(request, obj, form, change)
            result = annotations.replace_body(obj, new_html)
            messages.info(
                request,
                f"Text replaced. Annotations: {result.kept} unchanged, {result.moved} moved, "
                f"{result.orphaned} orphaned.",
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(ColorLabel)
class ColorLabelAdmin(admin.ModelAdmin):
    list_display = ["color", "label"]
    list_editable = ["label"]
    list_display_links = ["color"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "author", "color", "visibility", "status", "created_at"]
    list_filter = ["status", "visibility", "color", "motivation"]
    search_fields = ["exact", "note"]
    raw_id_fields = ["article", "author"]
    readonly_fields = ["start", "end", "exact", "prefix", "suffix", "note_html", "status"]


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
