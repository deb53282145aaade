"""URL routes."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from articles import accounts, views

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/add/", views.add_article, name="add_article"),
    path("articles/<int:pk>/", views.reader, name="reader"),
    path("articles/<int:pk>/delete/", views.delete_article, name="delete_article"),
    path("articles/<int:pk>/<str:slug>/", views.reader, name="reader"),
    path("setup/", accounts.setup, name="setup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
