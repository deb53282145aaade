"""The first-run setup code."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models


class SetupCode(models.Model):
    """The one-time code that lets the first visitor create the administrator account.

    Only a hash is stored; the code itself is printed once on the server's console, so a
    stranger who finds a freshly exposed server cannot claim it.
    """

    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

    def __str__(self) -> str:
        return f"setup code from {self.created_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def _hash(code: str) -> str:
        normal = "".join(ch for ch in code.upper() if ch.isalnum())
        return hashlib.sha256(normal.encode()).hexdigest()

    @classmethod
    def issue(cls) -> str:
        """Replace any earlier code with a new one and return it (60 bits of entropy)."""
        raw = "".join(secrets.choice(cls.ALPHABET) for _ in range(12))
        cls.objects.all().delete()
        cls.objects.create(code_hash=cls._hash(raw))
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"

    @classmethod
    def verify(cls, code: str) -> bool:
        wanted = cls._hash(code)
        return any(
            secrets.compare_digest(wanted, stored)
            for stored in cls.objects.values_list("code_hash", flat=True)
        )
