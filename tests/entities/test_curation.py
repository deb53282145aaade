"""Curation (articles/entities/curation.py): kinds, Wikidata identifiers, merging."""

from __future__ import annotations

import pytest

from articles.entities import curation
from articles.errors import EntityError
from articles.models import Annotation, Entity
from tests.factories import tag

pytestmark = pytest.mark.django_db


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
    a = tag(sample, user, "Moscow", name="Moscow", kind="place")
    b = curation.create_entity("Moskva", "place", user)
    curation.add_alias(b, "Москва")
    tag(sample, user, "Moscow", nth=1, entity=b)
    survivor = curation.merge(b, a.mention.entity)
    assert Annotation.objects.filter(entity=survivor).count() == 2
    assert set(survivor.aliases.values_list("name", flat=True)) == {"Moskva", "Москва"}
    assert not Entity.objects.filter(pk=b.pk).exists()


def test_merging_into_itself_is_refused(user):
    entity = curation.create_entity("NATO", "organisation", user)
    with pytest.raises(EntityError, match="itself"):
        curation.merge(entity, entity)
