"""Where the project's own PostgreSQL cluster lives, and what it says when it cannot run."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from articles import pgcluster, pgservers


def test_a_closed_parent_directory_moves_the_cluster_to_a_private_tmp_dir(tmp_path, monkeypatch):
    if os.geteuid() != 0:
        pytest.skip("only root runs the cluster as the postgres user")
    closed = tmp_path / "closed"
    (closed / "checkout").mkdir(parents=True)
    closed.chmod(0o700)
    monkeypatch.setattr(pgcluster, "PROJECT_ROOT", closed / "checkout")
    cluster = pgcluster.locate()
    assert cluster.run_as == "postgres"
    assert str(cluster.base).startswith("/tmp/newsroom-pg-")
    assert "cannot traverse" in cluster.note


def test_an_open_checkout_keeps_the_cluster_under_var(monkeypatch):
    # /tmp itself is open to all (sticky, 1777); pytest's tmp_path is not, so use /tmp.
    top = Path(tempfile.mkdtemp(prefix="newsroom-open-", dir="/tmp"))
    try:
        open_dir = top / "checkout"
        open_dir.mkdir()
        top.chmod(0o755)
        open_dir.chmod(0o755)
        monkeypatch.setattr(pgcluster, "PROJECT_ROOT", open_dir)
        assert pgcluster.locate().base == open_dir / "var" / "postgres"
    finally:
        shutil.rmtree(top)


def test_missing_postgresql_gives_one_clear_message(monkeypatch):
    monkeypatch.setattr(pgservers.shutil, "which", lambda _name: None)
    monkeypatch.setattr(pgservers, "Path", _NoPostgresPath)
    monkeypatch.setattr(pgservers, "embedded_bindir", lambda: None)
    with pytest.raises(pgservers.ServerError, match="apt-get install postgresql"):
        pgservers.choose(None)


class _NoPostgresPath(type(Path())):
    def glob(self, _pattern):
        return iter(())


def test_the_socket_path_stays_within_the_unix_limit(monkeypatch):
    cluster = pgcluster.Cluster(Path("/x" * 60), None, "")
    assert len(str(cluster.socket_dir / ".s.PGSQL.5432")) < 108
