"""A new highlight answers htmx with only what it changed (articles/redraw.py): the
top-level blocks of the body its passage touches, drawn as a full render draws them, its
card in its place in the panel and the panel's count; in a fixed number of queries, in
one transaction, writing no preference that did not change."""

from __future__ import annotations

import json
import re
from xml.dom import Node

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import reader, sharing
from articles.models import Annotation, Preference
from tests.factories import highlight, make_article, make_user, signed_in, span
from tests.html5 import parse

pytestmark = pytest.mark.django_db

PAGE = """<html><head><title>Port report</title></head><body><article><h1>Port report</h1>
<p>The harbour opened at dawn and the first ferry left for the islands with its cargo of
mail and bread, as it has done every morning since the old quay was rebuilt.</p>
<p>Dock workers said the cranes were old, and the council promised new ones before the
winter storms closed the northern approach to every ship bigger than a trawler.</p>
<ul><li>Cranes ordered from Antwerp arrive in March.</li><li>Ferries will run every hour
in summer.</li></ul>
<table><tr><th>Berth</th><th>Ships</th></tr><tr><td>North quay</td><td>Twelve tankers
waited outside.</td></tr></table>
<blockquote><p>We have never seen so many ships waiting at once, said the harbour
master.</p></blockquote>
<p>The strike ended on Friday after the council agreed to the pay rise the union had
asked for, and the first tankers came in on the evening tide.</p>
</article></body></html>"""


@pytest.fixture
def port():
    return make_article(PAGE.encode(), filename="port.html")


def _post(client, article, phrase, *, nth=0, current="", **data):
    """The toolbar's post; `text` (the page's text) is the article's unless given."""
    values = {
        **span(article, phrase, nth),
        "audience": "private",
        "text": article.content_hash[:16],
        **data,
    }
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": "http://testserver" + (current or article.get_absolute_url()),
    }
    return client.post(reverse("annotate", args=[article.pk]), values, headers=headers)


def _top_level(html: str) -> dict[str, str]:
    """The top-level elements of `html` with an id, as a browser builds them."""
    return {
        node.getAttribute("id"): node.toxml()
        for node in parse(html).childNodes
        if node.nodeType == Node.ELEMENT_NODE and node.getAttribute("id")
    }


def _blocks(response) -> dict[str, str]:
    """The body's blocks in a partial answer, as the page has them once swapped in (htmx
    drops the hx-swap-oob attribute)."""
    html = response.text.replace(' hx-swap-oob="true" id="block-', ' id="block-')
    return {k: v for k, v in _top_level(html).items() if k.startswith("block-")}


def _full_body(user, article) -> str:
    article.refresh_from_db()
    return reader.build(user, article, {}).body_html


def _with_colleagues(article, user, phrase="Dock workers"):
    """A highlight of the user's own first, so the new one adds no author or audience."""
    highlight(article, user, phrase, audience=None)


def test_the_answer_is_the_touched_paragraph_as_a_full_render_draws_it(port, user):
    _with_colleagues(port, user)
    bob = make_user("bob")
    highlight(port, bob, "first ferry")  # someone else's mark in the same paragraph
    response = _post(signed_in(user), port, "islands with its cargo")
    assert response.status_code == 200
    assert response.headers["HX-Reswap"] == "none"
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    new = Annotation.objects.get(exact="islands with its cargo")
    assert trigger["newsroom:annotated"] == {"id": new.pk, "action": "created"}
    blocks = _blocks(response)
    assert list(blocks) == ["block-0"]  # the first paragraph, and nothing else
    full = _top_level(_full_body(user, port))
    assert blocks["block-0"] == full["block-0"]
    # Byte for byte too: the fragment is a piece of the full body.
    raw = response.text.split('<h2 id="panel-heading"')[0].replace(' hx-swap-oob="true"', "")
    assert raw in _full_body(user, port)
    assert f'data-ids="{new.pk}"' in raw
    assert "first ferry</mark>" in raw
    assert 'id="article-body"' not in response.text
    assert 'id="annotation-panel"' not in response.text


def test_a_highlight_across_two_paragraphs_redraws_both(port, user):
    _with_colleagues(port, user, "strike ended")
    text = port.body_text
    start = text.index("rebuilt")
    end = text.index("Dock workers") + len("Dock workers")
    client = signed_in(user)
    response = client.post(
        reverse("annotate", args=[port.pk]),
        {"start": start, "end": end, "quote": text[start:end], "audience": "private",
         "text": port.content_hash[:16]},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"},
    )  # fmt: skip
    blocks = _blocks(response)
    assert len(blocks) == 2
    full = _top_level(_full_body(user, port))
    for block_id, html in blocks.items():
        assert html == full[block_id]
    assert all("<mark" in html for html in blocks.values())


def test_overlapping_highlights_are_drawn_with_their_depth(port, user):
    _with_colleagues(port, user)
    first = highlight(port, user, "council promised new ones", audience=None, color="blue")
    response = _post(signed_in(user), port, "promised new ones before the")
    (html,) = _blocks(response).values()
    new = Annotation.objects.latest("pk")
    assert re.search(rf'data-ids="{first.pk} {new.pk}"[^>]*data-depth="2">promised new ones<', html)
    assert html == _top_level(_full_body(user, port))[next(iter(_blocks(response)))]


@pytest.mark.parametrize(
    ("phrase", "tag"),
    [
        ("from Antwerp", "ul"),
        ("Twelve tankers", "table"),
        ("so many ships", "blockquote"),
    ],
)
def test_a_highlight_in_a_list_table_or_quote_redraws_the_whole_top_level_block(
    port, user, phrase, tag
):
    _with_colleagues(port, user)
    response = _post(signed_in(user), port, phrase)
    (block_id, html) = next(iter(_blocks(response).items()))
    assert len(_blocks(response)) == 1
    assert html.startswith(f"<{tag} ")
    assert html == _top_level(_full_body(user, port))[block_id]


def test_the_card_goes_after_the_passage_before_it_and_the_count_follows(port, user):
    before = highlight(port, user, "Dock workers", audience=None)
    highlight(port, user, "strike ended", audience=None)
    response = _post(signed_in(user), port, "cranes were old")
    new = Annotation.objects.latest("pk")
    assert f'<ol hx-swap-oob="afterend:#passage-{before.pk}"><li id="passage-{new.pk}">' in (
        response.text
    )
    assert f'id="card-{new.pk}"' in response.text
    assert re.search(r'<h2 id="panel-heading"[^>]*hx-swap-oob="true">Annotations '
                     r'<span class="count">3</span></h2>', response.text)  # fmt: skip
    # The full panel lists the cards in the same order.
    page = signed_in(user).get(port.get_absolute_url()).text
    ids = re.findall(r'<li id="passage-(\d+)">', page)
    assert ids.index(str(new.pk)) == ids.index(str(before.pk)) + 1


def test_a_card_that_comes_first_goes_at_the_top_of_the_list(port, user):
    highlight(port, user, "strike ended", audience=None)
    response = _post(signed_in(user), port, "harbour opened")
    assert '<ol hx-swap-oob="afterbegin:#passage-list">' in response.text


@pytest.mark.parametrize(
    "case",
    ["first highlight", "older text", "filtered panel", "new audience", "no text sent"],
)
def test_whenever_a_part_could_differ_the_whole_body_and_panel_come_back(port, user, case):
    if case != "first highlight":
        _with_colleagues(port, user)
    kwargs = {
        "older text": {"text": "0123456789abcdef"},
        "filtered panel": {"current": port.get_absolute_url() + "?color=blue"},
        "new audience": {"audience": str(sharing.default_group().pk)},
        "no text sent": {"text": ""},
    }.get(case, {})
    response = _post(signed_in(user), port, "first ferry", **kwargs)
    assert response.status_code == 200
    assert response.text.startswith('<div id="article-body"')
    assert 'id="annotation-panel"' in response.text
    assert response.headers["HX-Retarget"] == "#article-body"


def _long_article():
    paragraphs = "\n\n".join(
        f"Paragraph {i} tells of the harbour, the ferries and the cranes, and of the "
        f"council that met on day {i} to talk about the strike and the winter storms."
        for i in range(120)
    )
    return make_article("The long harbour story\n\n" + paragraphs)


def _queries_of_a_write(client, article, n):
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, article, "the council", nth=n)
    assert response.headers.get("HX-Reswap") == "none"  # the partial answer
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("many", [200])
def test_a_write_runs_the_same_queries_with_5_or_200_annotations(user, many):
    article = _long_article()
    colleagues = [make_user(f"colleague{i}") for i in range(4)]
    client = signed_in(user)

    def annotate_up_to(count):
        while article.annotations.count() < count:
            i = article.annotations.count()
            author = user if i % 5 == 0 else colleagues[i % 4]
            highlight(
                article,
                author,
                "the ferries",
                nth=i % 120,
                audience=None if author == user else sharing.EVERYONE,
            )

    annotate_up_to(5)
    _post(client, article, "the council", nth=110)  # the audience remembered once
    few = _queries_of_a_write(client, article, 111)
    annotate_up_to(many)
    lots = _queries_of_a_write(client, article, 112)
    assert len(few) == len(lots)
    assert len(lots) <= 14
    # One transaction for the write (a savepoint inside the test's own), and the
    # preference only read.
    opened = [q for q in lots if q == "BEGIN" or q.startswith("SAVEPOINT")]
    assert len(opened) == 1
    assert not [q for q in lots if "articles_preference" in q and not q.startswith("SELECT")]


def test_the_audience_is_written_only_when_it_changes(port, user):
    _with_colleagues(port, user)
    client = signed_in(user)
    _post(client, port, "first ferry")
    assert Preference.objects.get(user=user).default_group is None
    with CaptureQueriesContext(connection) as same:
        _post(client, port, "cranes were old")
    assert not [
        q
        for q in same.captured_queries
        if re.match(r"(UPDATE|INSERT)[^;]*articles_preference", q["sql"])
    ]
    group = sharing.default_group()
    with CaptureQueriesContext(connection) as other:
        _post(client, port, "strike ended", audience=str(group.pk))
    assert [
        q for q in other.captured_queries if q["sql"].startswith('UPDATE "articles_preference"')
    ]
    assert Preference.objects.get(user=user).default_group == group


def test_blocks_alone_go_through_the_body_s_pipeline_page_starts_included(port, user):
    text = port.body_text
    port.page_starts = [0, text.index("cranes were old"), text.index("Twelve tankers")]
    annotations = [
        highlight(port, user, "first ferry", audience=None),
        highlight(port, user, "council promised", audience=None),
    ]
    laid_out = range(len(_top_level(reader.marked_body(port, annotations))))
    whole = _top_level(reader.marked_body(port, annotations))
    alone = reader.marked_blocks(port, laid_out, annotations)
    assert 'class="page-start"' in "".join(alone)
    assert [next(iter(_top_level(html).values())) for html in alone] == list(whole.values())
