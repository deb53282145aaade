"""The gazetteer across processes (articles/entities/suggestions.py): each process keeps its
own automaton, rebuilt when the database's gazetteer version changes, so an entity tagged
in one web process is suggested by another on its next request.

The other process is a real one: a second Python on the same settings and the same test
database, kept alive and asked over stdin/stdout, as a second gunicorn worker would be.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

import pytest

from articles.entities import curation
from tests.conftest import ROOT
from tests.factories import make_article, tag
from tests.workers import database_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.django_db(transaction=True)  # committed, so the other sees it

# The other process: one line in ({"article": pk, "user": pk}), one line out (what
# `suggest` offers that person in that article), until stdin closes.
OTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from articles.entities.suggestions import suggest
from articles.models import Article
print("READY", flush=True)
for line in sys.stdin:
    ask = json.loads(line)
    article = Article.objects.get(pk=ask["article"])
    user = get_user_model().objects.get(pk=ask["user"])
    print("SUGGESTS " + json.dumps([s.as_json() for s in suggest(article, user)]), flush=True)
"""


class OtherProcess:
    """A second web process, as far as suggestions go."""

    def __init__(self, log: Path) -> None:
        self.log = log
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        }
        self._err = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", OTHER_PROCESS],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._expect("READY")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))

    def _expect(self, word: str) -> str:
        while True:
            try:
                line = self._lines.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"the other process said nothing:\n{self.log.read_text()}")
            if line.startswith(word):
                return line.removeprefix(word).strip()

    def suggestions(self, article: Any, user: Any) -> list[dict[str, Any]]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"article": article.pk, "user": user.pk}) + "\n")
        self.process.stdin.flush()
        return json.loads(self._expect("SUGGESTS"))

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._err.close()


@pytest.fixture
def other_process(tmp_path) -> Iterator[OtherProcess]:
    other = OtherProcess(tmp_path / "other-process.log")
    yield other
    other.stop()


@pytest.fixture
def articles():
    """A story where alice tags a person, and another that names her too."""
    first = make_article(
        "Port talks resume\n\nIngrid Solberg, the port's new director, met the dockers' "
        "union on Monday. The talks lasted six hours and will resume on Thursday."
    )
    second = make_article(
        "Quay repairs approved\n\nThe council approved the repairs to the northern quay. "
        "Ingrid Solberg said the work would start in May. Solberg thanked the council."
    )
    return first, second


def _known(suggestions: list[dict[str, Any]]) -> set[tuple[str, int]]:
    return {(s["text"], s["entity_id"]) for s in suggestions if s["kind"] == "known"}


def test_an_entity_tagged_here_is_suggested_by_the_other_process(other_process, articles, user):
    first, second = articles
    before = other_process.suggestions(second, user)  # its gazetteer is built and cached
    assert _known(before) == set()

    entity = tag(first, user, "Ingrid Solberg", name="Ingrid Solberg", kind="person").entity

    assert _known(other_process.suggestions(second, user)) == {("Ingrid Solberg", entity.pk)}

    curation.add_alias(entity, "Solberg")

    assert _known(other_process.suggestions(second, user)) == {
        ("Ingrid Solberg", entity.pk),
        ("Solberg", entity.pk),
    }
