"""Helpers for the saving-from-the-web tests: pages to serve, and running the worker."""

from __future__ import annotations

from django.core.management import call_command


def page(title: str, *paragraphs: str, canonical: str = "") -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang=en><head><title>{title}</title>{link}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


STORY = page(
    "Harbour reopens after repairs",
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    "The port authority said the southern quay would be repaired next spring.",
    "Traders welcomed the news but asked for compensation for the lost week.",
)


def run_worker() -> None:
    """Run every task that is due, in this process, as `manage.py db_worker` does."""
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
