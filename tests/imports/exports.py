"""Export files in each tool's published shape, written here (never copied from a tool):
Pocket's CSV and HTML, a Netscape bookmark file, Omnivore's ZIP, Wallabag's JSON,
Hypothesis' JSON, OPML. Each builder takes the few things a test varies."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from html import escape
from typing import Any

# Two stories with text, as read-later tools keep them (the extracted body, no page).
HARBOUR_HTML = (
    "<p>Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port.</p>"
    "<p>The union said talks with the port authority would resume on Thursday, and that "
    "its members would vote on any offer.</p>"
)
BRIDGE_HTML = (
    "<p>The old swing bridge over the canal will close for repairs in March, the city said "
    "on Friday.</p><p>Cyclists will be sent along the river path for six weeks while the "
    "deck is replaced.</p>"
)


def pocket_csv(
    rows: list[dict[str, str]], *, header: str = "title,url,time_added,tags,status"
) -> bytes:
    out = io.StringIO()
    names = header.split(",")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue().encode()


def pocket_html(unread: list[dict[str, str]], archived: list[dict[str, str]]) -> bytes:
    def items(links: list[dict[str, str]]) -> str:
        return "\n".join(
            f'<li><a href="{escape(link["url"])}" time_added="{link.get("time_added", "")}" '
            f'tags="{escape(link.get("tags", ""))}">{escape(link.get("title", ""))}</a></li>'
            for link in links
        )

    return (
        "<!DOCTYPE html>\n<html>\n<head>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n'
        "<title>Pocket Export</title>\n</head>\n<body>\n"
        f"<h1>Unread</h1>\n<ul>\n{items(unread)}\n</ul>\n\n"
        f"<h1>Read Archive</h1>\n<ul>\n{items(archived)}\n</ul>\n</body>\n</html>\n"
    ).encode()


def netscape(links: list[dict[str, str]], *, charset: str = "UTF-8") -> str:
    lines = [
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>",
        f'<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset={charset}">',
        "<TITLE>Bookmarks</TITLE>",
        "<H1>Bookmarks</H1>",
        "<DL><p>",
    ]
    for link in links:
        attrs = "".join(
            f' {name.upper()}="{escape(link[name])}"'
            for name in ("add_date", "last_modified", "tags", "toread", "private")
            if name in link
        )
        lines.append(
            f'    <DT><A HREF="{escape(link["url"])}"{attrs}>{escape(link.get("title", ""))}</A>'
        )
        if link.get("note"):
            lines.append(f"    <DD>{escape(link['note'])}")
    lines.append("</DL><p>")
    return "\n".join(lines) + "\n"


def omnivore_item(slug: str, url: str, **fields: Any) -> dict[str, Any]:
    item = {
        "id": f"id-{slug}",
        "slug": slug,
        "title": slug.replace("-", " ").title(),
        "description": "",
        "author": "",
        "url": url,
        "state": "Succeeded",
        "readingProgress": 0,
        "thumbnail": None,
        "labels": [],
        "savedAt": "2024-03-01T09:30:00.000Z",
        "updatedAt": "2024-03-02T10:00:00.000Z",
        "publishedAt": "2024-02-28T00:00:00.000Z",
    }
    item.update(fields)
    return item


def zipped(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def omnivore_zip(
    items: list[dict[str, Any]],
    content: dict[str, str] | None = None,
    highlights: dict[str, str] | None = None,
    extra: dict[str, bytes | str] | None = None,
) -> bytes:
    members: dict[str, bytes | str] = {"metadata_0_to_49.json": json.dumps(items, indent=2)}
    members.update({f"content/{slug}.html": html for slug, html in (content or {}).items()})
    members.update({f"highlights/{slug}.md": md for slug, md in (highlights or {}).items()})
    members.update(extra or {})
    return zipped(members)


def wallabag_entry(url: str, content: str = HARBOUR_HTML, **fields: Any) -> dict[str, Any]:
    entry = {
        "is_archived": 0,
        "is_starred": 0,
        "tags": [],
        "is_public": False,
        "id": abs(hash(url)) % 10_000,
        "title": "Harbour strike enters second week",
        "url": url,
        "content": content,
        "created_at": "2023-05-04T08:15:00+02:00",
        "updated_at": "2023-05-06T20:00:00+02:00",
        "published_at": "2023-05-03T00:00:00+02:00",
        "published_by": ["Anna de Vries"],
        "annotations": [],
        "mimetype": "text/html",
        "language": "en_GB",
        "reading_time": 1,
        "domain_name": "harbour.example",
        "preview_picture": None,
        "http_status": "200",
        "headers": {},
    }
    entry.update(fields)
    return entry


def wallabag_annotation(quote: str, text: str = "", **fields: Any) -> dict[str, Any]:
    annotation = {
        "user": "anna",
        "annotator_schema_version": "v1.0",
        "id": 1,
        "text": text,
        "created_at": "2023-05-05T12:00:00+02:00",
        "updated_at": "2023-05-05T12:00:00+02:00",
        "quote": quote,
        "ranges": [
            {"start": "/p[1]", "startOffset": "0", "end": "/p[1]", "endOffset": str(len(quote))}
        ],
    }
    annotation.update(fields)
    return annotation


def hypothesis_annotation(  # noqa: PLR0913 - one argument per part of its target
    uri: str,
    exact: str = "",
    *,
    prefix: str = "",
    suffix: str = "",
    text: str = "",
    start: int | None = None,
    **fields: Any,
) -> dict[str, Any]:
    selectors: list[dict[str, Any]] = []
    if exact:
        selectors.append(
            {
                "type": "RangeSelector",
                "startContainer": "/main[1]/p[1]",
                "startOffset": 0,
                "endContainer": "/main[1]/p[1]",
                "endOffset": len(exact),
            }
        )
        if start is not None:
            selectors.append(
                {"type": "TextPositionSelector", "start": start, "end": start + len(exact)}
            )
        selectors.append(
            {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}
        )
    annotation = {
        "id": f"h{abs(hash((uri, exact, text))) % 10**8}",
        "created": "2022-11-08T14:03:11.528147+00:00",
        "updated": "2022-11-08T14:03:11.528147+00:00",
        "user": "acct:anna@hypothes.is",
        "uri": uri,
        "text": text,
        "tags": [],
        "group": "__world__",
        "permissions": {"read": ["group:__world__"]},
        "target": [{"source": uri, **({"selector": selectors} if selectors else {})}],
        "document": {"title": ["A page"]},
        "links": {"html": "https://hypothes.is/a/x", "incontext": "https://hyp.is/x"},
        "user_info": {"display_name": "Anna"},
        "flagged": False,
        "hidden": False,
    }
    annotation.update(fields)
    return annotation


def hypothesis_export(annotations: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "export_date": "2024-06-01T10:00:00.000Z",
            "export_userid": "acct:anna@hypothes.is",
            "client_version": "1.1500.0",
            "annotations": annotations,
        },
        indent=2,
    ).encode()


def opml(feeds: list[tuple[str, str]], *, folder: str = "News") -> bytes:
    outlines = "\n".join(
        f'      <outline type="rss" text="{escape(title)}" title="{escape(title)}" xmlUrl="{escape(url)}" htmlUrl="{escape(url)}"/>'
        for title, url in feeds
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
        "  <head><title>My feeds</title></head>\n  <body>\n"
        f'    <outline text="{escape(folder)}" title="{escape(folder)}">\n{outlines}\n    </outline>\n'
        "  </body>\n</opml>\n"
    ).encode()
