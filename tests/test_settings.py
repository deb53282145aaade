"""Settings: typed environment parsing and the production deploy check."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.settings import envbool, envint, envlist
from tests.conftest import ROOT


def test_envbool_accepts_common_spellings_and_refuses_others(monkeypatch):
    monkeypatch.setenv("NEWSROOM_X", "Yes")
    assert envbool("NEWSROOM_X", default=False) is True
    monkeypatch.setenv("NEWSROOM_X", "off")
    assert envbool("NEWSROOM_X", default=True) is False
    monkeypatch.setenv("NEWSROOM_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="NEWSROOM_X must be true or false"):
        envbool("NEWSROOM_X", default=False)


def test_envint_refuses_malformed_and_too_small_values(monkeypatch):
    monkeypatch.setenv("NEWSROOM_N", "5_000")
    assert envint("NEWSROOM_N", default=1) == 5000
    monkeypatch.setenv("NEWSROOM_N", "5MB")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("NEWSROOM_N", default=1)
    monkeypatch.setenv("NEWSROOM_N", "3")
    with pytest.raises(ImproperlyConfigured, match="at least 10"):
        envint("NEWSROOM_N", default=1, minimum=10)


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("NEWSROOM_L", " a.example , b.example,,")
    assert envlist("NEWSROOM_L", default=[]) == ["a.example", "b.example"]


def test_deploy_check_passes_with_the_documented_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "NEWSROOM_DEBUG": "false",
        "NEWSROOM_SECRET_KEY": "x9!" + "k3Lq8vZ2pT7mW4nR6sY1bC5dF0gH" * 3,
        "NEWSROOM_ALLOWED_HOSTS": "news.example.org",
        "NEWSROOM_HTTPS": "true",
        # Password resets and invitations are e-mailed: production sends through SMTP.
        "NEWSROOM_EMAIL_HOST": "smtp.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_malformed_setting_stops_start_up_with_its_name():
    env = {**os.environ, "NEWSROOM_MAX_ARTICLE_BYTES": "lots"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NEWSROOM_MAX_ARTICLE_BYTES must be a whole number" in result.stderr
