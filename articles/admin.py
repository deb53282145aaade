"""Admin: administrators add colleagues here, and can correct article metadata."""

from typing import Any

from django.contrib import admin, messages

from articles import annotations
from articles.models import Annotation, Article, ColorLabel, Entity, EntityAlias


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
