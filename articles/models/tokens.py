"""Personal API tokens: a person's scripts and tools acting as that person.

A token is shown once, when it is made; only its SHA-256 digest is stored (a token is 32
random bytes, so a fast digest is as good as a slow one: nothing to guess from). A token
stands for its person while that person is active and it is not revoked
(`articles.apitokens.authenticate`); `last_used_at` is written at most once a minute.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    NAME_MAX_CHARS = 80

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=NAME_MAX_CHARS)
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.READ)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, shown in the list so a person can tell tokens apart.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_scope_display()}) of {self.user}"

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
