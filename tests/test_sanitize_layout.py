"""clean_article_html's canonical layout (articles/sanitize/blocks.py, phrasing.py,
tree.py): blocks and their separators, whitespace, br, pre, lists, tables, and nesting
an HTML parser would rewrite."""

from __future__ import annotations

from articles.sanitize import text_content
from tests.html5 import IMG, clean

# Blocks.


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


# Whitespace.


def test_it_collapses_whitespace_and_nbsp_and_trims_blocks():
    assert clean("<p> \t a \n\r\f b&nbsp;&nbsp;\u00a0c  </p>") == "<p>a b c</p>"


def test_it_collapses_whitespace_across_element_boundaries():
    assert clean("<p>a <b> b </b> <i> c</i> </p>") == "<p>a <b>b </b><i>c</i></p>"


def test_an_image_adds_no_whitespace():
    out = clean('<p>a <img src="https://e.org/i.png"> b</p>')
    assert out == f'<p>a <img src="https://e.org/i.png"{IMG}b</p>'
    assert text_content(out) == "a b"


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
