"""OPML feed lists (articles/imports/opml.py), parsed by defusedxml."""

from __future__ import annotations

import pytest

from articles.imports.core import ImportFileError
from articles.models import Feed
from tests.imports.conftest import run_import
from tests.imports.exports import opml

pytestmark = pytest.mark.django_db


def test_an_opml_file_subscribes_to_its_feeds_once(user):
    data = opml([("Harbour News", "https://harbour.example/feed.xml"),
                 ("Bridge Weekly", "https://bridge.example/rss?utm_source=reader"),
                 ("Local file", "file:///etc/passwd")])  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.line() == (
        "Imported 0 articles, 0 annotations, 2 feeds; skipped 1 (feed 3: not a web address: "
        "file:///etc/passwd)"
    )
    assert sorted(Feed.objects.values_list("url", "title")) == [
        ("https://bridge.example/rss", "Bridge Weekly"),
        ("https://harbour.example/feed.xml", "Harbour News"),
    ]
    assert Feed.objects.get(url="https://harbour.example/feed.xml").added_by == user
    again = run_import(data, user)
    assert again.feeds == 0
    assert again.existing_feeds == 2
    assert Feed.objects.count() == 2


def test_entities_in_an_opml_file_are_refused(user):
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        b'<opml version="2.0"><body><outline xmlUrl="https://a.example/&lol2;"/></body></opml>'
    )
    with pytest.raises(ImportFileError, match="refuses for safety"):
        run_import(data, user)
    assert not Feed.objects.exists()


def test_broken_xml_is_reported_with_its_line(user):
    data = b'<?xml version="1.0"?>\n<opml version="2.0">\n<body>\n<outline xmlUrl="https://a.example/">\n</opml>\n'
    with pytest.raises(ImportFileError, match=r"^line 5, column 2: it is not well-formed XML"):
        run_import(data, user)
