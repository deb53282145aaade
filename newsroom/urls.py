"""URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from articles import accounts, export_views, reader_views, share_views, views

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/add/", views.add_article, name="add_article"),
    path("articles/<int:pk>/", reader_views.reader, name="reader"),
    path("articles/<int:pk>/delete/", views.delete_article, name="delete_article"),
    path("articles/<int:pk>/share/", share_views.share_article, name="share_article"),
    path("articles/<int:pk>/annotations/", reader_views.annotate, name="annotate"),
    path("articles/<int:pk>/notes/", reader_views.add_page_note, name="add_page_note"),
    path(
        "articles/<int:pk>/annotations.jsonld",
        export_views.article_annotations_jsonld,
        name="article_annotations_jsonld",
    ),
    path("articles/<int:pk>/<str:slug>/", reader_views.reader, name="reader"),
    path("annotations/", reader_views.annotation_cards, name="annotation_cards"),
    path("annotations/<int:pk>.jsonld", export_views.annotation_jsonld, name="annotation_jsonld"),
    path("annotations/<int:pk>/edit/", reader_views.edit_annotation, name="edit_annotation"),
    path("annotations/<int:pk>/delete/", reader_views.delete_annotation, name="delete_annotation"),
    path("shared-links/", share_views.shared_links, name="shared_links"),
    path("shared-links/<int:pk>/revoke/", share_views.revoke_link, name="revoke_link"),
    path("preferences/audience/", share_views.remember_audience, name="remember_audience"),
    path("s/<str:token>/", share_views.share_page, name="share_link"),
    path("s/<str:token>/annotations/", share_views.share_cards, name="share_cards"),
    path("setup/", accounts.setup, name="setup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
