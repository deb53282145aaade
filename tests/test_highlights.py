r"""render_marks: annotations drawn as <mark> elements without changing the article's text.

Pure functions, so no database. Inputs come from clean_article_html, as body_html does.
Every output is checked by the oracle in tests/marks.py, which reads it back with an
independent HTML5 parser; the cases here also spell out the expected HTML. The same
invariants for arbitrary articles and spans are in test_highlights_properties.py.
"""

from __future__ import annotations

from html import escape

import pytest

from articles.highlights import _INLINE, Span, render_marks
from articles.sanitize import clean_article_html, text_content
from tests.marks import check

LINK = '<a href="https://x.example/" rel="nofollow noopener noreferrer">'


def mark(
    ids: str, color: str = "yellow", kind: str = "highlight", depth: int = 1, under: str = ""
) -> str:
    extra = f' data-under="{under}"' if under else ""
    extra += f' data-depth="{depth}"' if depth > 1 else ""
    return f'<mark class="hl" data-ids="{ids}" data-color="{color}" data-kind="{kind}"{extra}>'


def anchor(span_id: int) -> str:
    return f'<span class="hl-anchor" id="annotation-{span_id}"></span>'


def render(html: str, *spans: Span) -> str:
    """render_marks on cleaned html, checked against every invariant."""
    body = clean_article_html(html)
    out = render_marks(body, spans)
    check(body, spans, out)
    return out


# Hand-written cases.


def test_without_spans_the_html_is_returned_unchanged():
    body = clean_article_html("<p>a &amp; b</p><ul><li>c</li><li>d</li></ul>")
    assert render_marks(body, []) is body


def test_a_span_in_a_paragraph_becomes_one_mark_after_its_anchor():
    out = render("<p>The quick brown fox</p>", Span(7, 4, 9, "green"))
    assert out == f"<p>The {anchor(7)}{mark('7', 'green')}quick</mark> brown fox</p>"


def test_a_span_across_two_paragraphs_is_one_mark_in_each_and_skips_the_separator():
    out = render("<p>one two</p><p>three four</p>", Span(1, 4, 14, "blue"))
    assert out == (
        f"<p>one {anchor(1)}{mark('1', 'blue')}two</mark></p>\n\n"
        f"<p>{mark('1', 'blue')}three</mark> four</p>"
    )


def test_a_span_through_a_link_and_emphasis_is_split_at_every_tag():
    html = '<p>a <a href="https://x.example/">link <em>text</em></a> end</p>'
    out = render(html, Span(3, 0, 14, "pink"))
    m = mark("3", "pink")
    assert out == (
        f"<p>{anchor(3)}{m}a </mark>{LINK}{m}link </mark><em>{m}text</mark></em></a>"
        f"{m} en</mark>d</p>"
    )


def test_nested_spans_mark_the_inner_range_with_both_ids_and_the_inner_color():
    out = render("<p>abcdefgh</p>", Span(1, 0, 8, "yellow"), Span(2, 2, 5, "green"))
    assert out == (
        f"<p>{anchor(1)}{mark('1')}ab</mark>{anchor(2)}{mark('1 2', 'green', depth=2)}cde</mark>"
        f"{mark('1')}fgh</mark></p>"
    )


def test_a_mention_inside_a_highlight_keeps_the_highlights_colour_underneath():
    # "Putin" tagged inside a green highlight: the underline is the person's, and the
    # green stays under it (data-under), so the highlight has no gap.
    out = render(
        "<p>said Putin today</p>", Span(1, 0, 16, "green"), Span(2, 5, 10, "person", "mention")
    )
    assert (
        '<mark class="hl" data-ids="1 2" data-color="person" data-kind="mention" '
        'data-under="green" data-depth="2">Putin</mark>'
    ) in out


def test_a_mention_inside_a_changed_highlight_keeps_its_state_underneath():
    out = render(
        "<p>said Putin today</p>",
        Span(1, 0, 16, "green", state="recheck"),
        Span(2, 5, 10, "person", "mention"),
    )
    assert 'data-under="green" data-under-state="recheck" data-depth="2">Putin</mark>' in out


def test_nested_highlights_carry_no_under_colour():
    out = render("<p>abcdefgh</p>", Span(1, 0, 8, "yellow"), Span(2, 2, 5, "green"))
    assert "data-under" not in out


def test_partially_overlapping_spans_give_one_then_both_then_the_other():
    out = render("<p>abcdefgh</p>", Span(1, 0, 5, "yellow"), Span(2, 3, 8, "blue"))
    # Equal lengths: the later id is drawn on top.
    assert out == (
        f"<p>{anchor(1)}{mark('1')}abc</mark>{anchor(2)}{mark('1 2', 'blue', depth=2)}de</mark>"
        f"{mark('2', 'blue')}fgh</mark></p>"
    )


def test_the_innermost_span_is_the_shortest_whatever_its_id():
    out = render("<p>abcdefgh</p>", Span(9, 0, 8, "pink"), Span(4, 1, 3, "green", "mention"))
    assert mark("4 9", "green", "mention", depth=2, under="pink") + "bc</mark>" in out


def test_three_spans_on_one_word_have_depth_three():
    out = render("<p>word</p>", Span(1, 0, 4, "a"), Span(2, 0, 4, "b"), Span(3, 1, 3, "c"))
    assert f"{mark('1 2 3', 'c', depth=3)}or</mark>" in out
    assert f"{anchor(1)}{anchor(2)}{mark('1 2', 'b', depth=2)}w</mark>" in out


def test_adjacent_spans_touch_without_sharing_a_mark():
    out = render("<p>abcd</p>", Span(1, 0, 2, "a"), Span(2, 2, 4, "b"))
    assert out == f"<p>{anchor(1)}{mark('1', 'a')}ab</mark>{anchor(2)}{mark('2', 'b')}cd</mark></p>"


def test_a_span_over_a_list_and_a_table_marks_only_inside_items_and_cells():
    html = "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
    body = clean_article_html(html)
    assert text_content(body) == "one\ntwo\n\na\tb\nc"
    out = render(html, Span(5, 0, 14, "green"))
    m = mark("5", "green")
    assert out == (
        f"<ul><li>{anchor(5)}{m}one</mark></li>\n<li>{m}two</mark></li></ul>\n\n"
        f"<table><tbody><tr><td>{m}a</mark></td>\t<td>{m}b</mark></td></tr>\n"
        f"<tr><td>{m}c</mark></td></tr></tbody></table>"
    )


def test_a_span_in_pre_marks_its_newlines_and_indentation():
    out = render("<pre>def f():\n    return 1</pre>", Span(1, 4, 19, "blue"))
    assert out == f"<pre>def {anchor(1)}{mark('1', 'blue')}f():\n    return</mark> 1</pre>"


def test_whitespace_between_inline_elements_is_marked_so_the_highlight_has_no_gap():
    out = render("<p><b>New</b> <i>York</i></p>", Span(1, 0, 8, "blue"))
    m = mark("1", "blue")
    assert out == f"<p><b>{anchor(1)}{m}New</mark></b>{m} </mark><i>{m}York</mark></i></p>"


def test_a_newline_after_a_line_break_is_marked():
    out = render("<p>one<br><b>two</b></p>", Span(1, 0, 7, "blue"))
    assert f"<br>{mark('1', 'blue')}\n</mark><b>" in out


def test_the_anchor_sits_inside_the_element_holding_the_start():
    html = '<p>a <a href="https://x.example/">link <em>text</em></a> end</p>'
    out = render(html, Span(8, 7, 11, "yellow"))
    assert f"<em>{anchor(8)}{mark('8')}text</mark></em>" in out


def test_an_anchor_starting_in_a_separator_moves_to_the_next_text():
    # Offsets 3 and 4 are the "\n\n" between the paragraphs: span 2 has nothing to mark
    # but its anchor still works.
    out = render("<p>one</p><p>two</p>", Span(1, 3, 6, "yellow"), Span(2, 4, 5, "blue"))
    assert out == f"<p>one</p>\n\n<p>{anchor(1)}{anchor(2)}{mark('1')}t</mark>wo</p>"


def test_an_anchor_never_lands_between_list_items_or_table_cells():
    html = "<ul><li>a</li><li>b</li></ul><table><tr><td>c</td><td>d</td></tr></table>"
    # body_text is "a\nb\n\nc\td": offset 1 is between the items, 6 between the cells.
    out = render(html, Span(1, 1, 3, "yellow"), Span(2, 6, 8, "blue"))
    assert f"<li>{anchor(1)}{mark('1')}b</mark></li>" in out
    assert f"<td>c</td>\t<td>{anchor(2)}{mark('2', 'blue')}d</mark></td>" in out


def test_entities_count_as_one_character_each():
    html = "<p>a &amp; b &lt;c&gt; d</p>"
    assert text_content(clean_article_html(html)) == "a & b <c> d"
    out = render(html, Span(1, 2, 3, "yellow"), Span(2, 6, 9, "blue"))
    assert out == (
        f"<p>a {anchor(1)}{mark('1')}&amp;</mark> b "
        f"{anchor(2)}{mark('2', 'blue')}&lt;c&gt;</mark> d</p>"
    )


def test_offsets_are_code_points_in_cjk_and_emoji_text():
    html = "<p>東京タワー🗼は高い👍🏽</p>"
    body_text = text_content(clean_article_html(html))
    start = body_text.index("🗼")
    out = render(
        html, Span(1, start, start + 1, "pink"), Span(2, len(body_text) - 2, len(body_text), "blue")
    )
    assert f"{anchor(1)}{mark('1', 'pink')}🗼</mark>は高い" in out
    assert out.endswith(f"{anchor(2)}{mark('2', 'blue')}👍🏽</mark></p>")


@pytest.mark.parametrize(
    ("start", "end"),
    [(2, 2), (3, 1), (-1, 2), (0, 4), (4, 5), (-5, -2)],
    ids=["empty", "reversed", "before", "past-end", "after", "negative"],
)
def test_broken_spans_are_ignored(start, end):
    body = clean_article_html("<p>abc</p>")
    assert render_marks(body, [Span(1, start, end, "yellow")]) == body


def test_a_span_on_the_whole_text_is_drawn():
    out = render("<p>abc</p>", Span(1, 0, 3, "yellow"))
    assert out == f"<p>{anchor(1)}{mark('1')}abc</mark></p>"


def test_a_repeated_id_is_drawn_once_from_its_first_span():
    out = render("<p>abcdef</p>", Span(1, 0, 2, "yellow"), Span(1, 3, 5, "blue"))
    assert out == f"<p>{anchor(1)}{mark('1')}ab</mark>cdef</p>"


def test_colors_and_kinds_are_escaped_as_attribute_values():
    out = render("<p>abc</p>", Span(1, 0, 3, '"><script>x</script>', "a&b"))
    assert 'data-color="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in out
    assert 'data-kind="a&amp;b"' in out


def test_ids_must_be_integers():
    body = clean_article_html("<p>abc</p>")
    with pytest.raises(TypeError):
        render_marks(body, [Span('1" onclick="x', 0, 1, "yellow")])  # type: ignore[arg-type]


def test_the_inline_elements_are_the_sanitizer_phrasing_elements_with_br_and_img():
    from articles.sanitize.policy import PHRASING

    assert frozenset({"br", "img"}) | PHRASING == _INLINE


WORDS = "the quick brown fox jumps over a lazy dog while 東京 & <friends> watch"


def long_article() -> tuple[str, list[Span]]:
    """About 10,000 words in 200 paragraphs with links and emphasis, and 500 spans."""
    words = [escape(w) for w in WORDS.split()]
    paragraphs = []
    for p in range(200):
        ws = [words[(p * 7 + i * 3) % len(words)] for i in range(50)]
        ws[10] = f'<a href="https://x.example/{p}">{ws[10]}</a>'
        ws[30] = f"<em>{ws[30]}</em>"
        paragraphs.append(f"<p>{' '.join(ws)}</p>")
    body = clean_article_html("".join(paragraphs))
    length = len(text_content(body))
    step = length // 500
    spans = [
        Span(i, i * step, i * step + (step * 3 if i % 10 == 0 else 40), "yellow")
        for i in range(500)
    ]
    return body, spans


def test_it_renders_500_spans_on_a_10k_word_article():
    # Speed is measured in bench/, not asserted here; this checks the large case is right.
    body, spans = long_article()
    assert len(text_content(body).split()) >= 10_000
    out = render_marks(body, spans)
    assert out.count('class="hl-anchor"') == 500
    assert text_content(out) == text_content(body)
