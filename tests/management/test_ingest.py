"""`manage.py ingest`: files, directories, stdin, web addresses, JSON output and exit
status."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.conftest import shared_file
from tests.fetching import STORY

pytestmark = pytest.mark.django_db


def _run(*args, stdin: bytes | None = None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_json_output_for_the_sample_has_every_field():
    sample = shared_file("samples", "north-korean-troops.txt")
    status, out, _ = _run(str(sample), "--json")
    assert status == 0
    record = json.loads(out.strip())
    assert set(record) == {
        "id",
        "url",
        "title",
        "byline",
        "site_name",
        "source_url",
        "published",
        "paragraphs",
        "words",
        "related",
        "duplicate",
    }
    assert record["paragraphs"] == 12
    assert record["byline"] == "AFP"
    assert record["published"] == "2024-10-17"
    assert record["site_name"] == "themoscowtimes.com"
    assert record["url"] == f"/articles/{record['id']}/" + Article.objects.get().slug + "/"
    assert record["related"] == [
        {
            "title": "N. Korean Soldiers \u2018Highly Likely' Killed in Ukraine \u2013 Seoul",
            "url": "https://www.themoscowtimes.com/2025/12/07/n-korean-soldiers-highly-likely-killed-in-ukraine-seoul",
        }
    ]
    assert record["duplicate"] is False
    again = json.loads(_run(str(sample), "--json")[1])
    assert again["duplicate"] is True
    assert again["id"] == record["id"]


def test_a_directory_is_read_recursively_and_a_bad_file_does_not_stop_the_rest(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "one.txt").write_text("First story\n\nA story about the first harbour in the list.")
    (tmp_path / "sub" / "two.html").write_text(
        "<p>Second story about another harbour, pasted as a fragment of HTML.</p>"
    )
    (tmp_path / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / "ignored.docx").write_bytes(b"PK\x03\x04")  # not a kind Newsroom reads
    status, out, err = _run(str(tmp_path), "--json")
    assert status == 1
    assert len(out.strip().splitlines()) == 2
    assert "empty.txt: It is empty." in err
    assert "1 of 3 could not be added" in err
    assert Article.objects.count() == 2


def test_stdin_is_read_with_a_dash(monkeypatch):
    status, out, _ = _run(
        "-",
        "--json",
        stdin=b"From stdin\n\nA story that arrived on standard input.",
        monkeypatch=monkeypatch,
    )
    assert status == 0
    assert json.loads(out)["title"] == "From stdin"


def test_a_missing_path_fails_with_a_reason():
    status, _, err = _run("/no/such/file.txt")
    assert status == 1
    assert "/no/such/file.txt: No such file." in err


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("allow_private")
def test_the_command_line_saves_an_address(httpserver, capsys):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    call_command("ingest", httpserver.url_for("/story"))
    assert "added as #" in capsys.readouterr().out
    call_command("ingest", httpserver.url_for("/story") + "?utm_source=x")
    assert "already in the library" in capsys.readouterr().out
    assert Article.objects.count() == 1
