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


LONG = " ".join(["The council met for four hours and agreed the new budget for the harbour."] * 12)


def rss(*items: str, title: str = "Harbour News") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>https://harbour.example/</link>"
        + "".join(items)
        + "</channel></rss>"
    )


def item(guid: str, title: str, *, link: str = "", content: str = "", summary: str = "") -> str:
    parts = [f"<guid>{guid}</guid>", f"<title>{title}</title>"]
    if link:
        parts.append(f"<link>{link}</link>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    if summary:
        parts.append(f"<description>{summary}</description>")
    return "<item>" + "".join(parts) + "</item>"
