"""URL routes."""

from django.contrib import admin
from django.urls import include, path

from articles import api
from articles.views import (
    annotations,
    entities,
    export,
    feeds,
    health,
    hypothesis,
    images,
    labels,
    library,
    protocol,
    reader,
    saving,
    search,
    setup,
    sharing,
    versions,
)

urlpatterns = [
    path("", library.library_page, name="library"),
    path("articles/add/", library.add_article, name="add_article"),
    path("articles/<int:pk>/", reader.reader_page, name="reader"),
    path("articles/<int:pk>/original/", reader.original, name="article_original"),
    path("articles/<int:pk>/delete/", library.delete_article, name="delete_article"),
    path("trash/", library.trash_page, name="trash"),
    path("trash/<int:pk>/restore/", library.restore_article, name="restore_article"),
    path("trash/<int:pk>/delete/", library.purge_article, name="purge_article"),
    path("articles/<int:pk>/share/", sharing.share_article, name="share_article"),
    path("articles/<int:pk>/annotations/", annotations.annotate, name="annotate"),
    path("articles/<int:pk>/notes/", annotations.add_page_note, name="add_page_note"),
    path("articles/<int:pk>/mentions/", entities.tag_entity, name="tag_entity"),
    path(
        "articles/<int:pk>/mentions/<int:entity_pk>/all/",
        entities.tag_all,
        name="tag_all",
    ),
    path(
        "articles/<int:pk>/suggestions/accept/",
        entities.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "articles/<int:pk>/suggestions/reject/",
        entities.reject_suggestion,
        name="reject_suggestion",
    ),
    path(
        "articles/<int:pk>/annotations.jsonld",
        export.article_annotations_jsonld,
        name="article_annotations_jsonld",
    ),
    # Saving from the web (issue 6)
    path("articles/<int:pk>/refresh/", versions.refresh, name="refresh_article"),
    path("articles/<int:pk>/versions/", versions.article_versions, name="article_versions"),
    path(
        "articles/<int:pk>/captures/<int:capture_pk>/",
        versions.capture,
        name="article_capture",
    ),
    path(
        "articles/<int:pk>/versions/<int:version>/",
        versions.article_version,
        name="article_version",
    ),
    path("images/<str:signature>/<str:filename>", images.article_image, name="article_image"),
    path("fetches/", saving.fetch_jobs, name="fetch_jobs"),
    path("fetches/<int:pk>/retry/", saving.retry_job, name="retry_fetch"),
    path("fetches/<int:pk>/dismiss/", saving.dismiss_job, name="dismiss_fetch"),
    path("feeds/", feeds.feed_list, name="feeds"),
    path("feeds/<int:pk>/poll/", feeds.poll_now, name="poll_feed"),
    path("feeds/<int:pk>/interval/", feeds.change_interval, name="feed_interval"),
    path("feeds/<int:pk>/delete/", feeds.delete_feed, name="delete_feed"),
    path("settings/save/", saving.save_settings, name="save_settings"),
    path("api/v1/", api.urls()),
    path("api/hypothesis/search", hypothesis.search, name="hypothesis_search"),
    path("save/", saving.save_page, name="save_page"),
    # The library (issue 7): each person's reading state, the team's labels
    path("articles/<int:pk>/state/", labels.set_state, name="article_state"),
    path("articles/<int:pk>/progress/", library.save_progress, name="article_progress"),
    path("library/bulk/", library.bulk_action, name="library_bulk"),
    path("articles/<int:pk>/labels/", labels.add_label, name="add_label"),
    path(
        "articles/<int:pk>/labels/<int:label_pk>/remove/",
        labels.remove_label,
        name="remove_label",
    ),
    path("labels/", labels.labels, name="labels"),
    path("labels/<int:pk>/rename/", labels.rename_label, name="rename_label"),
    path("labels/<int:pk>/delete/", labels.delete_label, name="delete_label"),
    path("articles/<int:pk>/<str:slug>/", reader.reader_page, name="reader"),
    path("annotations/", annotations.annotation_cards, name="annotation_cards"),
    # The W3C Web Annotation Protocol: each article's annotations as a container.
    path(
        "annotations/articles/<int:article_pk>/",
        protocol.container,
        name="annotation_container",
    ),
    path(
        "annotations/articles/<int:article_pk>/<int:pk>",
        protocol.annotation,
        name="container_annotation",
    ),
    path("annotations/<int:pk>.jsonld", export.annotation_jsonld, name="annotation_jsonld"),
    path("annotations/<int:pk>/edit/", annotations.edit_annotation, name="edit_annotation"),
    path("annotations/<int:pk>/delete/", annotations.delete_annotation, name="delete_annotation"),
    *(
        path(
            f"annotations/<int:pk>/{action}/",
            annotations.review_annotation,
            {"action": action},
            name=f"review_{action.replace('-', '_')}",
        )
        for action in ("still-stands", "move", "detach")
    ),
    path("search/", search.search_page, name="search"),
    path("entities/", entities.entity_index, name="entities"),
    path("entities/lookup/", entities.entity_lookup, name="entity_lookup"),
    path("entities/<int:pk>/", entities.entity_page, name="entity"),
    path("entities/<int:pk>/edit/", entities.edit_entity, name="edit_entity"),
    path("entities/<int:pk>/aliases/", entities.add_alias, name="add_alias"),
    path(
        "entities/<int:pk>/aliases/<int:alias_pk>/delete/",
        entities.remove_alias,
        name="remove_alias",
    ),
    path("entities/<int:pk>/merge/", entities.merge_entity, name="merge_entity"),
    path("entities/<int:pk>/delete/", entities.delete_entity, name="delete_entity"),
    path("shared-links/", sharing.shared_links, name="shared_links"),
    path("shared-links/<int:pk>/revoke/", sharing.revoke_link, name="revoke_link"),
    path("preferences/audience/", sharing.remember_audience, name="remember_audience"),
    path("s/<str:token>/", sharing.share_page, name="share_link"),
    path("s/<str:token>/annotations/", sharing.share_cards, name="share_cards"),
    path("setup/", setup.setup, name="setup"),
    path("favicon.ico", setup.favicon),
    path("healthz", health.healthz, name="healthz"),
    # Accounts (issue 16): each module lists its own routes.
    path("", include("articles.views.signin")),
    path("", include("articles.views.profile")),
    path("", include("articles.views.team")),
    # Exports and backups (issue 19).
    path("", include("articles.views.exports")),
    # Imports (issue 19): upload, preview, confirm, progress.
    path("", include("articles.views.imports")),
    # The fact-checking desk (issue 22): the claims board, each claim's page and writes.
    path("", include("articles.views.claims")),
    # Watchlists (issue 22): notifications, the watchlist, the Watch toggles.
    path("", include("articles.views.watchlists")),
    path("admin/", admin.site.urls),
]
