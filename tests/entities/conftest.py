"""The entities tests' sample, added by alice, and two people tagged in it."""

from __future__ import annotations

import pytest

from articles.entities import curation
from tests.factories import make_sample, tag


@pytest.fixture
def sample(user):
    return make_sample(user=user)


@pytest.fixture
def zelensky_and_putin(sample, user):
    """Volodymyr Zelensky and Vladimir Putin, each tagged once where a paragraph opens with
    the short name, which each has as an alias."""
    # The first "Zelensky" that stands alone (the first one follows "Volodymyr").
    zelensky = tag(sample, user, "Zelensky", nth=1, name="Volodymyr Zelensky", kind="person")
    curation.add_alias(zelensky.mention.entity, "Zelensky", quiet=True)
    putin = tag(sample, user, "Putin", nth=1, name="Vladimir Putin", kind="person")
    curation.add_alias(putin.mention.entity, "Putin", quiet=True)
    return zelensky.mention.entity, putin.mention.entity
