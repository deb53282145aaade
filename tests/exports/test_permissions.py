"""A person exports what they can see: in every format and from every place, a
colleague's private note never leaves with someone else's export, and a group's notes
go only to its members."""

from __future__ import annotations

import io
import zipfile

import pytest

from articles import library as shelf
from tests.factories import make_user, signed_in

pytestmark = pytest.mark.django_db

FORMATS = ("markdown", "csv", "jsonld")


def _text(client, query: str) -> str:
    response = client.get(f"/export/?{query}")
    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content)
    if response.headers["Content-Type"] == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(body))
        return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return body.decode()


def _mentions(exported: str, annotation) -> bool:
    """Whether the export names `annotation` (its link or its JSON-LD id)."""
    return f"#annotation-{annotation.pk}>" in exported or (
        f'/annotations/articles/{annotation.article_id}/{annotation.pk}"' in exported
    )


def _scopes(library) -> list[str]:
    label = shelf.label_named("Ukraine")
    return [
        f"article={library.strike.pk}",
        "",  # the library
        "view=unread",
        f"label={label.pk}",
        "q=eighth",
        "q=SECRET",
        f"entity={library.extra['port'].pk}",
    ]


def test_a_colleagues_private_note_is_in_no_export_of_anyone_else(library, user, bob):
    alice, bob_client = signed_in(user), signed_in(bob)
    for scope in _scopes(library):
        for fmt in FORMATS:
            query = f"format={fmt}&{scope}"
            exported = _text(alice, query)
            assert "SECRET-BOB" not in exported, query
            assert not _mentions(exported, library.made["bob private"]), query
            assert "alice's own" not in _text(bob_client, query), query


def test_the_author_does_export_their_private_note(library, user, bob):
    for fmt in FORMATS:
        assert "SECRET-BOB" in _text(signed_in(bob), f"format={fmt}&article={library.strike.pk}")
        assert "alice" in _text(signed_in(user), f"format={fmt}&article={library.strike.pk}")


def test_a_groups_notes_go_only_to_its_members(library, user):
    outsider = make_user("olga")
    for fmt in FORMATS:
        query = f"format={fmt}&article={library.strike.pk}"
        assert "Desk: call them" in _text(signed_in(user), query)
        exported = _text(signed_in(outsider), query)
        assert "Desk: call them" not in exported
        assert not _mentions(exported, library.made["bob desk"])


def test_an_administrator_gets_no_exception(library, admin_user):
    for fmt in FORMATS:
        exported = _text(signed_in(admin_user), f"format={fmt}")
        assert "SECRET-BOB" not in exported
        assert "alice's own" not in exported
