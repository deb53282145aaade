"""Two clients change the same annotation with the same ETag: one wins (200), the other is
told 412 Precondition Failed, and the stored note is the winner's. Never both, never a
silent overwrite (`articles.api.http`: the If-Match check and the write hold the row).

First in turn, with the test client; then truly at once, two threads against a live server
(each request in its own server thread and database connection), started together by a
barrier. To be sure both requests are in flight together, and past every check that comes
before the lock, the test itself holds the annotation's row locked while they arrive, waits
until PostgreSQL shows both waiting for it, and only then lets them go.
"""

from __future__ import annotations

import itertools
import threading
import time

import pytest
import urllib3
from django.db import connection, transaction

from articles import apitokens
from articles.models import Annotation
from tests.factories import highlight, make_article, make_user

PATCH_TIMEOUT = 20


def _patch(client, pk: int, token: str, etag: str, note: str):
    return client.patch(
        f"/api/v1/annotations/{pk}",
        {"note": note},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "If-Match": etag},
    )


@pytest.mark.django_db
def test_the_second_change_with_the_same_etag_is_refused(client):
    alice = make_user("alice")
    annotation = highlight(make_article(), alice, "eighth day", note="First words")
    first, second = (apitokens.create(alice, name, "write")[1] for name in ("laptop", "phone"))
    url = f"/api/v1/annotations/{annotation.pk}"
    read = client.get(url, headers={"Authorization": f"Bearer {first}"})
    assert read.status_code == 200
    etag = read["ETag"]
    assert client.get(url, headers={"Authorization": f"Bearer {second}"})["ETag"] == etag

    won = _patch(client, annotation.pk, first, etag, "From the laptop")
    lost = _patch(client, annotation.pk, second, etag, "From the phone")

    assert won.status_code == 200, won.content
    assert lost.status_code == 412, lost.content
    assert lost["Content-Type"].startswith("application/problem+json")
    assert lost["ETag"] == won["ETag"] != etag  # the 412 names what is there now
    assert Annotation.objects.get(pk=annotation.pk).note == "From the laptop"
    assert "From the laptop" in won.json()["body"]["value"]  # the note, rendered


NOTES = itertools.count(1)  # every note sent is a note of its own


def _pool(url: str) -> urllib3.HTTPConnectionPool:
    """A connection of its own to the live server at `url`."""
    parts = urllib3.util.parse_url(url)
    return urllib3.HTTPConnectionPool(
        str(parts.host), parts.port, maxsize=1, retries=False, timeout=PATCH_TIMEOUT
    )


def _race(url: str, pk: int, tokens: list[str], etag: str, *, hold: bool) -> dict[str, int]:
    """Both tokens PATCH `pk` with `etag` at once (each its own note); their statuses by
    note. With `hold`, the test holds the row locked before releasing them and lets go
    only once PostgreSQL shows both requests waiting for it."""
    barrier = threading.Barrier(len(tokens) + 1)
    statuses: dict[str, int] = {}
    errors: list[BaseException] = []

    def one(token: str, note: str) -> None:
        pool = _pool(url)
        try:
            barrier.wait(PATCH_TIMEOUT)
            response = pool.request(
                "PATCH",
                f"/api/v1/annotations/{pk}",
                body=f'{{"note": "{note}"}}'.encode(),
                headers={
                    "Authorization": f"Bearer {token}",
                    "If-Match": etag,
                    "Content-Type": "application/json",
                },
            )
            statuses[note] = response.status
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    threads = [
        threading.Thread(target=one, args=(token, f"note {next(NOTES)}")) for token in tokens
    ]
    for thread in threads:
        thread.start()
    if hold:
        with transaction.atomic(), connection.cursor() as cursor:
            table = Annotation._meta.db_table
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [pk])  # noqa: S608
            barrier.wait(PATCH_TIMEOUT)
            deadline = time.monotonic() + PATCH_TIMEOUT
            while _waiting_for_locks() < len(tokens):
                assert time.monotonic() < deadline, "the PATCHes never all waited for the row"
                time.sleep(0.01)
    else:
        barrier.wait(PATCH_TIMEOUT)
    for thread in threads:
        thread.join(PATCH_TIMEOUT)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a PATCH never came back"
    return statuses


def _waiting_for_locks() -> int:
    """Other sessions of this database waiting for a lock, now: the statistics views keep
    one snapshot per transaction (and the test asks inside one), so drop it first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _current_etag(live_server, pk: int, token: str) -> str:
    response = _pool(live_server.url).request(
        "GET", f"/api/v1/annotations/{pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200
    return str(response.headers["ETag"])


def _one_winner(statuses: dict[str, int], pk: int) -> None:
    assert sorted(statuses.values()) == [200, 412], statuses
    (winner,) = (note for note, status in statuses.items() if status == 200)
    assert Annotation.objects.get(pk=pk).note == winner


@pytest.mark.django_db(transaction=True)
def test_two_changes_in_flight_together_one_wins(live_server):
    alice = make_user("alice")
    annotation = highlight(make_article(), alice, "eighth day", note="First words")
    tokens = [apitokens.create(alice, name, "write")[1] for name in ("laptop", "phone")]
    etag = _current_etag(live_server, annotation.pk, tokens[0])

    statuses = _race(live_server.url, annotation.pk, tokens, etag, hold=True)
    _one_winner(statuses, annotation.pk)

    # And without the test's hand on the row: released together, round after round.
    for _ in range(3):
        etag = _current_etag(live_server, annotation.pk, tokens[0])
        statuses = _race(live_server.url, annotation.pk, tokens, etag, hold=False)
        _one_winner(statuses, annotation.pk)
