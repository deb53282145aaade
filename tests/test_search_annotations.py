"""Search (articles.search) over highlights, page notes and entities: found by quote, note
and name, linked to their card, and never found by anyone who may not see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import annotations as annotating
from articles import search
from articles.entities import curation
from articles.models import Annotation
from tests.factories import highlight, make_group, signed_in
from tests.searching import titles

pytestmark = pytest.mark.django_db


def test_highlights_and_page_notes_are_found_by_quote_and_note(user, war):
    hl = highlight(war, user, "North Korean troops", note="Check the **Kursk** sighting")
    page_note = annotating.create_page_note(war, user, note="Ask the desk about sightings")
    found = search.run(user, "sighting")
    kinds = {(r.kind, r.obj.pk) for r in found.results}
    assert kinds == {("highlight", hl.pk), ("note", page_note.pk)}
    result = next(r for r in found.results if r.kind == "highlight")
    assert "<mark>sighting</mark>" in result.note_snippet
    assert result.url.endswith(f"#annotation-{hl.pk}")
    assert found.counts == {"article": 0, "highlight": 1, "note": 1, "entity": 0}


def test_page_notes_and_orphaned_highlights_link_to_their_card(user, war):
    """Neither has a passage to scroll to: the link opens the panel at its card."""
    page_note = annotating.create_page_note(war, user, note="Ask the desk about sightings")
    orphan = highlight(war, user, "North Korean troops", note="Old sightings")
    Annotation.objects.filter(pk=orphan.pk).update(status=Annotation.Status.ORPHANED)
    found = {r.obj.pk: r.url for r in search.run(user, "sightings").results}
    reader = signed_in(user).get(war.get_absolute_url()).content.decode()
    for annotation in (page_note, orphan):
        assert found[annotation.pk] == f"{war.get_absolute_url()}#card-{annotation.pk}"
        assert f'id="card-{annotation.pk}"' in reader


def test_entity_mentions_are_not_listed_as_highlights(user, war):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    found = search.run(user, "putin")
    assert {r.kind for r in found.results} == {"article", "entity"}


def test_entities_match_by_prefix_ignoring_case_and_accents(user, war):
    zelensky = curation.create_entity("Volodymyr Zelénskyy", "person", user)
    curation.add_alias(zelensky, "Зеленский")
    highlight(war, user, "Zelensky", entity=zelensky)
    for typed in ("zelen", "ZELENSKYY", "volo zel", "Зелен"):
        found = search.run(user, typed)
        hit = [r for r in found.results if r.kind == "entity"]
        assert [r.obj.pk for r in hit] == [zelensky.pk], typed
    entity = next(r for r in search.run(user, "zelenskyy").results if r.kind == "entity")
    assert entity.obj.mention_count == 1
    assert entity.url == zelensky.get_absolute_url()


def test_entities_with_vietnamese_or_decomposed_accents_are_found_without_them(user, war):
    # Vietnamese letters (ễ, ọ) are outside Latin-1; a name pasted in decomposed form
    # (e + combining acute) has its accents as separate characters.
    trong = curation.create_entity("Nguyễn Phú Trọng", "person", user)
    jose = curation.create_entity("Jose\u0301 Marti\u0301", "person", user)
    for typed, entity in [
        ("Nguyễn", trong),
        ("nguyen phu trong", trong),
        ("José", jose),
        ("jose marti", jose),
    ]:
        found = [r.obj.pk for r in search.run(user, typed).results if r.kind == "entity"]
        assert found == [entity.pk], typed
    highlight(war, user, "Putin", entity=trong)
    for typed in ('entity:"Nguyễn Phú Trọng"', 'entity:"nguyen phu trong"'):
        assert titles(search.run(user, typed)) == [war.title], typed
    highlight(war, user, "Kursk", entity=jose)
    assert titles(search.run(user, 'entity:"Jose\u0301 Marti\u0301"')) == [war.title]


def test_someone_elses_private_entity_is_not_found(user, bob):
    curation.create_entity("Secret Source", "person", bob, private=True)
    assert search.run(user, "secret").total == 0
    assert search.run(bob, "secret").counts["entity"] == 1


# --- Permissions --------------------------------------------------------------------------


def test_private_and_other_group_annotations_never_show_not_even_as_counts(user, bob, war):
    desk = make_group("Investigations", bob)
    highlight(war, bob, "North Korean troops", note="zebra private", audience=None)
    highlight(war, bob, "victory plan", note="zebra desk", audience=desk)
    annotating.create_page_note(war, bob, note="zebra page", audience=None)
    for q in ("zebra", "by:bob", "has:notes", "color:yellow", "troops", "zebra type:highlight"):
        found = search.run(user, q)
        assert found.counts.get("highlight", 0) == 0, q
        assert found.counts.get("note", 0) == 0, q
        assert not found.facets.get("by"), q
        assert not found.facets.get("color"), q
    assert search.run(bob, "zebra").counts["highlight"] == 2
    html = signed_in(user).get(reverse("search"), {"q": "zebra"}).content.decode()
    assert "Nothing matches" in html
    assert "Highlights <span" not in html
    assert "Page notes <span" not in html
    for hidden in ("zebra private", "zebra desk", "zebra page", "bob"):
        assert hidden not in html
