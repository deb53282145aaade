"""clean_article_html's allow-list (articles/sanitize/policy.py): which elements,
attributes, URLs and characters survive, and what becomes of the rest."""

from __future__ import annotations

import pytest

from tests.html5 import IMG, REL, clean

# Elements.


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


def test_it_removes_control_characters_bom_noncharacters_and_lone_surrogates():
    out = clean(
        "<p>a\x00\x01\x08\x0b\x1f\x7f\x85\ufeff\ufdd0\uffff\U0001fffe\ud800b &#1;&#xFEFF;c</p>"
    )
    assert out == "<p>ab c</p>"


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


def test_it_keeps_http_images_too_since_newsroom_fetches_them_itself():
    html = '<p>a<img src="http://e.org/a.png" alt="A cat">b</p>'
    assert clean(html) == f'<p>a<img src="http://e.org/a.png" alt="A cat"{IMG}b</p>'


@pytest.mark.parametrize(
    "src",
    [
        "//e.org/a.png",
        "/a.png",
        "data:image/png;base64,AAAA",
        "javascript:alert(1)",
        "https:",
        "https://",
        "http:/e.org/a.png",
        "ftp://e.org/a.png",
        "",
    ],
)
def test_it_drops_images_without_an_absolute_http_src(src):
    assert clean(f'<p>a<img src="{src}" alt="alt text">b</p>') == "<p>ab</p>"
