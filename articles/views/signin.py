"""Signing in and out, two-factor sign-in, password change and reset."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from articles.forms import SignInForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
