"""clean_article_html and text_content (articles.sanitize): safe for any input, stable,
and its text the text a browser reads.

Every `clean(...)` checks the output against an independent HTML5 parse (tests/html5.py).
The element-by-element rules are in test_sanitize_allowlist.py (what survives) and
test_sanitize_layout.py (the canonical layout of what does).
"""

from __future__ import annotations

import importlib.util
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from articles.sanitize import clean_article_html, text_content
from tests.conftest import CONFORMANCE
from tests.html5 import check_allowed, check_stable, check_text, check_whitespace, clean

# The XSS conformance set.

XSS = CONFORMANCE / "xss"


@pytest.fixture(scope="module")
def xss_payloads():
    if not XSS.is_dir():
        pytest.skip("../shared/conformance is absent; CI provides it")
    spec = importlib.util.spec_from_file_location("check_sanitizer", XSS / "check_sanitizer.py")
    assert spec is not None
    assert spec.loader is not None
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    vectors = json.loads((XSS / "vectors.json").read_text(encoding="utf-8"))
    payloads = [v["payload"] if isinstance(v, dict) else v for v in vectors]
    return oracle.findings, payloads


def test_the_oracle_flags_no_conformance_payload(xss_payloads):
    findings, payloads = xss_payloads
    assert len(payloads) == 490
    flagged = [(p, out, hits) for p in payloads if (hits := findings(out := clean_article_html(p)))]
    assert flagged == []


def test_every_conformance_payload_keeps_text_invariant_and_is_stable(xss_payloads):
    _, payloads = xss_payloads
    for payload in payloads:
        clean(payload)


# Text content.


def test_text_content_reads_entities_and_separators():
    assert text_content("<p>a &amp; b&lt;</p>\n\n<ul><li>c<br>\nd</li></ul>") == "a & b<\n\nc\nd"


def test_it_returns_empty_output_for_empty_input():
    assert clean("") == ""
    assert text_content("") == ""


# Property tests.

TAGS = (
    "p", "div", "span", "b", "i", "em", "a", "ul", "ol", "li", "table", "tr", "td", "th",
    "thead", "tbody", "caption", "pre", "code", "br", "img", "h1", "h3", "blockquote",
    "figure", "figcaption", "dl", "dt", "dd", "mark", "script", "style", "svg", "math", "hr",
    "q", "sub", "textarea", "select", "option", "button", "noscript", "template", "iframe",
    "xmp", "plaintext", "font", "section", "abbr", "time", "listing", "title", "form", "input",
    "object", "colgroup", "col"
)  # fmt: skip

ATTRS = (
    "href", "src", "class", "style", "onclick", "id", "title", "alt", "colspan", "rowspan",
    "datetime", "width", "rel"
)  # fmt: skip

VALUES = st.sampled_from(
    [
        "https://e.org/a.png",
        "http://e.org",
        "javascript:alert(1)",
        " JaVa&#x09;script:x",
        "/rel",
        "#x",
        "data:text/html,x",
        "mailto:a@b",
        "2",
        "x y",
        "",
    ]
) | st.text(max_size=8)

TEXT = st.text(
    alphabet=st.sampled_from(
        list("ab  \t\n\r\f\u00a0&<>\"';#é字\u2003\x00\x01\ufeff\ud800\U0001fffe")
    ),
    max_size=10,
) | st.sampled_from(
    [
        "&nbsp;",
        "&amp;",
        "&#13;",
        "&#0;",
        "&lt;b&gt;",
        "<!--c-->",
        "<br>",
        "</p>",
        "<li>",
        "<td>",
        "<tr>",
    ]
)

ATTR_LIST = st.lists(st.tuples(st.sampled_from(ATTRS), VALUES), max_size=3).map(
    lambda pairs: "".join(f' {k}="{v.replace(chr(34), "&quot;")}"' for k, v in pairs)
)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attrs, kids, close: (
            f"<{tag}{attrs}>{''.join(kids)}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        ATTR_LIST,
        st.lists(children, max_size=4),
        st.booleans(),
    )


# Tag soup too: unclosed and misnested tags are where parsers rewrite the tree.
SOUP = st.lists(
    TEXT
    | st.builds("<{}{}>".format, st.sampled_from(TAGS), ATTR_LIST)
    | st.sampled_from(TAGS).map("</{}>".format),
    max_size=30,
).map("".join)

HTML = (
    st.lists(st.recursive(TEXT, element, max_leaves=25), max_size=5).map("".join) | SOUP | st.text()
)


@settings(max_examples=300, deadline=None)
@given(HTML)
def test_cleaning_twice_changes_nothing(html):
    check_stable(clean_article_html(html))


@settings(max_examples=300, deadline=None)
@given(HTML)
def test_text_content_matches_an_independent_html5_parse_of_the_output(html):
    check_text(clean_article_html(html))


@settings(max_examples=300, deadline=None)
@given(HTML)
def test_no_disallowed_tag_attribute_or_url_survives(html):
    check_allowed(clean_article_html(html))


@settings(max_examples=300, deadline=None)
@given(HTML)
def test_body_text_has_no_stray_whitespace(html):
    check_whitespace(clean_article_html(html))


# A parsed element (the extractor hands over its lxml tree, not markup): the same
# promises hold for a tree no HTML5 parser built, here libxml2's reading of any input.


def _lxml_element(html: str):
    root = etree.fromstring(f"<div>{html}</div>", etree.HTMLParser())
    return root if root is None else root.find(".//div")


def test_the_oracle_flags_no_conformance_payload_read_as_an_element(xss_payloads):
    findings, payloads = xss_payloads
    flagged = []
    for payload in payloads:
        if (element := _lxml_element(payload.replace("\x00", ""))) is not None:
            out = clean_article_html(element)
            check_stable(out)
            if hits := findings(out):
                flagged.append((payload, out, hits))
    assert flagged == []


@settings(max_examples=300, deadline=None)
@given(HTML)
def test_an_element_is_cleaned_with_every_promise_markup_has(html):
    element = _lxml_element(html.replace("\x00", ""))
    if element is None:  # libxml2 read nothing
        return
    out = clean_article_html(element)
    check_allowed(out)
    check_stable(out)
    check_text(out)
    check_whitespace(out)


def test_rows_straight_in_a_table_element_go_in_a_body():
    table = etree.fromstring("<div><table><tr><td>a</td></tr><tr><td>b</td></tr></table></div>")
    assert clean_article_html(table) == clean_article_html(
        "<table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
    )
    assert clean_article_html(table) == (
        "<table><tbody><tr><td>a</td></tr>\n<tr><td>b</td></tr></tbody></table>"
    )


def test_a_heading_inside_a_paragraph_element_ends_the_paragraph_as_a_parser_would():
    para = etree.fromstring('<div><p>a <a href="https://e.org/"><h3>T</h3></a> b</p></div>')
    assert clean_article_html(para) == (
        '<p>a</p>\n\n<h3><a href="https://e.org/" rel="nofollow noopener noreferrer">T</a></h3>'
        "\n\n<p>b</p>"
    )
