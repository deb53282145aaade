"""Blocks drawn alone (`highlights.layout`, `render_block`): each is exactly that block of
the whole body drawn at once, for arbitrary articles and spans, so a write may send
only the blocks it touches."""

from __future__ import annotations

from xml.dom import Node

from hypothesis import given, settings

from articles.highlights import Span, layout, render_block, render_marks
from articles.sanitize import clean_article_html, text_content
from tests.html5 import parse
from tests.test_highlights_properties import articles_with_spans


def _elements(html: str) -> dict[str, str]:
    """The top-level elements of `html` as a browser builds them, by id."""
    return {
        node.getAttribute("id"): node.toxml()
        for node in parse(html).childNodes
        if node.nodeType == Node.ELEMENT_NODE and node.getAttribute("id").startswith("block-")
    }


def test_every_top_level_element_gets_a_number_and_the_text_stays():
    body = clean_article_html(
        "<p>One <em>two</em></p><ul><li>three</li><li>four</li></ul><hr>"
        "<table><tr><td>five</td></tr></table><blockquote><p>six</p></blockquote>"
    )
    laid = layout(body)
    assert len(laid.blocks) == 5
    assert list(_elements(laid.html)) == [f"block-{i}" for i in range(5)]
    assert text_content(laid.html) == text_content(body)
    assert laid.length == len(text_content(body))
    for block in laid.blocks:
        assert laid.html[block.html_start : block.html_end].startswith("<")
        assert (
            text_content(laid.html[block.html_start : block.html_end])
            == (text_content(body)[block.start : block.end])
        )


def test_a_span_across_two_paragraphs_touches_both():
    body = clean_article_html("<p>alpha beta</p><p>gamma delta</p><p>epsilon</p>")
    text = text_content(body)
    laid = layout(body)
    start, end = text.index("beta"), text.index("gamma") + 5
    assert list(laid.touched(start, end)) == [0, 1]
    assert list(laid.touched(text.index("epsilon"), len(text))) == [2]


@settings(max_examples=300, deadline=None)
@given(articles_with_spans())
def test_a_block_drawn_alone_is_that_block_of_the_whole_body(case):
    body, spans = case
    unique = tuple({s.id: s for s in reversed(spans)}.values())  # ids are primary keys
    laid = layout(body)
    whole = render_marks(laid.html, unique)
    expected = _elements(whole)
    assert text_content(whole) == text_content(body)
    for i in range(len(laid.blocks)):
        alone = render_block(laid, i, unique)
        (only,) = _elements(alone).values()
        assert only == expected[f"block-{i}"]
        assert alone in whole  # byte for byte, not only the same tree


def test_spans_wanted_by_no_block_change_nothing_in_it():
    body = clean_article_html("<p>alpha beta</p><p>gamma</p>")
    laid = layout(body)
    far = Span(9, laid.blocks[1].start, laid.blocks[1].end, "blue")
    assert render_block(laid, 0, [far]) == laid.html[: laid.blocks[0].html_end]
