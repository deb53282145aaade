"""clean_article_html and text_content: safety, the textContent invariant, canonical layout.

The invariant body_text == browser textContent is checked here against an independent
HTML5 parse of the output: html5lib (bleach's vendored copy) building a minidom tree,
not the ElementTree one the sanitiser walks, read the way DOM textContent reads.
"""

import importlib.util
import json
import re
from pathlib import Path
from xml.dom import Node

import pytest
from bleach._vendor import html5lib
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.sanitize import clean_article_html, text_content

XSS = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "xss"
IMG = ' loading="lazy" decoding="async" referrerpolicy="no-referrer">'
REL = ' rel="nofollow noopener noreferrer"'
NO_ATTRIBUTES = (
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "b",
    "i", "u", "s", "sub", "sup", "code", "pre", "kbd", "br", "hr", "table", "thead", "tbody",
    "tfoot", "tr", "figure", "figcaption", "dl", "dt", "dd", "q", "cite", "small"
)  # fmt: skip
ALLOWED: dict[str, set[str]] = {tag: set() for tag in NO_ATTRIBUTES} | {
    "a": {"href", "rel"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "referrerpolicy"},
    "abbr": {"title"},
    "time": {"datetime"},
}
# What the sanitiser collapses; other Unicode spaces (U+2003 ...) are text, as in a browser.
WHITESPACE = " \t\n\r\f\u00a0"
BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data):", re.IGNORECASE)


def parse(html: str) -> Node:
    """The output as a browser would build it inside <div id="article-body">."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("dom"))
    return parser.parseFragment(html, container="div")


def text_nodes(root: Node) -> list[tuple[str, bool]]:
    """Every text node in document order, with whether it sits inside a pre."""
    found: list[tuple[str, bool]] = []
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, in_pre = todo.pop()
        if node.nodeType == Node.TEXT_NODE:
            found.append((node.data, in_pre))
        in_pre = in_pre or getattr(node, "tagName", "") == "pre"
        todo.extend((child, in_pre) for child in reversed(node.childNodes))
    return found


def dom_text(html: str) -> str:
    return "".join(data for data, _ in text_nodes(parse(html)))


def elements(root: Node) -> list[Node]:
    found = []
    todo = list(root.childNodes)
    while todo:
        node = todo.pop()
        assert node.nodeType in {Node.ELEMENT_NODE, Node.TEXT_NODE}, node  # no comments
        if node.nodeType == Node.ELEMENT_NODE:
            found.append(node)
            todo.extend(node.childNodes)
    return found


def check_stable(out: str) -> None:
    assert clean_article_html(out) == out, "not idempotent"


def check_text(out: str) -> None:
    assert dom_text(out) == text_content(out), "text_content differs from the DOM"


def check_allowed(out: str) -> None:
    for el in elements(parse(out)):
        assert el.tagName in ALLOWED, el.tagName
        names = {el.attributes.item(i).name for i in range(el.attributes.length)}
        assert names <= ALLOWED[el.tagName], (el.tagName, names)
        if el.tagName == "a":
            assert not BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", el.getAttribute("href")))
            assert el.getAttribute("rel") == "nofollow noopener noreferrer"
        if el.tagName == "img":
            assert el.getAttribute("src").startswith("https://")


def check_whitespace(out: str) -> None:
    """No whitespace at either end of body text and no double space, pre apart."""
    nodes = [(data, in_pre) for data, in_pre in text_nodes(parse(out)) if data]
    if nodes and not nodes[0][1]:
        assert nodes[0][0][0] not in WHITESPACE, "body text starts with whitespace"
    if nodes and not nodes[-1][1]:
        assert nodes[-1][0][-1] not in WHITESPACE, "body text ends with whitespace"
    # Adjacent nodes join (a space may end one and start the next); pre text breaks them.
    outside_pre = "".join("\0" if in_pre else data for data, in_pre in nodes)
    assert "  " not in outside_pre, "double space outside pre"


def clean(html: str) -> str:
    """clean_article_html, checking every property the rest of Newsroom relies on."""
    out = clean_article_html(html)
    for check in (check_stable, check_text, check_allowed, check_whitespace):
        check(out)
    return out


# The XSS conformance set.


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


# Allow-list.


@pytest.mark.parametrize(
    "tag",
    [
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "noscript",
        "svg",
        "math",
        "title",
        "textarea",
        "select",
        "button",
        "form",
        "video",
    ],
)
def test_it_removes_active_and_ui_elements_with_their_text(tag):
    assert clean(f"<b>keep<{tag}>secret</{tag}> this</b>") == "<p><b>keep this</b></p>"


def test_it_removes_script_elements_and_their_text():
    assert clean("a<script>alert(1)</script>b<SCRIPT SRC=//x.js></SCRIPT>") == "<p>ab</p>"


@pytest.mark.parametrize(
    "tag", ["em", "strong", "b", "i", "u", "s", "sub", "sup", "code", "kbd", "q", "cite", "small"]
)
def test_it_keeps_phrasing_elements(tag):
    assert clean(f"<p>a <{tag}>b</{tag}> c</p>") == f"<p>a <{tag}>b</{tag}> c</p>"


@pytest.mark.parametrize("tag", ["h2", "h3", "h4", "h5", "h6", "p"])
def test_it_keeps_text_blocks(tag):
    assert clean(f"<{tag}>x</{tag}>") == f"<{tag}>x</{tag}>"


def test_it_turns_h1_into_h2():
    assert clean("<h1>Title</h1>") == "<h2>Title</h2>"


@pytest.mark.parametrize("tag", ["mark", "span", "font", "label", "custom-element"])
def test_it_unwraps_mark_span_and_unknown_inline_tags_keeping_text(tag):
    assert clean(f"<p>a<{tag} class=x>b</{tag}>c</p>") == "<p>abc</p>"


def test_it_turns_block_wrappers_into_paragraph_breaks():
    assert clean("<div>a</div><section><article>b</article></section>") == "<p>a</p>\n\n<p>b</p>"


def test_it_drops_class_id_style_and_event_handlers():
    html = '<p class="c" id="i" style="color:red" onclick="x()"><b onmouseover=y>t</b></p>'
    assert clean(html) == "<p><b>t</b></p>"


def test_it_drops_comments():
    assert clean("<p>a<!-- secret -->b</p><!--[if IE]>x<![endif]-->") == "<p>ab</p>"


def test_it_keeps_abbr_title_and_time_datetime():
    html = '<abbr title="  World\nHealth " class=x>WHO</abbr> <time datetime="2024-01-02" x=1>then</time>'
    assert clean(html) == (
        '<p><abbr title="World Health">WHO</abbr> <time datetime="2024-01-02">then</time></p>'
    )


# Links.


@pytest.mark.parametrize(
    "href",
    ["https://example.org/a?b=c#d", "http://example.org", "mailto:a@example.org", "/rel", "#f"],
)
def test_it_keeps_http_mailto_and_relative_links_with_rel(href):
    assert clean(f'<a href="{href}" target=_blank>x</a>') == f'<p><a href="{href}"{REL}>x</a></p>'


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "\x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav&#9;ascript:alert(1)",
        "jav&Tab;ascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
        "javascript&colon;alert(1)",
        "java&#0;script:alert(1)",
        "java\u00a0script:alert(1)",
        "javascript:123",
        "vbscript:msgbox(1)",
        "VbScRiPt:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        " DATA:text/html;base64,PHNjcmlwdD4=",
        "livescript:x",
        "ftp://example.org/file",
        "",
    ],
)
def test_it_unwraps_links_with_other_schemes_in_every_spelling(href):
    quoted = href.replace('"', "&quot;")
    assert clean(f'<p>a <a href="{quoted}">link</a></p>') == "<p>a link</p>"


def test_it_strips_tabs_newlines_and_edge_spaces_from_kept_urls():
    assert (
        clean('<a href=" https://e.org/a\nb ">x</a>')
        == f'<p><a href="https://e.org/ab"{REL}>x</a></p>'
    )


def test_it_never_nests_links():
    out = clean('<a href="/1">a<table><tr><td><a href="/2">b</a></td></tr></table></a>')
    assert out.count("<a ") == 2
    assert "</a></a>" not in out


def test_it_splits_a_link_around_blocks_into_one_link_per_block():
    assert clean('<a href="/x"><p>a</p><p>b</p></a>') == (
        f'<p><a href="/x"{REL}>a</a></p>\n\n<p><a href="/x"{REL}>b</a></p>'
    )


# Images.


def test_it_keeps_https_images_with_safe_attributes_and_lazy_loading():
    html = '<img src="https://e.org/a.png" alt=" A  cat " width=10 height="20px" class=x onerror=y>'
    assert clean(html) == f'<p><img src="https://e.org/a.png" alt="A cat" width="10"{IMG}</p>'


@pytest.mark.parametrize(
    "src",
    [
        "http://e.org/a.png",
        "//e.org/a.png",
        "/a.png",
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        "https:",
        "",
    ],
)
def test_it_drops_images_without_an_https_src(src):
    assert clean(f'<p>a<img src="{src}" alt="alt text">b</p>') == "<p>ab</p>"


def test_it_keeps_figures_with_image_and_caption():
    html = '<figure class=f><img src="https://e.org/a.png"><figcaption> A <b>cat</b> </figcaption></figure>'
    assert clean(html) == (
        f'<figure><img src="https://e.org/a.png"{IMG}<figcaption>A <b>cat</b></figcaption></figure>'
    )


def test_it_separates_figure_parts_with_one_newline():
    html = "<figure><blockquote>q</blockquote><figcaption>c</figcaption></figure>"
    assert (
        clean(html)
        == "<figure><blockquote><p>q</p></blockquote>\n<figcaption>c</figcaption></figure>"
    )


def test_an_image_adds_no_whitespace():
    out = clean('<p>a <img src="https://e.org/i.png"> b</p>')
    assert out == f'<p>a <img src="https://e.org/i.png"{IMG}b</p>'
    assert text_content(out) == "a b"


# Whitespace.


def test_it_collapses_whitespace_and_nbsp_and_trims_blocks():
    assert clean("<p> \t a \n\r\f b&nbsp;&nbsp;\u00a0c  </p>") == "<p>a b c</p>"


def test_it_collapses_whitespace_across_element_boundaries():
    assert clean("<p>a <b> b </b> <i> c</i> </p>") == "<p>a <b>b </b><i>c</i></p>"


def test_it_wraps_bare_top_level_text_in_paragraphs():
    assert clean("a<p>b</p>c<br>d") == "<p>a</p>\n\n<p>b</p>\n\n<p>c<br>\nd</p>"


def test_it_drops_empty_blocks():
    assert (
        clean("<p> </p><p>&nbsp;</p><h2><br></h2><ul><li> </li></ul><blockquote></blockquote>")
        == ""
    )


def test_it_separates_blocks_with_a_blank_line_and_nothing_around_them():
    out = clean("\n <h2>T</h2> \n<p>a</p><blockquote><p>q</p><p>r</p></blockquote><pre>c</pre>\n")
    assert (
        out
        == "<h2>T</h2>\n\n<p>a</p>\n\n<blockquote><p>q</p>\n\n<p>r</p></blockquote>\n\n<pre>c</pre>"
    )
    assert text_content(out) == "T\n\na\n\nq\n\nr\n\nc"


def test_it_puts_no_separator_next_to_textless_blocks():
    out = clean('<p>a</p><hr><p><img src="https://e.org/i.png"></p><p>b</p>')
    assert text_content(out) == "a\n\nb"


def test_it_removes_control_characters_bom_noncharacters_and_lone_surrogates():
    out = clean(
        "<p>a\x00\x01\x08\x0b\x1f\x7f\x85\ufeff\ufdd0\uffff\U0001fffe\ud800b &#1;&#xFEFF;c</p>"
    )
    assert out == "<p>ab c</p>"


def test_it_treats_cr_and_form_feed_as_spaces():
    assert clean("a&#13;b\x0cc\r\nd") == "<p>a b c d</p>"


def test_it_escapes_markup_characters_in_text():
    out = clean("<p>1 &lt; 2 &amp;&amp; 3 &gt; 2 &lt;script&gt;</p>")
    assert out == "<p>1 &lt; 2 &amp;&amp; 3 &gt; 2 &lt;script&gt;</p>"
    assert text_content(out) == "1 < 2 && 3 > 2 <script>"


# br.


def test_it_follows_each_br_between_words_with_a_newline():
    out = clean("<p>a <br> b<br/><br>c</p>")
    assert out == "<p>a<br>\nb<br>\n<br>\nc</p>"
    assert text_content(out) == "a\nb\n\nc"


def test_it_drops_leading_and_trailing_br_and_caps_runs_at_two():
    assert clean("<p><br>a<br><br><br><br>b<br> </p>") == "<p>a<br>\n<br>\nb</p>"


def test_it_keeps_a_br_between_an_image_and_text_without_a_newline():
    out = clean('<p><img src="https://e.org/i.png"><br>caption</p>')
    assert out == f'<p><img src="https://e.org/i.png"{IMG}<br>caption</p>'


# pre.


def test_it_keeps_pre_whitespace_verbatim():
    html = "<pre>def f():\n\treturn  1\n\n\nx</pre>"
    assert clean(html) == html


def test_it_drops_leading_blank_lines_and_trailing_whitespace_in_pre_but_keeps_indentation():
    out = clean("<pre>\n\n  \n    indented\n  more\n\n  </pre>")
    assert out == "<pre>    indented\n  more</pre>"


def test_it_handles_a_leading_newline_inside_code_in_pre():
    assert clean("<pre><code>\nx = 1\n</code></pre>") == "<pre><code>x = 1</code></pre>"


def test_it_turns_cr_and_br_into_newlines_in_pre():
    assert clean("<pre>a&#13;b&#13;\nc<br>d\x0ce</pre>") == "<pre>a\nb\nc\nde</pre>"


def test_it_starts_blocks_nested_in_pre_on_new_lines():
    assert clean("<pre><div>a</div><div>b</div>c</pre>") == "<pre>a\nb\nc</pre>"


# Lists.


def test_it_separates_list_items_with_one_newline():
    out = clean("<ul>\n  <li> a </li>\n  <li>b</li>\n</ul><ol><li>c</ol>")
    assert out == "<ul><li>a</li>\n<li>b</li></ul>\n\n<ol><li>c</li></ol>"
    assert text_content(out) == "a\nb\n\nc"


def test_it_turns_stray_list_content_into_items_and_unwraps_divs_around_items():
    out = clean("<ul>x<div><li>a</li><li>b</li></div><p>y</p></ul>")
    assert out == "<ul><li>x</li>\n<li>a</li>\n<li>b</li>\n<li><p>y</p></li></ul>"


def test_it_keeps_paragraphs_and_nested_lists_in_list_items():
    out = clean("<ul><li><p>a</p><p>b</p></li><li>c<ul><li>d</li></ul></li></ul>")
    assert out == ("<ul><li><p>a</p>\n\n<p>b</p></li>\n<li>c\n\n<ul><li>d</li></ul></li></ul>")
    assert text_content(out) == "a\n\nb\nc\n\nd"


def test_it_wraps_touching_runs_in_a_list_item_in_paragraphs():
    assert (
        clean("<ul><li><div>a</div><div>b</div></li></ul>")
        == "<ul><li><p>a</p>\n\n<p>b</p></li></ul>"
    )


def test_it_treats_list_items_outside_lists_as_paragraphs():
    assert clean("<li>a</li><li>b</li>") == "<p>a</p>\n\n<p>b</p>"


def test_it_keeps_definition_lists():
    out = clean("<dl><dt>t <p>x</p></dt><dd>d</dd><div><dt>t2</dt><dd><p>d2</p></dd></div></dl>")
    assert out == "<dl><dt>t x</dt>\n<dd>d</dd>\n<dt>t2</dt>\n<dd><p>d2</p></dd></dl>"


# Tables.


def test_it_separates_cells_with_tabs_and_rows_with_newlines():
    html = (
        "<table class=t><thead><tr><th colspan=2 style=x>H</th></tr></thead>"
        "<tbody><tr><td>a</td>\n<td rowspan=' 3 '>b</td></tr><tr><td>c</td><td>d</td></tr></tbody></table>"
    )
    out = clean(html)
    assert out == (
        '<table><thead><tr><th colspan="2">H</th></tr></thead>\n'
        '<tbody><tr><td>a</td>\t<td rowspan="3">b</td></tr>\n<tr><td>c</td>\t<td>d</td></tr></tbody></table>'
    )
    assert text_content(out) == "H\na\tb\nc\td"


def test_it_keeps_empty_cells_without_adding_whitespace_for_them():
    out = clean("<table><tr><td></td><td>a</td><td></td></tr><tr><td> </td></tr></table>")
    assert out == "<table><tbody><tr><td></td><td>a</td><td></td></tr></tbody></table>"
    assert text_content(out) == "a"


def test_it_moves_text_outside_cells_before_the_table_like_the_parser():
    out = clean("<table>stray<tr><td>a</td></tr>more</table>")
    assert text_content(out) == "straymore\n\na"


def test_it_turns_a_table_caption_into_a_paragraph_before_it():
    assert clean("<table><caption>Cap</caption><tr><td>a</table>") == (
        "<p>Cap</p>\n\n<table><tbody><tr><td>a</td></tr></tbody></table>"
    )


def test_it_drops_bad_colspan_values():
    out = clean(
        '<table><tr><td colspan="0">a</td><td colspan="x">b</td><td rowspan="-1">c</td></tr></table>'
    )
    assert "span" not in out


def test_it_keeps_block_content_in_cells_and_nested_tables():
    out = clean("<table><tr><td><p>a</p><table><tr><td>b</td></tr></table></td></tr></table>")
    assert text_content(out) == "a\n\nb"


# Nesting the parser would rewrite.


def test_it_closes_a_paragraph_before_a_block_like_the_parser():
    assert clean("<p>a<ul><li>b</li></ul>c</p>") == "<p>a</p>\n\n<ul><li>b</li></ul>\n\n<p>c</p>"


def test_it_flattens_blocks_inside_headings():
    assert clean("<h2>a<div>b</div><p>c</p></h2>") == "<h2>a b c</h2>"


def test_it_wraps_bare_blockquote_text_in_paragraphs():
    assert clean("<blockquote>a<p>b</p>c</blockquote>") == (
        "<blockquote><p>a</p>\n\n<p>b</p>\n\n<p>c</p></blockquote>"
    )


def test_it_repairs_misnested_formatting():
    assert clean("<p><b>a<i>b</b>c</i></p>") == "<p><b>a<i>b</i></b><i>c</i></p>"


def test_it_survives_very_deep_nesting():
    out = clean("<div>" * 300 + "<b>" * 300 + "deep" + "</b>" * 300)
    assert text_content(out) == "deep"
    out = clean("<blockquote>" * 200 + "x")
    assert text_content(out) == "x"


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
