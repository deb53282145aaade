"""`manage.py entities suggest`: one JSON object per suggestion, known entities named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from articles.entities import curation
from articles.entities.suggestions import suggest
from tests.factories import make_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(user):
    return make_sample(user=user)


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
