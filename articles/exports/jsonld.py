"""W3C Web Annotation JSON-LD: an AnnotationCollection, one AnnotationPage per article.

The file is a JSON-LD document that is an array of node objects (JSON-LD 1.1, section
4.1): first the AnnotationCollection (its `label`, `total`, and its `first` and `last`
pages by IRI), then its pages in order, each `partOf` the collection (named with its
label and total, as the W3C schemas ask), with `startIndex`, `prev` and `next`, and the
article's annotations as `items`, serialised by `articles.webannotation` exactly as the
article's own page (`/articles/<id>/annotations.jsonld`) serialises them. Articles
without an exported annotation have no page.

IRIs: the collection is the address the export was asked at (`collection_id`), and its
pages are that address with `#page-1`, `#page-2`, ...

The pages are written to a spool file as they are made (one batch of articles at a
time) and copied after the collection once its total is known: the total is the count of
what was written, never a second query that could disagree with it.
"""

from __future__ import annotations

import json
import tempfile
from typing import TYPE_CHECKING

from articles import webannotation
from articles.exports.selection import items

if TYPE_CHECKING:
    from typing import BinaryIO

    from articles.exports.selection import Selection


def _dump(data: webannotation.JsonLd) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def write(
    selection: Selection, base_url: str, collection_id: str, out: BinaryIO
) -> tuple[int, int]:
    """The collection of `selection`'s annotations, written to `out`; returns how many
    pages (articles with annotations) and annotations it holds."""
    total = pages = 0
    with tempfile.TemporaryFile() as spool:
        for item in items(selection):
            if not item.annotations:
                continue
            page = webannotation.page_to_jsonld(item.article, item.annotations, base_url)
            pages += 1
            page.update(id=f"{collection_id}#page-{pages}", startIndex=total)
            total += len(page["items"])
            spool.write(json.dumps(page, ensure_ascii=False).encode() + b"\n")
        collection: webannotation.JsonLd = {
            "@context": webannotation.CONTEXT,
            "id": collection_id,
            "type": "AnnotationCollection",
            "label": f"Newsroom: {selection.title}",
            "total": total,
        }
        if pages:
            collection["first"] = f"{collection_id}#page-1"
            collection["last"] = f"{collection_id}#page-{pages}"
        out.write(b"[\n" + _dump(collection))
        part_of = {key: collection[key] for key in ("id", "type", "label", "total")}
        spool.seek(0)
        for number, line in enumerate(spool, start=1):
            page = json.loads(line)
            page["partOf"] = part_of
            if number > 1:
                page["prev"] = f"{collection_id}#page-{number - 1}"
            if number < pages:
                page["next"] = f"{collection_id}#page-{number + 1}"
            out.write(b",\n" + _dump(page))
        out.write(b"\n]\n")
    return pages, total
