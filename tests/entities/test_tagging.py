"""Tagging (articles/entities/tagging.py): mentions of entities in the sample, one at a
time or all at once, refused when the quote is wrong, re-anchored when the text changes."""

from __future__ import annotations

import pytest

from articles import versions
from articles.entities import tagging
from articles.entities.suggestions import suggest
from articles.errors import EntityError
from articles.ingest import body_document
from articles.models import Annotation, Entity
from tests.factories import tag

pytestmark = pytest.mark.django_db


def test_accepting_a_candidate_tags_every_place_it_was_suggested(sample, user):
    count = sum(1 for s in suggest(sample, user) if s.text == "Pyongyang")
    made = tagging.accept(sample, user, text="Pyongyang", kind="place")
    assert len(made) == count == 3
    assert {a.exact for a in made} == {"Pyongyang"}
    assert all(a.motivation == Annotation.Motivation.IDENTIFYING for a in made)


def test_tag_all_tags_the_others_and_nothing_twice(sample, user, zelensky_and_putin):
    zelensky, _ = zelensky_and_putin
    made = tagging.tag_all(sample, user, zelensky)
    assert len(made) == 4  # the full name and three more "Zelensky"
    assert tagging.tag_all(sample, user, zelensky) == []
    assert Annotation.objects.filter(entity=zelensky).count() == 5


def test_tagging_reports_how_many_others_remain(sample, user):
    tagged = tag(sample, user, "Kyiv", name="Kyiv", kind="place")
    assert tagged.others == 0
    tagged = tag(sample, user, "Moscow", name="Moscow", kind="place")
    assert tagged.others == 1


def test_a_wrong_quote_creates_neither_mention_nor_entity(sample, user):
    with pytest.raises(EntityError):
        tagging.tag(sample, user, start=0, end=6, quote="Moscow", name="Moscow", kind="place")
    assert not Entity.objects.exists()


def test_mentions_are_reanchored_when_the_text_changes(sample, user):
    mention = tag(sample, user, "Tehran", name="Tehran", kind="place").mention
    new_body = body_document("<p>A new first paragraph.</p>" + sample.body_html)
    versions.replace_text(sample, new_body)
    mention.refresh_from_db()
    sample.refresh_from_db()
    assert sample.body_text[mention.start : mention.end] == "Tehran"
    assert mention.entity.name == "Tehran"
