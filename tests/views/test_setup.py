"""First run (articles/views/setup.py): while no account exists every page leads to the
setup page, which, guarded by the console's one-time code, creates the administrator."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.middleware import reset_first_run_cache
from articles.models import SetupCode

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_first_run():
    reset_first_run_cache()
    yield
    reset_first_run_cache()


def _form(code, **extra):
    return {
        "setup_code": code,
        "username": "editor",
        "email": "editor@example.org",
        "password1": "a long pass phrase 42",
        "password2": "a long pass phrase 42",
        **extra,
    }


def test_with_no_account_every_page_leads_to_setup(client):
    for url in ["/", "/articles/1/", "/login/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("setup")


def test_the_right_code_creates_a_signed_in_administrator(client):
    code = SetupCode.issue()
    response = client.post(reverse("setup"), _form(code.lower().replace("-", " ")))
    assert response.status_code == 302
    admin = get_user_model().objects.get()
    assert admin.is_superuser
    assert admin.is_staff
    assert client.get("/").status_code == 200
    assert not SetupCode.objects.exists()


def test_a_wrong_code_creates_nothing(client):
    SetupCode.issue()
    response = client.post(reverse("setup"), _form("AAAA-BBBB-CCCC"))
    assert response.status_code == 400
    assert "setup code is not right" in response.text
    assert not get_user_model().objects.exists()


def test_a_code_works_only_once(client):
    code = SetupCode.issue()
    client.post(reverse("setup"), _form(code))
    client.logout()
    reset_first_run_cache()
    response = client.post(reverse("setup"), _form(code, username="stranger"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert get_user_model().objects.count() == 1


def test_a_new_code_replaces_the_old_one(client):
    old = SetupCode.issue()
    SetupCode.issue()
    client.post(reverse("setup"), _form(old))
    assert not get_user_model().objects.exists()


def test_mismatched_passwords_are_refused(client):
    code = SetupCode.issue()
    response = client.post(reverse("setup"), _form(code, password2="something else 42"))
    assert "The two passwords differ" in response.text
    assert not get_user_model().objects.exists()


def test_the_page_names_the_command_for_a_new_code_as_code_without_backticks(client):
    html = client.get(reverse("setup")).text
    assert "<code>.venv/bin/python manage.py setupcode</code>" in html
    assert "<code>make run</code>" in html
    assert "`" not in html
    assert "<code>python manage.py" not in html  # the system's python lacks Django


def test_a_wrong_code_is_reported_with_the_password_errors_and_first(client):
    SetupCode.issue()
    response = client.post(
        reverse("setup"), _form("AAAA-BBBB-CCCC", password1="short", password2="other")
    )
    assert response.status_code == 400
    html = response.text
    errors = re.findall(r'<p class="field-error" role="alert">(.*?)</p>', html)
    assert len(errors) == 2
    assert errors[0].startswith("That setup code is not right")
    assert "The two passwords differ" in errors[1]
    assert not get_user_model().objects.exists()
