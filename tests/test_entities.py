"""Entities in the database: suggestions on the sample, tagging, curation, the command."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from articles import versions
from articles.entities import curation, tagging
from articles.entities.suggestions import suggest
from articles.errors import EntityError
from articles.ingest import body_document, ingest
from articles.models import Annotation, Entity, EntityAlias
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db

CANDIDATES = [
    "Russia", "North Korea", "Kyiv", "Brussels", "EU", "NATO", "Iran", "Tehran", "Pyongyang",
    "Kim Jong Un", "Moscow", "Washington", "Paris", "Berlin", "Rome", "London", "Seoul",
]  # fmt: skip


@pytest.fixture
def sample(user):
    data = shared_file("samples", "north-korean-troops.txt").read_bytes()
    return ingest(data, filename="north-korean-troops.txt", user=user).article


def _nth(text: str, phrase: str, n: int = 0, *, alone: bool = True) -> tuple[int, int]:
    """Offsets of the n-th occurrence of `phrase` (as a whole word when `alone`)."""
    import re

    pattern = rf"(?<![\w ]){re.escape(phrase)}\b" if alone else re.escape(phrase)
    found = [m.span() for m in re.finditer(pattern, text)]
    if not alone:
        return found[n]
    return [m.span() for m in re.finditer(rf"\b{re.escape(phrase)}\b", text) if m][n]


def _tag(article, user, phrase, start, end, **kwargs):
    return tagging.tag(
        article, user, start=start, end=end, quote=article.body_text[start:end], **kwargs
    )


def _tag_zelensky_and_putin(article, user):
    text = article.body_text
    # The first "Zelensky" that stands alone (the first one follows "Volodymyr").
    start = text.index("\n\nZelensky has") + 2
    zelensky = _tag(article, user, "Zelensky", start, start + 8, name="Volodymyr Zelensky",
                    kind="person")  # fmt: skip
    curation.add_alias(zelensky.mention.entity, "Zelensky", quiet=True)
    start = text.index("\n\nPutin made") + 2
    putin = _tag(article, user, "Putin", start, start + 5, name="Vladimir Putin", kind="person")
    curation.add_alias(putin.mention.entity, "Putin", quiet=True)
    return zelensky.mention.entity, putin.mention.entity


def test_after_tagging_two_people_all_their_other_mentions_are_offered(sample, user):
    zelensky, putin = _tag_zelensky_and_putin(sample, user)
    text = sample.body_text
    suggestions = suggest(sample, user)
    known = [(s.text, s.start) for s in suggestions if s.kind == "known"]
    expected_zelensky = [m.start() for m in __import__("re").finditer("Zelensky", text)]
    full_name = text.index("Volodymyr Zelensky")
    offered_z = [s for s in suggestions if s.entity_id == zelensky.pk]
    offered_p = [s for s in suggestions if s.entity_id == putin.pk]
    # Every Zelensky but the tagged one: the full name once, the alias four more times.
    assert ("Volodymyr Zelensky", full_name) in known
    tagged = text.index("\n\nZelensky has") + 2
    alone = [i for i in expected_zelensky if i not in {tagged, full_name + 10}]
    assert sorted(s.start for s in offered_z) == sorted([full_name, *alone])
    assert [(s.text, s.start) for s in offered_p] == [
        ("Vladimir Putin", text.index("Vladimir Putin"))
    ]
    # The tagged spans themselves are never suggested again.
    assert all(s.start != tagged for s in suggestions)


def test_the_sample_offers_the_expected_candidates_and_no_sentence_starts(sample, user):
    texts = {s.text for s in suggest(sample, user) if s.kind == "candidate"}
    missing = [name for name in CANDIDATES if name not in texts]
    assert not missing, f"candidates missing: {missing}"
    assert not texts & {"The", "He", "Experts", "This", "We", "An"}


def test_seoul_comes_from_the_related_link_and_becomes_a_page_level_mention(sample, user):
    seoul = [s for s in suggest(sample, user) if s.text == "Seoul"]
    assert [(s.start, s.where) for s in seoul] == [(None, "related")]
    made = tagging.accept(sample, user, text="Seoul", kind="place")
    assert len(made) == 1
    assert made[0].start is None
    assert made[0].entity.name == "Seoul"
    assert made[0].entity.kind == "place"
    assert all(s.text != "Seoul" for s in suggest(sample, user))


def test_accepting_a_candidate_tags_every_place_it_was_suggested(sample, user):
    count = sum(1 for s in suggest(sample, user) if s.text == "Pyongyang")
    made = tagging.accept(sample, user, text="Pyongyang", kind="place")
    assert len(made) == count == 3
    assert {a.exact for a in made} == {"Pyongyang"}
    assert all(a.motivation == Annotation.Motivation.IDENTIFYING for a in made)


def test_a_rejected_suggestion_is_not_offered_again_in_that_article(sample, user):
    tagging.reject(sample, user, "NATO")
    assert all(s.text != "NATO" for s in suggest(sample, user))
    tagging.reject(sample, user, "nato")  # again, any case: no error, no duplicate
    assert sample.rejected_suggestions.count() == 1


def test_tag_all_tags_the_others_and_nothing_twice(sample, user):
    zelensky, _ = _tag_zelensky_and_putin(sample, user)
    made = tagging.tag_all(sample, user, zelensky)
    assert len(made) == 4  # the full name and three more "Zelensky"
    assert tagging.tag_all(sample, user, zelensky) == []
    assert Annotation.objects.filter(entity=zelensky).count() == 5


def test_tagging_reports_how_many_others_remain(sample, user):
    text = sample.body_text
    start = text.index("Kyiv")
    tagged = _tag(sample, user, "Kyiv", start, start + 4, name="Kyiv", kind="place")
    assert tagged.others == 0
    start = text.index("Moscow")
    tagged = _tag(sample, user, "Moscow", start, start + 6, name="Moscow", kind="place")
    assert tagged.others == 1


def test_a_wrong_quote_creates_neither_mention_nor_entity(sample, user):
    with pytest.raises(EntityError):
        tagging.tag(sample, user, start=0, end=6, quote="Moscow", name="Moscow", kind="place")
    assert not Entity.objects.exists()


def test_an_unknown_kind_is_refused(sample, user):
    with pytest.raises(EntityError, match="Choose a kind"):
        curation.create_entity("Moscow", "planet", user)


def test_a_wikidata_identifier_must_be_q_and_digits(user):
    entity = curation.create_entity("Douglas Adams", "person", user)
    for bad in ["42", "Q", "Q42x", "P31", "javascript:alert(1)"]:
        with pytest.raises(EntityError, match="Wikidata"):
            curation.update_entity(entity, name=entity.name, kind="person", description="",
                                   wikidata_id=bad)  # fmt: skip
    curation.update_entity(entity, name=entity.name, kind="person", description="",
                           wikidata_id="https://www.wikidata.org/wiki/Q42")  # fmt: skip
    entity.refresh_from_db()
    assert entity.wikidata_id == "Q42"
    assert entity.wikidata_url == "https://www.wikidata.org/wiki/Q42"


def test_merging_moves_mentions_and_names_and_loses_nothing(sample, user):
    text = sample.body_text
    start = text.index("Moscow")
    a = _tag(sample, user, "Moscow", start, start + 6, name="Moscow", kind="place")
    b = curation.create_entity("Moskva", "place", user)
    curation.add_alias(b, "Москва")
    start = text.index("Moscow", start + 1)
    _tag(sample, user, "Moscow", start, start + 6, entity=b)
    survivor = curation.merge(b, a.mention.entity)
    assert Annotation.objects.filter(entity=survivor).count() == 2
    assert set(survivor.aliases.values_list("name", flat=True)) == {"Moskva", "Москва"}
    assert not Entity.objects.filter(pk=b.pk).exists()


def test_merging_into_itself_is_refused(user):
    entity = curation.create_entity("NATO", "organisation", user)
    with pytest.raises(EntityError, match="itself"):
        curation.merge(entity, entity)


def test_the_gazetteer_follows_new_aliases_and_deletions(sample, user):
    entity = curation.create_entity("Democratic People's Republic of Korea", "place", user)
    assert not [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    alias = curation.add_alias(entity, "North Korea")
    assert [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    curation.remove_alias(alias)
    assert not [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    assert not EntityAlias.objects.exists()


def test_someone_elses_private_mention_does_not_hide_a_suggestion(sample, user, django_user_model):
    bob = django_user_model.objects.create_user("bob", password="pw-bob-12345")
    start = sample.body_text.index("Kyiv")
    _tag(sample, bob, "Kyiv", start, start + 4, name="Kyiv", kind="place", audience=None)
    mine = suggest(sample, user)
    assert any(s.start == start for s in mine)
    assert all(s.start != start for s in suggest(sample, bob))


def test_mentions_are_reanchored_when_the_text_changes(sample, user):
    start = sample.body_text.index("Tehran")
    mention = _tag(sample, user, "Tehran", start, start + 6, name="Tehran", kind="place").mention
    new_body = body_document("<p>A new first paragraph.</p>" + sample.body_html)
    versions.replace_text(sample, new_body)
    mention.refresh_from_db()
    sample.refresh_from_db()
    assert sample.body_text[mention.start : mention.end] == "Tehran"
    assert mention.entity.name == "Tehran"


def test_the_command_prints_one_json_object_per_suggestion(sample, user):
    out = io.StringIO()
    call_command("entities", "suggest", str(sample.pk), "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == len(suggest(sample, None))
    text = sample.body_text
    for row in rows:
        assert set(row) >= {"text", "start", "end", "kind"}
        if row["start"] is not None:
            assert text[row["start"] : row["end"]] == row["text"]
    assert {"text": "NATO", "start": text.index("NATO"), "end": text.index("NATO") + 4,
            "kind": "candidate"} in rows  # fmt: skip


def test_the_command_names_known_entities(sample, user):
    entity = curation.create_entity("NATO", "organisation", user)
    out = io.StringIO()
    call_command("entities", "suggest", str(sample.pk), "--json", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    nato = [r for r in rows if r["text"] == "NATO"]
    assert nato == [{"text": "NATO", "start": sample.body_text.index("NATO"),
                     "end": sample.body_text.index("NATO") + 4, "kind": "known",
                     "entity_id": entity.pk}]  # fmt: skip


def test_the_command_refuses_an_unknown_article(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no article 999"):
        call_command("entities", "suggest", "999", "--json")
