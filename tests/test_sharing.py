"""Groups and share-link tokens (articles/sharing.py): everyone joins Everyone, which is
always there; tokens are long, random and unique."""

from __future__ import annotations

import re

import pytest

from articles import sharing
from articles.models import Membership, TeamGroup
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_new_account_joins_everyone():
    dana = make_user("dana")
    assert [g.name for g in sharing.groups_of(dana)] == ["Everyone"]


def test_signing_in_restores_a_missing_everyone_membership(client, user):
    Membership.objects.filter(user=user).delete()
    client.force_login(user)
    assert list(sharing.groups_of(user)) == [sharing.default_group()]


def test_the_default_group_is_recreated_when_missing(user):
    TeamGroup.objects.all().delete()
    assert sharing.default_group().name == "Everyone"
    assert TeamGroup.objects.filter(is_default=True).count() == 1


def test_tokens_are_long_random_and_unique(article, user):
    tokens = {sharing.create_link(user, article).token for _ in range(50)}
    assert len(tokens) == 50
    # token_urlsafe(24): 32 characters of base64, 192 bits.
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)
