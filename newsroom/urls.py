"""URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from articles import (
    accounts,
    entity_views,
    export_views,
    feed_views,
    fetch_views,
    library_views,
    reader_views,
    share_views,
    version_views,
    views,
)

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/add/", views.add_article, name="add_article"),
    path("articles/<int:pk>/", reader_views.reader, name="reader"),
    path("articles/<int:pk>/delete/", views.delete_article, name="delete_article"),
    path("articles/<int:pk>/share/", share_views.share_article, name="share_article"),
    path("articles/<int:pk>/annotations/", reader_views.annotate, name="annotate"),
    path("articles/<int:pk>/notes/", reader_views.add_page_note, name="add_page_note"),
    path("articles/<int:pk>/mentions/", entity_views.tag_entity, name="tag_entity"),
    path(
        "articles/<int:pk>/mentions/<int:entity_pk>/all/",
        entity_views.tag_all,
        name="tag_all",
    ),
    path(
        "articles/<int:pk>/suggestions/accept/",
        entity_views.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "articles/<int:pk>/suggestions/reject/",
        entity_views.reject_suggestion,
        name="reject_suggestion",
    ),
    path(
        "articles/<int:pk>/annotations.jsonld",
        export_views.article_annotations_jsonld,
        name="article_annotations_jsonld",
    ),
    # Saving from the web (issue 6)
    path("articles/<int:pk>/refresh/", version_views.refresh, name="refresh_article"),
    path("articles/<int:pk>/versions/", version_views.article_versions, name="article_versions"),
    path("fetches/", fetch_views.fetch_jobs, name="fetch_jobs"),
    path("fetches/<int:pk>/retry/", fetch_views.retry_job, name="retry_fetch"),
    path("fetches/<int:pk>/dismiss/", fetch_views.dismiss_job, name="dismiss_fetch"),
    path("feeds/", feed_views.feed_list, name="feeds"),
    path("feeds/<int:pk>/poll/", feed_views.poll_now, name="poll_feed"),
    path("feeds/<int:pk>/interval/", feed_views.change_interval, name="feed_interval"),
    path("feeds/<int:pk>/delete/", feed_views.delete_feed, name="delete_feed"),
    path("settings/save/", fetch_views.save_settings, name="save_settings"),
    path("save/", fetch_views.save_page, name="save_page"),
    # The library (issue 7): each person's reading state, the team's labels
    path("articles/<int:pk>/state/", library_views.set_state, name="article_state"),
    path("articles/<int:pk>/labels/", library_views.add_label, name="add_label"),
    path(
        "articles/<int:pk>/labels/<int:label_pk>/remove/",
        library_views.remove_label,
        name="remove_label",
    ),
    path("labels/", library_views.labels, name="labels"),
    path("labels/<int:pk>/rename/", library_views.rename_label, name="rename_label"),
    path("labels/<int:pk>/delete/", library_views.delete_label, name="delete_label"),
    path("articles/<int:pk>/<str:slug>/", reader_views.reader, name="reader"),
    path("annotations/", reader_views.annotation_cards, name="annotation_cards"),
    path("annotations/<int:pk>.jsonld", export_views.annotation_jsonld, name="annotation_jsonld"),
    path("annotations/<int:pk>/edit/", reader_views.edit_annotation, name="edit_annotation"),
    path("annotations/<int:pk>/delete/", reader_views.delete_annotation, name="delete_annotation"),
    path("entities/", entity_views.entity_index, name="entities"),
    path("entities/lookup/", entity_views.entity_lookup, name="entity_lookup"),
    path("entities/<int:pk>/", entity_views.entity_page, name="entity"),
    path("entities/<int:pk>/edit/", entity_views.edit_entity, name="edit_entity"),
    path("entities/<int:pk>/aliases/", entity_views.add_alias, name="add_alias"),
    path(
        "entities/<int:pk>/aliases/<int:alias_pk>/delete/",
        entity_views.remove_alias,
        name="remove_alias",
    ),
    path("entities/<int:pk>/merge/", entity_views.merge_entity, name="merge_entity"),
    path("entities/<int:pk>/delete/", entity_views.delete_entity, name="delete_entity"),
    path("shared-links/", share_views.shared_links, name="shared_links"),
    path("shared-links/<int:pk>/revoke/", share_views.revoke_link, name="revoke_link"),
    path("preferences/audience/", share_views.remember_audience, name="remember_audience"),
    path("s/<str:token>/", share_views.share_page, name="share_link"),
    path("s/<str:token>/annotations/", share_views.share_cards, name="share_cards"),
    path("setup/", accounts.setup, name="setup"),
    path("favicon.ico", accounts.favicon),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
