"""Counters that every process shares: rate limits live in the database, not in memory."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """How often `subject` (a client address, an account) did `scope` in one time window.

    Incremented with one atomic upsert (`articles.ratelimit`), so every web process on
    every machine counts against the same limit. Old windows are pruned by maintenance.
    """

    scope = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    window = models.BigIntegerField()  # the window's start, in seconds since the epoch
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "subject", "window"], name="rate_counter_one_row_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.subject}: {self.count}"
