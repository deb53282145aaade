"""The malformed-input middleware: NUL bytes, broken text and unreadable forms get a 400
(413, 414) and a page saying why, before any view, query or traceback."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from articles import sharing
from articles.models import Annotation, Article
from tests.factories import span

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_a_share_token_is_refused_with_a_page_saying_why(client):
    response = client.get("/s/a%00b/")
    assert response.status_code == 400
    assert "NUL byte" in response.text
    assert "Something was wrong with that request" in response.text


def test_a_nul_byte_in_the_bookmarklet_token_is_refused(client):
    response = client.post(reverse("save_page"), {"token": "\x00", "url": "https://a.example/"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_note_is_refused_and_nothing_is_saved(alice_client, article):
    data = {**span(article, "talks"), "note": "a\x00b", "audience": "private"}
    response = alice_client.post(reverse("annotate", args=[article.pk]), data)
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_a_refused_request_costs_no_query(client, user, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/search/", {"q": "a\x00b"}).status_code == 400


def test_the_refusal_is_a_warning_without_a_traceback(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/s/a%00b/")
    assert [(r.levelno, r.exc_info) for r in caplog.records] == [(logging.WARNING, None)]


@pytest.mark.parametrize(
    "query",
    [b"q=%FF", b"q=\xff", b"q=%ED%A0%80", b"page=1&q=%C3"],
    ids=["escaped", "raw", "surrogate", "cut"],
)
def test_a_query_string_that_is_not_utf8_is_refused(client, user, query):
    response = client.get("/search/", QUERY_STRING=query.decode("latin-1"))
    assert response.status_code == 400
    assert "UTF-8" in response.text


def test_a_path_that_is_not_utf8_is_read_as_text_that_names_nothing(client, user):
    # Django escapes the byte again: the token is the text "%FF", a link that does not exist.
    assert client.get("/s/%FF/").status_code == 410


def test_a_form_that_is_not_utf8_is_refused(alice_client, article):
    url = reverse("add_label", args=[article.pk])
    for body in (b"name=%FF", b"name=\xff"):
        response = alice_client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert "UTF-8" in response.text


def test_a_replacement_character_typed_in_a_form_is_kept(alice_client, article):
    url = reverse("add_label", args=[article.pk])
    body = b"name=Ports+%EF%BF%BD"
    response = alice_client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert article.labels.get().name == "Ports \ufffd"


def test_a_lone_surrogate_from_a_declared_charset_is_refused(alice_client):
    # "+2AA-" read as UTF-7, a charset the request may declare, is U+D800.
    response = alice_client.get(
        "/search/", QUERY_STRING="q=%2B2AA-", CONTENT_TYPE="text/plain; charset=utf-7"
    )
    assert response.status_code == 400


def test_a_broken_cookie_is_ignored_rather_than_refused(user, article):
    link = sharing.create_link(user, article, audience="anyone")
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get(reverse("share_link", args=[link.token])).status_code == 200


def test_an_address_too_long_is_refused(client):
    assert client.get("/search/", {"q": "x" * 10_000}).status_code == 414


def test_a_form_too_large_is_refused_with_the_limit(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("save_page"), {"token": "t", "html": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.text


def test_htmx_gets_the_reason_alone(client):
    response = client.get("/s/a%00b/", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.text.strip().startswith("<p")
    assert "<html" not in response.text


def test_an_empty_to_field_in_the_admin_opens_the_page(admin_user, article):
    # Django's admin read `_to_field=` as a field named "": a 500.
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert client.get(url, {"_to_field": ""}).status_code == 200


# A paste over the article limit (5 MB) -------------------------------------------------

# 6.1 MB of text: more than the article limit plus the form's 64 KB.
BIG_PASTE = "The harbour reopened on Monday. " * 200_000
SIZE_MESSAGE = "It is 6.1 MB; Newsroom accepts articles up to 5.0 MB."


@pytest.fixture
def member(user):
    """alice's browser, whose forms carry the CSRF token the library page gave it."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get(reverse("library"))
    return browser


def _token(browser: Client) -> str:
    return browser.cookies["csrftoken"].value


def _add_form(html: str) -> str:
    start = html.index('<form id="add-article"')
    return html[start : html.index("</form>", start)]


def test_a_paste_over_the_limit_gets_the_library_form_saying_so(member):
    response = member.post(
        reverse("add_article"), {"text": BIG_PASTE, "csrfmiddlewaretoken": _token(member)}
    )
    assert response.status_code == 413
    assert '<h1 id="list-heading"' in response.text  # the library page, not the refusal
    assert SIZE_MESSAGE in _add_form(response.text)
    assert not Article.objects.exists()


def test_an_htmx_paste_over_the_limit_gets_the_form_to_swap_in(member):
    response = member.post(
        reverse("add_article"),
        {"text": BIG_PASTE},
        headers={"HX-Request": "true", "X-CSRFToken": _token(member)},
    )
    assert response.status_code == 413
    assert response.text.lstrip().startswith('<form id="add-article"')
    assert SIZE_MESSAGE in _add_form(response.text)
    assert "<html" not in response.text
    assert not Article.objects.exists()


class _Unreadable:
    """A request body that fails the test if anything reads a byte of it."""

    def read(self, *_args: object) -> bytes:
        pytest.fail("the oversized body was read")

    readline = read


def test_the_refusal_reads_not_a_byte_of_the_body(member):
    response = member.generic(
        "POST",
        reverse("add_article"),
        b"text=x",
        content_type="application/x-www-form-urlencoded",
        headers={"HX-Request": "true"},
        CONTENT_LENGTH=str(50 * 1024 * 1024),
        **{"wsgi.input": _Unreadable()},
    )
    assert response.status_code == 413
    assert "Newsroom accepts articles up to 5.0 MB" in response.text


def test_a_paste_within_the_limit_still_needs_its_csrf_token(member):
    response = member.post(reverse("add_article"), {"text": "A story\n\nLong enough to keep."})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_signed_out_an_oversized_paste_leads_to_sign_in(client):
    response = client.post(reverse("add_article"), {"text": BIG_PASTE})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_other_forms_over_the_limit_still_get_the_refusal_page(alice_client):
    response = alice_client.post(reverse("labels"), {"name": BIG_PASTE})
    assert response.status_code == 413
    assert "The request is too large" in response.text
    assert 'id="add-article"' not in response.text
