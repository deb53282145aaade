"""render_marks for arbitrary articles and spans: the oracle's invariants (tests/marks.py)
hold for whatever hypothesis builds, in any order of the spans."""

from __future__ import annotations

from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.highlights import Span, _unescape, render_marks
from articles.sanitize import clean_article_html, text_content
from tests.marks import check


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&#60;", "&amp", "&", "a", "<", "lt;"])
    ).map("".join)
)
def test_the_fast_unescape_agrees_with_html_unescape(text):
    assert _unescape(text) == unescape(text)


TEXT = st.text(
    alphabet=st.sampled_from(list("ab yz  \t\n\u00a0\u2003&<>\"'é字🗼👍🏽")),
    min_size=1,
    max_size=12,
) | st.text(min_size=1, max_size=6)

IMG = '<img src="https://x.example/i.png" alt="i">'

INLINE = st.recursive(
    TEXT | st.just("<br>") | st.just(IMG),
    lambda kids: st.builds(
        lambda tag, parts: f"<{tag}>{''.join(parts)}</{tag.split()[0]}>",
        st.sampled_from(['a href="https://x.example/"', "em", "strong", "code", "b", "sub"]),
        st.lists(kids, max_size=3),
    ),
    max_leaves=8,
)

INLINES = st.lists(INLINE, max_size=4).map("".join)

TEXT_BLOCK = st.builds(
    lambda tag, inner: f"<{tag}>{inner}</{tag}>",
    st.sampled_from(["p", "h2", "h3", "pre", "blockquote"]),
    INLINES,
)


def containers(blocks: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    content = st.lists(blocks | INLINES, max_size=3).map("".join)
    items = st.lists(content, min_size=1, max_size=3)
    cells = st.lists(
        st.builds("<{0}>{1}</{0}>".format, st.sampled_from(["td", "th"]), content),
        min_size=1,
        max_size=3,
    )
    return (
        st.builds(
            lambda tag, xs: f"<{tag}>{''.join(f'<li>{x}</li>' for x in xs)}</{tag}>",
            st.sampled_from(["ul", "ol"]),
            items,
        )
        | st.lists(cells.map("".join), min_size=1, max_size=3).map(
            lambda rows: f"<table>{''.join(f'<tr>{r}</tr>' for r in rows)}</table>"
        )
        | st.lists(st.tuples(INLINES, content), min_size=1, max_size=2).map(
            lambda pairs: f"<dl>{''.join(f'<dt>{t}</dt><dd>{d}</dd>' for t, d in pairs)}</dl>"
        )
        | content.map("<blockquote>{}</blockquote>".format)
        | content.map("<li>{}</li>".format)  # out of place: the sanitiser repairs it
        | st.builds(
            lambda inner, cap: f"<figure>{inner}<figcaption>{cap}</figcaption></figure>",
            content,
            INLINES,
        )
        | st.just("<hr>")
    )


ARTICLE = st.lists(
    st.recursive(TEXT_BLOCK, containers, max_leaves=6) | INLINES, min_size=1, max_size=5
).map("".join)

# Odd colors test the escaping; control characters are left out because a parser turns
# NUL into U+FFFD and CR into LF in attribute values, so reading them back would differ.
COLOR = st.sampled_from(["yellow", "green", "blue", "pink", "purple"]) | st.text(
    st.characters(exclude_categories=("Cc", "Cs")) | st.sampled_from("\"<>&'"), max_size=4
)

KIND = st.sampled_from(["highlight", "mention"])
STATE = st.sampled_from(["", "changed", "recheck"])


@st.composite
def articles_with_spans(draw: st.DrawFn) -> tuple[str, tuple[Span, ...]]:
    body = clean_article_html(draw(ARTICLE))
    length = len(text_content(body))
    position = st.integers(-2, length + 2)
    width = st.integers(-1, 12) | st.integers(-1, length + 2)
    anchored = st.tuples(st.integers(1, 30), st.integers(0, length), width).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    )
    broken = st.tuples(st.integers(1, 30), position, position)
    if draw(st.booleans()):  # any spans: overlapping, nested, broken, repeated ids
        raw = draw(st.lists(anchored, min_size=1, max_size=8)) + draw(st.lists(broken, max_size=3))
    else:  # side by side, as most highlights are
        cuts = sorted(draw(st.lists(st.integers(0, length), min_size=2, max_size=12)))
        raw = [(i, a, b) for i, (a, b) in enumerate(zip(cuts[::2], cuts[1::2], strict=False))]
    return body, tuple(Span(i, a, b, draw(COLOR), draw(KIND), draw(STATE)) for i, a, b in raw)


@settings(max_examples=200, deadline=None)
@given(articles_with_spans())
def test_marks_cover_exactly_their_spans_and_leave_text_and_structure_alone(case):
    body, spans = case
    check(body, spans, render_marks(body, spans))


@settings(max_examples=100, deadline=None)
@given(articles_with_spans())
def test_rendering_ignores_span_order(case):
    body, spans = case
    # Repeated ids aside (the first one wins), the order spans come in does not matter.
    unique = tuple({s.id: s for s in reversed(spans)}.values())
    assert render_marks(body, unique) == render_marks(body, unique[::-1])
