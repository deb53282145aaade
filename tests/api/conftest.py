"""API test helpers: a client that sends a person's personal token."""

from __future__ import annotations

import pytest
from django.test import Client

from articles import apitokens


class TokenClient(Client):
    """A test client whose every request carries `Authorization: Bearer <token>`."""

    def __init__(self, raw: str) -> None:
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {raw}")
        self.raw = raw


def token_client(user, scope: str = "write") -> TokenClient:
    _, raw = apitokens.create(user, f"{scope} token", scope)
    return TokenClient(raw)


@pytest.fixture
def alice_api(user) -> TokenClient:
    return token_client(user)


@pytest.fixture
def bob_api(bob) -> TokenClient:
    return token_client(bob)
