"""Restoring into a fresh database, as a move to a new server does: the full backup ZIP
into a new, migrated database (`manage.py restore_backup`), and the PostgreSQL backup
(`manage.py backup`) into a new cluster (`manage.py restore`). Both run `manage.py` in
its own process against throwaway clusters (tests/pgscratch.py), never the project's."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from articles.exports import backup, database
from tests import pgscratch

ROOT = Path(__file__).resolve().parents[2]

COUNTS = (
    "from django.contrib.auth import authenticate; from articles.models import *; "
    "print(Article.objects.count(), Annotation.objects.count(), "
    "Annotation.objects.get().note, authenticate(username='alice', password='correct horse 1'))"
)


def _manage(cluster_url: str, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": cluster_url},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _shown(url: str) -> list[str]:
    """What COUNTS prints (its last line: the shell may say what it imported first)."""
    return _manage(url, "shell", "-c", COUNTS).stdout.strip().splitlines()[-1].split()


def _database(cluster: pgscratch.ScratchCluster, name: str) -> str:
    """A new database `name` in `cluster`, a copy of its migrated `newsroom`; its URL."""
    subprocess.run(
        [str(cluster.bindir / "createdb"), "-h", str(cluster.socket_dir), "-p", str(cluster.port),
         "-U", pgscratch.DB_USER, "-T", pgscratch.DB_NAME, name],
        check=True, capture_output=True,
    )  # fmt: skip
    return cluster.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="module")
def migrated():
    """A throwaway cluster whose `newsroom` database has Newsroom's tables and nothing in
    them: the template of each test's own database."""
    cluster = pgscratch.create(port=55481)
    try:
        cluster.migrate()
        yield cluster
    finally:
        cluster.destroy()


@pytest.mark.django_db
def test_the_backup_zip_restored_into_a_new_database_backs_up_the_same(library, migrated, tmp_path):
    made = tmp_path / "made.zip"
    with made.open("wb") as out:
        backup.write(out)
    url = _database(migrated, "fresh")
    said = _manage(url, "restore_backup", str(made)).stdout
    assert "3 articles, 12 annotations, 3 accounts" in said
    again = tmp_path / "again.zip"
    _manage(url, "export", "--format", "backup", "--output", str(again))
    first, second = zipfile.ZipFile(made), zipfile.ZipFile(again)
    assert first.namelist() == second.namelist()
    for name in first.namelist():
        if name == "manifest.json":
            one, two = json.loads(first.read(name)), json.loads(second.read(name))
            assert one["counts"] == two["counts"]
        else:
            assert first.read(name) == second.read(name), name
    refused = _manage(url, "restore_backup", str(made), check=False)
    assert refused.returncode == 1
    assert "already has 3 accounts" in refused.stderr


def test_the_database_backup_restores_into_a_new_cluster(migrated, tmp_path):
    source = _database(migrated, "source")
    story = tmp_path / "story.txt"
    story.write_text("Harbour Strike\n\nDock workers stayed off the job.", encoding="utf-8")
    _manage(source, "ingest", str(story))
    _manage(source, "shell", "-c", (
        "from django.contrib.auth import get_user_model; from articles import annotations; "
        "from articles.models import Article; "
        "u = get_user_model().objects.create_user('alice', 'a@example.org', 'correct horse 1'); "
        "a = Article.objects.get(); "
        "annotations.create(a, u, start=0, end=4, quote='Dock', note='kept')"
    ))  # fmt: skip
    folder = tmp_path / "backups"
    said = _manage(source, "backup", "--output", f"{folder}/", "--keep", "3").stdout
    made = next(folder.glob("newsroom-*.tar"))
    assert f"to {made}" in said

    target = pgscratch.create(port=55482)
    try:
        url = target.url
        _manage(url, "restore", str(made))
        shown = _shown(url)
        assert shown[:3] == ["1", "1", "kept"]
        assert shown[3] == "alice"  # signs in with the same password
        refused = _manage(url, "restore", str(made), check=False)
        assert refused.returncode == 1
        assert "already has 1 account" in refused.stderr
        assert "--replace" in refused.stderr
        _manage(url, "restore", str(made), "--replace")
        assert _shown(url)[:2] == ["1", "1"]
    finally:
        target.destroy()


def test_a_file_that_is_not_a_database_backup_is_refused(migrated, tmp_path):
    url = _database(migrated, "refusing")
    zip_backup = tmp_path / "export.tar"
    zip_backup.write_bytes(b"not a tar file")
    refused = _manage(url, "restore", str(zip_backup), check=False)
    assert refused.returncode == 1
    assert "not a Newsroom database backup" in refused.stderr
    missing = _manage(url, "restore", str(tmp_path / "nothing.tar"), check=False)
    assert "There is no file" in missing.stderr


def test_keep_deletes_all_but_the_newest_backups(tmp_path):
    for stamp in ("20260101-000000", "20260102-000000", "20260103-000000"):
        (tmp_path / f"newsroom-{stamp}.tar").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("mine")
    removed = database.prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["newsroom-20260101-000000.tar"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "newsroom-20260102-000000.tar", "newsroom-20260103-000000.tar", "notes.txt",
    ]  # fmt: skip


def test_the_backup_names_sort_by_time():
    assert database.default_name(dt.datetime(2026, 3, 1, 4, 5, 6, tzinfo=dt.UTC)) == (
        "newsroom-20260301-040506.tar"
    )
