"""Which export a file is, from its content (articles/imports/detect.py), and files no
importer reads: empty, binary, too large, in another encoding."""

from __future__ import annotations

import json

import pytest

from articles.imports import core, detect
from articles.imports.core import ImportFileError
from articles.models import ImportJob
from tests.imports.exports import (
    hypothesis_annotation,
    hypothesis_export,
    netscape,
    omnivore_item,
    omnivore_zip,
    opml,
    pocket_csv,
    pocket_html,
    wallabag_entry,
)

F = ImportJob.Format


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (pocket_csv([{"url": "https://a.example/"}]), F.POCKET_CSV),
        (pocket_html([{"url": "https://a.example/"}], []), F.POCKET_HTML),
        (netscape([{"url": "https://a.example/"}]).encode(), F.NETSCAPE),
        (omnivore_zip([omnivore_item("a", "https://a.example/")]), F.OMNIVORE),
        (json.dumps([wallabag_entry("https://a.example/")]).encode(), F.WALLABAG),
        (hypothesis_export([hypothesis_annotation("https://a.example/", "x")]), F.HYPOTHESIS),
        (
            b'{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "target": "https://a.example/", "body": "Note"}',
            F.WEB_ANNOTATION,
        ),
        (opml([("A", "https://a.example/feed")]), F.OPML),
        (
            b"Highlight,Title,Author,URL,Note,Location,Date\nx,T,,https://a.example/,,,\n",
            F.HIGHLIGHTS_CSV,
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_format_is_recognised_from_the_content_whatever_the_name(data, expected):
    assert detect.read(data, "export.txt").format == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\t ", "The file is empty."),
        (b"%PDF-1.7 ...", "It is a PDF document, not an export Newsroom can import."),
        (b"\x89PNG\r\n\x1a\n....", "It is a PNG image, not an export Newsroom can import."),
        (b"\x00\x01\x02\x03binary\x00", "It is a binary file, not an export Newsroom knows."),
        (
            b"name,email,phone\nAnna,anna@example.org,123\n",
            "It is a CSV file, but neither Pocket's export",
        ),
        (
            b"<html><body><p>Just a page</p></body></html>",
            "It is HTML or XML, but neither bookmarks",
        ),
        (
            b'{"hello": "world"}',
            "It is JSON, but not a Wallabag, Hypothesis or Web Annotation export.",
        ),
        (b"Dear diary, today I saved nothing.", "Newsroom does not recognise this file."),
    ],
)
def test_what_no_importer_reads_is_refused_with_a_reason(data, message):
    with pytest.raises(ImportFileError) as refused:
        detect.read(data)
    assert str(refused.value).startswith(message)


def test_a_file_over_the_cap_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(detect, "MAX_IMPORT_BYTES", 1024)
    with pytest.raises(ImportFileError, match="imports files up to 1 KB"):
        detect.read(b"title,url,time_added\n" + b"x" * 2000)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "cp1252", "latin-1"])
def test_an_export_in_another_encoding_reads_the_same(encoding):
    text = "title,url,time_added,tags,status\nCafé crème à Zürich,https://a.example/café,1600000000,Économie,unread\n"
    parsed = detect.read(text.encode(encoding))
    (entry,) = parsed.entries
    assert entry.title == "Café crème à Zürich"
    assert entry.labels == ("Économie",)


def test_a_bookmark_file_that_declares_utf8_but_is_windows_1252_still_reads():
    data = netscape([{"url": "https://a.example/", "title": "Cœur de la ville – été"}]).encode(
        "cp1252"
    )
    (entry,) = detect.read(data).entries
    assert entry.title == "Cœur de la ville – été"


def test_a_declared_charset_is_followed():
    page = '<?xml version="1.0" encoding="iso-8859-1"?>\n<opml version="1.0"><body><outline title="Café" xmlUrl="https://a.example/feed"/></body></opml>'
    (feed,) = detect.read(page.encode("iso-8859-1")).feeds
    assert feed.title == "Café"


def test_times_read_seconds_milliseconds_and_iso_dates():
    assert core.time_of("1600000000") == core.time_of(1600000000000)
    assert core.time_of("2020-09-13T12:26:40Z") == core.time_of(1600000000)
    assert core.time_of("2020-09-13T14:26:40+0200") == core.time_of(1600000000)
    assert core.time_of("yesterday") is None
    assert core.time_of(-5) is None
    assert core.time_of(True) is None  # noqa: FBT003 - a JSON true is not a time
