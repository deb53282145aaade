"""Admin: administrators add colleagues here, and can correct article metadata."""

from django.contrib import admin

from articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site_name", "published_at", "added_by", "created_at"]
    list_filter = ["site_name", "language", "kind"]
    search_fields = ["title", "byline", "source_url"]
    date_hierarchy = "created_at"
    # The body is edited only through ingest: body_text must stay equal to the
    # text of body_html, which an admin text box cannot guarantee.
    readonly_fields = ["body_html", "body_text", "content_hash", "word_count", "reading_minutes"]
    raw_id_fields = ["added_by"]
