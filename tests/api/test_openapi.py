"""The OpenAPI document: generated from the code, valid OpenAPI 3.1, and served with a
docs page that loads nothing from outside."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_document_is_valid_openapi(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["info"]["title"] == "Newsroom API"
    assert document["components"]["securitySchemes"]


def test_every_operation_is_described_and_secured(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert operation.get("description"), f"{method.upper()} {path} has no description"
            assert operation.get("security"), f"{method.upper()} {path} is not secured"


def test_the_docs_page_loads_only_our_own_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(s.startswith("/static/") for s in sources), sources


def test_a_problem_type_explains_itself(client):
    refused = client.get("/api/v1/articles")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    kind = refused.json()["type"]
    explained = client.get(kind.removeprefix("http://testserver"))
    assert explained.status_code == 200
    assert "token" in explained.json()["meaning"]
