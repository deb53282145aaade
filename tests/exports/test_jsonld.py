"""JSON-LD: one AnnotationCollection with a page per article, chained and counted, whose
collection, pages and every annotation pass the W3C Web Annotation schemas' MUST
assertions (../shared/conformance/w3c/validate.py), holding exactly the annotations the
person sees."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import pytest

from articles.exports import jsonld, selection
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db

BASE = "https://newsroom.example.org"
COLLECTION = f"{BASE}/export/?format=jsonld"


def _export(chosen) -> list[dict]:
    out = io.BytesIO()
    jsonld.write(chosen, BASE, COLLECTION, out)
    return json.loads(out.getvalue())


def _must_count(kind: str) -> int:
    tests = shared_file("conformance", "w3c", "web-annotation-tests")
    relative = {
        "Annotation": "annotations/annotationMusts.test",
        "AnnotationPage": "collections/pages/pageMusts.test",
        "AnnotationCollection": "collections/collectionMusts.test",
    }[kind]
    return len(json.loads((tests / relative).read_text(encoding="utf-8"))["assertions"])


def _validate(tmp_path, documents) -> tuple[int, int, str]:
    validator = shared_file("conformance", "w3c", "validate.py")
    file = tmp_path / "export.jsonld"
    file.write_text(json.dumps(documents), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(validator), "--quiet", str(file)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert "WARNING" not in run.stderr, run.stderr
    summary = re.search(r"(\d+) passed, (\d+) failed\s*$", run.stdout)
    assert summary, run.stdout + run.stderr
    return int(summary[1]), int(summary[2]), run.stdout


def test_the_collection_counts_its_annotations_and_chains_its_pages(library, user):
    collection, *pages = _export(selection.of_everything(user))
    assert collection["type"] == "AnnotationCollection"
    assert collection["label"] == "Newsroom: The whole library"
    assert [page["type"] for page in pages] == ["AnnotationPage", "AnnotationPage"]
    assert collection["total"] == sum(len(page["items"]) for page in pages) == 11
    assert collection["first"] == pages[0]["id"] == f"{COLLECTION}#page-1"
    assert collection["last"] == pages[-1]["id"] == f"{COLLECTION}#page-2"
    assert pages[0]["next"] == pages[1]["id"]
    assert pages[1]["prev"] == pages[0]["id"]
    assert "prev" not in pages[0]
    assert "next" not in pages[1]
    assert [page["startIndex"] for page in pages] == [0, len(pages[0]["items"])]
    assert all(page["partOf"]["id"] == COLLECTION for page in pages)
    assert all(page["partOf"]["total"] == collection["total"] for page in pages)
    # Newest article first, each page on one article.
    sources = [{item["target"][0]["source"] if isinstance(item["target"], list)
                else item["target"]["source"] if isinstance(item["target"], dict)
                else item["target"] for item in page["items"]} for page in pages]  # fmt: skip
    assert sources == [
        {BASE + library.zurich.get_absolute_url()},
        {BASE + library.strike.get_absolute_url()},
    ]


def test_the_collection_its_pages_and_every_annotation_pass_the_w3c_musts(library, user, tmp_path):
    collection, *pages = _export(selection.of_everything(user))
    items = [{"@context": page["@context"], **item} for page in pages for item in page["items"]]
    passed, failed, output = _validate(tmp_path, [collection, *pages, *items])
    expected = (
        _must_count("AnnotationCollection")
        + len(pages) * _must_count("AnnotationPage")
        + len(items) * _must_count("Annotation")
    )
    assert (passed, failed) == (expected, 0), output


def test_the_validator_fails_a_collection_that_miscounts(library, user, tmp_path):
    collection, *_pages = _export(selection.of_everything(user))
    del collection["first"]  # total > 0 without a first page: a MUST
    _passed, failed, _output = _validate(tmp_path, [collection])
    assert failed == 1


def test_an_annotation_is_serialised_as_the_articles_own_page_does(library, user, client):
    client.force_login(user)
    own = client.get(f"/articles/{library.strike.pk}/annotations.jsonld").json()
    _collection, page = _export(selection.of_article(user, library.strike))
    mine = [
        json.loads(json.dumps(item).replace(BASE, "http://testserver")) for item in page["items"]
    ]
    assert mine == own["items"]


def test_an_export_with_nothing_is_an_empty_collection(user):
    assert _export(selection.of_everything(user)) == [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": COLLECTION,
            "type": "AnnotationCollection",
            "label": "Newsroom: The whole library",
            "total": 0,
        }
    ]
