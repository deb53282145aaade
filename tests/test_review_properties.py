"""Properties of review states over random texts and random edits, through the real
writer (`versions.replace_text`) on the real database: the words an annotation was
written on are never lost, and one on words that changed is never shown as unchanged."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from articles import annotations as annotating
from articles import ingest, versions
from articles.annotations import same_words
from articles.models import Annotation
from tests.factories import make_article

pytestmark = pytest.mark.django_db

WORDS = [
    "harbour", "council", "budget", "ships", "the", "a", "of", "said", "on", "Monday",
    "10,000", "12,000", "workers", "strike", "talks", "port", "“quoted”", "—", "mayor",
]  # fmt: skip
sentences = st.lists(st.sampled_from(WORDS), min_size=4, max_size=14).map(
    lambda words: " ".join(words).capitalize() + "."
)
paragraphs = st.lists(sentences, min_size=1, max_size=3).map(" ".join)
texts = st.lists(paragraphs, min_size=2, max_size=6)


@st.composite
def edits(draw, paragraphs_of):
    """A list of paragraphs edited as newsrooms do: words replaced, inserted or deleted
    in one paragraph, a paragraph added or removed."""
    new = list(paragraphs_of)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "add", "drop"]))
        at = draw(st.integers(0, len(new) - 1))
        words = new[at].split(" ")
        if kind == "add":
            new.insert(at, draw(paragraphs))
        elif kind == "drop" and len(new) > 1:
            new.pop(at)
        else:
            i = draw(st.integers(0, len(words) - 1))
            if kind == "replace":
                words[i] = draw(st.sampled_from(WORDS))
            elif kind == "insert":
                words.insert(i, draw(st.sampled_from(WORDS)))
            elif len(words) > 1:
                words.pop(i)
            new[at] = " ".join(words)
    return new


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), old=texts)
def test_the_original_is_never_lost_and_a_change_is_never_hidden(user, data, old):
    with transaction.atomic():  # each example on a clean library
        _check_one_edit(user, data, old)
        transaction.set_rollback(True)


def _check_one_edit(user, data, old):
    article = make_article("Harbour news\n\n" + "\n\n".join(old))
    text = article.body_text
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, min(first + 6, len(words) - 1)))
    start, end = words[first][0], words[last][1]
    written = text[start:end]
    made = annotating.create(article, user, start=start, end=end, quote=written, audience=None)

    new = data.draw(edits(old))
    versions.replace_text(article, ingest.body_document("".join(f"<p>{p}</p>" for p in new)))

    made.refresh_from_db()
    event(made.status)
    assert made.original_exact == written  # never lost
    if made.status == Annotation.Status.ANCHORED:
        assert same_words(made.exact, written)  # "unchanged" means the same words
    elif made.status == Annotation.Status.CHANGED:
        assert not same_words(made.exact, written)
    if made.status != Annotation.Status.ORPHANED:
        article.refresh_from_db()
        assert article.body_text[made.start : made.end] == made.exact
