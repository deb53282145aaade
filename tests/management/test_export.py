"""`manage.py export`: each format to a file (Markdown also to a folder of files, as a
vault reads it), narrowed by article, label or search, as one person sees the library;
`--format backup` for `manage.py restore_backup`; and a clear message, never a
traceback, for anything it cannot do."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests.exports.library import make_library
from tests.exports.markdown_files import split

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(user, bob, desk, admin_user):
    """The export tests' library (tests/exports/library.py)."""
    return make_library(user, bob, desk)


def _run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as exc:
        return 1, str(exc)
    return 0, out.getvalue()


def test_markdown_of_one_article_to_a_md_file(library, tmp_path):
    path = tmp_path / "strike.md"
    status, said = _run("export", "--format", "markdown", "--output", str(path),
                        "--article", str(library.strike.pk), "--user", "alice",
                        "--base-url", "https://newsroom.example.org/")  # fmt: skip
    assert status == 0, said
    assert said == f"Exported 1 article with 9 annotations (Markdown) to {path}.\n"
    front, body = split(path.read_text(encoding="utf-8"))
    assert front["newsroom"] == f"https://newsroom.example.org{library.strike.get_absolute_url()}"
    assert "SECRET-BOB" not in body
    assert not list(tmp_path.glob("*.partial"))


def test_markdown_of_the_library_to_a_folder_writes_one_file_per_article(library, tmp_path):
    status, said = _run("export", "--format", "markdown", "--output", str(tmp_path),
                        "--user", "bob")  # fmt: skip
    assert status == 0, said
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "Harbour Strike Enters Second Week.md",
        "Zürich – «Größe» & co.md",
    ]
    assert "SECRET-BOB" in (tmp_path / "Harbour Strike Enters Second Week.md").read_text()


def test_markdown_of_a_label_to_a_zip(library, tmp_path):
    path = tmp_path / "x.zip"
    status, said = _run("export", "--format", "markdown", "--output", str(path),
                        "--label", "investigation x", "--user", "alice")  # fmt: skip
    assert status == 0, said
    assert len(zipfile.ZipFile(path).namelist()) == 2


def test_csv_of_a_search(library, tmp_path):
    path = tmp_path / "found.csv"
    status, said = _run("export", "--format", "csv", "--output", str(path),
                        "--search", "Zürich", "--user", "alice")  # fmt: skip
    assert status == 0, said
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["Title"] for row in rows} == {"Zürich – «Größe» & co"}


def test_jsonld_names_the_collection_by_the_export_it_is(library, tmp_path):
    path = tmp_path / "all.jsonld"
    status, said = _run("export", "--format", "jsonld", "--output", str(path),
                        "--label", "Ukraine", "--user", "alice")  # fmt: skip
    assert status == 0, said
    collection, *_pages = json.loads(path.read_text(encoding="utf-8"))
    assert collection["id"] == "http://127.0.0.1:8000/export/?format=jsonld&label=Ukraine"
    assert collection["label"] == "Newsroom: Articles labelled “Ukraine”"


def test_a_backup_holds_everything_and_restore_backup_refuses_a_newsroom_with_data(
    library, tmp_path
):
    path = tmp_path / "backup.zip"
    status, said = _run("export", "--format", "backup", "--output", str(path))
    assert status == 0, said
    assert said == f"Backed up 3 articles, 12 annotations and 3 accounts to {path}.\n"
    assert "SECRET-BOB" in zipfile.ZipFile(path).read("articles.annotation.jsonl").decode()
    status, said = _run("restore_backup", str(path))
    assert status == 1
    assert "already has 3 accounts" in said


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--format", "csv"], "Say whose export it is with --user USERNAME"),
        (["--format", "csv", "--user", "nobody"], "There is no user called “nobody”."),
        (["--format", "csv", "--user", "alice", "--article", "abc"], "--article takes an article"),
        (["--format", "csv", "--user", "alice", "--article", "99999"], "There is no article 99999"),
        (
            ["--format", "csv", "--user", "alice", "--label", "Nope"],
            "There is no label called “Nope”.",
        ),
        (["--format", "csv", "--user", "alice", "--search", "  "], "Type what to search for"),
        (["--format", "backup", "--user", "alice"], "--user does not apply"),
        (["--format", "markdown", "--user", "alice", "--output-md"], ""),
    ],
)
def test_what_cannot_be_done_is_said_plainly(library, tmp_path, args, says):
    if args[-1] == "--output-md":  # several articles into one .md file
        args = [*args[:-1], "--output", str(tmp_path / "one.md")]
        says = "a .md file holds one"
    elif "--output" not in args:
        args = [*args, "--output", str(tmp_path / "out")]
    status, said = _run("export", *args)
    assert status == 1
    assert says in said
    assert not list(tmp_path.iterdir())  # nothing half written


def test_an_output_in_a_folder_that_does_not_exist_is_refused(library, tmp_path):
    status, said = _run("export", "--format", "csv", "--user", "alice",
                        "--output", str(tmp_path / "missing" / "out.csv"))  # fmt: skip
    assert status == 1
    assert (
        said
        == f"{tmp_path / 'missing'} is not a folder: make it first, or choose another --output."
    )


def test_an_empty_library_exports_nothing_without_failing(user, tmp_path):
    status, said = _run("export", "--format", "csv", "--user", "alice",
                        "--output", str(tmp_path / "empty.csv"))  # fmt: skip
    assert status == 0
    assert said == f"Exported 0 articles with 0 annotations (CSV) to {tmp_path / 'empty.csv'}.\n"
    assert (tmp_path / "empty.csv").read_text().splitlines()[0].startswith("Highlight,Title")


def test_restore_backup_says_what_is_wrong_with_a_file(tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK not really")
    assert _run("restore_backup", str(bad))[1].startswith("This is not a Newsroom backup")
    assert _run("restore_backup", str(tmp_path / "none.zip"))[1] == (
        f"This is not a Newsroom backup (not a readable ZIP file): [Errno 2] No such file or "
        f"directory: '{tmp_path / 'none.zip'}'."
    )
