"""Bringing a library in from another tool: Pocket (CSV and HTML), Netscape bookmark
files (browsers, Linkding), Omnivore's ZIP, Wallabag's JSON, Hypothesis' JSON and any W3C
Web Annotation JSON-LD, and OPML feed lists.

The modules:
- `core`: what every reader produces (`Parsed`: entries, annotations addressed by URL,
  feeds, problems) and the helpers they share (decoding, times, canonical URLs);
- one reader per format: `pocket`, `bookmarks`, `omnivore` (through `archive`, the ZIP
  reader with caps), `wallabag`, `webannotations` (W3C and Hypothesis), `opml`;
- `detect`: which reader a file needs, from its content;
- `save`: writing a `Parsed` (idempotent: a second import of a file adds nothing);
- `placing`: an imported quote on an article's text, by the project's anchoring;
- `pending`: entries without their text, fetched through the saving machinery and
  given their labels, state and times when they arrive;
- `runs`: the page's import, as a background job with a preview and progress.

The invariants of each are in its docstring. Readers touch no database; everything an
import writes goes through `save`.
"""
