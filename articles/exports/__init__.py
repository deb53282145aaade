"""Taking a library out: Markdown, CSV and JSON-LD exports, and the full backup.

- `selection`: what one export holds (an article, a library view or label, a search, an
  entity's articles) and the annotations on it that the person may see;
- `markdown`, `csv`, `jsonld`: the three formats for people, each written to a file;
- `backup` and `restore`: every row of the team, as a ZIP, and putting it back into an
  empty Newsroom;
- `database`: `manage.py backup` / `restore`, a PostgreSQL dump plus the stored files.

Invariants:
- An export holds exactly what its person can see: the annotations come from
  `permissions.visible_annotations(user)` and nothing else; a colleague's private note is
  never in it. A backup is for administrators and holds everything.
- Every export is written into a file (a temporary one for a download) as it is read, one
  batch of articles at a time, so a large library costs disk, not memory.
- Nothing here raises on what a person asks for: a missing article, label or search
  result is an `ExportError` with a message for them, or an export with nothing in it.
"""

from __future__ import annotations


class ExportError(ValueError):
    """What was asked for cannot be exported; the message says why, for the person asking."""


# Format name -> (what people call it, file extension, media type).
FORMATS: dict[str, tuple[str, str, str]] = {
    "markdown": ("Markdown", "md", "text/markdown; charset=utf-8"),
    "csv": ("CSV", "csv", "text/csv; charset=utf-8"),
    "jsonld": (
        "JSON-LD",
        "jsonld",
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    ),
}
ZIP_TYPE = "application/zip"
