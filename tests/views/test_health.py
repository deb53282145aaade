"""/healthz (articles/views/health.py): what a load balancer or a monitor polls, with no
account: 200 and its JSON when the database answers and the heartbeat is fresh, 503 when
either is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import maintenance
from articles.middleware import reset_first_run_cache
from tests.factories import make_user
from tests.workers import fresh_beat

pytestmark = pytest.mark.django_db


@pytest.fixture
def someone(db):
    """An account, so the first-run page is behind us (no password: nothing to hash)."""
    return make_user("editor")


@pytest.fixture
def beat(someone):
    return fresh_beat()


def test_it_answers_200_and_its_json_when_the_heartbeat_is_fresh(client, beat):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["problem"] == ""
    assert body["database"] is True
    assert 0 <= body["heartbeat_age_seconds"] < 60
    assert body["heartbeat_max_age_seconds"] == 300
    assert body["queue"] == {"ready": 0, "running": 0}
    assert body["workers"] == 0  # no `manage.py worker` runs in this test


def test_it_counts_the_tasks_waiting(client, beat):
    maintenance.maintain.enqueue()
    assert client.get("/healthz").json()["queue"]["ready"] == 1


def test_it_answers_503_when_the_heartbeat_is_stale(client, beat):
    DBTaskResult.objects.filter(pk=beat.pk).update(
        finished_at=timezone.now() - dt.timedelta(minutes=6)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"] is True
    assert body["heartbeat_age_seconds"] >= 360
    assert "are the workers running?" in body["problem"]


def test_it_answers_503_before_any_heartbeat(client, someone):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["heartbeat_age_seconds"] is None
    assert "manage.py worker" in response.json()["problem"]


def test_a_failed_or_skipped_beat_is_no_heartbeat(client, beat):
    DBTaskResult.objects.filter(pk=beat.pk).update(status=TaskResultStatus.FAILED)
    assert client.get("/healthz").status_code == 503
    DBTaskResult.objects.filter(pk=beat.pk).update(
        status=TaskResultStatus.SUCCESSFUL, return_value={"skipped": 1}
    )
    assert client.get("/healthz").status_code == 503


@pytest.mark.django_db(transaction=True)  # it closes the connection
def test_it_answers_503_when_the_database_cannot_be_reached(client, beat):
    assert client.get("/healthz").status_code == 200  # the first-run check is behind us
    settings = connection.settings_dict
    port = settings.get("PORT")
    connection.close()
    settings["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        settings["PORT"] = port
    assert response.status_code == 503
    body = response.json()
    assert body["database"] is False
    assert body["problem"] == "The database cannot be reached (OperationalError)."
    assert body["queue"] == {"ready": None, "running": None}


def test_it_refuses_a_post(client, beat):
    assert client.post("/healthz").status_code == 405


def test_it_answers_on_first_run_too_without_a_redirect_to_setup(client):
    reset_first_run_cache()
    assert client.get("/healthz").status_code == 503
