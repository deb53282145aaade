"""Suggestions (articles/entities/suggestions.py) on the sample: the names it offers to
tag, known and new, and the ones it no longer offers."""

from __future__ import annotations

import re

import pytest

from articles.entities import curation, tagging
from articles.entities.suggestions import suggest
from articles.models import EntityAlias
from tests.factories import tag

pytestmark = pytest.mark.django_db

CANDIDATES = [
    "Russia", "North Korea", "Kyiv", "Brussels", "EU", "NATO", "Iran", "Tehran", "Pyongyang",
    "Kim Jong Un", "Moscow", "Washington", "Paris", "Berlin", "Rome", "London", "Seoul",
]  # fmt: skip


def test_after_tagging_two_people_all_their_other_mentions_are_offered(
    sample, user, zelensky_and_putin
):
    zelensky, putin = zelensky_and_putin
    text = sample.body_text
    suggestions = suggest(sample, user)
    known = [(s.text, s.start) for s in suggestions if s.kind == "known"]
    expected_zelensky = [m.start() for m in re.finditer("Zelensky", text)]
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


def test_a_rejected_suggestion_is_not_offered_again_in_that_article(sample, user):
    tagging.reject(sample, user, "NATO")
    assert all(s.text != "NATO" for s in suggest(sample, user))
    tagging.reject(sample, user, "nato")  # again, any case: no error, no duplicate
    assert sample.rejected_suggestions.count() == 1


def test_the_gazetteer_follows_new_aliases_and_deletions(sample, user):
    entity = curation.create_entity("Democratic People's Republic of Korea", "place", user)
    assert not [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    alias = curation.add_alias(entity, "North Korea")
    assert [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    curation.remove_alias(alias)
    assert not [s for s in suggest(sample, user) if s.entity_id == entity.pk]
    assert not EntityAlias.objects.exists()


def test_someone_elses_private_mention_does_not_hide_a_suggestion(sample, user, bob):
    start = sample.body_text.index("Kyiv")
    tag(sample, bob, "Kyiv", name="Kyiv", kind="place", audience=None)
    mine = suggest(sample, user)
    assert any(s.start == start for s in mine)
    assert all(s.start != start for s in suggest(sample, bob))
