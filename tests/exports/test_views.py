"""The downloads: from an article, the library (a view, a label), a search and an entity
page, each an attachment of the right type; the Export… menus that offer them; the full
backup for administrators only; and a clear answer, never a 500, to anything asked."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from articles import accounts
from articles import library as shelf
from articles.models import Role
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db


def _download(client, query: str, *, status: int = 200):
    response = client.get(f"/export/?{query}")
    if response.streaming:  # read to the end: the test client then closes the file
        response.body = b"".join(response.streaming_content)
    assert response.status_code == status, response.content[:300]
    return response


def _body(response) -> bytes:
    return response.body


def _disposition(response) -> str:
    return response.headers["Content-Disposition"]


def test_an_articles_markdown_is_one_md_file_named_after_it(library, alice_client):
    response = _download(alice_client, f"format=markdown&article={library.strike.pk}")
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert _disposition(response) == 'attachment; filename="harbour-strike-enters-second-week.md"'
    text = _body(response).decode()
    assert text.startswith('---\ntitle: "Harbour Strike Enters Second Week"\n')
    assert f"http://testserver{library.strike.get_absolute_url()}#annotation-" in text


def test_the_librarys_markdown_is_a_zip_of_what_the_view_lists(library, alice_client, user):
    response = _download(alice_client, "format=markdown")
    assert response.headers["Content-Type"] == "application/zip"
    assert _disposition(response).startswith('attachment; filename="newsroom-library-')
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert sorted(names) == ["Harbour Strike Enters Second Week.md", "Zürich – «Größe» & co.md"]
    # alice read the strike and made Zürich a favourite.
    unread = _download(alice_client, "format=markdown&view=unread")
    assert zipfile.ZipFile(io.BytesIO(_body(unread))).namelist() == ["Zürich – «Größe» & co.md"]
    favourites = _download(alice_client, "format=markdown&view=favourites")
    assert zipfile.ZipFile(io.BytesIO(_body(favourites))).namelist() == ["Zürich – «Größe» & co.md"]


def test_a_label_exports_only_its_articles(library, alice_client):
    label = shelf.label_named("Ukraine")
    response = _download(alice_client, f"format=csv&label={label.pk}")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert {row["Title"] for row in rows} == {"Harbour Strike Enters Second Week"}


def test_a_label_that_no_longer_exists_exports_nothing(library, alice_client):
    response = _download(alice_client, "format=csv&label=999999")
    assert _body(response).decode().strip().count("\n") == 0  # the header alone


def test_a_search_exports_what_it_found(library, alice_client):
    response = _download(alice_client, "format=jsonld&q=Z%C3%BCrich")
    assert response.headers["Content-Type"] == (
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    )
    collection, *pages = json.loads(_body(response))
    assert collection["id"] == "http://testserver/export/?format=jsonld&q=Z%C3%BCrich"
    assert len(pages) == 1
    assert pages[0]["items"][0]["target"]["source"].endswith(library.zurich.get_absolute_url())


def test_a_search_for_highlights_exports_those_highlights_only(library, alice_client):
    response = _download(alice_client, "format=csv&q=container type:highlight")
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    assert [row["Highlight"] for row in rows] == ["container ships waiting"]


def test_an_entity_exports_the_articles_mentioning_it(library, alice_client):
    response = _download(alice_client, f"format=markdown&entity={library.extra['port'].pk}")
    names = zipfile.ZipFile(io.BytesIO(_body(response))).namelist()
    assert names == ["Harbour Strike Enters Second Week.md"]


def test_without_a_format_the_page_offers_the_formats(library, alice_client):
    response = _download(alice_client, f"article={library.strike.pk}")
    page = response.content.decode()
    assert "Harbour Strike Enters Second Week</strong>: 1 article" in page
    assert f"/export/?format=csv&amp;article={library.strike.pk}" in page


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("format=pdf", 400, "There is no export format “pdf”"),
        ("format=csv&q=", 400, "Type what to search for"),
        ("format=csv&q=%20%20", 400, "Type what to search for"),
        ("format=csv&article=abc", 404, ""),
        ("format=csv&article=99999999", 404, ""),
        ("format=csv&article=99999999999999999999999", 404, ""),
        ("format=csv&entity=-1", 404, ""),
        ("format=csv&view=nonsense", 200, ""),
        ("format=csv&page=x&label=y", 200, ""),
    ],
)
def test_anything_asked_gets_a_clear_answer(library, alice_client, query, status, says):
    response = _download(alice_client, query, status=status)
    if says:
        assert says in response.content.decode()


def test_a_trashed_article_is_not_exported(library, alice_client):
    _download(alice_client, f"format=markdown&article={library.extra['gone'].pk}", status=404)


def test_exports_need_signing_in(library, client):
    response = client.get(f"/export/?format=csv&article={library.strike.pk}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_guest_exports_what_they_can_read(library, admin_user):
    guest = make_user("gita")
    accounts.set_role(guest, Role.GUEST, by=admin_user)
    response = _download(signed_in(guest), f"format=csv&article={library.strike.pk}")
    rows = list(csv.DictReader(io.StringIO(_body(response).decode())))
    # Everyone's annotations only: no private one, nothing of the Politics desk.
    assert {row["Audience"] for row in rows} == {"Everyone"}


def test_the_full_backup_is_for_administrators_only(library, alice_client, admin_user):
    assert alice_client.get("/export/backup/").status_code == 403
    response = signed_in(admin_user).get("/export/backup/")
    response.body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert _disposition(response).startswith('attachment; filename="newsroom-backup-')
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["articles.article"] == 3  # the trashed one too


def test_the_reader_the_library_and_the_entity_page_offer_the_export_menu(
    library, alice_client, admin_user
):
    strike, port = library.strike, library.extra["port"]
    reader = alice_client.get(strike.get_absolute_url()).content.decode()
    assert f'href="/export/?format=markdown&amp;article={strike.pk}"' in reader
    assert f'href="/export/?format=jsonld&amp;article={strike.pk}"' in reader
    label = shelf.label_named("Ukraine")
    shelf_page = alice_client.get(f"/?view=unread&label={label.pk}").content.decode()
    assert f'href="/export/?format=csv&amp;view=unread&amp;label={label.pk}"' in shelf_page
    assert "/export/backup/" not in shelf_page  # alice is not an administrator
    assert "/export/backup/" in signed_in(admin_user).get("/").content.decode()
    entity = alice_client.get(port.get_absolute_url()).content.decode()
    assert f'href="/export/?format=markdown&amp;entity={port.pk}"' in entity
    found = alice_client.get("/search/?q=harbour").content.decode()
    assert 'href="/export/?format=csv&amp;q=harbour"' in found


def test_the_export_menu_follows_the_library_filters_on_an_htmx_swap(library, alice_client):
    response = alice_client.get("/?view=archived", headers={"HX-Request": "true",
                                                            "HX-Target": "article-list"})  # fmt: skip
    assert 'href="/export/?format=markdown&amp;view=archived"' in response.content.decode()
