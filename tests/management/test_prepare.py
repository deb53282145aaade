"""`manage.py prepare`: the welcome article once, and a setup code while no account exists."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from articles.models import Article, SetupCode

pytestmark = pytest.mark.django_db


def test_prepare_loads_the_welcome_article_and_prints_a_code(capsys):
    call_command("prepare")
    out = capsys.readouterr().out
    assert "Open http://127.0.0.1:8000/setup/" in out
    welcome = Article.objects.get()
    assert welcome.title == "Welcome to Newsroom"
    assert SetupCode.objects.count() == 1
    call_command("prepare")
    assert Article.objects.count() == 1


def test_prepare_prints_no_code_once_an_account_exists(capsys, user):
    call_command("prepare")
    out = capsys.readouterr().out
    assert "setup code" not in out
    assert "ready at http://127.0.0.1:8000/" in out


def test_a_deleted_welcome_article_does_not_come_back(user):
    call_command("prepare")
    assert not Article.objects.exists()
